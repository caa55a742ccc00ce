//! The audit trail: appended to, read back, never changed.

use std::fmt;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis, time};
use crate::domain::{AuditAction, AuditEvent, RecordedAction, TicketId, UserId};

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Chat,
    Web,
    Cli,
    Scheduler,
    /// The helpdesk itself (the outbox dispatcher).
    System,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Chat => "chat",
            Origin::Web => "web",
            Origin::Cli => "cli",
            Origin::Scheduler => "scheduler",
            Origin::System => "system",
        })
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub ticket: Option<TicketId>,
    /// `None` when the helpdesk acted by itself or the operator used the command line.
    pub actor: Option<UserId>,
    pub subject_user: Option<UserId>,
    pub action: AuditAction,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub origin: Origin,
    pub at: DateTime<Utc>,
}

pub async fn append(conn: &mut Conn, record: &Record<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (ticket_id, actor_id, subject_user_id, action, old_value, \
         new_value, origin, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(record.ticket.map(|t| t.0))
    .bind(record.actor.map(|u| u.0))
    .bind(record.subject_user.map(|u| u.0))
    .bind(record.action.as_str())
    .bind(record.old_value)
    .bind(record.new_value)
    .bind(record.origin.to_string())
    .bind(millis(record.at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn event(row: &sqlx::any::AnyRow) -> Result<AuditEvent> {
    let ticket: Option<i64> = row.try_get("ticket_id")?;
    let actor: Option<i64> = row.try_get("actor_id")?;
    let subject: Option<i64> = row.try_get("subject_user_id")?;
    Ok(AuditEvent {
        id: row.try_get("id")?,
        ticket: ticket.map(TicketId),
        actor: actor.map(UserId),
        subject_user: subject.map(UserId),
        action: RecordedAction::parse(row.try_get("action")?),
        old_value: row.try_get("old_value")?,
        new_value: row.try_get("new_value")?,
        origin: row.try_get("origin")?,
        at: time(row, "at")?,
    })
}

pub async fn for_ticket(conn: &mut Conn, ticket: TicketId) -> Result<Vec<AuditEvent>> {
    sqlx::query(
        "SELECT id, ticket_id, actor_id, subject_user_id, action, old_value, new_value, origin, at \
         FROM audit_events WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(ticket.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(event)
    .collect()
}

pub async fn for_user(conn: &mut Conn, user: UserId) -> Result<Vec<AuditEvent>> {
    sqlx::query(
        "SELECT id, ticket_id, actor_id, subject_user_id, action, old_value, new_value, origin, at \
         FROM audit_events WHERE subject_user_id = $1 ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(event)
    .collect()
}

/// The latest line of a ticket's trail among `actions` (the last decision taken
/// on it, say), if any.
pub async fn last_of(
    conn: &mut Conn,
    ticket: TicketId,
    actions: &[AuditAction],
) -> Result<Option<AuditEvent>> {
    if actions.is_empty() {
        return Ok(None);
    }
    let placeholders: Vec<String> = (0..actions.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT id, ticket_id, actor_id, subject_user_id, action, old_value, new_value, origin, at \
         FROM audit_events WHERE ticket_id = $1 AND action IN ({}) ORDER BY id DESC LIMIT 1",
        placeholders.join(", ")
    );
    // Only placeholders are put into the text; the actions are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ticket.0);
    for action in actions {
        query = query.bind(action.as_str());
    }
    query
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(event)
        .transpose()
}
