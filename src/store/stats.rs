//! The helpdesk's figures over a period, computed in the database: counts and sums
//! come back aggregated, never one row per ticket.
//!
//! Every figure is limited to a [`Scope`]: the teams whose tickets the viewer may
//! see (admins: all; staff: their teams, confidential ones for `hr` only).

mod days;
mod sql;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use self::days::{local_days, per_day, zero_days};
use self::sql::{
    BACKLOG, CREATED, FIRST_RESPONSE_ORDERED, Filter, POINTS, RATINGS, RESOLUTION_ORDERED,
    RESOLVED, Scoped,
};
pub use self::sql::{Statement, statements};
use super::{Conn, Result, StoreError, millis, parsed};
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
///
/// Nine aggregate statements, each reading one index range; what comes back is a few
/// hundred rows at most, folded here. They run on two connections of `pool` at once,
/// each statement seeing the database as it is then: figures of a busy helpdesk may
/// differ by what was written in between, never by more.
///
/// How the lists are ordered and what some figures mean:
/// - `by_status`, `by_category`, `by_priority`, `by_team`, `backlog`: the values
///   that occur, most tickets first, ties in the domain's order ([`Status::ALL`],
///   [`Priority::ALL`], ids).
/// - `sla_breached`: a ticket counts as missed when it had a target and a target of
///   it was marked missed (first response or resolution).
/// - `first_contact_resolution`: a ticket resolved in the period counts when at
///   most one public message on it was written by someone other than its
///   requester (one answer did it, or none was needed). Internal notes, the
///   requester's messages and the helpdesk's own (no author) do not count.
/// - `per_day`: each day counts what happened within the period, so a day cut by
///   the period's start or end holds only its part, and the days add up to
///   `opened` and `resolved`.
/// - `leaderboard`: every agent with points in the period or a ticket resolved in
///   it (as its assignee), so one who resolved without earning points appears with
///   0 when there is room; most points first, then most resolved, then by name.
/// - With [`Scope::Teams`], ratings, points and resolutions count through their
///   ticket's team; a ledger entry without a ticket counts only for [`Scope::All`].
pub async fn summary(pool: &AnyPool, period: Period, scope: &Scope, tz: Tz) -> Result<Stats> {
    let days = local_days(period, tz);
    let teams = match scope {
        Scope::All => None,
        Scope::Teams(ids) if ids.is_empty() => return Ok(nothing(period, &days)),
        Scope::Teams(ids) => Some(ids.as_slice()),
    };
    let f = Filter {
        from: millis(period.from),
        to: millis(period.to),
        teams,
    };
    // Two halves of about the same cost, each on its own connection: SQLite reads
    // in parallel (WAL), and each connection has its own thread.
    let (mut one, mut two) = (pool.acquire().await?, pool.acquire().await?);
    let by_creation = async {
        let created = created(&mut one, &f).await?;
        let first_response =
            durations(&mut one, &f, &FIRST_RESPONSE_ORDERED, created.answered).await?;
        let resolution = durations(&mut one, &f, &RESOLUTION_ORDERED, created.resolutions).await?;
        Ok::<_, StoreError>((created, first_response, resolution))
    };
    let by_resolution = async {
        let Resolved {
            count,
            first_contact,
            by_agent,
        } = resolved(&mut two, &f).await?;
        let per_day = per_day(&mut two, &f, &days, tz).await?;
        let leaderboard = leaderboard(&mut two, &f, by_agent).await?;
        let satisfaction = satisfaction(&mut two, &f).await?;
        let backlog = backlog(&mut two, &f).await?;
        Ok::<_, StoreError>((
            count,
            first_contact,
            per_day,
            leaderboard,
            satisfaction,
            backlog,
        ))
    };
    let (
        (created, first_response, resolution),
        (resolved, first_contact_resolution, per_day, leaderboard, satisfaction, backlog),
    ) = tokio::try_join!(by_creation, by_resolution)?;
    Ok(Stats {
        period,
        opened: created.opened,
        resolved,
        first_response,
        resolution,
        satisfaction,
        by_status: created.by_status,
        by_category: created.by_category,
        by_priority: created.by_priority,
        by_team: created.by_team,
        backlog,
        sla_breached: created.sla_breached,
        first_contact_resolution,
        per_day,
        leaderboard,
    })
}

