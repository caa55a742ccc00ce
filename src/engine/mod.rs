//! The conversation engine: turns chat events into helpdesk operations.
//!
//! Each inbound event is handled in ONE database transaction: it is recorded (a
//! redelivered event stops there), its author is found or created, the operation is
//! carried out through the [`Desk`], and everything to say about it is written to
//! the outbox. Nothing is sent from inside the transaction. When the person asked
//! for something they may not do, or that makes no sense, the transaction is rolled
//! back and a translated explanation is queued in a second one.
//!
//! One function, `act`, routes an event (by where it happened and what the bot
//! waits for from its author) to its handler; handlers take one `Ctx`. Commands
//! are read into a typed `Command` first (`commands`), then applied (`apply`).

// `refusal!`, for the modules below.
#[macro_use]
mod refusal;

mod apply;
mod author;
mod changes;
mod commands;
mod context;
mod decisions;
mod dialogue;
mod forms;
mod guess;
mod intake;
mod labels;
mod leaderboard;
pub mod menus;
mod names;
mod overdue;
mod press;
mod profile;
mod questions;
mod rating;
mod say;
mod scheduled;
mod sink;
pub(crate) use sink::error_chain;
mod staff;
mod workload;

use std::sync::Arc;

use guichet_chat::{Event, Inbound, Place, ThreadRef};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::config::Config;
use crate::desk::{Desk, DeskError};
use crate::domain::{Language, TicketId};
use crate::i18n::Key;
use crate::i18n::{Arg, Texts};
use crate::metrics::Metrics;
use crate::store::{self, Store, StoreError};

pub use changes::TicketChange;
pub use refusal::{Refusal, RefusalArg, RefusalKind, refusal_of};

use commands::At;
pub(crate) use context::{Acting, Ctx, Who};
use dialogue::{Dialogue, Draft};

/// Longest message the helpdesk keeps, in characters; longer ones are refused with
/// an explanation rather than cut.
pub const MESSAGE_MAX_CHARS: usize = 16_000;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EngineError {
    /// For a step where nothing can be refused (saying, storing, queueing, a
    /// scheduled rule): a refusal there is a defect, reported as the store's
    /// unexpected error naming the `step`.
    pub(crate) fn refusal_is_a_defect(self, step: &str) -> StoreError {
        match self {
            EngineError::Store(e) => e,
            EngineError::Refused(r) => StoreError::Unexpected(format!(
                "{step} was refused ({}), which cannot happen",
                r.key
            )),
        }
    }
}

impl From<DeskError> for EngineError {
    fn from(e: DeskError) -> Self {
        match refusal_of(e) {
            Ok(refusal) => EngineError::Refused(refusal),
            Err(e) => EngineError::Store(e),
        }
    }
}

impl From<sqlx::Error> for EngineError {
    fn from(e: sqlx::Error) -> Self {
        EngineError::Store(StoreError::Query(e))
    }
}

impl From<Refusal> for EngineError {
    fn from(r: Refusal) -> Self {
        EngineError::Refused(r)
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Shared by every adapter: one per process.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    desk: Desk,
    config: Arc<Config>,
    texts: Arc<Texts>,
    /// Wakes the dispatcher after a commit, so replies leave at once.
    wake: Arc<Notify>,
    /// How long each event took, for `/metrics`.
    metrics: Arc<Metrics>,
}

/// What became of an event the engine was handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Taken now (done, or refused with an explanation to its author).
    Now,
    /// Its id was recorded before: it had been handled already.
    SeenBefore,
}

impl Engine {
    pub fn new(
        store: Store,
        desk: Desk,
        config: Arc<Config>,
        texts: Arc<Texts>,
        wake: Arc<Notify>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Engine {
            inner: Arc::new(Inner {
                store,
                desk,
                config,
                texts,
                wake,
                metrics,
            }),
        }
    }

    /// Handles one event durably; see the module documentation.
    pub async fn handle(&self, event: Inbound) -> Result<(), StoreError> {
        self.handle_event(event).await.map(|_| ())
    }

