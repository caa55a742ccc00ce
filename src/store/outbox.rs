//! The outbox table: rows written with the change that caused them, claimed by a
//! dispatcher under a lease, delivered in order per conversation.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, StoreError, millis};
use crate::domain::{Platform, TicketId};

/// Where a row goes: a chat platform, or e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Channel {
    Chat(Platform),
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chat(platform) => platform.as_str(),
            Channel::Email => "email",
        }
    }

    pub(super) fn parse(text: &str) -> Option<Channel> {
        match text {
            "email" => Some(Channel::Email),
            other => other.parse().ok().map(Channel::Chat),
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which rows a claim takes. Answers to interactions (a button press, a command,
/// a form) must reach the platform within seconds: they have a lane of their own
/// that never waits behind the deliveries of the conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// `interaction_reply` and `open_form` rows.
    Answers,
    /// Everything else.
    Conversations,
}

impl Lane {
    /// The `kind`s of the answers' lane (`answer_kinds_sql!` lists the same for the
    /// claims' SQL; a test keeps them in step).
    pub const ANSWER_KINDS: [&'static str; 2] = ["interaction_reply", "open_form"];

    fn flag(lane: Option<Lane>) -> i64 {
        match lane {
            None => -1,
            Some(Lane::Answers) => 1,
            Some(Lane::Conversations) => 0,
        }
    }
}

/// A row to write.
#[derive(Debug, Clone)]
pub struct NewRow<'a> {
    /// Rows of one conversation are delivered one after the other, in id order.
    pub conversation: &'a str,
    pub channel: Channel,
    /// What the payload is, for coalescing and metrics (`update_card`, `direct`…).
    pub kind: &'a str,
    pub payload: &'a str,
    pub ticket: Option<TicketId>,
    pub at: DateTime<Utc>,
}

pub async fn enqueue(conn: &mut Conn, row: &NewRow<'_>) -> Result<i64> {
    Ok(sqlx::query(
        "INSERT INTO outbox (conversation, platform, kind, payload, ticket_id, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(row.conversation)
    .bind(row.channel.as_str())
    .bind(row.kind)
    .bind(row.payload)
    .bind(row.ticket.map(|t| t.0))
    .bind(millis(row.at))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?)
}

/// Brings the retry of a conversation's waiting thread opening forward to `at`. A
/// waiting opening is the conversation's first pending row (it holds the others
/// back): only that row is looked at, through the pending rows' index.
pub async fn hasten_owed(conn: &mut Conn, conversation: &str, at: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 WHERE id = (\
           SELECT id FROM outbox WHERE conversation = $2 AND status = 'pending' \
           ORDER BY id LIMIT 1) \
         AND kind = 'open_thread' AND attempts > 0 AND next_attempt_at > $1",
    )
    .bind(millis(at))
    .bind(conversation)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every thread owed to a staff space, tried again now (the space was just fixed).
/// Returns how many.
pub async fn hasten_owed_in(
    conn: &mut Conn,
    platform: Platform,
    space: &str,
    at: DateTime<Utc>,
) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 \
         WHERE kind = 'open_thread' AND status = 'pending' AND next_attempt_at > $1 \
           AND conversation IN (SELECT 'thread:' || t.ticket_id FROM ticket_threads t \
                                 WHERE t.platform = $2 AND t.space = $3 AND t.thread IS NULL)",
    )
    .bind(millis(at))
    .bind(platform.as_str())
    .bind(space)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Whether `conversation` has a dead letter about `ticket` older than `id`.
pub async fn dead_before(
    conn: &mut Conn,
    conversation: &str,
    ticket: TicketId,
    id: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS dead FROM outbox WHERE conversation = $1 AND ticket_id = $2 \
         AND status = 'dead' AND id < $3 LIMIT 1",
    )
    .bind(conversation)
    .bind(ticket.0)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// A row's channel, from its `platform` column.
pub(super) fn channel_of(row: &sqlx::any::AnyRow) -> Result<Channel> {
    let channel: String = row.try_get("platform")?;
    Channel::parse(&channel).ok_or(StoreError::Corrupt {
        column: "outbox.platform",
        value: channel,
    })
}

/// A row claimed for delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub conversation: String,
    pub channel: Channel,
    pub kind: String,
    pub payload: String,
    pub ticket: Option<TicketId>,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// Claims up to `limit` due rows for `owner` until `lease_until`: the first pending
/// row of each conversation, on the channels this instance serves, of one lane (or
/// both when `lane` is `None`). A row whose lease ran out (its instance died) can be
/// claimed again.
pub async fn claim(
    conn: &mut Conn,
    owner: &str,
    channels: &[Channel],
    lane: Option<Lane>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Claimed>> {
    // One statement (SQLite runs it atomically); PostgreSQL also skips rows another
    // instance is claiming at this very moment.
    macro_rules! claim_sql {
        ($lock:literal) => {
            concat!(
                "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN (\
                   SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= $3 \
                   AND o.lease_until <= $3 AND ",
                serves_sql!("$4", "$5", "$6", "$7"),
                " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.conversation = o.conversation \
                                   AND e.status = 'pending' AND e.id < o.id) \
                   ORDER BY o.id LIMIT $8",
                $lock,
                ") RETURNING id, conversation, platform, kind, payload, ticket_id, attempts"
            )
        };
    }
    let query = if conn.backend_name() == "PostgreSQL" {
        sqlx::query(claim_sql!(" FOR UPDATE SKIP LOCKED"))
    } else {
        sqlx::query(claim_sql!(""))
    };
    let [discord, telegram, email] = serves(channels);
    let mut rows: Vec<Claimed> = query
        .bind(owner)
        .bind(millis(lease_until))
        .bind(millis(now))
        .bind(discord)
        .bind(telegram)
        .bind(email)
        .bind(Lane::flag(lane))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            let ticket: Option<i64> = row.try_get("ticket_id")?;
            Ok(Claimed {
                id: row.try_get("id")?,
                conversation: row.try_get("conversation")?,
                channel: channel_of(row)?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                ticket: ticket.map(TicketId),
                attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
            })
        })
        .collect::<Result<_>>()?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// The condition on a claimable row `o`: its channel is served (the flags in the
/// first three placeholders) and it is of the lane the fourth asks for (-1: any).
macro_rules! serves_sql {
    ($discord:literal, $telegram:literal, $email:literal, $lane:literal) => {
        concat!(
            "((o.platform = 'discord' AND ",
            $discord,
            " = 1) \
               OR (o.platform = 'telegram' AND ",
            $telegram,
            " = 1) \
               OR (o.platform = 'email' AND ",
            $email,
            " = 1)) \
             AND (",
            $lane,
            " = -1 OR (CASE WHEN o.kind IN ('interaction_reply', 'open_form') \
                                       THEN 1 ELSE 0 END) = ",
            $lane,
            ")"
        )
    };
}
use serves_sql;

fn serves(channels: &[Channel]) -> [i64; 3] {
    [
        Channel::Chat(Platform::Discord),
        Channel::Chat(Platform::Telegram),
        Channel::Email,
    ]
    .map(|c| i64::from(channels.contains(&c)))
}

/// When the next row of `lane` on `channels` may be claimed: the earliest moment a
/// conversation's first pending row is due and not leased. `None`: nothing pending.
/// What a dispatcher sleeps until when it has nothing to do.
pub async fn next_due(
    conn: &mut Conn,
    channels: &[Channel],
    lane: Lane,
) -> Result<Option<DateTime<Utc>>> {
    let [discord, telegram, email] = serves(channels);
    let due: Option<i64> = sqlx::query(concat!(
        "SELECT MIN(CASE WHEN o.lease_until > o.next_attempt_at THEN o.lease_until \
                         ELSE o.next_attempt_at END) AS due \
         FROM outbox o WHERE o.status = 'pending' AND ",
        serves_sql!("$1", "$2", "$3", "$4"),
        " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.conversation = o.conversation \
                          AND e.status = 'pending' AND e.id < o.id)"
    ))
    .bind(discord)
    .bind(telegram)
    .bind(email)
    .bind(Lane::flag(Some(lane)))
    .fetch_one(&mut *conn)
    .await?
    .try_get("due")?;
    due.map(|ms| super::from_millis("outbox.next_attempt_at", ms))
        .transpose()
}

/// Frees the rows `owner` was delivering: a restarted instance takes back its own
/// leases at once instead of waiting for them to run out. Returns how many.
pub async fn release_leases(conn: &mut Conn, owner: &str) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE outbox SET lease_owner = NULL, lease_until = 0 \
         WHERE status = 'pending' AND lease_owner = $1",
    )
    .bind(owner)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Marks a row delivered, if this owner still holds it. Returns whether it did.
pub async fn delivered(conn: &mut Conn, id: i64, owner: &str, at: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'delivered', delivered_at = $1, lease_owner = NULL, lease_until = 0 \
         WHERE id = $2 AND lease_owner = $3 AND status = 'pending'",
    )
    .bind(millis(at))
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// Records a failed attempt: the row waits until `next_attempt_at`, or becomes a
/// dead letter when `dead`.
pub async fn failed(
    conn: &mut Conn,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: DateTime<Utc>,
    dead: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
         status = $3, lease_owner = NULL, lease_until = 0 \
         WHERE id = $4 AND lease_owner = $5 AND status = 'pending'",
    )
    .bind(error)
    .bind(millis(next_attempt_at))
    .bind(if dead { "dead" } else { "pending" })
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts a row back until `next_attempt_at` without counting an attempt: the
/// platform's limits, not a failure, delayed it.
pub async fn later(
    conn: &mut Conn,
    id: i64,
    owner: &str,
    next_attempt_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, lease_owner = NULL, lease_until = 0 \
         WHERE id = $2 AND lease_owner = $3 AND status = 'pending'",
    )
    .bind(millis(next_attempt_at))
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether a later pending row of the same conversation and kind exists: an update
/// about to be superseded need not be sent.
pub async fn superseded(conn: &mut Conn, row: &Claimed) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM outbox WHERE conversation = $1 AND kind = $2 AND status = 'pending' \
         AND id > $3 LIMIT 1",
    )
    .bind(&row.conversation)
    .bind(&row.kind)
    .bind(row.id)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Counts of rows by status, for health checks and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    pub pending: u64,
    pub delivered: u64,
    pub dead: u64,
}

pub async fn backlog(conn: &mut Conn) -> Result<Backlog> {
    let mut backlog = Backlog::default();
    for row in sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        .fetch_all(&mut *conn)
        .await?
    {
        let status: String = row.try_get("status")?;
        let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
        match status.as_str() {
            "pending" => backlog.pending = n,
            "delivered" => backlog.delivered = n,
            _ => backlog.dead = n,
        }
    }
    Ok(backlog)
}

/// Deletes delivered and dead rows written before `before`. Returns how many.
pub async fn purge(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM outbox WHERE status <> 'pending' AND created_at < $1")
            .bind(millis(before))
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}
