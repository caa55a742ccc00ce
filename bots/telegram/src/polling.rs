//! Long polling with `getUpdates`, acknowledging only what the helpdesk stored.
//!
//! Telegram forgets an update for good once `getUpdates` is called with an offset
//! above its id. teloxide's own polling listener asks for the next batch as soon as
//! it has handed the last one on, so a crash while handlers run lost the batch.
//! Here the offset moves only past updates the engine has committed: the next
//! offset is 1 + the highest update id such that it and every earlier update of the
//! batch are done (stored, or refused for good).
//!
//! The remaining window: updates committed but not yet confirmed (the batch being
//! handled, or a finished batch whose confirming `getUpdates` has not gone out) come
//! again after a crash. The engine records every event under a key of its own
//! (`inbound_events`: `m<chat>:<message>` for messages, `cb<id>` for button presses)
//! in the transaction that handles it, so a second delivery is recognised and
//! dropped: nothing is lost, nothing is handled twice.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use guichet_chat::{Connected, InboundSink};
use teloxide::payloads::GetUpdatesSetters;
use teloxide::prelude::Requester;
use teloxide::requests::Request;
use teloxide::types::{Update, UpdateKind, UserId};
use teloxide::{ApiError, Bot, RequestError};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use crate::inbound::{ALLOWED_UPDATES, to_inbound};

/// Long-polling wait, in seconds: short enough for a prompt stop, long enough not
/// to hammer the Bot API.
const POLL_TIMEOUT_S: u32 = 10;
/// How many chats of one batch are handled at once (each chat's updates in order).
const CHATS_AT_ONCE: usize = 8;
/// How long a stopping poller may take to finish the updates in hand.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Waits between attempts when Telegram cannot be reached or refuses to poll.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
/// Another instance polling the same bot: said at most this often.
const CONFLICT_LOG_EVERY: Duration = Duration::from_secs(60);
/// Waits between attempts at an update the helpdesk could not take yet.
const FIRST_RETRY: Duration = Duration::from_millis(200);
const LONGEST_RETRY: Duration = Duration::from_secs(30);
/// How many times an update's handling may panic before it is passed over.
const PANICS_BEFORE_PASSING_OVER: u32 = 3;

/// Receives updates by long polling until `shutdown` resolves, handing each to
/// `sink` and confirming it to Telegram only once `sink` has stored it (see the
/// module documentation). Telegram being unreachable, failing or polled by another
/// instance is retried with growing pauses; `connected` is up while polls succeed.
pub async fn run_polling(
    bot: Bot,
    sink: Arc<dyn InboundSink>,
    connected: Connected,
    shutdown: impl Future<Output = ()>,
) {
    let (stop, stopping) = watch::channel(false);
    let poller = Poller {
        bot,
        sink,
        connected: connected.clone(),
        stopping,
        panics: Default::default(),
    };
    let polling = poller.run();
    tokio::pin!(polling);
    tokio::select! {
        () = &mut polling => {}
        () = shutdown => {
            // The poller finishes the updates in hand, then returns.
            let _ = stop.send(true);
            polling.await;
        }
    }
    connected.set(false);
    tracing::info!("Telegram: stopped receiving");
}

struct Poller {
    bot: Bot,
    sink: Arc<dyn InboundSink>,
    connected: Connected,
    /// Turns true when asked to stop: no new poll, no new update started.
    stopping: watch::Receiver<bool>,
    /// Updates whose handling panicked, and how many times.
    panics: std::collections::HashMap<u32, u32>,
}

/// Why a poll failed, and what to do about it.
enum Trouble {
    /// A webhook is set (by another deployment, or left over): remove it again.
    Webhook,
    /// Another instance polls the same bot: Telegram ends one of the two polls.
    Conflict,
    /// Flood control: wait as told.
    Wait(Duration),
    /// Anything else (network, 5xx, unreadable answer): pause, longer each time.
    Other,
}

