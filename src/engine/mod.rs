//! The conversation engine: turns chat events into helpdesk operations.
//!
//! Each inbound event is handled in ONE database transaction: it is recorded (a
//! redelivered event stops there), its author is found or created, the operation is
//! carried out through the [`Desk`], and everything to say about it is written to
//! the outbox. Nothing is sent from inside the transaction. When the person asked
//! for something they may not do, or that makes no sense, the transaction is rolled
//! back and a translated explanation is queued in a second one.

mod buttons;
pub mod card;
mod changes;
pub mod commands;
mod decisions;
mod forms;
mod guess;
mod intake;
mod labels;
mod leaderboard;
pub mod menus;
mod overdue;
mod profile;
mod say;
mod scheduled;
mod sink;
pub(crate) use sink::error_chain;
mod staff;
mod workload;

use std::sync::Arc;

use guichet_chat::{Author, Event, Inbound, Place};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::config::Config;
use crate::desk::{Desk, DeskError};
use crate::domain::{Identity, Language, NewUser, Platform, Role, Status, User};
use crate::i18n::{Arg, Texts};
use crate::permissions::Actor;
use crate::store::audit::Origin;
use crate::store::{self, Conn, Store, StoreError};

pub use changes::TicketChange;
pub use labels::refusal_of;

/// The payloads of the five star buttons for a resolved ticket.
pub fn rating_payloads(ticket: crate::domain::TicketId) -> [String; 5] {
    [1u8, 2, 3, 4, 5].map(|stars| buttons::Payload::Rate(ticket.0, stars).encode())
}

/// Longest message the helpdesk keeps, in characters; longer ones are refused with
/// an explanation rather than cut.
pub const MESSAGE_MAX_CHARS: usize = 16_000;

/// Something the person asked that cannot be done, to tell them in their language.
/// Its kind is set where it is made; the web's status follows it, and so does what
/// a ticket's thread says to someone who is not of its team.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The catalog key of the sentence: words only, never compared.
    pub key: &'static str,
    pub args: Vec<(&'static str, RefusalArg)>,
}

/// What sort of "no" a refusal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// What was named does not exist, or the person may not see it.
    NotFound,
    /// The person may not do this.
    Forbidden,
    /// The ticket's state (or the bot's question) does not allow it now.
    Conflict,
    /// What was typed or sent does not make sense.
    Invalid,
}

/// A value a refusal's sentence names.
#[derive(Debug, Clone, PartialEq)]
pub enum RefusalArg {
    Text(String),
    /// Worded for the reader (the chat), or by its name (the web API).
    Status(Status),
}

impl RefusalArg {
    /// The value without wording: a status by its name.
    pub fn plain(self) -> String {
        match self {
            RefusalArg::Text(text) => text,
            RefusalArg::Status(status) => status.as_str().to_owned(),
        }
    }
}

impl Refusal {
    fn of(kind: RefusalKind, key: &'static str) -> Self {
        Refusal {
            kind,
            key,
            args: Vec::new(),
        }
    }

    pub fn not_found(key: &'static str) -> Self {
        Self::of(RefusalKind::NotFound, key)
    }

    pub fn forbidden(key: &'static str) -> Self {
        Self::of(RefusalKind::Forbidden, key)
    }

    pub fn conflict(key: &'static str) -> Self {
        Self::of(RefusalKind::Conflict, key)
    }

    pub fn invalid(key: &'static str) -> Self {
        Self::of(RefusalKind::Invalid, key)
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, RefusalArg::Text(value.into())));
        self
    }

    pub fn with_status(mut self, name: &'static str, status: Status) -> Self {
        self.args.push((name, RefusalArg::Status(status)));
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EngineError {
    /// For code that only stores and queues: a refusal there is a defect.
    fn into_store(self) -> StoreError {
        match self {
            EngineError::Store(e) => e,
            EngineError::Refused(r) => {
                StoreError::Unexpected(format!("refusal {} where none can happen", r.key))
            }
        }
    }
}

impl From<DeskError> for EngineError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Store(e) => EngineError::Store(e),
            other => EngineError::Refused(refusal_of(&other)),
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
}

/// What became of an event the engine was handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Taken now (done, or refused with an explanation to its author).
    Now,
    /// Its id was recorded before: it had been handled already.
    SeenBefore,
}

/// Who acts in an event, and in which language to answer them.
pub(crate) struct Who {
    pub user: User,
    pub actor: Actor,
    pub platform: Platform,
    /// Registered by this very event: no tickets, no dialogue yet.
    pub is_new: bool,
}

impl Who {
    pub fn language(&self) -> Language {
        self.user.language
    }

    /// The author as the one acting on a ticket from the chat.
    pub fn acting(&self) -> Acting {
        Acting {
            user: self.user.clone(),
            actor: self.actor.clone(),
            origin: Origin::Chat,
        }
    }
}

/// Someone acting on a ticket, from the chat or the web.
pub(crate) struct Acting {
    pub user: User,
    pub actor: Actor,
    pub origin: Origin,
}

impl Acting {
    pub fn language(&self) -> Language {
        self.user.language
    }
}

