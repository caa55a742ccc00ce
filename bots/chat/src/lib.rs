//! The chat port: what a chat platform adapter and the helpdesk say to each other.
//!
//! Platform-neutral types and no I/O. An adapter (Discord, Telegram, a test fake)
//! turns what happens on its platform into [`Inbound`] events handed to an
//! [`InboundSink`], and carries out the [`Outbound`] actions it is given through
//! [`Outlet::deliver`]. Ids are the platforms' own, kept as text.

mod inbound;
mod outbound;
pub mod text;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use inbound::{Author, Event, Inbound, IncomingFile, Interaction, Place};
pub use outbound::{
    Button, ButtonStyle, Card, CardField, Choice, Delivered, FileContent, Form, FormField,
    Outbound, OutgoingFile, Recipient, Select, Tone,
};

/// A future an adapter returns; boxed so the traits stay object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The chat platforms guichet speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Discord,
    Telegram,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::Discord, Platform::Telegram];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Telegram => "telegram",
        }
    }

    /// The platform's name as people write it.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Discord => "Discord",
            Platform::Telegram => "Telegram",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlatform(pub String);

impl fmt::Display for UnknownPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown platform {:?}: expected discord or telegram",
            self.0
        )
    }
}

impl std::error::Error for UnknownPlatform {}

impl FromStr for Platform {
    type Err = UnknownPlatform;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPlatform(s.to_owned()))
    }
}

/// A ticket's staff thread: a private thread under a team's channel (Discord) or a
/// forum topic in a team's supergroup (Telegram).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadRef {
    /// The team's staff space: a channel id or a supergroup's chat id.
    pub space: String,
    /// The thread's own id: a Discord thread channel id, a Telegram `message_thread_id`.
    pub thread: String,
}

/// A message the platform knows, in a chat it knows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageRef {
    pub chat: String,
    pub message: String,
}

/// Why an action could not be delivered, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// A 429, a 5xx, a network failure: try again, not before `after` when given.
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    /// The platform refused for good (unknown chat, bot blocked, bad request);
    /// `refusal` says what it means for the people concerned.
    Permanent { reason: String, refusal: Refusal },
    /// Not a failure: the platform's sending limits (ours, or its 429 with
    /// `retry_after`) ask to come back after `after`. Not counted as an attempt.
    Later { after: Duration },
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryError::Retry {
                after: Some(d),
                reason,
            } => {
                write!(f, "{reason} (retry after {} ms)", d.as_millis())
            }
            DeliveryError::Retry {
                after: None,
                reason,
            } => write!(f, "{reason} (retryable)"),
            DeliveryError::Permanent { reason, .. } => write!(f, "{reason}"),
            DeliveryError::Later { after } => {
                write!(f, "held by the sending limits for {} ms", after.as_millis())
            }
        }
    }
}

impl std::error::Error for DeliveryError {}

impl DeliveryError {
    /// A refusal for good that means nothing more precise ([`Refusal::Other`]).
    pub fn refused(reason: impl Into<String>) -> Self {
        DeliveryError::Permanent {
            reason: reason.into(),
            refusal: Refusal::Other,
        }
    }

    /// What a refusal for good means, if this is one.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            DeliveryError::Permanent { refusal, .. } => Some(*refusal),
            _ => None,
        }
    }
}

/// What a platform's refusal means, as far as the adapter can tell from the
/// platform's documented error codes: the helpdesk tells people accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The person cannot be written to privately: they never opened a private chat
    /// with the bot or blocked it (Telegram 403), or they accept no private message
    /// from the server's members (Discord 50007).
    Unreachable,
    /// The bot lacks a right where it wrote (Discord 50001 / 50013, Telegram "not
    /// enough rights").
    MissingRight,
    /// The chat, channel or thread does not exist, or the bot is not in it.
    NotFound,
    /// Anything else the platform refused.
    Other,
}

/// A right the bot needs in a team's staff space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    // Discord's permissions, by the names its client shows.
    ViewChannel,
    SendMessages,
    SendMessagesInThreads,
    CreatePrivateThreads,
    ManageThreads,
    EmbedLinks,
    AttachFiles,
    ReadMessageHistory,
    // Telegram's administrator rights.
    /// `can_manage_topics`: create, rename, close and reopen topics.
    ManageTopics,
    /// The bot may post in the group (a member restricted from sending cannot).
    PostMessages,
}

