//! Ticket categories: each is routed to one team and has a default priority.

use std::fmt;

use super::priority::Priority;
use super::team::{Localized, TeamId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryId(pub i64);

impl fmt::Display for CategoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: CategoryId,
    /// Stable key used by the configuration and the command line (`hardware`).
    pub slug: String,
    pub name: Localized,
    /// The team that handles tickets of this category.
    pub team: TeamId,
    pub default_priority: Priority,
    /// Finance & travel requests need an approve / ask / refuse decision, not a fix.
    pub needs_approval: bool,
    /// Still in the configuration.
    pub active: bool,
}
