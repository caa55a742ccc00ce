//! The agents' points ledger: append-only, one entry per earning event.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis};
use crate::domain::{PointsEntry, UserId};

/// Appends an entry unless its event already earned points. Returns whether it did.
pub async fn award(conn: &mut Conn, entry: &PointsEntry) -> Result<bool> {
    let added = sqlx::query(
        "INSERT INTO points_ledger (agent_id, ticket_id, reason, points, event_key, at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_key) DO NOTHING",
    )
    .bind(entry.agent.0)
    .bind(entry.ticket.map(|t| t.0))
    .bind(&entry.reason)
    .bind(entry.points)
    .bind(&entry.event_key)
    .bind(millis(entry.at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(added > 0)
}

/// An agent's points earned since a moment (the start of a week, a month).
pub async fn total_since(conn: &mut Conn, agent: UserId, since: DateTime<Utc>) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS total FROM points_ledger WHERE agent_id = $1 AND at >= $2",
    )
    .bind(agent.0)
    .bind(millis(since))
    .fetch_one(&mut *conn)
    .await?
    .try_get("total")?)
}