impl Trouble {
    fn of(error: &RequestError) -> Trouble {
        match error {
            RequestError::Api(ApiError::CantGetUpdates) => Trouble::Webhook,
            RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => Trouble::Conflict,
            RequestError::RetryAfter(after) => Trouble::Wait(after.duration()),
            _ => Trouble::Other,
        }
    }
}

impl Poller {
    async fn run(mut self) {
        let mut pause = FIRST_PAUSE;
        let mut conflicts = ConflictLog::default();
        // `None`: from the earliest update Telegram has not seen confirmed.
        let mut offset: Option<i32> = None;
        'connect: loop {
            let me = match self.start().await {
                Some(Ok(me)) => me,
                Some(Err(failure)) => {
                    self.connected.set(false);
                    let error = crate::text::redact_token(&failure);
                    tracing::error!(%error, retry_in_s = pause.as_secs(), "Telegram: not receiving; trying again");
                    if !self.pause(&mut pause).await {
                        return;
                    }
                    continue 'connect;
                }
                None => return,
            };
            loop {
                let mut ask = self
                    .bot
                    .get_updates()
                    .timeout(POLL_TIMEOUT_S)
                    .allowed_updates(ALLOWED_UPDATES);
                if let Some(offset) = offset {
                    ask = ask.offset(offset);
                }
                let answer = tokio::select! {
                    answer = ask.send() => answer,
                    () = stopped(&mut self.stopping) => return,
                };
                let batch = match answer {
                    Ok(batch) => batch,
                    Err(e) => {
                        self.connected.set(false);
                        let trouble = Trouble::of(&e);
                        let error = crate::text::redact_token(&e.to_string());
                        match trouble {
                            Trouble::Conflict => conflicts.seen(&error, pause),
                            _ => {
                                tracing::error!(%error, retry_in_s = pause.as_secs(), "Telegram: not receiving; trying again")
                            }
                        }
                        let waited = match trouble {
                            Trouble::Wait(after) => self.sleep(after).await,
                            _ => self.pause(&mut pause).await,
                        };
                        if !waited {
                            return;
                        }
                        if matches!(trouble, Trouble::Webhook) {
                            continue 'connect;
                        }
                        continue;
                    }
                };
                self.connected.set(true);
                pause = FIRST_PAUSE;
                if batch.is_empty() {
                    continue;
                }
                let handled = self.handle_batch(batch, me).await;
                if let Some(next) = handled.next_offset {
                    offset = Some(next);
                }
                if *self.stopping.borrow() {
                    self.confirm(offset).await;
                    return;
                }
                if !handled.complete {
                    // A handler died (a bug): its updates come again, after a pause.
                    if !self.pause(&mut pause).await {
                        self.confirm(offset).await;
                        return;
                    }
                }
            }
        }
    }

    /// Reads the bot's own account and removes a webhook left from an earlier run
    /// (it would make every poll fail). `None` when asked to stop meanwhile.
    async fn start(&mut self) -> Option<Result<UserId, String>> {
        let started = async {
            let me = self
                .bot
                .get_me()
                .await
                .map_err(|e| format!("cannot read the bot's own account: {e}"))?;
            self.bot
                .delete_webhook()
                .await
                .map_err(|e| format!("cannot remove the webhook: {e}"))?;
            Ok(me.user.id)
        };
        let mut stopping = self.stopping.clone();
        tokio::select! {
            started = started => Some(started),
            () = stopped(&mut stopping) => None,
        }
    }

    /// Hands a batch to the helpdesk, chats side by side and each chat's updates
    /// in order, until every update is done or, asked to stop, the grace period
    /// ends.
    async fn handle_batch(&mut self, batch: Vec<Update>, me: UserId) -> Handled {
        let ids: Vec<u32> = batch.iter().map(|u| u.id.0).collect();
        let (done_tx, mut done_rx) = mpsc::unbounded_channel();
        let mut workers = self.spawn_chats(batch, me, done_tx);
        let mut done = self.collect_done(&mut done_rx, &mut workers).await;
        if join_workers(&mut workers).await {
            self.pass_over_failing(&ids, &mut done);
        }
        Handled::of(&ids, &done)
    }

    /// Starts a worker per chat of the batch, at most `CHATS_AT_ONCE` working at
    /// once; each reports the updates it is done with on `done`.
    fn spawn_chats(
        &self,
        batch: Vec<Update>,
        me: UserId,
        done: mpsc::UnboundedSender<u32>,
    ) -> JoinSet<()> {
        let mut chats: BTreeMap<Chat, Vec<Update>> = BTreeMap::new();
        for update in batch {
            chats.entry(Chat::of(&update)).or_default().push(update);
        }
        let turns = Arc::new(Semaphore::new(CHATS_AT_ONCE));
        let mut workers = JoinSet::new();
        for (_, updates) in chats {
            let chat = ChatWorker {
                bot: self.bot.clone(),
                sink: self.sink.clone(),
                me,
                stopping: self.stopping.clone(),
                done: done.clone(),
            };
            let turns = turns.clone();
            workers.spawn(async move {
                let Ok(_turn) = turns.acquire_owned().await else {
                    return;
                };
                chat.work_through(updates).await;
            });
        }
        workers
    }

    /// The updates done: all the workers' reports, or, asked to stop, those sent
    /// within the grace period (the workers still at it are then aborted).
    async fn collect_done(
        &self,
        done_rx: &mut mpsc::UnboundedReceiver<u32>,
        workers: &mut JoinSet<()>,
    ) -> BTreeSet<u32> {
        let mut done = BTreeSet::new();
        let mut stopping = self.stopping.clone();
        let asked_to_stop = loop {
            tokio::select! {
                id = done_rx.recv() => match id {
                    Some(id) => { done.insert(id); }
                    None => break false,
                },
                () = stopped(&mut stopping) => break true,
            }
        };
        if asked_to_stop {
            let finishing = async {
                while let Some(id) = done_rx.recv().await {
                    done.insert(id);
                }
            };
            if tokio::time::timeout(STOP_GRACE, finishing).await.is_err() {
                tracing::warn!(
                    "Telegram: updates still in hand at the stop come again at the next start"
                );
            }
            workers.abort_all();
            while let Ok(id) = done_rx.try_recv() {
                done.insert(id);
            }
        }
        done
    }

    /// The first update not done is the one whose handling panicked: after a few
    /// tries it is passed over (counted as done), or it would hold every later
    /// update back.
    fn pass_over_failing(&mut self, ids: &[u32], done: &mut BTreeSet<u32>) {
        let Some(first) = ids.iter().find(|id| !done.contains(*id)) else {
            return;
        };
        let tries = self.panics.entry(*first).or_default();
        *tries += 1;
        if *tries >= PANICS_BEFORE_PASSING_OVER {
            tracing::error!(
                update = first,
                tries = *tries,
                "Telegram: handling this update fails every time; it is passed over"
            );
            done.insert(*first);
            self.panics.remove(first);
        }
    }

    /// Tells Telegram, on the way out, which updates are stored: a poll that waits
    /// for nothing and leaves the later updates unconfirmed.
    async fn confirm(&self, offset: Option<i32>) {
        let Some(offset) = offset else { return };
        let ask = self.bot.get_updates().offset(offset).limit(1).timeout(0);
        if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(5), ask.send()).await {
            let error = crate::text::redact_token(&e.to_string());
            tracing::warn!(%error, "Telegram: the last updates handled come again at the next start");
        }
    }

    /// Waits `pause`, doubling it for next time; false when asked to stop meanwhile.
    async fn pause(&mut self, pause: &mut Duration) -> bool {
        let waited = self.sleep(*pause).await;
        *pause = (*pause * 2).min(LONGEST_PAUSE);
        waited
    }

    async fn sleep(&mut self, how_long: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(how_long) => true,
            () = stopped(&mut self.stopping) => false,
        }
    }
}

