//! What an operator does about what did not go through: dead letters sent back to
//! their conversation, inbound events that failed for good handed to the engine
//! again. Shared by `guichet outbox` and the API; each is audited
//! (`delivery_retried`) with who asked.

use chrono::{DateTime, Utc};
use guichet_chat::Inbound;

use crate::domain::{AuditAction, UserId};
use crate::engine::{Engine, Handled};
use crate::store::audit::{Origin, Record};
use crate::store::dead_letters::{DeadLetter, RowStatus};
use crate::store::failed_events::FailedEvent;
use crate::store::{self, Store, StoreError};

/// Who asks, for the audit trail: an administrator on the web, the operator at
/// the command line (no user).
#[derive(Debug, Clone, Copy)]
pub struct By {
    pub actor: Option<UserId>,
    pub origin: Origin,
}

/// Which dead letters to retry.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// These, all or none.
    Ids(&'a [i64]),
    /// Every dead letter.
    All,
}

/// Why a retry or a replay was not done; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no outbox row {0}; see `guichet outbox list`")]
    UnknownRow(i64),
    #[error("outbox row {id} is {status}, not a dead letter; only dead letters are retried")]
    NotDead { id: i64, status: RowStatus },
    #[error("no failed event {0}; see `guichet outbox list --failed`")]
    UnknownEvent(i64),
    #[error("failed event {0} was replayed already")]
    AlreadyReplayed(i64),
    /// The kept event is not the port's JSON any more (written by another version).
    #[error("failed event {id} cannot be read back: {cause}")]
    Unreadable { id: i64, cause: String },
    /// The engine failed on it again; it stays set aside.
    #[error("failed event {id} failed again and stays set aside: {cause}")]
    FailedAgain { id: i64, cause: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends dead letters back to their conversations (see `store::dead_letters::revive`):
/// the dispatcher of any running instance delivers them within a second, each
/// once. With ids, either every one is a dead letter and all are revived, or
/// nothing changes. Returns what was revived.
pub async fn retry_dead(
    store: &Store,
    which: Which<'_>,
    by: By,
    now: DateTime<Utc>,
) -> Result<Vec<DeadLetter>, RetryError> {
    let mut tx = store.begin().await?;
    let mut revived = Vec::new();
    match which {
        Which::All => revived = store::dead_letters::revive(&mut tx, None, now).await?,
        Which::Ids(ids) => {
            for &id in ids {
                match store::dead_letters::revive(&mut tx, Some(id), now)
                    .await?
                    .pop()
                {
                    Some(row) => revived.push(row),
                    None => {
                        // Not revived: say why, and change nothing (dropping `tx`
                        // rolls back the rows revived before this one).
                        return Err(match store::dead_letters::status_of(&mut tx, id).await? {
                            None => RetryError::UnknownRow(id),
                            Some(status) => RetryError::NotDead { id, status },
                        });
                    }
                }
            }
        }
    }
    for row in &revived {
        let what = format!("{} {} #{}", row.channel, row.kind, row.id);
        store::audit::append(
            &mut tx,
            &Record {
                ticket: row.ticket,
                actor: by.actor,
                subject_user: None,
                action: AuditAction::DeliveryRetried,
                old_value: Some(&what),
                new_value: row.last_error.as_deref(),
                origin: by.origin,
                at: now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    for row in &revived {
        tracing::info!(id = row.id, channel = %row.channel, kind = %row.kind, origin = %by.origin, "dead letter sent back to the outbox");
    }
    Ok(revived)
}

/// Hands failed event `id` to the engine again, and marks it replayed once the
/// engine took it (or had taken it: its id was recorded meanwhile). A failure
/// leaves it set aside, unmarked.
pub async fn replay_failed(engine: &Engine, id: i64, by: By) -> Result<Handled, RetryError> {
    let store = engine.store();
    let event = {
        let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
        store::failed_events::get(&mut conn, id)
            .await?
            .ok_or(RetryError::UnknownEvent(id))?
    };
    if event.replayed_at.is_some() {
        return Err(RetryError::AlreadyReplayed(id));
    }
    let inbound: Inbound =
        serde_json::from_str(&event.payload).map_err(|e| RetryError::Unreadable {
            id,
            cause: e.to_string(),
        })?;
    let handled = engine
        .replay(inbound)
        .await
        .map_err(|e| RetryError::FailedAgain {
            id,
            cause: crate::engine::error_chain(&e),
        })?;
    let now = engine.desk().now();
    let mut tx = store.begin().await?;
    if !store::failed_events::mark_replayed(&mut tx, id, now).await? {
        // Another operator's replay of the same event marked it first; the engine's
        // record of the event id made this one a no-op.
        return Err(RetryError::AlreadyReplayed(id));
    }
    let what = describe(&event);
    store::audit::append(
        &mut tx,
        &Record {
            ticket: None,
            actor: by.actor,
            subject_user: None,
            action: AuditAction::DeliveryRetried,
            old_value: Some(&what),
            new_value: Some(&event.error),
            origin: by.origin,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(id, platform = %event.platform, event = %event.event_id, ?handled, origin = %by.origin, "failed event replayed");
    Ok(handled)
}

/// Replays every failed event not replayed yet, oldest first (a chat's events in
/// the order they came). Returns each one's outcome; one failing does not stop
/// the others.
pub async fn replay_all(
    engine: &Engine,
    by: By,
) -> Result<Vec<(i64, Result<Handled, RetryError>)>, StoreError> {
    let pending = {
        let mut conn = engine.store().pool().acquire().await?;
        store::failed_events::unreplayed(&mut conn).await?
    };
    let mut outcomes = Vec::with_capacity(pending.len());
    for event in pending {
        outcomes.push((event.id, replay_failed(engine, event.id, by).await));
    }
    Ok(outcomes)
}

/// A failed event as the audit trail names it.
pub fn describe(event: &FailedEvent) -> String {
    format!(
        "{} event {} (failed event #{})",
        event.platform, event.event_id, event.id
    )
}
