//! The agents' points ledger: append-only, one entry per earning event.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis, time};
use crate::domain::{PointsEntry, TicketId, UserId};

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

/// How many entries of `reason` a ticket has.
pub async fn count_for(conn: &mut Conn, ticket: TicketId, reason: &str) -> Result<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM points_ledger WHERE ticket_id = $1 AND reason = $2",
    )
    .bind(ticket.0)
    .bind(reason)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A ticket's entries of `reason`, oldest first.
pub async fn entries_for(
    conn: &mut Conn,
    ticket: TicketId,
    reason: &str,
) -> Result<Vec<PointsEntry>> {
    sqlx::query(
        "SELECT agent_id, ticket_id, reason, points, event_key, at FROM points_ledger \
         WHERE ticket_id = $1 AND reason = $2 ORDER BY id",
    )
    .bind(ticket.0)
    .bind(reason)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(PointsEntry {
            agent: UserId(r.try_get("agent_id")?),
            ticket: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
            reason: r.try_get("reason")?,
            points: r.try_get("points")?,
            event_key: r.try_get("event_key")?,
            at: time(r, "at")?,
        })
    })
    .collect()
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub agent: UserId,
    pub name: String,
    pub points: i64,
}

/// Agents by points earned since `since` (reversals included), best first.
pub async fn leaderboard(
    conn: &mut Conn,
    since: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Standing>> {
    sqlx::query(
        "SELECT p.agent_id, u.display_name, CAST(SUM(p.points) AS BIGINT) AS total \
         FROM points_ledger p JOIN users u ON u.id = p.agent_id WHERE p.at >= $1 \
         GROUP BY p.agent_id, u.display_name ORDER BY total DESC, u.display_name LIMIT $2",
    )
    .bind(millis(since))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Standing {
            agent: UserId(r.try_get("agent_id")?),
            name: r.try_get("display_name")?,
            points: r.try_get("total")?,
        })
    })
    .collect()
}
