//! Delivers the outbox through the platform adapters.
//!
//! Each round claims due rows under a lease (one per conversation: a row waits
//! while an earlier row of its conversation is pending), turns each envelope into
//! the platform's action, delivers the rows of different conversations at the same
//! time, then acknowledges them. A failure waits an exponential, jittered delay (or
//! the platform's `retry_after`, if longer); after `max_attempts`, or at once when
//! the platform refuses for good, the row becomes a dead letter, logged and audited.
//!
//! Delivery is at least once: an instance that dies after the platform accepted a
//! message and before acknowledging it lets its lease run out, and the row is sent
//! again. Once acknowledged, a row is never sent again.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use guichet_chat::{Delivered, DeliveryError, Outlet};
use rand::Rng;
use tokio::sync::Notify;

mod prepare;

use self::prepare::Prepared;
use super::Envelope;
use super::backoff::backoff;
use crate::config::OutboxConfig;
use crate::desk::Desk;
use crate::domain::{AuditAction, Language, Platform, TicketId};
use crate::i18n::Texts;
use crate::mail::Mailer;
use crate::metrics::{DeliveryOutcome, Metrics};
use crate::store::audit::{Origin, Record};
use crate::store::outbox::{Channel, Claimed};
use crate::store::{self, Store, StoreError};

/// How many rows one round claims at most.
const BATCH: u32 = 64;
/// How often an idle dispatcher looks for rows it was not woken for (written by
/// another instance, or due after a backoff).
const POLL: Duration = Duration::from_millis(500);

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub delivered: usize,
    pub retried: usize,
    pub dead: usize,
}

#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    outlets: BTreeMap<Platform, Arc<dyn Outlet>>,
    /// The SMTP server, when e-mail is configured.
    mailer: Option<Arc<Mailer>>,
    /// The time, and the catalog the cards name teams and categories from.
    desk: Desk,
    texts: Arc<Texts>,
    /// The staff spaces' language, for cards.
    staff_language: Language,
    config: OutboxConfig,
    /// Deliveries and failures by channel, for `/metrics`.
    metrics: Arc<Metrics>,
    /// Names this instance's leases.
    owner: String,
    wake: Arc<Notify>,
}

impl Dispatcher {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        outlets: Vec<Arc<dyn Outlet>>,
        mailer: Option<Arc<Mailer>>,
        desk: Desk,
        texts: Arc<Texts>,
        staff_language: Language,
        config: OutboxConfig,
        metrics: Arc<Metrics>,
        wake: Arc<Notify>,
    ) -> Self {
        let owner = format!("{}-{}", std::process::id(), rand::rng().random::<u32>());
        Dispatcher {
            inner: Arc::new(Inner {
                store,
                outlets: outlets.into_iter().map(|o| (o.platform(), o)).collect(),
                mailer,
                desk,
                texts,
                staff_language,
                config,
                metrics,
                owner,
                wake,
            }),
        }
    }

    /// Delivers until `shutdown` resolves, waking when the engine commits.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let busy = match self.run_once().await {
                Ok(round) => round.claimed > 0,
                Err(e) => {
                    tracing::error!(error = %e, "outbox round failed");
                    false
                }
            };
            if busy {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = self.inner.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        tracing::info!("outbox dispatcher stopped");
    }

    /// One round: claim, deliver, acknowledge.
    pub async fn run_once(&self) -> Result<Round, StoreError> {
        let me = &self.inner;
        let mut channels: Vec<Channel> = me.outlets.keys().copied().map(Channel::Chat).collect();
        if me.mailer.is_some() {
            channels.push(Channel::Email);
        }
        if channels.is_empty() {
            return Ok(Round::default());
        }
        let now = me.desk.now();
        let lease = TimeDelta::from_std(me.config.lease.0).unwrap_or(TimeDelta::minutes(2));
        let rows = {
            let mut tx = me.store.begin().await?;
            let rows = store::outbox::claim(&mut tx, &me.owner, &channels, now, now + lease, BATCH)
                .await?;
            tx.commit().await?;
            rows
        };
        let mut round = Round {
            claimed: rows.len(),
            ..Round::default()
        };
        let mut tasks = tokio::task::JoinSet::new();
        for row in rows {
            let me = self.inner.clone();
            tasks.spawn(async move {
                let channel = row.channel;
                (channel, me.deliver(row).await)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (channel, outcome) = match done {
                Ok((channel, Ok(outcome))) => (channel, outcome),
                Ok((_, Err(e))) => {
                    tracing::error!(error = %e, "could not record a delivery; its lease will expire and it will be retried");
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "a delivery task failed");
                    continue;
                }
            };
            let counted = match outcome {
                Outcome::Delivered => {
                    round.delivered += 1;
                    DeliveryOutcome::Delivered
                }
                Outcome::Retry => {
                    round.retried += 1;
                    DeliveryOutcome::Retried
                }
                Outcome::Dead => {
                    round.dead += 1;
                    DeliveryOutcome::Dead
                }
            };
            me.metrics.delivery(channel.as_str(), counted);
        }
        Ok(round)
    }
}

