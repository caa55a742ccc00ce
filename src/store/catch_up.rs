//! Where an adapter reads again after a new session with a platform that cannot
//! redeliver (Discord's gateway): the chats with recent activity, and in each the
//! message after which to read.
//!
//! Message ids are compared as numbers: on the platforms that ask (Discord), ids are
//! snowflakes, which grow with time. Message events are recorded in
//! `inbound_events` as `m<message id>`.
//!
//! Three facts bound the point of each chat:
//! - the last message the helpdesk stored from that chat (`dm_links` for a private
//!   chat, `ticket_messages` for a thread). Commands and answers to the bot's
//!   questions leave no such trace, so this is often earlier than the last one
//!   seen: reading more is harmless, the engine absorbs what it had;
//! - the **ceiling**: the newest message event received at least [`MARGIN`] before
//!   the last one. The platform's events are handled concurrently, so a later
//!   message may have been committed while an earlier one was still on its way when
//!   the process died: reading from a little before the last one catches those;
//! - the **floor**: the oldest message event the helpdesk still remembers
//!   (`inbound_events` is pruned after `retention.inbound_events`). A message older
//!   than that which was handled is no longer recognised: reading it again would
//!   handle it twice, so nothing before the floor is read.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis};
use crate::domain::Platform;

/// Chats with activity within this window are read again; older ones are not.
pub const WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);
/// Events of one platform handled concurrently may commit out of order; one still on
/// its way this long after a later one committed is not looked for.
pub const MARGIN: Duration = Duration::from_secs(10 * 60);
/// At most this many private chats and this many threads are read again, the
/// threads of the tickets most recently updated first.
pub const MAX_CHATS: i64 = 500;

/// A chat to read again: its id, the staff space of a thread, and the message after
/// which to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePoint {
    pub chat: String,
    pub space: Option<String>,
    pub after: i64,
}

/// What the helpdesk remembers of a platform's message events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Remembered {
    /// The oldest message id still recorded.
    floor: i64,
    /// The newest message id recorded at least [`MARGIN`] before the last event.
    ceiling: Option<i64>,
}

/// The chats of `platform` active since `now - window` and where to read each from.
/// Empty when the helpdesk remembers no message event of the platform (nothing to
/// compare with: a first start, or a long silence).
pub async fn resume_points(
    conn: &mut Conn,
    platform: Platform,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Vec<ResumePoint>> {
    let Some(remembered) = remembered(conn, platform).await? else {
        return Ok(Vec::new());
    };
    let since = millis(now) - i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let mut points = Vec::new();
    let rows = sqlx::query(
        // With more recent chats than MAX_CHATS, those whose last message is the
        // newest come first (Discord's ids grow with time).
        "SELECT chat, last_seen FROM (\
         SELECT i.dm_chat AS chat, \
                (SELECT MAX(CAST(l.message AS BIGINT)) FROM dm_links l \
                   JOIN ticket_messages m ON m.ticket_id = l.ticket_id \
                    AND m.platform = l.platform AND m.platform_message_id = l.message \
                  WHERE l.platform = i.platform AND l.chat = i.dm_chat) AS last_seen \
         FROM identities i \
         WHERE i.platform = $1 AND i.dm_chat IS NOT NULL \
           AND (i.created_at >= $2 \
                OR EXISTS (SELECT 1 FROM tickets t \
                            WHERE t.requester_id = i.user_id AND t.updated_at >= $2) \
                OR EXISTS (SELECT 1 FROM dialogues d \
                            WHERE d.user_id = i.user_id AND d.updated_at >= $2))\
         ) AS recent ORDER BY COALESCE(last_seen, 0) DESC LIMIT $3",
    )
    .bind(platform.as_str())
    .bind(since)
    .bind(MAX_CHATS)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let last_seen: Option<i64> = row.try_get("last_seen")?;
        points.push(ResumePoint {
            chat: row.try_get("chat")?,
            space: None,
            after: remembered.after(last_seen),
        });
    }
    // A thread's own messages: those stored after it opened, written by someone else
    // than the requester (whose messages come from their private chat).
    let rows = sqlx::query(
        "SELECT tt.thread AS chat, tt.space AS space, \
                (SELECT MAX(CAST(m.platform_message_id AS BIGINT)) FROM ticket_messages m \
                  WHERE m.ticket_id = tt.ticket_id AND m.platform = tt.platform \
                    AND m.platform_message_id IS NOT NULL AND m.created_at >= tt.created_at \
                    AND (m.author_id IS NULL OR m.author_id <> t.requester_id)) AS last_seen \
         FROM ticket_threads tt JOIN tickets t ON t.id = tt.ticket_id \
         WHERE tt.platform = $1 AND tt.thread IS NOT NULL AND t.updated_at >= $2 \
         ORDER BY t.updated_at DESC, tt.id DESC \
         LIMIT $3",
    )
    .bind(platform.as_str())
    .bind(since)
    .bind(MAX_CHATS)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let last_seen: Option<i64> = row.try_get("last_seen")?;
        points.push(ResumePoint {
            chat: row.try_get("chat")?,
            space: Some(row.try_get("space")?),
            after: remembered.after(last_seen),
        });
    }
    Ok(points)
}

impl Remembered {
    /// Where to read a chat from, given the last message stored from it.
    fn after(self, last_seen: Option<i64>) -> i64 {
        let ceiling = self.ceiling.unwrap_or(self.floor);
        last_seen
            .map_or(ceiling, |last| last.min(ceiling))
            .max(self.floor)
    }
}

/// The floor and the ceiling (see the module's documentation). Ids with a `:` are
/// not plain numbers (Telegram's `m<chat>:<message>`) and are left out.
async fn remembered(conn: &mut Conn, platform: Platform) -> Result<Option<Remembered>> {
    let row = sqlx::query(
        "SELECT MIN(CAST(substr(event_id, 2) AS BIGINT)) AS floor, \
                MAX(received_at) AS last_at \
         FROM inbound_events \
         WHERE platform = $1 AND event_id LIKE 'm%' AND event_id NOT LIKE '%:%'",
    )
    .bind(platform.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let floor: Option<i64> = row.try_get("floor")?;
    let last_at: Option<i64> = row.try_get("last_at")?;
    let (Some(floor), Some(last_at)) = (floor, last_at) else {
        return Ok(None);
    };
    let before = last_at - i64::try_from(MARGIN.as_millis()).unwrap_or(i64::MAX);
    let ceiling: Option<i64> = sqlx::query(
        "SELECT MAX(CAST(substr(event_id, 2) AS BIGINT)) AS ceiling \
         FROM inbound_events \
         WHERE platform = $1 AND event_id LIKE 'm%' AND event_id NOT LIKE '%:%' \
           AND received_at <= $2",
    )
    .bind(platform.as_str())
    .bind(before)
    .fetch_one(&mut *conn)
    .await?
    .try_get("ceiling")?;
    Ok(Some(Remembered { floor, ceiling }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_is_read_from_its_last_message_within_the_floor_and_the_ceiling() {
        let r = Remembered {
            floor: 100,
            ceiling: Some(500),
        };
        assert_eq!(r.after(Some(300)), 300, "its own last message");
        assert_eq!(r.after(Some(900)), 500, "no later than the ceiling");
        assert_eq!(r.after(Some(50)), 100, "never before the floor");
        assert_eq!(r.after(None), 500, "unknown: from the ceiling");
        let recent = Remembered {
            floor: 100,
            ceiling: None,
        };
        assert_eq!(recent.after(Some(300)), 100, "all events recent: the floor");
        assert_eq!(recent.after(None), 100);
    }
}