/// The figures of a scope without teams: zeros, and the period's days.
fn nothing(period: Period, days: &[NaiveDate]) -> Stats {
    Stats {
        period,
        opened: 0,
        resolved: 0,
        first_response: Durations::default(),
        resolution: Durations::default(),
        satisfaction: Satisfaction::default(),
        by_status: Vec::new(),
        by_category: Vec::new(),
        by_priority: Vec::new(),
        by_team: Vec::new(),
        backlog: Vec::new(),
        sla_breached: Rate::default(),
        first_contact_resolution: Rate::default(),
        per_day: zero_days(days),
        leaderboard: Vec::new(),
    }
}

/// A count or a sum of counts: never negative, or the row is not what it seems.
fn count(row: &AnyRow, column: &'static str) -> Result<u64> {
    let n: i64 = row.try_get(column)?;
    u64::try_from(n).map_err(|_| StoreError::Corrupt {
        column,
        value: n.to_string(),
    })
}

/// What the scan of the tickets created in the period gives.
#[derive(Default)]
struct Created {
    opened: u64,
    by_status: Vec<(Status, u64)>,
    by_category: Vec<(CategoryId, u64)>,
    by_priority: Vec<(Priority, u64)>,
    by_team: Vec<(TeamId, u64)>,
    sla_breached: Rate,
    /// Count of first responses and their sum in ms (for the mean).
    answered: (u64, i64),
    /// Count of resolutions and their sum in ms.
    resolutions: (u64, i64),
}

/// One scan grouped by status, category, priority and team (a few hundred rows),
/// folded into the four breakdowns and the sums.
async fn created(conn: &mut Conn, f: &Filter<'_>) -> Result<Created> {
    let mut status: HashMap<Status, u64> = HashMap::new();
    let mut category: HashMap<CategoryId, u64> = HashMap::new();
    let mut priority: HashMap<Priority, u64> = HashMap::new();
    let mut team: HashMap<TeamId, u64> = HashMap::new();
    let mut c = Created::default();
    for row in CREATED.fetch(conn, f, &[f.from, f.to]).await? {
        let n = count(&row, "n")?;
        c.opened += n;
        *status.entry(parsed(&row, "status")?).or_default() += n;
        *category
            .entry(CategoryId(row.try_get("category_id")?))
            .or_default() += n;
        *priority.entry(parsed(&row, "priority")?).or_default() += n;
        *team.entry(TeamId(row.try_get("team_id")?)).or_default() += n;
        c.answered.0 += count(&row, "answered")?;
        c.answered.1 += row.try_get::<i64, _>("answer_ms")?;
        c.resolutions.0 += count(&row, "resolutions")?;
        c.resolutions.1 += row.try_get::<i64, _>("resolution_ms")?;
        c.sla_breached.whole += count(&row, "with_target")?;
        c.sla_breached.part += count(&row, "missed")?;
    }
    c.by_status = most_first(status, |s| Status::ALL.iter().position(|x| x == s));
    c.by_category = most_first(category, |id| id.0);
    c.by_priority = most_first(priority, |p| *p);
    c.by_team = most_first(team, |id| id.0);
    Ok(c)
}

/// Most tickets first; ties in the order of `key`.
fn most_first<T: Copy, K: Ord>(counts: HashMap<T, u64>, key: impl Fn(&T) -> K) -> Vec<(T, u64)> {
    let mut list: Vec<(T, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| key(&a.0).cmp(&key(&b.0))));
    list
}

/// The mean from the scan's sum, and the median read as the middle one or two
/// durations of the ordered list (`LIMIT`/`OFFSET`: nothing but them comes back).
async fn durations(
    conn: &mut Conn,
    f: &Filter<'_>,
    ordered: &Scoped,
    (count, sum_ms): (u64, i64),
) -> Result<Durations> {
    if count == 0 {
        return Ok(Durations::default());
    }
    let n = i64::try_from(count).unwrap_or(i64::MAX);
    let (take, skip) = if n % 2 == 1 {
        (1, n / 2)
    } else {
        (2, n / 2 - 1)
    };
    let middle = ordered.fetch(conn, f, &[f.from, f.to, take, skip]).await?;
    let mut total = 0_i64;
    for row in &middle {
        total += row.try_get::<i64, _>("d")?;
    }
    let median_ms = if middle.is_empty() {
        None
    } else {
        Some(total as f64 / middle.len() as f64)
    };
    Ok(Durations {
        count,
        mean_secs: Some(sum_ms as f64 / count as f64 / 1000.0),
        median_secs: median_ms.map(|ms| ms / 1000.0),
    })
}

