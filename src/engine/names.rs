//! What commands are called: each command's French and English names and
//! aliases, its description for the platforms' menus, and who may use it at all.

use super::Refusal;
use crate::i18n::Key;
use crate::permissions::Actor;

/// What can be asked, by its canonical (English) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Name {
    Help,
    New,
    Tickets,
    Close,
    Rate,
    Language,
    Cancel,
    Claim,
    Assign,
    Priority,
    Status,
    Resolve,
    Approve,
    AskInfo,
    Refuse,
    Transfer,
    Note,
    Panel,
    Leaderboard,
    Unavailable,
    Available,
    Redistribute,
    Profile,
    Link,
}

/// Every name and alias a command answers to, French first.
pub(crate) const NAMES: &[(Name, &[&str])] = &[
    (Name::Help, &["aide", "help", "start"]),
    (Name::New, &["nouveau", "new", "ticket"]),
    (Name::Tickets, &["mestickets", "tickets", "list"]),
    (Name::Close, &["fermer", "close"]),
    (Name::Rate, &["noter", "rate"]),
    (Name::Language, &["langue", "language", "lang"]),
    (Name::Cancel, &["annuler", "cancel"]),
    (Name::Claim, &["prendre", "claim"]),
    (Name::Assign, &["assigner", "assign"]),
    (Name::Priority, &["priorite", "priority"]),
    (Name::Status, &["statut", "status"]),
    (Name::Resolve, &["resoudre", "resolve"]),
    (Name::Approve, &["approuver", "approve"]),
    (Name::AskInfo, &["infos", "ask"]),
    (Name::Refuse, &["refuser", "refuse"]),
    (Name::Transfer, &["transferer", "transfer"]),
    (Name::Note, &["note"]),
    (Name::Panel, &["panneau", "panel"]),
    (Name::Leaderboard, &["classement", "leaderboard", "top"]),
    (Name::Unavailable, &["indisponible", "unavailable", "away"]),
    (Name::Available, &["disponible", "available", "back"]),
    (Name::Redistribute, &["redistribuer", "redistribute"]),
    (Name::Profile, &["profil", "profile"]),
    (Name::Link, &["lier", "link"]),
];

impl Name {
    pub(super) fn is_staff_action(self) -> bool {
        matches!(
            self,
            Name::Claim
                | Name::Assign
                | Name::Priority
                | Name::Status
                | Name::Resolve
                | Name::Approve
                | Name::AskInfo
                | Name::Refuse
                | Name::Transfer
                | Name::Note
                | Name::Close
        )
    }

    /// Listed in the staff spaces' menus.
    pub(super) fn for_staff(self) -> bool {
        self.is_staff_action()
            || matches!(
                self,
                Name::Leaderboard | Name::Unavailable | Name::Available | Name::Redistribute
            )
    }

    pub(super) fn description_key(self) -> Key {
        match self {
            Name::Help => key!("command-help"),
            Name::New => key!("command-new"),
            Name::Tickets => key!("command-tickets"),
            Name::Close => key!("command-close"),
            Name::Rate => key!("command-rate"),
            Name::Language => key!("command-language"),
            Name::Cancel => key!("command-cancel"),
            Name::Claim => key!("command-claim"),
            Name::Assign => key!("command-assign"),
            Name::Priority => key!("command-priority"),
            Name::Status => key!("command-status"),
            Name::Resolve => key!("command-resolve"),
            Name::Approve => key!("command-approve"),
            Name::AskInfo => key!("command-ask"),
            Name::Refuse => key!("command-refuse"),
            Name::Transfer => key!("command-transfer"),
            Name::Note => key!("command-note"),
            Name::Panel => key!("command-panel"),
            Name::Leaderboard => key!("command-leaderboard"),
            Name::Unavailable => key!("command-unavailable"),
            Name::Available => key!("command-available"),
            Name::Redistribute => key!("command-redistribute"),
            Name::Profile => key!("command-profile"),
            Name::Link => key!("command-link"),
        }
    }

    pub fn find(typed: &str) -> Option<Name> {
        let typed: String = typed
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' => 'e',
                c => c,
            })
            .collect();
        NAMES
            .iter()
            .find(|(_, aliases)| aliases.contains(&typed.as_str()))
            .map(|(name, _)| *name)
    }

    /// Commands some people may not use at all: refused before their arguments
    /// are read.
    pub(super) fn allowed(self, actor: &Actor) -> Result<(), Refusal> {
        match self {
            Name::Panel if !actor.may_administer() => Err(refusal!(Forbidden, "error-admin-only")),
            Name::Leaderboard if !(actor.role.is_staff() || actor.may_administer()) => {
                Err(refusal!(Forbidden, "error-leaderboard-staff"))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RefusalKind;

    #[test]
    fn names_answer_in_both_languages_and_without_accents() {
        assert_eq!(Name::find("résoudre"), Some(Name::Resolve));
        assert_eq!(Name::find("RESOLVE"), Some(Name::Resolve));
        assert_eq!(Name::find("priorité"), Some(Name::Priority));
        assert_eq!(Name::find("transférer"), Some(Name::Transfer));
        assert_eq!(Name::find("delete"), None);
        let mut all: Vec<&str> = NAMES.iter().flat_map(|(_, a)| a.iter().copied()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "an alias names two commands");
    }

    #[test]
    fn some_commands_are_refused_to_some_people_before_reading_them() {
        use crate::domain::{Role, UserId};
        let employee = Actor {
            user: UserId(1),
            role: Role::Employee,
            teams: Vec::new(),
        };
        let panel = Name::Panel.allowed(&employee).unwrap_err();
        assert_eq!(
            (panel.kind, panel.key),
            (RefusalKind::Forbidden, key!("error-admin-only"))
        );
        let board = Name::Leaderboard.allowed(&employee).unwrap_err();
        assert_eq!(
            (board.kind, board.key),
            (RefusalKind::Forbidden, key!("error-leaderboard-staff"))
        );
        assert_eq!(Name::New.allowed(&employee), Ok(()));
        let agent = Actor {
            role: Role::Agent,
            ..employee
        };
        assert_eq!(Name::Leaderboard.allowed(&agent), Ok(()));
    }
}
