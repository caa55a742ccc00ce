//! Escalation contacts who could not see the tickets they would be told of: an
//! employee listed in a team's `escalation.users`, an IT agent made lead of the
//! confidential HR team. At escalation time the scheduler tells them nothing (the
//! permission matrix forbids it) and only warns; these functions let `guichet
//! doctor` and start-up say so beforehand, with the fix, and keep
//! `team add-member … --lead` from making such a lead.

use std::collections::BTreeMap;
use std::fmt;

use crate::config::TeamConfig;
use crate::domain::{Catalog, Email, Team, TeamId, User, UserId};
use crate::permissions::{Action, Actor, TicketScope};
use crate::store::{self, Conn, StoreError};

/// Nobody: user ids start at 1. The requester of the ticket the matrix is asked
/// about, so that the answer is about the team's tickets, not the contact's own.
const SOMEONE_ELSE: UserId = UserId(0);

/// Why a contact may not see a team's tickets, by the permission matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlindReason {
    /// An employee sees only their own tickets. Fix: a staff role (agent; hr
    /// for a confidential team), or another contact.
    Employee,
    /// Staff, but not a member of the team. Fix: `guichet team add-member`.
    NotMember,
    /// A member of a confidential team without the hr role: only its hr members
    /// see its tickets. Fix: the hr role, or another contact.
    NotHr,
    /// The address in `escalation.users` is nobody's. Fix: the address of a user
    /// (`guichet user add … --email`), or remove it.
    UnknownAddress,
}

impl BlindReason {
    /// What to do about it, for the operator's command line and logs.
    pub fn fix(self) -> &'static str {
        match self {
            BlindReason::Employee => {
                "an employee sees only their own tickets: give them a staff role \
                 (guichet user set-role <user> agent, or hr for a confidential team) \
                 or choose another contact"
            }
            BlindReason::NotMember => {
                "they are not a member of the team: guichet team add-member <team> <user>, \
                 or choose another contact"
            }
            BlindReason::NotHr => {
                "the team is confidential and only its hr members see its tickets: \
                 guichet user set-role <user> hr, or choose an hr member"
            }
            BlindReason::UnknownAddress => {
                "no user has this address: give it to a user (guichet user add --email …) \
                 or remove it from teams.<team>.escalation.users"
            }
        }
    }
}

impl fmt::Display for BlindReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.fix())
    }
}

/// How someone came to be an escalation contact of a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactSource {
    /// A lead of the team (`teams.<team>.escalation.leads`).
    Lead,
    /// Listed by address in `teams.<team>.escalation.users`.
    Listed(Email),
}

/// An escalation contact of a team who could not see its tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindContact {
    pub team: TeamId,
    /// The team's key (`hr`), as the configuration and the command line name it.
    pub team_slug: String,
    /// `None` for an address that is nobody's.
    pub user: Option<UserId>,
    /// The user's display name, or the address nobody has.
    pub name: String,
    pub source: ContactSource,
    pub reason: BlindReason,
}

/// Why `user`, a member of `teams`, may not see the tickets of `team`; `None` when
/// they may. Asks the one permission matrix.
pub fn blind_reason(user: &User, teams: &[TeamId], team: &Team) -> Option<BlindReason> {
    let actor = Actor {
        user: user.id,
        role: user.role,
        teams: teams.to_vec(),
    };
    let scope = TicketScope {
        requester: SOMEONE_ELSE,
        team: team.id,
        confidential: team.confidential,
    };
    if actor.may(Action::View, &scope) {
        return None;
    }
    Some(if !user.role.is_staff() {
        BlindReason::Employee
    } else if !teams.contains(&team.id) {
        BlindReason::NotMember
    } else {
        BlindReason::NotHr
    })
}

/// Every team's escalation contacts (its leads when the configuration says so,
/// and the users it lists) who could not see its tickets, team by team.
pub async fn blind_escalation_contacts(
    conn: &mut Conn,
    catalog: &Catalog,
    teams: &BTreeMap<String, TeamConfig>,
) -> Result<Vec<BlindContact>, StoreError> {
    let mut blind = Vec::new();
    for team in catalog.teams() {
        let Some(config) = teams.get(&team.slug) else {
            continue;
        };
        let mut contacts: Vec<(User, ContactSource)> = Vec::new();
        if config.escalation.leads {
            for member in store::catalog::members(conn, team.id).await? {
                if member.lead
                    && let Some(user) = store::users::get(conn, member.user).await?
                {
                    contacts.push((user, ContactSource::Lead));
                }
            }
        }
        for email in &config.escalation.users {
            match store::users::find_by_email(conn, email).await? {
                Some(user) => contacts.push((user, ContactSource::Listed(email.clone()))),
                None => blind.push(BlindContact {
                    team: team.id,
                    team_slug: team.slug.clone(),
                    user: None,
                    name: email.to_string(),
                    source: ContactSource::Listed(email.clone()),
                    reason: BlindReason::UnknownAddress,
                }),
            }
        }
        for (user, source) in contacts {
            // Teams matter to the matrix for staff roles only.
            let member_of = if user.role.is_staff() {
                store::users::teams_of(conn, user.id).await?
            } else {
                Vec::new()
            };
            if let Some(reason) = blind_reason(&user, &member_of, team) {
                blind.push(BlindContact {
                    team: team.id,
                    team_slug: team.slug.clone(),
                    user: Some(user.id),
                    name: user.display_name,
                    source,
                    reason,
                });
            }
        }
    }
    Ok(blind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::team::Localized;
    use crate::domain::{Language, Role};

    fn team(id: i64, confidential: bool) -> Team {
        Team {
            id: TeamId(id),
            slug: if confidential { "hr" } else { "it" }.into(),
            name: Localized {
                fr: "Équipe".into(),
                en: "Team".into(),
            },
            email: None,
            confidential,
            staff_space: None,
            active: true,
        }
    }

    fn user(role: Role) -> User {
        User {
            id: UserId(7),
            display_name: "Sami".into(),
            email: None,
            language: Language::Fr,
            department: None,
            role,
            available: true,
            capacity: 5,
            last_assigned_at: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_matrix_says_who_is_blind_and_why() {
        let (it, hr) = (team(1, false), team(2, true));
        let both = [it.id, hr.id];
        assert_eq!(blind_reason(&user(Role::Agent), &[it.id], &it), None);
        assert_eq!(
            blind_reason(&user(Role::Agent), &both, &hr),
            Some(BlindReason::NotHr)
        );
        assert_eq!(blind_reason(&user(Role::Hr), &both, &hr), None);
        assert_eq!(
            blind_reason(&user(Role::Hr), &[it.id], &hr),
            Some(BlindReason::NotMember)
        );
        assert_eq!(
            blind_reason(&user(Role::Employee), &both, &it),
            Some(BlindReason::Employee)
        );
        assert_eq!(blind_reason(&user(Role::Admin), &[], &hr), None);
    }
}
