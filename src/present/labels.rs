//! The words for a ticket's status and priority, in the reader's language.

use crate::domain::{Language, Priority, Status};
use crate::i18n::Key;
use crate::i18n::Texts;

/// The status as the requester reads it ("waiting for your answer").
pub fn status_label(texts: &Texts, language: Language, status: Status) -> String {
    label(texts, language, status, key!("status-waiting-on-user"))
}

/// The status as the team reads it ("waiting for the requester").
pub fn staff_status_label(texts: &Texts, language: Language, status: Status) -> String {
    label(texts, language, status, key!("status-waiting-on-requester"))
}

fn label(texts: &Texts, language: Language, status: Status, waiting: Key) -> String {
    let key = match status {
        Status::Open => key!("status-open"),
        Status::InProgress => key!("status-in-progress"),
        Status::WaitingOnUser => waiting,
        Status::Resolved => key!("status-resolved"),
        Status::Closed => key!("status-closed"),
    };
    texts.t(language, key, &[])
}

/// `P1 Urgent`.
pub fn priority_label(texts: &Texts, language: Language, priority: Priority) -> String {
    let key = match priority {
        Priority::P0 => key!("priority-p0"),
        Priority::P1 => key!("priority-p1"),
        Priority::P2 => key!("priority-p2"),
        Priority::P3 => key!("priority-p3"),
    };
    format!("{} {}", priority, texts.t(language, key, &[]))
}
