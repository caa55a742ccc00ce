//! The scheduler's table: one row per ticket and rule, and one per housekeeping
//! task. A claim moves a due row's `due_at` to the end of a lease and names the
//! claim; only the holder of the claim may carry the row's step out, and any write
//! by a ticket's change clears the claim. So a step is done once, by one instance.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, Result, flag, millis, time, time_opt};
use crate::domain::{JobKind, Rule, TeamId, TicketId};

/// Where a rule stands for a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    /// What this run of the rule counts from.
    pub anchor: DateTime<Utc>,
    /// Steps done for this anchor.
    pub step: u32,
    /// Whether the rule applies to the ticket now.
    pub live: bool,
    /// When the next step is due; `None`: nothing left to do.
    pub due: Option<DateTime<Utc>>,
}

/// A row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub ticket: Option<TicketId>,
    pub kind: JobKind,
    pub state: JobState,
}

/// The row's kind, read from its stored name.
fn kind(row: &AnyRow) -> Result<JobKind> {
    Ok(JobKind::parse(row.try_get("kind")?))
}

fn job(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: row.try_get("id")?,
        ticket: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        kind: kind(row)?,
        state: JobState {
            anchor: time(row, "anchor")?,
            step: u32::try_from(row.try_get::<i64, _>("step")?).unwrap_or(u32::MAX),
            live: flag(row, "live")?,
            due: time_opt(row, "due_at")?,
        },
    })
}

macro_rules! select_jobs {
    ($tail:literal) => {
        concat!(
            "SELECT id, ticket_id, kind, anchor, step, live, due_at FROM jobs ",
            $tail
        )
    };
}

/// The rows of a ticket.
pub async fn of_ticket(conn: &mut Conn, ticket: TicketId) -> Result<Vec<Job>> {
    sqlx::query(select_jobs!("WHERE ticket_id = $1 ORDER BY id"))
        .bind(ticket.0)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(job)
        .collect()
}

/// Writes where a rule stands for a ticket; a claim on the row is dropped (the
/// ticket changed: the holder must not act on what it read before).
pub async fn put(
    conn: &mut Conn,
    ticket: TicketId,
    rule: Rule,
    state: &JobState,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (ticket_id, kind, anchor, step, live, due_at, claim, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) \
         ON CONFLICT (ticket_id, kind) WHERE ticket_id IS NOT NULL DO UPDATE SET \
         anchor = excluded.anchor, step = excluded.step, live = excluded.live, \
         due_at = excluded.due_at, claim = NULL, updated_at = excluded.updated_at",
    )
    .bind(ticket.0)
    .bind(rule.as_str())
    .bind(millis(state.anchor))
    .bind(i64::from(state.step))
    .bind(i64::from(state.live))
    .bind(state.due.map(millis))
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

macro_rules! offer_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET due_at = $1, claim = NULL, updated_at = $1 WHERE id IN (\
               SELECT j.id FROM tickets t JOIN jobs j ON j.ticket_id = t.id AND j.kind = $2 \
               WHERE t.team_id = $3 AND t.status = 'open' AND t.assignee_id IS NULL \
               AND j.live = 1 AND (j.due_at IS NULL OR j.due_at > $1)",
            $lock,
            ")"
        )
    };
}

/// Makes the [`Rule::Unassigned`] rows of `team`'s queue (its open tickets nobody has) due
/// at `now`, claims dropped: the next tick gives each ticket to whoever fits now.
/// Called in the transaction of a change that may let someone take tickets; reads
/// the team's queue through `tickets_team_status` and each row through
/// `jobs_ticket_kind`, never the other teams' tickets. On PostgreSQL a row being
/// carried out right now is skipped, not waited for: that step may be about to
/// assign the person this very change concerns, whose row the change holds, and
/// waiting would deadlock; the rule's next attempt offers that ticket again.
/// Returns the rows offered.
pub async fn offer_queue(conn: &mut Conn, team: TeamId, now: DateTime<Utc>) -> Result<u64> {
    let query = if conn.backend_name() == "PostgreSQL" {
        sqlx::query(offer_sql!(" FOR UPDATE OF j SKIP LOCKED"))
    } else {
        sqlx::query(offer_sql!(""))
    };
    let done = query
        .bind(millis(now))
        .bind(Rule::Unassigned.as_str())
        .bind(team.0)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Makes sure a housekeeping task exists, first due at `due`.
pub async fn ensure_housekeeping(
    conn: &mut Conn,
    kind: &JobKind,
    due: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (ticket_id, kind, anchor, step, live, due_at, updated_at) \
         VALUES (NULL, $1, $2, 0, 1, $2, $2) \
         ON CONFLICT (kind) WHERE ticket_id IS NULL DO NOTHING",
    )
    .bind(kind.as_str())
    .bind(millis(due))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET due_at = $1, claim = $2 WHERE id IN (\
               SELECT id FROM jobs WHERE due_at IS NOT NULL AND due_at <= $3 \
               ORDER BY due_at LIMIT $4",
            $lock,
            ") RETURNING id, ticket_id, kind"
        )
    };
}

/// The claim on SQLite (its query plan is printed by `benches/scheduler.rs`):
/// binds the lease's end, the claim, now and the limit.
pub const CLAIM_SQLITE: &str = claim_sql!("");
const CLAIM_POSTGRES: &str = claim_sql!(" FOR UPDATE SKIP LOCKED");

/// A due row taken by one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub ticket: Option<TicketId>,
    pub kind: JobKind,
}

/// Claims up to `limit` rows due at `now`, the oldest first, for `claim` until
/// `lease_until`. One statement: SQLite runs it atomically; PostgreSQL skips the
/// rows another instance is claiming at this very moment.
pub async fn claim(
    conn: &mut Conn,
    claim: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Claimed>> {
    let query = if conn.backend_name() == "PostgreSQL" {
        sqlx::query(CLAIM_POSTGRES)
    } else {
        sqlx::query(CLAIM_SQLITE)
    };
    let mut claimed: Vec<Claimed> = query
        .bind(millis(lease_until))
        .bind(claim)
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            Ok(Claimed {
                id: row.try_get("id")?,
                ticket: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                kind: kind(row)?,
            })
        })
        .collect::<Result<_>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// The row, if `claim` still holds it (locked until the transaction ends on
/// PostgreSQL). `None`: the ticket changed since, and the row was planned again.
pub async fn held(conn: &mut Conn, id: i64, claim: &str) -> Result<Option<Job>> {
    let query = if conn.backend_name() == "PostgreSQL" {
        sqlx::query(select_jobs!("WHERE id = $1 AND claim = $2 FOR UPDATE"))
    } else {
        sqlx::query(select_jobs!("WHERE id = $1 AND claim = $2"))
    };
    query
        .bind(id)
        .bind(claim)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(job)
        .transpose()
}

/// Records what the holder did: the steps done and the next due time; the claim ends.
pub async fn advance(conn: &mut Conn, id: i64, state: &JobState, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET anchor = $1, step = $2, live = $3, due_at = $4, claim = NULL, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(millis(state.anchor))
    .bind(i64::from(state.step))
    .bind(i64::from(state.live))
    .bind(state.due.map(millis))
    .bind(millis(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many rows are due at `now`, and since when the oldest is: the scheduler's lag.
pub async fn due(conn: &mut Conn, now: DateTime<Utc>) -> Result<(u64, Option<DateTime<Utc>>)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(due_at) AS oldest FROM jobs \
         WHERE due_at IS NOT NULL AND due_at <= $1",
    )
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?;
    let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
    Ok((n, time_opt(&row, "oldest")?))
}
