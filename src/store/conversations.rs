//! What ties chat to tickets: events already handled, ticket threads, direct
//! messages about a ticket, and what the bot waits for from each user.

use chrono::{DateTime, Utc};
use guichet_chat::ThreadRef;
use sqlx::Row;

use super::{Conn, Result, StoreError, millis};
use crate::domain::{Platform, TicketId, UserId};

/// Records an inbound event. Returns `false` when it was handled before.
pub async fn first_sight(
    conn: &mut Conn,
    platform: Platform,
    event_id: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let added = sqlx::query(
        "INSERT INTO inbound_events (platform, event_id, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (platform, event_id) DO NOTHING",
    )
    .bind(platform.as_str())
    .bind(event_id)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(added > 0)
}

/// Forgets the ids of events received before `before`: redeliveries come within
/// hours. Returns how many.
pub async fn forget_events(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM inbound_events WHERE received_at < $1")
            .bind(millis(before))
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

/// One staff thread of a ticket, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketThread {
    /// Outbox rows name the thread by this id.
    pub plan: i64,
    pub ticket: TicketId,
    pub platform: Platform,
    pub space: String,
    /// `None` until the platform created it.
    pub thread: Option<String>,
    pub card_message: Option<String>,
}

impl TicketThread {
    pub fn thread_ref(&self) -> Option<ThreadRef> {
        Some(ThreadRef {
            space: self.space.clone(),
            thread: self.thread.clone()?,
        })
    }
}

fn ticket_thread(row: &sqlx::any::AnyRow) -> Result<TicketThread> {
    let platform: String = row.try_get("platform")?;
    Ok(TicketThread {
        plan: row.try_get("id")?,
        ticket: TicketId(row.try_get("ticket_id")?),
        platform: platform.parse().map_err(|_| StoreError::Corrupt {
            column: "ticket_threads.platform",
            value: platform,
        })?,
        space: row.try_get("space")?,
        thread: row.try_get("thread")?,
        card_message: row.try_get("card_message")?,
    })
}

/// Plans a new thread for a ticket in a staff space, as its current thread (a
/// ticket that had one calls [`forget_thread`] first). Returns its id.
pub async fn plan_thread(
    conn: &mut Conn,
    ticket: TicketId,
    platform: Platform,
    space: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query(
        "INSERT INTO ticket_threads (ticket_id, platform, space, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(ticket.0)
    .bind(platform.as_str())
    .bind(space)
    .bind(millis(at))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?)
}

/// The ticket's current thread becomes a past one (the ticket moved to another team);
/// it stays, so what was queued for it still reaches it.
pub async fn forget_thread(conn: &mut Conn, ticket: TicketId) -> Result<()> {
    sqlx::query("UPDATE ticket_threads SET current = 0 WHERE ticket_id = $1 AND current = 1")
        .bind(ticket.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the thread the platform created for a plan. Returns `false` if the plan
/// already had one.
pub async fn thread_created(
    conn: &mut Conn,
    plan: i64,
    thread: &str,
    card_message: Option<&str>,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE ticket_threads SET thread = $1, card_message = $2 WHERE id = $3 AND thread IS NULL",
    )
    .bind(thread)
    .bind(card_message)
    .bind(plan)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(updated > 0)
}

/// Records the card posted in a thread that had none.
pub async fn card_posted(conn: &mut Conn, plan: i64, card_message: &str) -> Result<()> {
    sqlx::query("UPDATE ticket_threads SET card_message = $1 WHERE id = $2")
        .bind(card_message)
        .bind(plan)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The ticket's current thread.
pub async fn thread_of(conn: &mut Conn, ticket: TicketId) -> Result<Option<TicketThread>> {
    sqlx::query(
        "SELECT id, ticket_id, platform, space, thread, card_message FROM ticket_threads \
         WHERE ticket_id = $1 AND current = 1",
    )
    .bind(ticket.0)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(ticket_thread)
    .transpose()
}

/// A thread by its plan id, current or not.
pub async fn plan(conn: &mut Conn, plan: i64) -> Result<Option<TicketThread>> {
    sqlx::query(
        "SELECT id, ticket_id, platform, space, thread, card_message FROM ticket_threads WHERE id = $1",
    )
    .bind(plan)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(ticket_thread)
    .transpose()
}

/// The ticket whose current thread this is; an old thread (before a transfer)
/// belongs to no ticket any more.
pub async fn ticket_of_thread(
    conn: &mut Conn,
    platform: Platform,
    thread: &ThreadRef,
) -> Result<Option<TicketId>> {
    Ok(sqlx::query(
        "SELECT ticket_id FROM ticket_threads WHERE platform = $1 AND space = $2 AND thread = $3 \
         AND current = 1",
    )
    .bind(platform.as_str())
    .bind(&thread.space)
    .bind(&thread.thread)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get("ticket_id").map(TicketId))
    .transpose()?)
}

/// Remembers that a direct message is about a ticket.
pub async fn link_dm(
    conn: &mut Conn,
    platform: Platform,
    chat: &str,
    message: &str,
    ticket: TicketId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dm_links (platform, chat, message, ticket_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (platform, chat, message) DO NOTHING",
    )
    .bind(platform.as_str())
    .bind(chat)
    .bind(message)
    .bind(ticket.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn ticket_of_dm(
    conn: &mut Conn,
    platform: Platform,
    chat: &str,
    message: &str,
) -> Result<Option<TicketId>> {
    Ok(sqlx::query(
        "SELECT ticket_id FROM dm_links WHERE platform = $1 AND chat = $2 AND message = $3",
    )
    .bind(platform.as_str())
    .bind(chat)
    .bind(message)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get("ticket_id").map(TicketId))
    .transpose()?)
}

/// What the bot waits for from a user, as the engine serialised it.
pub async fn dialogue(conn: &mut Conn, user: UserId) -> Result<Option<String>> {
    Ok(
        sqlx::query("SELECT state FROM dialogues WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get("state"))
            .transpose()?,
    )
}

pub async fn set_dialogue(
    conn: &mut Conn,
    user: UserId,
    state: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    match state {
        Some(state) => {
            sqlx::query(
                "INSERT INTO dialogues (user_id, state, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            )
            .bind(user.0)
            .bind(state)
            .bind(millis(at))
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM dialogues WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