/// What a batch came to: the offset that confirms what is done, and whether all was.
struct Handled {
    next_offset: Option<i32>,
    complete: bool,
}

impl Handled {
    /// What a batch of `ids` came to, `done` being the updates done: the offset
    /// moves past the longest run of done updates from the batch's start.
    fn of(ids: &[u32], done: &BTreeSet<u32>) -> Handled {
        let next_offset = ids
            .iter()
            .take_while(|id| done.contains(*id))
            .last()
            .and_then(|id| i32::try_from(i64::from(*id) + 1).ok());
        Handled {
            next_offset,
            complete: done.len() == ids.len(),
        }
    }
}

/// Waits for every worker to end; true when one of them panicked.
async fn join_workers(workers: &mut JoinSet<()>) -> bool {
    let mut panicked = false;
    while let Some(ended) = workers.join_next().await {
        if let Err(e) = ended
            && e.is_panic()
        {
            panicked = true;
            tracing::error!(error = %e, "Telegram: handling an update failed unexpectedly; it comes again");
        }
    }
    panicked
}

/// Whose updates must be handled in order: a chat, or else a user, or else nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Chat {
    Id(i64),
    User(u64),
    Alone(u32),
}

impl Chat {
    fn of(update: &Update) -> Chat {
        if let Some(chat) = update.chat() {
            Chat::Id(chat.id.0)
        } else if let Some(user) = update.from() {
            Chat::User(user.id.0)
        } else {
            Chat::Alone(update.id.0)
        }
    }
}

