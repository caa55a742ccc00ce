//! Support teams (Service Informatique, Service Financier, RH…) and their members.

use std::fmt;

use super::people::{Email, Language, Platform, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TeamId(pub i64);

impl fmt::Display for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A name shown to users, in each supported language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub fr: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Fr => &self.fr,
            Language::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: TeamId,
    /// Stable key used by the configuration and the command line (`it`, `finance`).
    pub slug: String,
    pub name: Localized,
    /// The team's shared mailbox: the overdue e-mail of an unassigned ticket goes there.
    pub email: Option<Email>,
    /// Tickets of a confidential team (HR) are seen by its `hr` members and admins only.
    pub confidential: bool,
    /// Where the team's ticket threads open: a Discord channel or a Telegram
    /// supergroup. `None`: the team works from the web and the command line only.
    pub staff_space: Option<(Platform, String)>,
    /// Still in the configuration.
    pub active: bool,
}

/// A user's place in a team.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMember {
    pub team: TeamId,
    pub user: UserId,
    /// Leads may redistribute the tickets of unavailable members.
    pub lead: bool,
}
