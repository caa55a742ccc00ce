//! The life of a ticket and the one table of moves it may make.

use std::fmt;
use std::str::FromStr;

use super::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Filed, waiting for an agent to take it.
    Open,
    /// An agent works on it.
    InProgress,
    /// The agent asked the requester something and waits for the answer.
    WaitingOnUser,
    /// The agent considers it solved; the requester may rate it or reopen it.
    Resolved,
    /// Done for good. A later message starts a new ticket.
    Closed,
}

use Status::*;

/// Every move a ticket may make, `(from, to)`. Anything else is refused.
pub const TRANSITIONS: &[(Status, Status)] = &[
    (Open, InProgress),
    (Open, WaitingOnUser),
    (Open, Resolved),
    (Open, Closed),
    // Handed back to the team's queue.
    (InProgress, Open),
    (InProgress, WaitingOnUser),
    (InProgress, Resolved),
    (InProgress, Closed),
    (WaitingOnUser, InProgress),
    (WaitingOnUser, Resolved),
    (WaitingOnUser, Closed),
    // Reopened: back to the queue, or straight to the agent who had it.
    (Resolved, Open),
    (Resolved, InProgress),
    (Resolved, Closed),
];

impl Status {
    pub const ALL: [Status; 5] = [Open, InProgress, WaitingOnUser, Resolved, Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Open => "open",
            InProgress => "in_progress",
            WaitingOnUser => "waiting_on_user",
            Resolved => "resolved",
            Closed => "closed",
        }
    }

    pub fn can_become(self, to: Status) -> bool {
        TRANSITIONS.contains(&(self, to))
    }

    /// Tickets in these states count toward an agent's workload and an employee's
    /// open tickets.
    pub fn is_active(self) -> bool {
        matches!(self, Open | InProgress | WaitingOnUser)
    }
}

/// The words a French-speaking agent types, accents optional, beside the stored
/// names (which are accepted in both languages).
const FRENCH_WORDS: [(&str, Status); 5] = [
    ("ouvert", Open),
    ("en_cours", InProgress),
    ("en_attente", WaitingOnUser),
    ("resolu", Resolved),
    ("ferme", Closed),
];

impl FromStr for Status {
    type Err = ParseError;
    /// The stored names (`in_progress`; case, dashes and spaces aside): what the
    /// API and the CLI document.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let normalized = s.replace(['-', ' '], "_");
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(&normalized))
            .ok_or_else(|| {
                ParseError::new(
                    super::ValueKind::Status,
                    s,
                    "open, in_progress, waiting_on_user, resolved or closed",
                )
            })
    }
}

impl Status {
    /// What an agent types in the chat: the stored names, or the French words
    /// (`en attente`, `résolu`: accents optional).
    pub fn from_typed(s: &str) -> Result<Status, ParseError> {
        let normalized: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                'é' | 'è' | 'ê' => 'e',
                other => other,
            })
            .collect();
        FRENCH_WORDS
            .into_iter()
            .find(|(word, _)| *word == normalized)
            .map_or_else(|| s.parse(), |(_, status)| Ok(status))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_understood_in_french_and_english() {
        for (typed, status) in [
            ("en_attente", WaitingOnUser),
            ("En attente", WaitingOnUser),
            ("résolu", Resolved),
            ("FERMÉ", Closed),
            ("en-cours", InProgress),
            ("ouvert", Open),
            ("waiting_on_user", WaitingOnUser),
            ("In progress", InProgress),
        ] {
            assert_eq!(Status::from_typed(typed).unwrap(), status, "{typed}");
        }
        assert!(Status::from_typed("fini").is_err());
        assert!(
            "ouvert".parse::<Status>().is_err(),
            "the API takes the stored names"
        );
    }

    #[test]
    fn the_transition_table_is_exactly_the_intended_one() {
        let allowed = |from: Status| -> Vec<Status> {
            Status::ALL
                .into_iter()
                .filter(|to| from.can_become(*to))
                .collect()
        };
        assert_eq!(allowed(Open), [InProgress, WaitingOnUser, Resolved, Closed]);
        assert_eq!(allowed(InProgress), [Open, WaitingOnUser, Resolved, Closed]);
        assert_eq!(allowed(WaitingOnUser), [InProgress, Resolved, Closed]);
        assert_eq!(allowed(Resolved), [Open, InProgress, Closed]);
        assert_eq!(allowed(Closed), []);
    }

    #[test]
    fn no_status_moves_to_itself() {
        for s in Status::ALL {
            assert!(!s.can_become(s), "{s} -> {s}");
        }
    }

    #[test]
    fn only_a_resolved_ticket_can_be_reopened() {
        for from in Status::ALL {
            let reopens = from.can_become(Open) && !from.is_active();
            assert_eq!(reopens, from == Resolved, "{from}");
        }
    }

    #[test]
    fn statuses_parse_with_dashes_or_spaces() {
        assert_eq!("in-progress".parse::<Status>().unwrap(), InProgress);
        assert_eq!("Waiting on user".parse::<Status>().unwrap(), WaitingOnUser);
        assert!("pending".parse::<Status>().is_err());
    }
}
