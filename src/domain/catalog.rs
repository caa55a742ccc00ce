//! The teams and categories in force: declared in the configuration, synchronised
//! into the database at start-up, then read from memory for the life of the process.

use super::category::{Category, CategoryId};
use super::people::{Email, Platform};
use super::priority::Priority;
use super::team::{Localized, Team, TeamId};

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Every team, removed ones included: old tickets still point at them.
    teams: Vec<Team>,
    /// Every category, removed ones included, active ones in menu order first.
    categories: Vec<Category>,
}

impl Catalog {
    pub fn new(teams: Vec<Team>, categories: Vec<Category>) -> Self {
        Catalog { teams, categories }
    }

    pub fn team(&self, id: TeamId) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// An active team by slug.
    pub fn team_by_slug(&self, slug: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.active && t.slug == slug)
    }

    /// Active teams, by slug.
    pub fn teams(&self) -> impl Iterator<Item = &Team> {
        self.teams.iter().filter(|t| t.active)
    }

    pub fn category(&self, id: CategoryId) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// An active category by slug.
    pub fn category_by_slug(&self, slug: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.active && c.slug == slug)
    }

    /// Active categories in menu order.
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| c.active)
    }
}

/// The teams and categories the configuration declares, before the database numbers
/// them: what the start-up synchronises.
#[derive(Debug, Clone, Default)]
pub struct CatalogDeclaration {
    pub teams: Vec<TeamDeclaration>,
    pub categories: Vec<CategoryDeclaration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamDeclaration {
    pub slug: String,
    pub name: Localized,
    pub email: Option<Email>,
    pub confidential: bool,
    /// Where the team's ticket threads open, if anywhere.
    pub staff_space: Option<(Platform, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryDeclaration {
    pub slug: String,
    pub name: Localized,
    /// The slug of the team handling it.
    pub team: String,
    pub default_priority: Priority,
    pub needs_approval: bool,
    /// Order in menus, smallest first; ties by slug.
    pub position: i64,
}