/// What is wrong with a team's staff space, as the platform lets a bot see it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "problem", content = "detail", rename_all = "snake_case")]
pub enum SpaceProblem {
    /// No such chat or channel, or the bot is not in it.
    NotFound,
    /// A Discord channel of another server than the configured one.
    OtherServer,
    /// Not a place where threads can be opened: a Telegram group that is not a
    /// supergroup with topics, a Discord channel that is not a text channel.
    NoThreads,
    /// Telegram: the bot is a plain member, not an administrator.
    NotAdministrator,
    /// The bot lacks this right there.
    Missing(Right),
}

/// What is wrong with the bot's setup on its platform as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "problem", content = "detail", rename_all = "snake_case")]
pub enum SetupProblem {
    /// These slash commands are not registered where people use them.
    CommandsMissing(Vec<String>),
}

/// What an adapter implements to carry out actions on its platform.
pub trait Outlet: Send + Sync {
    fn platform(&self) -> Platform;

    /// Carries out one action. Returns what the platform created (a thread, a
    /// message) so later actions can refer to it.
    ///
    /// `key` names this action, the same at every attempt (at most 20 ASCII
    /// characters): where the platform has an idempotency key (Discord's `nonce`
    /// with `enforce_nonce`), the adapter derives it from `key`, so a retry after an
    /// answer that never came creates nothing twice.
    fn deliver<'a>(
        &'a self,
        action: &'a Outbound,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>>;

    /// What is wrong with a team's staff space (`space`: a channel id, a
    /// supergroup's chat id): empty when the bot can do there everything the
    /// helpdesk asks of it. An `Err` means the platform could not be asked.
    fn inspect_space<'a>(
        &'a self,
        space: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SpaceProblem>, DeliveryError>> {
        let _ = space;
        Box::pin(async { Ok(Vec::new()) })
    }

    /// What is wrong with the bot's setup on the platform as a whole.
    fn inspect_setup(&self) -> BoxFuture<'_, Result<Vec<SetupProblem>, DeliveryError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Downloads a file this platform holds, to hand it to another platform.
    fn fetch_file<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, DeliveryError>> {
        let reason = format!("{} cannot fetch file {reference}", self.platform());
        Box::pin(async move { Err(DeliveryError::refused(reason)) })
    }
}

/// Why the helpdesk could not take an event. The adapter leaves a retryable event
/// unacknowledged so the platform (or the adapter) hands it over again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandleError {
    pub retryable: bool,
    pub reason: String,
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for HandleError {}

/// What the helpdesk implements to receive events; adapters hold one.
pub trait InboundSink: Send + Sync {
    /// Handles one event durably: when this returns `Ok`, the event is stored and
    /// everything it causes is queued. Handing the same event twice changes nothing.
    fn handle(&self, event: Inbound) -> BoxFuture<'_, Result<(), HandleError>>;

    /// Where an adapter whose platform cannot redeliver (Discord's gateway) reads
    /// again after a new session: the chats with recent activity and, in each, the
    /// message to read after. Reading from there and handing every message over
    /// again is safe, since [`Self::handle`] absorbs what it already has. Empty by
    /// default: a helpdesk that keeps no such record asks for no catch-up.
    fn resume_points(
        &self,
        platform: Platform,
    ) -> BoxFuture<'_, Result<Vec<ResumePoint>, HandleError>> {
        let _ = platform;
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// A chat to read again after a new session, and from where.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResumePoint {
    /// The chat: a private chat's id, or a thread's.
    pub channel: String,
    /// The staff space the thread is in; `None` for a private chat.
    pub space: Option<String>,
    /// A message id of the chat's platform: read the messages after it. It is at
    /// most the last one the helpdesk took there (earlier when an earlier message
    /// may still have been on its way), and never older than what the helpdesk
    /// still remembers having handled (what is older would be handled twice).
    pub after: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_parse_and_print() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().to_uppercase().parse::<Platform>().unwrap(), p);
        }
        assert!("slack".parse::<Platform>().is_err());
    }
}

/// Whether an adapter is connected to its platform right now: the adapter sets it
/// as its connection comes and goes, health checks read it. Clones share the state.
#[derive(Debug, Clone, Default)]
pub struct Connected(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Connected {
    pub fn set(&self, up: bool) {
        self.0.store(up, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn get(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}
