//! Delivers the outbox through the platform adapters.
//!
//! Two lanes run side by side, each a loop that claims due rows under a lease
//! (one per conversation: a row waits while an earlier row of its conversation is
//! pending) as soon as it has room, and delivers each in a task of its own: the
//! answers to interactions, which must reach the platform within seconds, and the
//! conversations (a user's private chat, a ticket's thread), up to
//! `outbox.concurrency` at once. No round waits for its slowest delivery: a
//! conversation whose platform hangs holds its own slot, never the others'.
//!
//! A failure waits an exponential, jittered delay (or the platform's `retry_after`,
//! if longer); after `max_attempts`, or at once when the platform refuses for good,
//! the row becomes a dead letter, logged and audited. A platform's "not now" (its
//! sending limits, a 429 with `retry_after`) is not a failure: the row comes back
//! exactly then, its attempts unchanged. An idle lane sleeps until the next row is
//! due, or until the engine commits something.
//!
//! Delivery is at least once: an instance that dies after the platform accepted a
//! message and before acknowledging it sends it again when it restarts (it takes
//! back its own leases at once) or when another instance takes the lease over.
//! Each attempt carries the row's key, which Discord turns into a nonce: there the
//! second send returns the first message. Once acknowledged, a row is never sent
//! again.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use guichet_chat::{Delivered, DeliveryError, Outlet};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

mod card;
mod notices;
mod prepare;
mod settle;

use self::prepare::Prepared;
use super::Envelope;
use crate::config::OutboxConfig;
use crate::desk::Desk;
use crate::domain::{Language, Platform};
use crate::i18n::Texts;
use crate::mail::Mailer;
use crate::metrics::{DeliveryOutcome, Metrics};
use crate::store::outbox::{Channel, Claimed, Lane};
use crate::store::{self, Store, StoreError};

/// How many rows one round of [`Dispatcher::run_once`] claims at most.
const BATCH: u32 = 64;
/// How many answers to interactions go out at once.
const ANSWERS_AT_ONCE: usize = 16;
/// The longest an idle lane sleeps without looking for rows it was not woken for
/// (written by another instance).
const POLL: Duration = Duration::from_secs(1);
/// The shortest sleep of a lane: a row due but not claimed (another instance is
/// claiming it) is not asked for again at once.
const NUDGE: Duration = Duration::from_millis(50);
/// What a lane waits, at least, after failing to read the database.
const STORE_PAUSE: Duration = Duration::from_millis(500);

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
    /// Platforms this instance may send to only while it holds their lease (one
    /// sender per Telegram bot keeps the bot's limits whatever the instances).
    gates: BTreeMap<Platform, watch::Receiver<bool>>,
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
    /// Names this instance's leases; the same after a restart.
    owner: String,
    /// Rung by the engine when it commits rows.
    wake: Arc<Notify>,
}

/// What a dispatcher is made of, by name (`crate::app::App::dispatcher_parts`
/// fills it from the application).
pub struct Parts {
    pub store: Store,
    pub outlets: Vec<Arc<dyn Outlet>>,
    /// The SMTP server, when e-mail is configured.
    pub mailer: Option<Arc<Mailer>>,
    pub desk: Desk,
    pub texts: Arc<Texts>,
    /// The staff spaces' language, for cards.
    pub staff_language: Language,
    pub config: OutboxConfig,
    pub metrics: Arc<Metrics>,
    /// Rung by the engine when it commits rows.
    pub wake: Arc<Notify>,
}

impl Dispatcher {
    pub fn new(parts: Parts) -> Self {
        let Parts {
            store,
            outlets,
            mailer,
            desk,
            texts,
            staff_language,
            config,
            metrics,
            wake,
        } = parts;
        let owner = config.instance_name();
        Dispatcher {
            inner: Arc::new(Inner {
                store,
                outlets: outlets.into_iter().map(|o| (o.platform(), o)).collect(),
                gates: BTreeMap::new(),
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

    /// Sends to `platform` only while `held` says this instance holds its lease.
    /// Call before the dispatcher is cloned or run.
    pub fn only_while(mut self, platform: Platform, held: watch::Receiver<bool>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.gates.insert(platform, held);
        } else {
            tracing::error!(%platform, "a gate added to a dispatcher already shared is ignored");
        }
        self
    }

    /// Delivers until `shutdown` resolves, then lets the deliveries in hand finish.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let me = &self.inner;
        match me.release_own_leases().await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(rows = n, instance = %me.owner, "outbox: took back the rows this instance was sending when it stopped")
            }
            Err(e) => {
                tracing::warn!(error = %e, "outbox: could not take back this instance's rows; their leases will run out")
            }
        }
        let (stop, stopped) = watch::channel(false);
        // One bell per lane, rung for every commit: a lane busy claiming when the
        // engine commits finds the bell rung when it next waits.
        let bells = [Arc::new(Notify::new()), Arc::new(Notify::new())];
        let ringer = {
            let (wake, bells) = (me.wake.clone(), bells.clone());
            async move {
                loop {
                    wake.notified().await;
                    for bell in &bells {
                        bell.notify_one();
                    }
                }
            }
        };
        let lanes = async {
            tokio::join!(
                self.lane(Lane::Answers, bells[0].clone(), stopped.clone()),
                self.lane(Lane::Conversations, bells[1].clone(), stopped),
            );
        };
        tokio::pin!(shutdown);
        tokio::select! {
            () = lanes => {}
            () = async {
                shutdown.as_mut().await;
                let _ = stop.send(true);
                std::future::pending::<()>().await
            } => {}
            () = ringer => {}
        }
        tracing::info!("outbox dispatcher stopped");
    }

