//! What is said on a ticket, and the files that come with it.

use chrono::{DateTime, Utc};

use super::people::{Platform, UserId};
use super::ticket::TicketId;

/// Who may read a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Relayed between the requester and the team.
    Public,
    /// An internal note: kept for the team, never relayed to the requester.
    Internal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub ticket: TicketId,
    /// `None` for what the helpdesk itself wrote.
    pub author: Option<UserId>,
    pub visibility: Visibility,
    pub body: String,
    /// Where the message was written, and the platform's id of it.
    pub origin: Option<(Platform, String)>,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
}

/// What is known of a file when it arrives; the file itself stays on the platform.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: Option<String>,
    pub size_bytes: Option<u64>,
    pub platform: Platform,
    /// The platform's handle of the file (a Telegram `file_id`, a Discord attachment id).
    pub platform_ref: String,
    /// A download address, when the platform gives one (Discord CDN links expire).
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: i64,
    pub file: NewAttachment,
}