/// The requester's verdicts given in the period.
async fn satisfaction(conn: &mut Conn, f: &Filter<'_>) -> Result<Satisfaction> {
    let mut s = Satisfaction::default();
    let mut stars = 0_u64;
    for row in RATINGS.fetch(conn, f, &[f.from, f.to]).await? {
        let value: i64 = row.try_get("stars")?;
        let slot = usize::try_from(value - 1)
            .ok()
            .filter(|k| *k < 5)
            .ok_or_else(|| StoreError::Corrupt {
                column: "ratings.stars",
                value: value.to_string(),
            })?;
        let n = count(&row, "n")?;
        s.distribution[slot] += n;
        s.count += n;
        stars += n * slot as u64 + n;
    }
    s.average = (s.count > 0).then(|| stars as f64 / s.count as f64);
    Ok(s)
}

async fn backlog(conn: &mut Conn, f: &Filter<'_>) -> Result<Vec<(Status, u64)>> {
    let mut by_status = HashMap::new();
    for row in BACKLOG.fetch(conn, f, &[]).await? {
        by_status.insert(parsed::<Status>(&row, "status")?, count(&row, "n")?);
    }
    Ok(most_first(by_status, |s| {
        Status::ALL.iter().position(|x| x == s)
    }))
}

/// What an agent did in the period, as far as the leaderboard tells.
struct AgentFigures {
    name: String,
    points: i64,
    resolved: u64,
    rated: u64,
    stars: u64,
}

/// What the scan of the tickets resolved in the period gives.
struct Resolved {
    count: u64,
    first_contact: Rate,
    by_agent: HashMap<UserId, AgentFigures>,
}

async fn resolved(conn: &mut Conn, f: &Filter<'_>) -> Result<Resolved> {
    let mut r = Resolved {
        count: 0,
        first_contact: Rate::default(),
        by_agent: HashMap::new(),
    };
    for row in RESOLVED.fetch(conn, f, &[f.from, f.to]).await? {
        let n = count(&row, "n")?;
        r.count += n;
        r.first_contact.whole += n;
        r.first_contact.part += count(&row, "first_contact")?;
        let Some(agent) = row.try_get::<Option<i64>, _>("assignee_id")? else {
            continue;
        };
        r.by_agent.insert(
            UserId(agent),
            AgentFigures {
                name: row
                    .try_get::<Option<String>, _>("display_name")?
                    .unwrap_or_default(),
                points: 0,
                resolved: n,
                rated: count(&row, "rated")?,
                stars: count(&row, "stars")?,
            },
        );
    }
    Ok(r)
}

/// The agents who resolved tickets, joined by those who earned points, ranked.
async fn leaderboard(
    conn: &mut Conn,
    f: &Filter<'_>,
    mut agents: HashMap<UserId, AgentFigures>,
) -> Result<Vec<LeaderboardRow>> {
    for row in POINTS.fetch(conn, f, &[f.from, f.to]).await? {
        let agent = UserId(row.try_get("agent_id")?);
        let name: String = row.try_get("display_name")?;
        let points: i64 = row.try_get("points")?;
        agents
            .entry(agent)
            .or_insert_with(|| AgentFigures {
                name,
                points: 0,
                resolved: 0,
                rated: 0,
                stars: 0,
            })
            .points += points;
    }
    let mut rows: Vec<LeaderboardRow> = agents
        .into_iter()
        .map(|(agent, a)| LeaderboardRow {
            agent,
            name: a.name,
            points: a.points,
            resolved: a.resolved,
            rating: (a.rated > 0).then(|| a.stars as f64 / a.rated as f64),
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.points, b.resolved)
            .cmp(&(a.points, a.resolved))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.agent.cmp(&b.agent))
    });
    rows.truncate(LEADERBOARD_SIZE);
    Ok(rows)
}