    /// One lane: claims as many rows as it has free slots, delivers each in its own
    /// task, and claims again as soon as one finishes, the engine commits, or the
    /// next row is due.
    async fn lane(&self, lane: Lane, bell: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
        let me = &self.inner;
        let slots = Arc::new(Semaphore::new(match lane {
            Lane::Answers => ANSWERS_AT_ONCE,
            Lane::Conversations => me.config.concurrency.max(1),
        }));
        let mut running: JoinSet<()> = JoinSet::new();
        // Whether the lane woke from its idle sleep rather than for news.
        let mut timer = false;
        loop {
            if *stopped.borrow() {
                break;
            }
            let free = slots.available_permits();
            // No free slot: only a finished delivery (or news, or a stop) matters.
            // After a quiet sleep, a claim (a write) is made only if a read says
            // something is due, so that an idle service writes nothing.
            // `Some(next due)` when nothing is due now.
            let quiet = if free > 0 && timer {
                match me.next_due(lane).await {
                    Ok(due) if due.is_none_or(|due| due > me.desk.now()) => Some(due),
                    // Due now, or the database cannot tell: the claim will.
                    _ => None,
                }
            } else {
                None
            };
            let claimed = if free == 0 || quiet.is_some() {
                Ok(Vec::new())
            } else {
                me.claim(Some(lane), u32::try_from(free).unwrap_or(BATCH))
                    .await
            };
            let pause = match claimed {
                Ok(_) if free == 0 => None,
                Ok(rows) => {
                    let full = !rows.is_empty() && rows.len() == free;
                    for row in rows {
                        let Ok(slot) = slots.clone().try_acquire_owned() else {
                            break;
                        };
                        let me = self.inner.clone();
                        running.spawn(async move {
                            me.deliver_counted(row).await;
                            drop(slot);
                        });
                    }
                    if full {
                        // There may be more: claim again once a slot frees.
                        None
                    } else if let Some(due) = quiet {
                        Some(me.wait_for(due))
                    } else {
                        Some(me.idle_for(lane).await)
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, ?lane, "outbox: cannot claim rows");
                    Some(STORE_PAUSE)
                }
            };
            let pause = pause.unwrap_or(Duration::MAX);
            timer = false;
            tokio::select! {
                _ = stopped.changed() => {}
                () = bell.notified() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(pause), if pause != Duration::MAX => timer = true,
            }
        }
        // Stopping: the deliveries in hand finish (the caller bounds the wait).
        while running.join_next().await.is_some() {}
    }

    /// One round over both lanes: claim what is due, deliver it, acknowledge. The
    /// tests' way to drive the outbox step by step.
    pub async fn run_once(&self) -> Result<Round, StoreError> {
        let me = &self.inner;
        let rows = me.claim(None, BATCH).await?;
        let mut round = Round {
            claimed: rows.len(),
            ..Round::default()
        };
        let mut tasks = JoinSet::new();
        for row in rows {
            let me = self.inner.clone();
            tasks.spawn(async move { me.deliver_counted(row).await });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Some(Outcome::Delivered)) => round.delivered += 1,
                Ok(Some(Outcome::Retry)) => round.retried += 1,
                Ok(Some(Outcome::Dead)) => round.dead += 1,
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "a delivery task failed"),
            }
        }
        Ok(round)
    }
}

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

/// How one attempt at a row ended.
enum Attempt {
    /// Sent, or nothing to send any more; what the platform created, if anything.
    Sent(Option<Delivered>),
    Failed(DeliveryError),
    /// A row that can never be sent.
    Abandoned(&'static str),
}

impl Inner {
    /// The channels this instance delivers on now: its connected platforms whose
    /// lease, if they need one, it holds; e-mail when a server is configured.
    fn channels(&self) -> Vec<Channel> {
        let mut channels: Vec<Channel> = self
            .outlets
            .keys()
            .copied()
            .filter(|p| self.gates.get(p).is_none_or(|held| *held.borrow()))
            .map(Channel::Chat)
            .collect();
        if self.mailer.is_some() {
            channels.push(Channel::Email);
        }
        channels
    }

