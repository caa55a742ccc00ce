//! The outbox's dead letters: rows the dispatcher gave up on (`status = 'dead'`),
//! listed for an operator and sent back to their conversation.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::outbox::Channel;
use super::{Conn, Result, StoreError, millis};
use crate::domain::TicketId;

/// A row the dispatcher gave up on, as an operator looks at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: i64,
    pub conversation: String,
    pub channel: Channel,
    pub kind: String,
    pub ticket: Option<TicketId>,
    /// The ticket's reference (`TCK-…`), when the row is about one.
    pub reference: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// A dead row keeps the moment it died in `next_attempt_at` (see the
    /// dispatcher's `give_up`).
    pub died_at: DateTime<Utc>,
}

/// The ticket's reference comes with the row (a subquery, not a join: PostgreSQL
/// locks the rows `revive` reads, which it refuses on an outer join's side).
const DEAD_COLUMNS: &str = "id, conversation, platform, kind, ticket_id, attempts, last_error, \
     next_attempt_at, (SELECT t.reference FROM tickets t WHERE t.id = outbox.ticket_id) AS reference";

fn dead_letter(row: &sqlx::any::AnyRow) -> Result<DeadLetter> {
    let ticket: Option<i64> = row.try_get("ticket_id")?;
    Ok(DeadLetter {
        id: row.try_get("id")?,
        conversation: row.try_get("conversation")?,
        channel: super::outbox::channel_of(row)?,
        kind: row.try_get("kind")?,
        ticket: ticket.map(TicketId),
        reference: row.try_get("reference")?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        last_error: row.try_get("last_error")?,
        died_at: super::time(row, "next_attempt_at")?,
    })
}

/// The dead letters, the latest to die first, at most `limit` (through the
/// `outbox_due` index).
pub async fn list(conn: &mut Conn, limit: u32) -> Result<Vec<DeadLetter>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DEAD_COLUMNS} FROM outbox WHERE status = 'dead' \
         ORDER BY next_attempt_at DESC, id DESC LIMIT $1"
    )))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(dead_letter)
    .collect()
}

/// Where a row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Pending,
    Delivered,
    Dead,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Pending => "pending",
            RowStatus::Delivered => "delivered",
            RowStatus::Dead => "dead",
        }
    }
}

impl std::fmt::Display for RowStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of row `id`; `None` when there is no such row (never written, or
/// purged).
pub async fn status_of(conn: &mut Conn, id: i64) -> Result<Option<RowStatus>> {
    let Some(row) = sqlx::query("SELECT status FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let status: String = row.try_get("status")?;
    Ok(Some(match status.as_str() {
        "pending" => RowStatus::Pending,
        "delivered" => RowStatus::Delivered,
        "dead" => RowStatus::Dead,
        _ => {
            return Err(StoreError::Corrupt {
                column: "outbox.status",
                value: status,
            });
        }
    }))
}

/// Puts dead letter `id` (or, with `None`, every dead letter) back in its
/// conversation: pending, no attempt counted, due at once (by the moment it died,
/// or `now` if that is earlier), under its own id so it keeps its place before the
/// conversation's later rows. Returns the rows revived, as they were while dead.
///
/// Only a dead row changes, in one statement: two operators retrying the same row
/// revive it once, and a revived row is then claimed under a lease like any other,
/// so it is delivered once whatever the number of instances.
pub async fn revive(
    conn: &mut Conn,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<DeadLetter>> {
    // RETURNING gives the new values: read the rows first (in the caller's
    // transaction; PostgreSQL locks them), then revive exactly those.
    let lock = if conn.backend_name() == "PostgreSQL" {
        " FOR UPDATE"
    } else {
        ""
    };
    let rows: Vec<DeadLetter> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DEAD_COLUMNS} FROM outbox WHERE status = 'dead' AND ($1 = -1 OR id = $1) \
         ORDER BY id{lock}"
    )))
    .bind(id.unwrap_or(-1))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(dead_letter)
    .collect::<Result<_>>()?;
    let mut revived = Vec::with_capacity(rows.len());
    for row in rows {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, lease_owner = NULL, lease_until = 0, \
             next_attempt_at = CASE WHEN next_attempt_at < $1 THEN next_attempt_at ELSE $1 END \
             WHERE id = $2 AND status = 'dead'",
        )
        .bind(millis(now))
        .bind(row.id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if done > 0 {
            revived.push(row);
        }
    }
    Ok(revived)
}