    /// Hands an event kept in `failed_events` to the engine again. Its transaction
    /// was rolled back, so its id was never recorded as seen: this is its first
    /// handling. A failure is returned, not set aside again (it is kept already).
    pub async fn replay(&self, event: Inbound) -> Result<Handled, StoreError> {
        self.handle_event(event).await
    }

    async fn handle_event(&self, event: Inbound) -> Result<Handled, StoreError> {
        // Everything this event causes is logged inside its span.
        let span = tracing::info_span!(
            "event",
            platform = %event.platform,
            id = %event.event_id,
            user = %event.author.id,
        );
        let (platform, started) = (event.platform.as_str(), std::time::Instant::now());
        let handled = self.handle_in_span(event).instrument(span).await;
        self.inner.metrics.event(platform, started.elapsed());
        handled
    }

    async fn handle_in_span(&self, event: Inbound) -> Result<Handled, StoreError> {
        let me = &self.inner;
        let Some(mut tx) = self.begin_unseen(&event).await? else {
            tracing::debug!(platform = %event.platform, id = %event.event_id, "event seen before");
            return Ok(Handled::SeenBefore);
        };
        let who = self.who(&mut tx, &event).await?;
        if !who.is_new {
            // A user inserted by this transaction is invisible to others: no lock needed.
            store::users::lock(&mut tx, who.user.id).await?;
        }
        match act(&mut Ctx::new(self, &mut tx, &who), &event.event).await {
            Ok(()) => tx.commit().await?,
            Err(EngineError::Refused(refusal)) => {
                tx.rollback().await?;
                // The same event, redelivered meanwhile, may have been answered already.
                let Some(mut tx) = self.begin_unseen(&event).await? else {
                    return Ok(Handled::SeenBefore);
                };
                // The author may be new: the rollback took their user away.
                let who = self.who(&mut tx, &event).await?;
                tracing::info!(user = %who.user.id, kind = ?refusal.kind, key = %refusal.key, "refused");
                say::refusal(self, &mut tx, &who, &event.event, &refusal)
                    .await
                    .map_err(|e| e.refusal_is_a_defect("telling a refusal"))?;
                tx.commit().await?;
            }
            Err(EngineError::Store(e)) => return Err(e),
        }
        me.wake.notify_one();
        Ok(Handled::Now)
    }

    /// Starts the event's transaction, recording the event; `None` when it was
    /// handled before.
    async fn begin_unseen(&self, event: &Inbound) -> Result<Option<store::Tx>, StoreError> {
        let me = &self.inner;
        let mut tx = me.store.begin().await?;
        let now = me.desk.now();
        if store::conversations::first_sight(&mut tx, event.platform, &event.event_id, now).await? {
            Ok(Some(tx))
        } else {
            tx.rollback().await?;
            Ok(None)
        }
    }

    pub(crate) fn desk(&self) -> &Desk {
        &self.inner.desk
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn t(&self, language: Language, key: Key, args: &[Arg<'_>]) -> String {
        self.inner.texts.t(language, key, args)
    }

    /// The language of the staff spaces: the company's.
    pub(crate) fn staff_language(&self) -> Language {
        self.inner.config.company.default_language
    }

    /// The texts the staff spaces read (a ticket's thread, the card), in their
    /// language: `t!(engine.for_staff(), "thread-claimed", name = name)`.
    pub(crate) fn for_staff(&self) -> ForStaff<'_> {
        ForStaff(self)
    }
}

/// The texts of the staff spaces, in the company's language.
#[derive(Clone, Copy)]
pub(crate) struct ForStaff<'a>(&'a Engine);

impl ForStaff<'_> {
    pub(crate) fn t(self, key: Key, args: &[Arg<'_>]) -> String {
        self.0.t(self.0.staff_language(), key, args)
    }
}