    async fn claim(&self, lane: Option<Lane>, limit: u32) -> Result<Vec<Claimed>, StoreError> {
        let channels = self.channels();
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.desk.now();
        let lease = TimeDelta::from_std(self.config.lease.0).unwrap_or(TimeDelta::minutes(2));
        let mut tx = self.store.begin().await?;
        let rows = store::outbox::claim(
            &mut tx,
            &self.owner,
            &channels,
            lane,
            now,
            now + lease,
            limit,
        )
        .await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// When the next row of `lane` may be claimed (`None`: nothing pending).
    async fn next_due(&self, lane: Lane) -> Result<Option<DateTime<Utc>>, StoreError> {
        let channels = self.channels();
        let mut conn = self.store.pool().acquire().await?;
        store::outbox::next_due(&mut conn, &channels, lane).await
    }

    /// How long a lane with nothing claimable may sleep: until its next row is due,
    /// at most [`POLL`].
    async fn idle_for(&self, lane: Lane) -> Duration {
        match self.next_due(lane).await {
            Ok(due) => self.wait_for(due),
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot read when the next row is due");
                POLL
            }
        }
    }

    /// The sleep until `due` (`None`: nothing pending), between [`NUDGE`] and [`POLL`].
    fn wait_for(&self, due: Option<DateTime<Utc>>) -> Duration {
        match due {
            Some(due) => (due - self.desk.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(NUDGE, POLL),
            None => POLL,
        }
    }

    async fn release_own_leases(&self) -> Result<u64, StoreError> {
        let mut tx = self.store.begin().await?;
        let n = store::outbox::release_leases(&mut tx, &self.owner).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Delivers one row and counts the outcome for `/metrics`; `None` when the
    /// outcome could not be recorded (the lease runs out and the row comes again).
    async fn deliver_counted(&self, row: Claimed) -> Option<Outcome> {
        let channel = row.channel;
        let id = row.id;
        let started = std::time::Instant::now();
        match self.deliver(row).await {
            Ok(outcome) => {
                self.metrics.delivery(
                    channel.as_str(),
                    match outcome {
                        Outcome::Delivered => DeliveryOutcome::Delivered,
                        Outcome::Retry => DeliveryOutcome::Retried,
                        Outcome::Dead => DeliveryOutcome::Dead,
                    },
                    started.elapsed(),
                );
                Some(outcome)
            }
            Err(e) => {
                tracing::error!(id, error = %e, "could not record a delivery; its lease will expire and it will be retried");
                None
            }
        }
    }

    async fn deliver(&self, row: Claimed) -> Result<Outcome, StoreError> {
        let span = tracing::info_span!(
            "delivery",
            row = row.id,
            conversation = %row.conversation,
            channel = %row.channel,
            kind = %row.kind,
        );
        self.deliver_in_span(row).instrument(span).await
    }

    async fn deliver_in_span(&self, row: Claimed) -> Result<Outcome, StoreError> {
        let envelope: Envelope = match serde_json::from_str(&row.payload) {
            Ok(envelope) => envelope,
            Err(e) => {
                return self
                    .give_up(&row, None, None, &format!("unreadable payload: {e}"))
                    .await;
            }
        };
        // A delivery, its preparation included (files fetched from the other
        // platform), must end well within the lease, or another claim would send
        // the row again while this one still waits.
        let limit = self.config.lease.0 / 2;
        let attempt = match tokio::time::timeout(limit, self.attempt(&row, &envelope)).await {
            Ok(attempt) => attempt?,
            Err(_) => Attempt::Failed(DeliveryError::Retry {
                after: None,
                reason: format!(
                    "no answer from {} within {} s",
                    row.channel,
                    limit.as_secs()
                ),
            }),
        };
        match attempt {
            Attempt::Sent(delivered) => self.acknowledge(&row, &envelope, delivered).await,
            Attempt::Failed(error) => self.failed(&row, &envelope, error).await,
            Attempt::Abandoned(reason) => self.give_up(&row, Some(&envelope), None, reason).await,
        }
    }

    /// Prepares the row's action and carries it out.
    async fn attempt(&self, row: &Claimed, envelope: &Envelope) -> Result<Attempt, StoreError> {
        let platform = match (row.channel, envelope) {
            (
                Channel::Email,
                Envelope::Mail {
                    to, subject, body, ..
                },
            ) => {
                let Some(mailer) = &self.mailer else {
                    return Ok(Attempt::Failed(not_connected(row.channel)));
                };
                return Ok(match mailer.send(to, subject, body).await {
                    Ok(()) => Attempt::Sent(None),
                    Err(e) => Attempt::Failed(e),
                });
            }
            (Channel::Email, _) | (_, Envelope::Mail { .. }) => {
                return Ok(Attempt::Abandoned("an e-mail row that is not an e-mail"));
            }
            (Channel::Chat(platform), _) => platform,
        };
        // Claims only take rows of connected platforms.
        let Some(outlet) = self.outlets.get(&platform) else {
            return Ok(Attempt::Failed(not_connected(row.channel)));
        };
        let prepared = {
            let mut conn = self.store.pool().acquire().await?;
            self.prepare(&mut conn, platform, row, envelope).await?
        };
        let action = match prepared {
            Ok(Prepared::Send(action)) => action,
            Ok(Prepared::Skip) => return Ok(Attempt::Sent(None)),
            Err(e) => return Ok(Attempt::Failed(e)),
        };
        Ok(match outlet.deliver(&action, &delivery_key(row.id)).await {
            Ok(delivered) => Attempt::Sent(Some(delivered)),
            Err(e) => Attempt::Failed(e),
        })
    }
}