impl Engine {
    pub fn new(
        store: Store,
        desk: Desk,
        config: Arc<Config>,
        texts: Arc<Texts>,
        wake: Arc<Notify>,
    ) -> Self {
        Engine {
            inner: Arc::new(Inner {
                store,
                desk,
                config,
                texts,
                wake,
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
        self.handle_in_span(event).instrument(span).await
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
        match self.act(&mut tx, &who, &event.event).await {
            Ok(()) => tx.commit().await?,
            Err(EngineError::Refused(refusal)) => {
                tx.rollback().await?;
                // The same event, redelivered meanwhile, may have been answered already.
                let Some(mut tx) = self.begin_unseen(&event).await? else {
                    return Ok(Handled::SeenBefore);
                };
                // The author may be new: the rollback took their user away.
                let who = self.who(&mut tx, &event).await?;
                tracing::info!(user = %who.user.id, kind = ?refusal.kind, key = refusal.key, "refused");
                say::refusal(self, &mut tx, &who, &event.event, &refusal)
                    .await
                    .map_err(EngineError::into_store)?;
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

    async fn act(&self, conn: &mut Conn, who: &Who, event: &Event) -> Result<()> {
        match event {
            Event::DirectMessage {
                chat,
                message_id,
                text,
                files,
                reply_to,
            } => {
                check_length(text)?;
                if let Some((name, args)) = commands::split(text) {
                    let place = Place::Direct { chat: chat.clone() };
                    return commands::run(self, conn, who, &place, name, args, None).await;
                }
                intake::direct_message(
                    self,
                    conn,
                    who,
                    chat,
                    message_id,
                    text,
                    files,
                    reply_to.as_deref(),
                )
                .await
            }
            Event::ThreadMessage {
                thread,
                message_id,
                text,
                files,
            } => {
                check_length(text)?;
                staff::thread_message(self, conn, who, thread, message_id, text, files).await
            }
            Event::Command {
                place,
                name,
                args,
                interaction,
            } => {
                check_length(args)?;
                commands::run(self, conn, who, place, name, args, interaction.as_ref()).await
            }
            Event::Button {
                place,
                payload,
                interaction,
            } => buttons::pressed(self, conn, who, place, payload, interaction.as_ref()).await,
            Event::Form {
                payload,
                values,
                interaction,
                ..
            } => forms::submitted(self, conn, who, payload, values, interaction).await,
            // Reactions carry no request the helpdesk acts on yet.
            Event::Reaction { .. } => Ok(()),
        }
    }

    /// Finds the author, or registers them as an employee. Their platform's locale
    /// sets their language until they choose one.
    async fn who(&self, conn: &mut Conn, event: &Inbound) -> Result<Who, StoreError> {
        let me = &self.inner;
        let identity = Identity::new(event.platform, event.author.id.clone());
        let locale = event
            .author
            .locale
            .as_deref()
            .and_then(Language::from_locale);
        let mut is_new = true;
        let (user, known_chat, reachable) =
            match store::users::find_with_dm_chat(conn, &identity).await? {
                Some(store::users::KnownAuthor {
                    mut user,
                    dm_chat,
                    reachable,
                }) => {
                    is_new = false;
                    if let Some(language) = locale.filter(|l| *l != user.language)
                        && !store::users::language_chosen(conn, user.id).await?
                    {
                        store::users::set_language(conn, user.id, language, false, me.desk.now())
                            .await?;
                        user.language = language;
                    }
                    (user, dm_chat, reachable)
                }
                None => {
                    let user = self
                        .register(conn, &event.author, &identity, locale)
                        .await?;
                    (user, None, None)
                }
            };
        // Where to write to them privately, learnt from their own messages; and
        // that the platform lets the bot write to them there.
        if let Event::DirectMessage { chat, .. } = &event.event {
            if known_chat.as_deref() != Some(chat.as_str()) {
                store::users::set_dm_chat(conn, &identity, chat).await?;
            }
            if reachable != Some(true) {
                store::reach::wrote_privately(
                    conn,
                    event.platform,
                    &identity.external_id,
                    me.desk.now(),
                )
                .await?;
            }
        }
        let actor = me.desk.actor_of(conn, &user).await.map_err(only_store)?;
        Ok(Who {
            user,
            actor,
            platform: event.platform,
            is_new,
        })
    }

    async fn register(
        &self,
        conn: &mut Conn,
        author: &Author,
        identity: &Identity,
        locale: Option<Language>,
    ) -> Result<User, StoreError> {
        let me = &self.inner;
        let name = NewUser::validate_name(&author.display_name)
            .unwrap_or_else(|_| format!("{} {}", identity.platform, identity.external_id));
        let new = NewUser {
            display_name: name,
            email: None,
            language: locale.unwrap_or(me.config.company.default_language),
            department: None,
            role: Role::Employee,
        };

        let user = me
            .desk
            .add_user(
                conn,
                None,
                &new,
                std::slice::from_ref(identity),
                Origin::Chat,
            )
            .await
            .map_err(only_store)?;
        tracing::info!(user = %user.id, %identity, "new user registered from chat");
        Ok(user)
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

    pub(crate) fn t(&self, language: Language, key: &str, args: &[Arg<'_>]) -> String {
        self.inner.texts.t(language, key, args)
    }

    /// The language of the staff spaces: the company's.
    pub(crate) fn staff_language(&self) -> Language {
        self.inner.config.company.default_language
    }
}

/// Finding or registering the author only fails in the store: anything else is a
/// defect, reported as such.
fn only_store(e: DeskError) -> StoreError {
    match e {
        DeskError::Store(e) => e,
        other => StoreError::Unexpected(format!("finding the author: {other}")),
    }
}

fn check_length(text: &str) -> Result<()> {
    let n = text.chars().count();
    if n > MESSAGE_MAX_CHARS {
        return Err(Refusal::invalid("error-too-long")
            .with("length", n.to_string())
            .with("max", MESSAGE_MAX_CHARS.to_string())
            .into());
    }
    Ok(())
}
