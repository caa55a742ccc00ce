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

/// A ticket's staff thread as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketThread {
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

/// Plans a ticket's thread in a staff space (replacing an earlier one after a
/// transfer); the thread id comes once the platform created it.
pub async fn plan_thread(
    conn: &mut Conn,
    ticket: TicketId,
    platform: Platform,
    space: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO ticket_threads (ticket_id, platform, space, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (ticket_id) DO UPDATE SET platform = excluded.platform, space = excluded.space, \
         thread = NULL, card_message = NULL, created_at = excluded.created_at",
    )
    .bind(ticket.0)
    .bind(platform.as_str())
    .bind(space)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn thread_created(
    conn: &mut Conn,
    ticket: TicketId,
    thread: &str,
    card_message: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE ticket_threads SET thread = $1, card_message = $2 WHERE ticket_id = $3")
        .bind(thread)
        .bind(card_message)
        .bind(ticket.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn thread_of(conn: &mut Conn, ticket: TicketId) -> Result<Option<TicketThread>> {
    sqlx::query("SELECT ticket_id, platform, space, thread, card_message FROM ticket_threads WHERE ticket_id = $1")
        .bind(ticket.0)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(ticket_thread)
        .transpose()
}

pub async fn ticket_of_thread(
    conn: &mut Conn,
    platform: Platform,
    thread: &ThreadRef,
) -> Result<Option<TicketId>> {
    Ok(sqlx::query(
        "SELECT ticket_id FROM ticket_threads WHERE platform = $1 AND space = $2 AND thread = $3",
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

/// Forgets a ticket's thread (after a transfer to a team without a staff space).
pub async fn forget_thread(conn: &mut Conn, ticket: TicketId) -> Result<()> {
    sqlx::query("DELETE FROM ticket_threads WHERE ticket_id = $1")
        .bind(ticket.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
