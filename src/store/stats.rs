//! The helpdesk's figures over a period, computed in the database: counts and sums
//! come back aggregated, never one row per ticket.
//!
//! Every figure is limited to a [`Scope`]: the teams whose tickets the viewer may
//! see (admins: all; staff: their teams, confidential ones for `hr` only).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Conn, Result};
use crate::domain::{CategoryId, Priority, Status, TeamId, UserId};

/// `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Whose tickets count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Only these teams' tickets (empty: nothing).
    Teams(Vec<TeamId>),
}

/// A duration figure over the tickets that have one.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Durations {
    /// How many tickets the figure is computed over.
    pub count: u64,
    pub mean_secs: Option<f64>,
    pub median_secs: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Satisfaction {
    pub count: u64,
    pub average: Option<f64>,
    /// `distribution[0]` is the number of 1-star ratings, … `[4]` of 5 stars.
    pub distribution: [u64; 5],
}

/// `part` out of `whole`, e.g. SLA targets missed out of targets that applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rate {
    pub part: u64,
    pub whole: u64,
}

impl Rate {
    /// In percent; `None` when there is nothing to measure.
    pub fn percent(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part as f64 * 100.0 / self.whole as f64)
    }
}

/// One company-local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub day: NaiveDate,
    pub opened: u64,
    pub resolved: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeaderboardRow {
    pub agent: UserId,
    pub name: String,
    /// Points earned in the period (the ledger, reversals included).
    pub points: i64,
    /// Tickets they resolved in the period.
    pub resolved: u64,
    /// Average stars of the ratings of tickets they resolved in the period.
    pub rating: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub period: Period,
    /// Tickets created in the period.
    pub opened: u64,
    /// Tickets resolved in the period.
    pub resolved: u64,
    /// From creation to the team's first public answer, for tickets created in the
    /// period that have one.
    pub first_response: Durations,
    /// From creation to resolution, for tickets created in the period and resolved.
    pub resolution: Durations,
    /// Ratings given in the period.
    pub satisfaction: Satisfaction,
    /// Tickets created in the period, by their status now.
    pub by_status: Vec<(Status, u64)>,
    pub by_category: Vec<(CategoryId, u64)>,
    pub by_priority: Vec<(Priority, u64)>,
    pub by_team: Vec<(TeamId, u64)>,
    /// Tickets not resolved or closed now, whenever they were created, by status.
    pub backlog: Vec<(Status, u64)>,
    /// Tickets created in the period with an SLA target, and how many missed one
    /// (first response or resolution).
    pub sla_breached: Rate,
    /// Tickets resolved in the period, and how many with a single answer from the team.
    pub first_contact_resolution: Rate,
    /// Every company-local day of the period, oldest first, with zeros included.
    pub per_day: Vec<Day>,
    /// Agents by points earned in the period, best first (at most `LEADERBOARD_SIZE`).
    pub leaderboard: Vec<LeaderboardRow>,
}

pub const LEADERBOARD_SIZE: usize = 10;

/// Computes every figure of [`Stats`]; days are cut in `tz`.
pub async fn summary(conn: &mut Conn, period: Period, scope: &Scope, tz: Tz) -> Result<Stats> {
    let _ = (conn, period, scope, tz);
    todo!("issue 7: statistics")
}
