//! What the API says of a period's figures.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::{Person, Time, time};
use crate::domain::Catalog;
use crate::store::stats::{Durations, Rate, Stats};

/// The figures of a period, for the teams the caller works for.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Stats)]
pub struct StatsBody {
    period: PeriodBody,
    /// Tickets created in the period.
    opened: u64,
    /// Tickets resolved in the period.
    resolved: u64,
    first_response: DurationsBody,
    resolution: DurationsBody,
    satisfaction: SatisfactionBody,
    /// Tickets created in the period, by their status now.
    by_status: BTreeMap<String, u64>,
    /// By category slug.
    by_category: BTreeMap<String, u64>,
    by_priority: BTreeMap<String, u64>,
    /// By team slug.
    by_team: BTreeMap<String, u64>,
    /// Tickets not resolved now, by status.
    backlog: BTreeMap<String, u64>,
    sla_breached: RateBody,
    first_contact_resolution: RateBody,
    per_day: Vec<DayBody>,
    leaderboard: Vec<LeaderboardRow>,
}

/// From `from` (included) to `to` (excluded).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodBody {
    from: Time,
    to: Time,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DurationsBody {
    count: u64,
    mean_seconds: Option<f64>,
    median_seconds: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionBody {
    count: u64,
    /// Stars, 1 to 5.
    average: Option<f64>,
    /// How many ratings gave 1, 2, 3, 4 and 5 stars.
    distribution: Vec<u64>,
}

/// `part` out of `whole`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateBody {
    part: u64,
    whole: u64,
    /// Null when there is nothing to measure.
    percent: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayBody {
    /// A company-local day: `2025-02-14`.
    #[schema(format = Date)]
    day: String,
    opened: u64,
    resolved: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderboardRow {
    agent: Person,
    points: i64,
    resolved: u64,
    rating: Option<f64>,
}

impl StatsBody {
    pub fn of(s: Stats, catalog: &Catalog) -> StatsBody {
        let counts = |rows: Vec<(String, u64)>| rows.into_iter().collect::<BTreeMap<_, _>>();
        let by_name = |rows: &[(crate::domain::Status, u64)]| {
            counts(
                rows.iter()
                    .map(|(k, n)| (k.as_str().to_owned(), *n))
                    .collect(),
            )
        };
        StatsBody {
            period: PeriodBody {
                from: time(s.period.from),
                to: time(s.period.to),
            },
            opened: s.opened,
            resolved: s.resolved,
            first_response: durations(s.first_response),
            resolution: durations(s.resolution),
            satisfaction: SatisfactionBody {
                count: s.satisfaction.count,
                average: s.satisfaction.average,
                distribution: s.satisfaction.distribution.to_vec(),
            },
            by_status: by_name(&s.by_status),
            by_category: counts(
                s.by_category
                    .iter()
                    .filter_map(|(k, n)| Some((catalog.category(*k)?.slug.clone(), *n)))
                    .collect(),
            ),
            by_priority: counts(
                s.by_priority
                    .iter()
                    .map(|(k, n)| (k.as_str().to_owned(), *n))
                    .collect(),
            ),
            by_team: counts(
                s.by_team
                    .iter()
                    .filter_map(|(k, n)| Some((catalog.team(*k)?.slug.clone(), *n)))
                    .collect(),
            ),
            backlog: by_name(&s.backlog),
            sla_breached: rate(s.sla_breached),
            first_contact_resolution: rate(s.first_contact_resolution),
            per_day: s
                .per_day
                .iter()
                .map(|d| DayBody {
                    day: d.day.to_string(),
                    opened: d.opened,
                    resolved: d.resolved,
                })
                .collect(),
            leaderboard: s
                .leaderboard
                .into_iter()
                .map(|r| LeaderboardRow {
                    agent: Person {
                        id: r.agent.0,
                        name: Some(r.name),
                    },
                    points: r.points,
                    resolved: r.resolved,
                    rating: r.rating,
                })
                .collect(),
        }
    }
}

fn durations(d: Durations) -> DurationsBody {
    DurationsBody {
        count: d.count,
        mean_seconds: d.mean_secs,
        median_seconds: d.median_secs,
    }
}

fn rate(r: Rate) -> RateBody {
    RateBody {
        part: r.part,
        whole: r.whole,
        percent: r.percent(),
    }
}
