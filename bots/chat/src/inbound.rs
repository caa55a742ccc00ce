//! What happens on a platform, as the helpdesk needs to know it.

use serde::{Deserialize, Serialize};

use crate::{Platform, ThreadRef};

/// One event from one platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound {
    pub platform: Platform,
    /// Unique per platform for this event (a message id, an update id, an
    /// interaction id): a redelivered event carries the same one and changes nothing.
    pub event_id: String,
    pub author: Author,
    pub event: Event,
}

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The platform's user id.
    pub id: String,
    pub display_name: String,
    /// The platform's idea of the user's language (`fr`, `en-GB`), when it has one.
    pub locale: Option<String>,
}

/// Where a command was typed or a button pressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    /// The private chat between the user and the bot.
    Direct { chat: String },
    /// A ticket's staff thread.
    Thread(ThreadRef),
    /// Any other channel of a server the bot is in (where a help panel is posted).
    Channel { channel: String },
}

/// An interaction the platform expects an answer to (a Telegram callback query, a
/// Discord interaction): answered by [`crate::Outbound::InteractionReply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: String,
    /// Discord's interaction token; empty on Telegram.
    pub token: String,
}

/// A file that came with a message; the file itself stays on the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingFile {
    pub name: String,
    pub content_type: Option<String>,
    pub size: Option<u64>,
    /// The platform's handle of the file (a Telegram `file_id`, a Discord attachment id).
    pub reference: String,
    /// A download address when the platform gives one (Discord CDN links expire).
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A message to the bot in a private chat.
    DirectMessage {
        chat: String,
        message_id: String,
        text: String,
        files: Vec<IncomingFile>,
        /// The message this one answers, when the user used "reply".
        reply_to: Option<String>,
    },
    /// A message in a ticket's staff thread.
    ThreadMessage {
        thread: ThreadRef,
        message_id: String,
        text: String,
        files: Vec<IncomingFile>,
    },
    /// `/name args`, typed or chosen from the platform's command menu.
    Command {
        place: Place,
        name: String,
        args: String,
        interaction: Option<Interaction>,
    },
    /// A button of one of the bot's messages was pressed.
    Button {
        place: Place,
        payload: String,
        interaction: Option<Interaction>,
    },
    /// A form the bot showed ([`crate::Outbound::OpenForm`]) was filled in and sent.
    Form {
        place: Place,
        /// The form's payload, as the bot gave it.
        payload: String,
        /// Each field's id and what was typed in it.
        values: Vec<(String, String)>,
        interaction: Interaction,
    },
    /// A reaction added to a message.
    Reaction {
        place: Place,
        message_id: String,
        emoji: String,
    },
}