/// The key an outbox row's action carries at every attempt (a Discord nonce).
fn delivery_key(row: i64) -> String {
    format!("g{row}")
}

fn not_connected(channel: Channel) -> DeliveryError {
    DeliveryError::Retry {
        after: None,
        reason: format!("{channel} is not connected"),
    }
}

enum Outcome {
    Delivered,
    Retry,
    Dead,
}

impl Inner {
    async fn deliver(&self, row: Claimed) -> Result<Outcome, StoreError> {
        let envelope: Envelope = match serde_json::from_str(&row.payload) {
            Ok(envelope) => envelope,
            Err(e) => {
                return self
                    .give_up(&row, &format!("unreadable payload: {e}"))
                    .await;
            }
        };
        let sending = match (row.channel, &envelope) {
            (
                Channel::Email,
                Envelope::Mail {
                    to, subject, body, ..
                },
            ) => {
                let Some(mailer) = &self.mailer else {
                    return self.failed(&row, not_connected(row.channel)).await;
                };
                Box::pin(async move { mailer.send(to, subject, body).await.map(|()| None) })
                    as Pin<Box<dyn Future<Output = _> + Send + '_>>
            }
            (Channel::Email, _) | (_, Envelope::Mail { .. }) => {
                return self
                    .give_up(&row, "an e-mail row that is not an e-mail")
                    .await;
            }
            (Channel::Chat(platform), _) => {
                // Claims only take rows of connected platforms.
                let Some(outlet) = self.outlets.get(&platform) else {
                    return self.failed(&row, not_connected(row.channel)).await;
                };
                let prepared = {
                    let mut conn = self.store.pool().acquire().await?;
                    self.prepare(&mut conn, platform, &row, &envelope).await?
                };
                let action = match prepared {
                    Ok(Prepared::Send(action)) => action,
                    Ok(Prepared::Skip) => return self.acknowledge(&row, &envelope, None).await,
                    Err(e) => return self.failed(&row, e).await,
                };
                let key = delivery_key(row.id);
                Box::pin(async move { outlet.deliver(&action, &key).await.map(Some) })
            }
        };
        // A delivery must end well within the lease, or another instance would send
        // the row again while this one still waits for the platform.
        let limit = self.config.lease.0 / 2;
        match tokio::time::timeout(limit, sending).await {
            Ok(Ok(delivered)) => self.acknowledge(&row, &envelope, delivered).await,
            Ok(Err(e)) => self.failed(&row, e).await,
            Err(_) => {
                let reason = format!(
                    "no answer from {} within {} s",
                    row.channel,
                    limit.as_secs()
                );
                self.failed(
                    &row,
                    DeliveryError::Retry {
                        after: None,
                        reason,
                    },
                )
                .await
            }
        }
    }

