//! The words for a ticket's status and priority, in the reader's language.

use crate::domain::{Language, Priority, Status};
use crate::i18n::Texts;

/// The status as the requester reads it ("waiting for your answer").
pub fn status_label(texts: &Texts, language: Language, status: Status) -> String {
    label(texts, language, status, "status-waiting-on-user")
}

/// The status as the team reads it ("waiting for the requester").
pub fn staff_status_label(texts: &Texts, language: Language, status: Status) -> String {
    label(texts, language, status, "status-waiting-on-requester")
}

fn label(texts: &Texts, language: Language, status: Status, waiting: &str) -> String {
    let key = match status {
        Status::Open => "status-open",
        Status::InProgress => "status-in-progress",
        Status::WaitingOnUser => waiting,
        Status::Resolved => "status-resolved",
        Status::Closed => "status-closed",
    };
    texts.t(language, key, &[])
}

/// `P1 Urgent`.
pub fn priority_label(texts: &Texts, language: Language, priority: Priority) -> String {
    let key = match priority {
        Priority::P0 => "priority-p0",
        Priority::P1 => "priority-p1",
        Priority::P2 => "priority-p2",
        Priority::P3 => "priority-p3",
    };
    format!("{} {}", priority, texts.t(language, key, &[]))
}
