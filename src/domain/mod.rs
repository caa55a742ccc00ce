//! The helpdesk's vocabulary: who, what and in which state. Pure types and rules,
//! no I/O; the store persists them and the engine acts on them.

pub mod audit;
pub mod catalog;
pub mod category;
pub mod decision;
pub mod job;
pub mod message;
pub mod people;
pub mod points;
pub mod priority;
pub mod rating;
pub mod reference;
pub mod status;
pub mod team;
pub mod ticket;

pub use audit::{AuditAction, AuditEvent, RecordedAction};
pub use catalog::{Catalog, CatalogDeclaration, CategoryDeclaration, TeamDeclaration};
pub use category::{Category, CategoryId};
pub use decision::Decision;
pub use job::{JobKind, Rule};
pub use message::{Attachment, Message, NewAttachment, Visibility};
pub use people::{Email, Identity, Language, NewUser, Platform, Role, User, UserId};
pub use points::PointsEntry;
pub use priority::Priority;
pub use rating::{Rating, Stars};
pub use reference::TicketReference;
pub use status::Status;
pub use team::{Team, TeamId, TeamMember};
pub use ticket::{SlaClock, SlaTarget, Ticket, TicketId};

/// A value that does not parse, with what was expected: shown as is to whoever typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected {expected}")]
pub struct ParseError {
    pub what: ValueKind,
    pub value: String,
    pub expected: &'static str,
}

impl ParseError {
    pub fn new(what: ValueKind, value: &str, expected: &'static str) -> Self {
        ParseError {
            what,
            value: value.chars().take(80).collect(),
            expected,
        }
    }
}

/// What a value that did not parse was meant to be: callers choose their words by
/// it, never by the error's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Priority,
    Status,
    TicketReference,
    Rating,
    Language,
    Email,
    Role,
    Identity,
    DisplayName,
    Decision,
    /// Someone named by id, e-mail address or `platform:id`.
    User,
}

impl std::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValueKind::Priority => "priority",
            ValueKind::Status => "status",
            ValueKind::TicketReference => "ticket reference",
            ValueKind::Rating => "rating",
            ValueKind::Language => "language",
            ValueKind::Email => "e-mail address",
            ValueKind::Role => "role",
            ValueKind::Identity => "identity",
            ValueKind::DisplayName => "display name",
            ValueKind::Decision => "decision",
            ValueKind::User => "user",
        })
    }
}
