//! A ticket: one request from one employee, handled by one team.

use std::fmt;

use chrono::{DateTime, Utc};

use super::category::CategoryId;
use super::people::UserId;
use super::priority::Priority;
use super::reference::TicketReference;
use super::status::Status;
use super::team::TeamId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketId(pub i64);

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Longest subject kept: it names the staff thread, and Telegram topic names stop at 128.
pub const SUBJECT_MAX_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: TicketId,
    pub reference: TicketReference,
    pub subject: String,
    pub description: String,
    pub requester: UserId,
    pub category: CategoryId,
    /// The team handling it: the category's team, unless transferred.
    pub team: TeamId,
    pub priority: Priority,
    pub status: Status,
    pub assignee: Option<UserId>,
    /// The closed ticket this one follows up, when a requester wrote again too late
    /// to reopen it.
    pub previous: Option<TicketId>,
    pub resolution: Option<String>,
    /// The platform the requester opened it from: where answers reach them.
    pub origin: Option<super::people::Platform>,
    pub times: TicketTimes,
    pub sla: SlaClock,
}

/// The moments the KPIs (response and resolution times) are computed from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TicketTimes {
    pub created: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub first_response: Option<DateTime<Utc>>,
    pub last_requester_message: Option<DateTime<Utc>>,
    pub last_agent_message: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
}

/// The ticket's SLA targets, and when the scheduler found each one missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlaClock {
    pub first_response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub first_response_breached: Option<DateTime<Utc>>,
    pub resolution_breached: Option<DateTime<Utc>>,
}

/// The two SLA targets of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaTarget {
    FirstResponse,
    Resolution,
}

impl SlaTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaTarget::FirstResponse => "first_response",
            SlaTarget::Resolution => "resolution",
        }
    }
}

/// Turns what an employee wrote into a subject and a description: the first
/// non-empty line is the subject (shortened on a word boundary if needed), the rest
/// is the description. A long first line is kept whole in the description.
pub fn split_subject(text: &str) -> (String, String) {
    let text = text.trim();
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first.trim(), rest.trim()),
        None => (text, ""),
    };
    if first.chars().count() <= SUBJECT_MAX_CHARS {
        return (first.to_owned(), rest.to_owned());
    }
    let cut: String = first.chars().take(SUBJECT_MAX_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > SUBJECT_MAX_CHARS / 2 => &cut[..space],
        _ => &cut,
    };
    (format!("{}…", cut.trim_end()), text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_the_subject_and_the_rest_the_description() {
        let (subject, description) = split_subject(
            "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer.\nRien ne fonctionne.",
        );
        assert_eq!(subject, "Mon écran ne s'allume plus");
        assert_eq!(
            description,
            "J'ai essayé de le redémarrer.\nRien ne fonctionne."
        );
    }

    #[test]
    fn a_one_line_message_has_no_description() {
        assert_eq!(
            split_subject("  VPN en panne  "),
            ("VPN en panne".into(), String::new())
        );
    }

    #[test]
    fn a_long_first_line_is_shortened_on_a_word_and_kept_in_the_description() {
        let long = "Je souhaite obtenir une prise en charge financière pour mon déplacement \
                    professionnel à Paris du 20 au 25 mars 2025 avec hébergement";
        let (subject, description) = split_subject(long);
        assert!(subject.chars().count() <= SUBJECT_MAX_CHARS, "{subject}");
        assert!(subject.ends_with('…'));
        assert!(!subject.contains("hébergement"));
        assert_eq!(description, long);
    }
}
