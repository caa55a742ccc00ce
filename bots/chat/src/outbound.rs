//! What the helpdesk asks a platform to do.

use serde::{Deserialize, Serialize};

use crate::{Interaction, MessageRef, ThreadRef};

/// Who a direct message goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// The platform's user id.
    pub user: String,
    /// The private chat with them, when known (Telegram: the user id again).
    pub chat: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
    Danger,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    /// Comes back in [`crate::Event::Button`]; at most 64 bytes (Telegram's limit).
    pub payload: String,
    pub style: ButtonStyle,
}

/// The state a card conveys at a glance (an embed colour, an emoji).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    Neutral,
    Active,
    Waiting,
    Done,
    Alert,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardField {
    pub name: String,
    pub value: String,
}

/// One option of a [`Select`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    /// Comes back in [`crate::Event::Button`] when chosen; at most 64 bytes.
    pub payload: String,
}

/// A pick-one list (a Discord select menu; a row of buttons where there is none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Select {
    pub placeholder: String,
    pub choices: Vec<Choice>,
}

/// The ticket card at the top of a staff thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub title: String,
    pub description: String,
    pub fields: Vec<CardField>,
    pub buttons: Vec<Vec<Button>>,
    /// Shown under the buttons, when the card offers one.
    pub select: Option<Select>,
    pub tone: Tone,
}

/// One field of a [`Form`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Comes back with the typed value in [`crate::Event::Form`].
    pub id: String,
    pub label: String,
    pub placeholder: Option<String>,
    /// Several lines rather than one.
    pub long: bool,
    pub required: bool,
    pub max_chars: u16,
}

/// A form shown in answer to an interaction (a Discord modal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// Comes back in [`crate::Event::Form`]; at most 64 bytes.
    pub payload: String,
    pub title: String,
    pub fields: Vec<FormField>,
    /// Said instead when the platform can no longer show the form (the interaction
    /// was already answered).
    pub fallback: String,
}

/// Where the bytes of a file to send come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileContent {
    /// A handle on the receiving platform itself (a Telegram `file_id`): no transfer.
    Reference(String),
    /// The bytes, fetched from the other platform.
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingFile {
    pub name: String,
    pub content_type: Option<String>,
    pub content: FileContent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outbound {
    /// A message in the private chat with a user, with optional buttons.
    DirectMessage {
        to: Recipient,
        text: String,
        buttons: Vec<Vec<Button>>,
        files: Vec<OutgoingFile>,
    },
    /// A notification to a user (assignment, escalation): a direct message the
    /// platform may render more loudly.
    Notify { to: Recipient, text: String },
    /// Opens a ticket's thread in a team's staff space, with the card at its top.
    OpenThread {
        space: String,
        title: String,
        card: Card,
        /// Users to add to the thread where it is private (the assignee).
        members: Vec<String>,
    },
    PostInThread {
        thread: ThreadRef,
        text: String,
        files: Vec<OutgoingFile>,
    },
    /// Replaces the card and renames the thread; posts the card when the thread
    /// has none yet (`card_message` is `None`: its first post did not go through),
    /// and returns it as [`Delivered::message`].
    UpdateCard {
        thread: ThreadRef,
        card_message: Option<String>,
        title: String,
        card: Card,
        /// Users who must be in the thread (the assignee); adding one twice is harmless.
        members: Vec<String>,
    },
    /// A message with buttons in a server channel (the "open a ticket" panel).
    PostInChannel {
        channel: String,
        text: String,
        buttons: Vec<Vec<Button>>,
    },
    /// Closes (archives) or reopens a thread.
    SetThreadOpen { thread: ThreadRef, open: bool },
    /// Five buttons, one to five stars, each with its payload.
    RatingPrompt {
        to: Recipient,
        text: String,
        payloads: [String; 5],
    },
    /// A form to fill in, in answer to an interaction.
    OpenForm {
        interaction: Interaction,
        form: Form,
    },
    /// The answer to an interaction, so no button keeps spinning.
    InteractionReply {
        interaction: Interaction,
        text: String,
        /// Shown to the user who acted only, where the platform can.
        ephemeral: bool,
    },
}

/// What the platform created while delivering.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    /// The thread [`Outbound::OpenThread`] created.
    pub thread: Option<ThreadRef>,
    /// The message sent (for a thread: its card).
    pub message: Option<MessageRef>,
    /// Members the platform refused to add to the private thread (the bot lacks a
    /// right): the action went, but they will not see the thread. Each is reported
    /// once by an adapter, not at every card update.
    #[serde(default)]
    pub left_out: Vec<String>,
}
