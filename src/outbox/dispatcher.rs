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
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use guichet_chat::{
    Delivered, DeliveryError, FileContent, Outbound, OutgoingFile, Outlet, Recipient, ThreadRef,
};
use rand::Rng;
use tokio::sync::Notify;

use super::Envelope;
use crate::config::OutboxConfig;
use crate::desk::Desk;
use crate::domain::{AuditAction, Language, Platform, TicketId, UserId};
use crate::engine::card;
use crate::i18n::Texts;
use crate::store::audit::{Origin, Record};
use crate::store::outbox::Claimed;
use crate::store::{self, Conn, Store, StoreError};

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
    /// The time, and the catalog the cards name teams and categories from.
    desk: Desk,
    texts: Arc<Texts>,
    /// The staff spaces' language, for cards.
    staff_language: Language,
    config: OutboxConfig,
    /// Names this instance's leases.
    owner: String,
    wake: Arc<Notify>,
}

/// What a row turned into.
enum Prepared {
    Send(Outbound),
    /// Nothing to send any more (a superseded card, a thread forgotten after a transfer).
    Skip,
}

impl Dispatcher {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        outlets: Vec<Arc<dyn Outlet>>,
        desk: Desk,
        texts: Arc<Texts>,
        staff_language: Language,
        config: OutboxConfig,
        wake: Arc<Notify>,
    ) -> Self {
        let owner = format!("{}-{}", std::process::id(), rand::rng().random::<u32>());
        Dispatcher {
            inner: Arc::new(Inner {
                store,
                outlets: outlets.into_iter().map(|o| (o.platform(), o)).collect(),
                desk,
                texts,
                staff_language,
                config,
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
        if me.outlets.is_empty() {
            return Ok(Round::default());
        }
        let now = me.desk.now();
        let lease = TimeDelta::from_std(me.config.lease.0).unwrap_or(TimeDelta::minutes(2));
        let platforms: Vec<Platform> = me.outlets.keys().copied().collect();
        let rows = {
            let mut tx = me.store.begin().await?;
            let rows =
                store::outbox::claim(&mut tx, &me.owner, &platforms, now, now + lease, BATCH)
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
            tasks.spawn(async move { me.deliver(row).await });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok(Outcome::Delivered)) => round.delivered += 1,
                Ok(Ok(Outcome::Retry)) => round.retried += 1,
                Ok(Ok(Outcome::Dead)) => round.dead += 1,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "could not record a delivery; its lease will expire and it will be retried")
                }
                Err(e) => tracing::error!(error = %e, "a delivery task failed"),
            }
        }
        Ok(round)
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
        let Some(outlet) = self.outlets.get(&row.platform) else {
            return Ok(Outcome::Retry);
        };
        let prepared = {
            let mut conn = self.store.pool().acquire().await?;
            self.prepare(&mut conn, &row, &envelope).await?
        };
        let action = match prepared {
            Ok(Prepared::Send(action)) => action,
            Ok(Prepared::Skip) => return self.acknowledge(&row, &envelope, None).await,
            Err(e) => return self.failed(&row, e).await,
        };
        match outlet.deliver(&action).await {
            Ok(delivered) => self.acknowledge(&row, &envelope, Some(delivered)).await,
            Err(e) => self.failed(&row, e).await,
        }
    }

    /// Turns an envelope into the platform's action, resolving ids and drawing cards.
    async fn prepare(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        envelope: &Envelope,
    ) -> Result<Result<Prepared, DeliveryError>, StoreError> {
        let platform = row.platform;
        Ok(Ok(match envelope {
            Envelope::Direct {
                user,
                text,
                buttons,
                files,
                notify,
                ..
            } => {
                let to = match recipient(conn, UserId(*user), platform).await? {
                    Ok(to) => to,
                    Err(e) => return Ok(Err(e)),
                };
                let (files, mut text) =
                    match self.files(conn, platform, files, text.clone()).await? {
                        Ok(found) => found,
                        Err(e) => return Ok(Err(e)),
                    };
                if *notify && buttons.is_empty() && files.is_empty() {
                    Prepared::Send(Outbound::Notify {
                        to,
                        text: std::mem::take(&mut text),
                    })
                } else {
                    Prepared::Send(Outbound::DirectMessage {
                        to,
                        text,
                        buttons: buttons.clone(),
                        files,
                    })
                }
            }
            Envelope::RatingPrompt { user, ticket, text } => {
                let to = match recipient(conn, UserId(*user), platform).await? {
                    Ok(to) => to,
                    Err(e) => return Ok(Err(e)),
                };
                let payloads = [1u8, 2, 3, 4, 5].map(|n| format!("rate:{ticket}:{n}"));
                Prepared::Send(Outbound::RatingPrompt {
                    to,
                    text: text.clone(),
                    payloads,
                })
            }
            Envelope::OpenThread { ticket } => {
                let Some(thread) = store::conversations::thread_of(conn, TicketId(*ticket)).await?
                else {
                    return Ok(Ok(Prepared::Skip));
                };
                if thread.thread.is_some() || thread.platform != platform {
                    return Ok(Ok(Prepared::Skip));
                }
                let Some((title, card)) = self.card(conn, *ticket).await? else {
                    return Ok(Ok(Prepared::Skip));
                };
                Prepared::Send(Outbound::OpenThread {
                    space: thread.space,
                    title,
                    card,
                })
            }
            Envelope::ThreadPost {
                ticket,
                text,
                files,
                thread,
            } => {
                let thread = match self.thread(conn, *ticket, thread).await? {
                    Ok(Some(thread)) => thread,
                    Ok(None) => return Ok(Ok(Prepared::Skip)),
                    Err(e) => return Ok(Err(e)),
                };
                let (files, text) = match self.files(conn, platform, files, text.clone()).await? {
                    Ok(found) => found,
                    Err(e) => return Ok(Err(e)),
                };
                Prepared::Send(Outbound::PostInThread {
                    thread,
                    text,
                    files,
                })
            }
            Envelope::UpdateCard { ticket } => {
                if store::outbox::superseded(conn, row).await? {
                    return Ok(Ok(Prepared::Skip));
                }
                let Some(stored) = store::conversations::thread_of(conn, TicketId(*ticket)).await?
                else {
                    return Ok(Ok(Prepared::Skip));
                };
                let (Some(thread), Some(card_message)) =
                    (stored.thread_ref(), stored.card_message.clone())
                else {
                    return Ok(Ok(Prepared::Skip));
                };
                let Some((title, card)) = self.card(conn, *ticket).await? else {
                    return Ok(Ok(Prepared::Skip));
                };
                Prepared::Send(Outbound::UpdateCard {
                    thread,
                    card_message,
                    title,
                    card,
                })
            }
            Envelope::SetThreadOpen {
                ticket,
                open,
                thread,
            } => match self.thread(conn, *ticket, thread).await? {
                Ok(Some(thread)) => Prepared::Send(Outbound::SetThreadOpen {
                    thread,
                    open: *open,
                }),
                Ok(None) => Prepared::Skip,
                Err(e) => return Ok(Err(e)),
            },
            Envelope::InteractionReply {
                interaction,
                text,
                ephemeral,
            } => Prepared::Send(Outbound::InteractionReply {
                interaction: interaction.clone(),
                text: text.clone(),
                ephemeral: *ephemeral,
            }),
        }))
    }

    /// The ticket's thread title and card, drawn now in the staff's language.
    async fn card(
        &self,
        conn: &mut Conn,
        ticket: i64,
    ) -> Result<Option<(String, guichet_chat::Card)>, StoreError> {
        card::render(
            conn,
            self.desk.catalog(),
            &self.texts,
            self.staff_language,
            TicketId(ticket),
        )
        .await
    }

    /// The thread an envelope names, or the ticket's; `Ok(None)` when the ticket
    /// has none, an error to retry while it is being created.
    async fn thread(
        &self,
        conn: &mut Conn,
        ticket: i64,
        explicit: &Option<ThreadRef>,
    ) -> Result<Result<Option<ThreadRef>, DeliveryError>, StoreError> {
        if let Some(thread) = explicit {
            return Ok(Ok(Some(thread.clone())));
        }
        Ok(
            match store::conversations::thread_of(conn, TicketId(ticket)).await? {
                None => Ok(None),
                Some(stored) => match stored.thread_ref() {
                    Some(thread) => Ok(Some(thread)),
                    None => Err(DeliveryError::Retry {
                        after: None,
                        reason: "the thread is not created yet".into(),
                    }),
                },
            },
        )
    }

    /// Attachments to send on `platform`: by reference on their own platform,
    /// fetched from the other one otherwise. A file that cannot be fetched because
    /// its platform is not connected here is named in the text instead.
    async fn files(
        &self,
        conn: &mut Conn,
        platform: Platform,
        ids: &[i64],
        mut text: String,
    ) -> Result<Result<(Vec<OutgoingFile>, String), DeliveryError>, StoreError> {
        let mut files = Vec::new();
        for id in ids {
            let Some(file) = store::messages::attachment(conn, *id).await? else {
                continue;
            };
            let content = if file.platform == platform {
                FileContent::Reference(file.platform_ref.clone())
            } else if let Some(source) = self.outlets.get(&file.platform) {
                match source.fetch_file(&file.platform_ref).await {
                    Ok(bytes) => FileContent::Bytes(bytes),
                    Err(e) => return Ok(Err(e)),
                }
            } else {
                text.push_str(&format!("\n📎 {}", file.file_name));
                continue;
            };
            files.push(OutgoingFile {
                name: file.file_name,
                content_type: file.content_type,
                content,
            });
        }
        Ok(Ok((files, text)))
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
                Envelope::OpenThread { ticket } => match &delivered.thread {
                    Some(thread) => {
                        let card = delivered.message.as_ref().map(|m| m.message.as_str());
                        store::conversations::thread_created(
                            &mut tx,
                            TicketId(*ticket),
                            &thread.thread,
                            card,
                        )
                        .await?;
                    }
                    None => {
                        tracing::error!(ticket, "the platform opened a thread but returned no id")
                    }
                },
                Envelope::Direct {
                    about: Some(ticket),
                    ..
                }
                | Envelope::RatingPrompt { ticket, .. } => {
                    if let Some(message) = &delivered.message {
                        store::conversations::link_dm(
                            &mut tx,
                            row.platform,
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
        };
        let attempts = row.attempts + 1;
        if attempts >= self.config.max_attempts {
            return self.give_up(row, &error.to_string()).await;
        }
        let wait = backoff(&self.config, attempts, after);
        let next = self.desk.now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::minutes(10));
        tracing::warn!(id = row.id, platform = %row.platform, attempts, wait_ms = wait.as_millis() as u64, %error, "delivery failed; will retry");
        let mut conn = self.store.pool().acquire().await?;
        store::outbox::failed(
            &mut conn,
            row.id,
            &self.owner,
            &error.to_string(),
            next,
            false,
        )
        .await?;
        Ok(Outcome::Retry)
    }

    /// Sets a row aside for good, with a line in the log and in the audit trail.
    async fn give_up(&self, row: &Claimed, reason: &str) -> Result<Outcome, StoreError> {
        tracing::error!(id = row.id, platform = %row.platform, kind = %row.kind, reason, "delivery abandoned: dead letter");
        let mut tx = self.store.begin().await?;
        store::outbox::failed(&mut tx, row.id, &self.owner, reason, self.desk.now(), true).await?;
        let what = format!("{} {} #{}", row.platform, row.kind, row.id);
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

/// Where to reach a user on a platform.
async fn recipient(
    conn: &mut Conn,
    user: UserId,
    platform: Platform,
) -> Result<Result<Recipient, DeliveryError>, StoreError> {
    Ok(
        match store::users::identity_on(conn, user, platform).await? {
            Some((id, chat)) => Ok(Recipient { user: id, chat }),
            None => Err(DeliveryError::Permanent {
                reason: format!("user {user} has no {platform} account"),
            }),
        },
    )
}

/// The wait before attempt `attempts + 1`: `first_retry · 2^(attempts−1)`, capped,
/// with "equal jitter" (between half and all of it) so that many failed rows do not
/// come back at once; never shorter than what the platform asked for.
pub fn backoff(config: &OutboxConfig, attempts: u32, retry_after: Option<Duration>) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let full = config
        .first_retry
        .0
        .saturating_mul(1 << exponent)
        .min(config.max_retry.0);
    let jittered = full / 2 + full.mul_f64(rand::rng().random_range(0.0..0.5));
    jittered.max(retry_after.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HumanDuration;

    fn config() -> OutboxConfig {
        OutboxConfig {
            max_attempts: 10,
            first_retry: HumanDuration(Duration::from_secs(2)),
            max_retry: HumanDuration(Duration::from_secs(600)),
            lease: HumanDuration(Duration::from_secs(120)),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        for attempts in 1..=12 {
            let full = Duration::from_secs(2 * (1 << (attempts - 1))).min(Duration::from_secs(600));
            for _ in 0..50 {
                let wait = backoff(&config(), attempts, None);
                assert!(
                    wait >= full / 2 && wait <= full,
                    "attempt {attempts}: {wait:?} vs {full:?}"
                );
            }
        }
    }

    #[test]
    fn the_platforms_retry_after_wins_when_longer() {
        let wait = backoff(&config(), 1, Some(Duration::from_secs(30)));
        assert_eq!(wait, Duration::from_secs(30));
    }
}
