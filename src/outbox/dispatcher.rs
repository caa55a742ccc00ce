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
use super::backoff::backoff;
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
    Send(Box<Outbound>),
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

fn send(action: Outbound) -> Prepared {
    Prepared::Send(Box::new(action))
}

/// Why a row cannot be sent now: the platform's kind of answer, decided before
/// asking the platform.
type Prepare = Result<Prepared, DeliveryError>;

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
            // Claims only take rows of connected platforms.
            let error = DeliveryError::Retry {
                after: None,
                reason: format!("{} is not connected", row.platform),
            };
            return self.failed(&row, error).await;
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
        // A delivery must end well within the lease, or another instance would send
        // the row again while this one still waits for the platform.
        let limit = self.config.lease.0 / 2;
        match tokio::time::timeout(limit, outlet.deliver(&action)).await {
            Ok(Ok(delivered)) => self.acknowledge(&row, &envelope, Some(delivered)).await,
            Ok(Err(e)) => self.failed(&row, e).await,
            Err(_) => {
                let reason = format!(
                    "no answer from {} within {} s",
                    row.platform,
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

    /// Turns an envelope into the platform's action, resolving ids and drawing cards.
    async fn prepare(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        envelope: &Envelope,
    ) -> Result<Prepare, StoreError> {
        let platform = row.platform;
        Ok(match envelope {
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
                let (files, text) = match self.files(conn, platform, files, text.clone()).await? {
                    Ok(found) => found,
                    Err(e) => return Ok(Err(e)),
                };
                Ok(send(if *notify && buttons.is_empty() && files.is_empty() {
                    Outbound::Notify { to, text }
                } else {
                    Outbound::DirectMessage {
                        to,
                        text,
                        buttons: buttons.clone(),
                        files,
                    }
                }))
            }
            Envelope::RatingPrompt { user, ticket, text } => {
                match recipient(conn, UserId(*user), platform).await? {
                    Ok(to) => Ok(send(Outbound::RatingPrompt {
                        to,
                        text: text.clone(),
                        payloads: crate::engine::rating_payloads(TicketId(*ticket)),
                    })),
                    Err(e) => Err(e),
                }
            }
            Envelope::OpenThread { ticket, plan } => {
                let Some(planned) = store::conversations::plan(conn, *plan).await? else {
                    return Ok(Ok(Prepared::Skip));
                };
                if planned.thread.is_some() {
                    return Ok(Ok(Prepared::Skip));
                }
                match self.card(conn, *ticket).await? {
                    Some((title, card)) => Ok(send(Outbound::OpenThread {
                        space: planned.space,
                        title,
                        card,
                        members: members(conn, *ticket, platform).await?,
                    })),
                    None => Ok(Prepared::Skip),
                }
            }
            Envelope::ThreadPost {
                plan, text, files, ..
            } => {
                let thread = match created_thread(conn, *plan).await? {
                    Ok(thread) => thread.thread,
                    Err(e) => return Ok(Err(e)),
                };
                match self.files(conn, platform, files, text.clone()).await? {
                    Ok((files, text)) => Ok(send(Outbound::PostInThread {
                        thread,
                        text,
                        files,
                    })),
                    Err(e) => Err(e),
                }
            }
            Envelope::UpdateCard { ticket, plan } => {
                if store::outbox::superseded(conn, row).await? {
                    return Ok(Ok(Prepared::Skip));
                }
                let created = match created_thread(conn, *plan).await? {
                    Ok(created) => created,
                    Err(e) => return Ok(Err(e)),
                };
                match (created.card_message, self.card(conn, *ticket).await?) {
                    (Some(card_message), Some((title, card))) => Ok(send(Outbound::UpdateCard {
                        thread: created.thread,
                        card_message,
                        title,
                        card,
                        members: members(conn, *ticket, platform).await?,
                    })),
                    _ => Ok(Prepared::Skip),
                }
            }
            Envelope::SetThreadOpen { plan, open, .. } => {
                match created_thread(conn, *plan).await? {
                    Ok(created) => Ok(send(Outbound::SetThreadOpen {
                        thread: created.thread,
                        open: *open,
                    })),
                    Err(e) => Err(e),
                }
            }
            Envelope::InteractionReply {
                interaction,
                text,
                ephemeral,
            } => Ok(send(Outbound::InteractionReply {
                interaction: interaction.clone(),
                text: text.clone(),
                ephemeral: *ephemeral,
            })),
            Envelope::OpenForm { interaction, form } => Ok(send(Outbound::OpenForm {
                interaction: interaction.clone(),
                form: form.clone(),
            })),
            Envelope::ChannelPost {
                channel,
                text,
                buttons,
            } => Ok(send(Outbound::PostInChannel {
                channel: channel.clone(),
                text: text.clone(),
                buttons: buttons.clone(),
            })),
        })
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
        tracing::warn!(id = row.id, platform = %row.platform, attempts, wait_ms = wait.as_millis() as u64, %error, "delivery failed; will retry");
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

/// A thread the platform created, with its id. Rows of a ticket's conversation go
/// in order, so by the time a post is due its thread's creation was delivered or
/// abandoned: a thread still missing will never come.
struct CreatedThread {
    thread: ThreadRef,
    card_message: Option<String>,
}

async fn created_thread(
    conn: &mut Conn,
    plan: i64,
) -> Result<Result<CreatedThread, DeliveryError>, StoreError> {
    let planned = store::conversations::plan(conn, plan).await?;
    Ok(match planned.as_ref().and_then(|p| p.thread_ref()) {
        Some(thread) => Ok(CreatedThread {
            thread,
            card_message: planned.and_then(|p| p.card_message),
        }),
        None => Err(DeliveryError::Permanent {
            reason: "the ticket's thread was never created".into(),
        }),
    })
}

/// Who must be in the ticket's thread on `platform`: its assignee, when they have an
/// account there.
async fn members(
    conn: &mut Conn,
    ticket: i64,
    platform: Platform,
) -> Result<Vec<String>, StoreError> {
    let Some(assignee) = store::tickets::get(conn, TicketId(ticket))
        .await?
        .and_then(|t| t.assignee)
    else {
        return Ok(Vec::new());
    };
    Ok(store::users::identity_on(conn, assignee, platform)
        .await?
        .map(|(id, _)| id)
        .into_iter()
        .collect())
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