/// Works through one chat's updates of a batch, in order, reporting each one done.
struct ChatWorker {
    bot: Bot,
    sink: Arc<dyn InboundSink>,
    me: UserId,
    stopping: watch::Receiver<bool>,
    done: mpsc::UnboundedSender<u32>,
}

impl ChatWorker {
    async fn work_through(mut self, updates: Vec<Update>) {
        for update in updates {
            // Asked to stop: what is not started waits for the next run.
            if *self.stopping.borrow() || !self.handle(&update).await {
                return;
            }
            if self.done.send(update.id.0).is_err() {
                return;
            }
        }
    }

    /// Hands one update to the helpdesk; true once it is done (stored, refused for
    /// good, or not for the helpdesk), false when asked to stop before.
    async fn handle(&mut self, update: &Update) -> bool {
        let Some(event) = to_inbound(update, self.me) else {
            // A button the helpdesk cannot place still gets its answer: no spinning.
            if let UpdateKind::CallbackQuery(query) = &update.kind {
                let _ = self.bot.answer_callback_query(query.id.clone()).await;
            }
            return true;
        };
        let mut wait = FIRST_RETRY;
        loop {
            match self.sink.handle(event.clone()).await {
                Ok(()) => return true,
                // Not confirmed, so not lost: the next attempt (or the next run) has it.
                Err(e) if e.retryable => {
                    tracing::warn!(update = update.id.0, error = %e, retry_in_ms = wait.as_millis(), "Telegram: update not taken yet; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = stopped(&mut self.stopping) => return false,
                    }
                    wait = (wait * 2).min(LONGEST_RETRY);
                }
                // The engine recorded the refusal; trying again would change nothing.
                Err(e) => {
                    tracing::error!(update = update.id.0, error = %e, "Telegram: update refused; acknowledged");
                    return true;
                }
            }
        }
    }
}

/// Resolves once the poller is asked to stop (at once if it already was).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Says "another instance polls this bot" at most once a minute: each of two
/// pollers ends the other's polls, and a line per poll would flood the log.
#[derive(Default)]
struct ConflictLog {
    last: Option<Instant>,
    unsaid: u32,
}

impl ConflictLog {
    fn seen(&mut self, error: &str, pause: Duration) {
        self.unsaid += 1;
        if self
            .last
            .is_some_and(|at| at.elapsed() < CONFLICT_LOG_EVERY)
        {
            return;
        }
        tracing::warn!(
            %error,
            conflicts = self.unsaid,
            retry_in_s = pause.as_secs(),
            "Telegram: another instance polls this bot; backing off (only one may receive)"
        );
        self.last = Some(Instant::now());
        self.unsaid = 0;
    }
}