/// The one routing function: from the event, where it happened and what the bot
/// waits for from its author, to the handler that does what it asks.
async fn act(cx: &mut Ctx<'_>, event: &Event) -> Result<()> {
    check_length(written(event))?;
    match event {
        Event::DirectMessage {
            chat,
            message_id,
            text,
            files,
            reply_to,
        } => {
            if let Some((name, args)) = commands::split(text) {
                let place = Place::Direct { chat: chat.clone() };
                return apply::command(cx, &At::new(&place, None, None), name, args).await;
            }
            let Some(message) = Draft::of_message(chat, message_id, text, files) else {
                return Ok(());
            };
            match dialogue::current(cx).await? {
                Some(Dialogue::Description) => intake::described(cx, message).await,
                Some(Dialogue::Category { draft }) => {
                    intake::more_before_category(cx, draft, message).await
                }
                Some(Dialogue::Priority { draft, category }) => {
                    intake::more_before_priority(cx, draft, category, message).await
                }
                Some(Dialogue::TicketChoice { pending }) => {
                    intake::more_before_choice(cx, pending, message).await
                }
                // A decision's text is awaited in the ticket's thread, not here.
                Some(Dialogue::DecisionText { .. }) | None => {
                    intake::direct_message(cx, message, reply_to.as_deref()).await
                }
            }
        }
        Event::ThreadMessage {
            thread,
            message_id,
            text,
            files,
        } => {
            let Some(ticket) = ticket_of_thread(cx, thread).await? else {
                return Ok(());
            };
            if let Some(note) = text.strip_prefix(staff::NOTE_PREFIX) {
                return staff::note_in_thread(cx, ticket, note, files).await;
            }
            if let Some((name, args)) = commands::split(text) {
                let place = Place::Thread(thread.clone());
                return apply::command(cx, &At::new(&place, Some(ticket), None), name, args).await;
            }
            if decisions::awaited(cx, ticket, text).await? {
                return Ok(());
            }
            staff::reply(cx, ticket, message_id, text, files).await
        }
        Event::Command {
            place,
            name,
            args,
            interaction,
        } => {
            let at = At::new(place, ticket_at(cx, place).await?, interaction.as_ref());
            apply::command(cx, &at, name, args).await
        }
        Event::Button {
            payload,
            interaction,
            ..
        } => press::pressed(cx, payload, interaction.as_ref()).await,
        Event::Form {
            payload,
            values,
            interaction,
            ..
        } => forms::submitted(cx, payload, values, interaction).await,
        // Reactions carry no request the helpdesk acts on yet.
        Event::Reaction { .. } => Ok(()),
    }
}

/// What the author typed, as it came: what is too long is refused.
fn written(event: &Event) -> &str {
    match event {
        Event::DirectMessage { text, .. } | Event::ThreadMessage { text, .. } => text,
        Event::Command { args, .. } => args,
        Event::Button { .. } | Event::Form { .. } | Event::Reaction { .. } => "",
    }
}

/// The ticket of the thread the event happened in, if it is a ticket's thread.
async fn ticket_at(cx: &mut Ctx<'_>, place: &Place) -> Result<Option<TicketId>> {
    match place {
        Place::Thread(thread) => ticket_of_thread(cx, thread).await,
        Place::Direct { .. } | Place::Channel { .. } => Ok(None),
    }
}

/// The ticket whose thread this is, if it is one (the bot reads the staff spaces'
/// other threads too, with nothing to do there).
async fn ticket_of_thread(cx: &mut Ctx<'_>, thread: &ThreadRef) -> Result<Option<TicketId>> {
    let platform = cx.who.platform;
    Ok(store::conversations::ticket_of_thread(cx.conn, platform, thread).await?)
}

fn check_length(text: &str) -> Result<()> {
    let n = text.chars().count();
    if n > MESSAGE_MAX_CHARS {
        let max = MESSAGE_MAX_CHARS.to_string();
        return Err(refusal!(Invalid, "error-too-long", length = n.to_string(), max = max).into());
    }
    Ok(())
}
