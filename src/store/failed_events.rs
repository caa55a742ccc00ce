//! Inbound events the helpdesk could not take for a reason retrying cannot cure:
//! acknowledged so that their chat goes on, kept with what the platform sent.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, time, time_opt};
use crate::domain::Platform;

/// One failed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedEvent {
    pub id: i64,
    pub platform: Platform,
    pub event_id: String,
    /// The event as the adapter handed it (the port's JSON).
    pub payload: String,
    /// Why it failed, with its causes.
    pub error: String,
    pub failed_at: DateTime<Utc>,
    /// When an operator replayed it and the engine took it.
    pub replayed_at: Option<DateTime<Utc>>,
}

/// Keeps a failed event; the same event failing again keeps its first record.
/// Returns whether it was new.
pub async fn record(
    conn: &mut Conn,
    platform: Platform,
    event_id: &str,
    payload: &str,
    error: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO failed_events (platform, event_id, payload, error, failed_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, event_id) DO NOTHING",
    )
    .bind(platform.as_str())
    .bind(event_id)
    .bind(payload)
    .bind(error)
    .bind(super::millis(at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(done > 0)
}

const COLUMNS: &str = "id, platform, event_id, payload, error, failed_at, replayed_at";

fn failed_event(row: &sqlx::any::AnyRow) -> Result<FailedEvent> {
    Ok(FailedEvent {
        id: row.try_get("id")?,
        platform: super::parsed(row, "platform")?,
        event_id: row.try_get("event_id")?,
        payload: row.try_get("payload")?,
        error: row.try_get("error")?,
        failed_at: time(row, "failed_at")?,
        replayed_at: time_opt(row, "replayed_at")?,
    })
}

/// The failed events not replayed yet, oldest first.
pub async fn unreplayed(conn: &mut Conn) -> Result<Vec<FailedEvent>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM failed_events WHERE replayed_at IS NULL ORDER BY id"
    )))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(failed_event)
    .collect()
}

/// The failed events not replayed yet, the latest first, at most `limit`.
pub async fn latest_unreplayed(conn: &mut Conn, limit: u32) -> Result<Vec<FailedEvent>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM failed_events WHERE replayed_at IS NULL ORDER BY id DESC LIMIT $1"
    )))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(failed_event)
    .collect()
}

/// One failed event, replayed or not.
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<FailedEvent>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM failed_events WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(failed_event)
    .transpose()
}

/// Records that the engine took failed event `id` when it was replayed. Returns
/// whether this call did (`false`: replayed already, or no such event).
pub async fn mark_replayed(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE failed_events SET replayed_at = $1 WHERE id = $2 AND replayed_at IS NULL",
    )
    .bind(super::millis(at))
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(done > 0)
}