    /// Records what the platform created and marks the row delivered, in one transaction.
    async fn acknowledge(
        &self,
        row: &Claimed,
        envelope: &Envelope,
        delivered: Option<Delivered>,
    ) -> Result<Outcome, StoreError> {
        let mut tx = self.store.begin().await?;
        if let Some(delivered) = &delivered {
            match envelope {
                Envelope::OpenThread { plan, .. } => match &delivered.thread {
                    Some(thread) => {
                        let card = delivered.message.as_ref().map(|m| m.message.as_str());
                        if !store::conversations::thread_created(
                            &mut tx,
                            *plan,
                            &thread.thread,
                            card,
                        )
                        .await?
                        {
                            tracing::warn!(plan, thread = %thread.thread, "a second thread was opened for one plan; it is left unused");
                        }
                    }
                    None => {
                        tracing::error!(plan, "the platform opened a thread but returned no id")
                    }
                },
                Envelope::Direct {
                    about: Some(ticket),
                    ..
                }
                | Envelope::RatingPrompt { ticket, .. } => {
                    if let (Some(message), Channel::Chat(platform)) =
                        (&delivered.message, row.channel)
                    {
                        store::conversations::link_dm(
                            &mut tx,
                            platform,
                            &message.chat,
                            &message.message,
                            TicketId(*ticket),
                        )
                        .await?;
                    }
                }
                _ => {}
            }
        }
        let ours = store::outbox::delivered(&mut tx, row.id, &self.owner, self.desk.now()).await?;
        tx.commit().await?;
        if !ours {
            tracing::warn!(
                id = row.id,
                "delivered a row whose lease had passed to another instance"
            );
        }
        Ok(Outcome::Delivered)
    }

    async fn failed(&self, row: &Claimed, error: DeliveryError) -> Result<Outcome, StoreError> {
        let after = match &error {
            DeliveryError::Permanent { reason } => return self.give_up(row, reason).await,
            DeliveryError::Retry { after, .. } => *after,
            DeliveryError::Later { after } => {
                let next =
                    self.desk.now() + TimeDelta::from_std(*after).unwrap_or(TimeDelta::minutes(1));
                let mut tx = self.store.begin().await?;
                store::outbox::later(&mut tx, row.id, &self.owner, next).await?;
                tx.commit().await?;
                return Ok(Outcome::Retry);
            }
        };
        let attempts = row.attempts + 1;
        if attempts >= self.config.max_attempts {
            return self.give_up(row, &error.to_string()).await;
        }
        let wait = backoff(&self.config, attempts, after);
        let next = self.desk.now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::minutes(10));
        tracing::warn!(id = row.id, channel = %row.channel, attempts, wait_ms = wait.as_millis() as u64, %error, "delivery failed; will retry");
        // Every write goes through the store's transactions (SQLite's writer queue).
        let mut tx = self.store.begin().await?;
        store::outbox::failed(
            &mut tx,
            row.id,
            &self.owner,
            &error.to_string(),
            next,
            false,
        )
        .await?;
        tx.commit().await?;
        Ok(Outcome::Retry)
    }

    /// Sets a row aside for good, with a line in the log and in the audit trail.
    async fn give_up(&self, row: &Claimed, reason: &str) -> Result<Outcome, StoreError> {
        tracing::error!(id = row.id, channel = %row.channel, kind = %row.kind, reason, "delivery abandoned: dead letter");
        let mut tx = self.store.begin().await?;
        store::outbox::failed(&mut tx, row.id, &self.owner, reason, self.desk.now(), true).await?;
        let what = format!("{} {} #{}", row.channel, row.kind, row.id);
        let record = Record {
            ticket: row.ticket,
            actor: None,
            subject_user: None,
            action: AuditAction::DeliveryAbandoned,
            old_value: Some(&what),
            new_value: Some(reason),
            origin: Origin::System,
            at: self.desk.now(),
        };
        store::audit::append(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(Outcome::Dead)
    }
}
