//! Who may do what to a ticket: one matrix, read by the engine, the web API and the
//! store's list queries alike.
//!
//! A user relates to a ticket as its requester, as staff of its team, or both, or
//! neither. Staff of a team are its members with the `agent` or `hr` role; on a
//! confidential team (HR) only its `hr` members are staff, so other agents never see
//! HR tickets even when they were added to that team by mistake. Admins act on every
//! ticket.

use crate::domain::{Role, TeamId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the ticket, its public messages and its status.
    View,
    /// Write a public message, relayed to the other side.
    Reply,
    /// Write an internal note, never shown to the requester.
    AddNote,
    /// Read internal notes and the audit trail.
    ReadInternal,
    /// Assign the ticket to oneself.
    Claim,
    /// Assign the ticket to someone of the team.
    Assign,
    SetPriority,
    SetStatus,
    Resolve,
    /// Hand the ticket to another team.
    Transfer,
    Close,
    Reopen,
    /// Rate the resolution: the requester's voice only.
    Rate,
    /// Approve, question or refuse a request that needs approval: the deciding
    /// team's call, never the requester's.
    Decide,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::View,
        Action::Reply,
        Action::AddNote,
        Action::ReadInternal,
        Action::Claim,
        Action::Assign,
        Action::SetPriority,
        Action::SetStatus,
        Action::Resolve,
        Action::Transfer,
        Action::Close,
        Action::Reopen,
        Action::Rate,
        Action::Decide,
    ];
}

/// `(action, requester may, team staff may, admin may)`.
const MATRIX: &[(Action, bool, bool, bool)] = &[
    (Action::View, true, true, true),
    (Action::Reply, true, true, true),
    (Action::AddNote, false, true, true),
    (Action::ReadInternal, false, true, true),
    (Action::Claim, false, true, true),
    (Action::Assign, false, true, true),
    (Action::SetPriority, false, true, true),
    (Action::SetStatus, false, true, true),
    (Action::Resolve, false, true, true),
    (Action::Transfer, false, true, true),
    (Action::Close, true, true, true),
    (Action::Reopen, true, true, true),
    (Action::Rate, true, false, false),
    (Action::Decide, false, true, true),
];

/// The person acting, with what the matrix needs to know about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
    /// The teams the user is a member of.
    pub teams: Vec<TeamId>,
}

/// The facts about a ticket that decide who may act on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TicketScope {
    pub requester: UserId,
    pub team: TeamId,
    /// The ticket's team is confidential (HR).
    pub confidential: bool,
}

impl Actor {
    /// Whether the actor works the tickets of `team` (see the module documentation).
    pub fn is_staff_of(&self, team: TeamId, confidential: bool) -> bool {
        let role_fits = if confidential {
            self.role == Role::Hr
        } else {
            self.role.is_staff()
        };
        role_fits && self.teams.contains(&team)
    }

    pub fn may(&self, action: Action, ticket: &TicketScope) -> bool {
        let Some(&(_, requester, staff, admin)) = MATRIX.iter().find(|row| row.0 == action) else {
            return false;
        };
        (self.role == Role::Admin && admin)
            || (self.user == ticket.requester && requester)
            || (self.is_staff_of(ticket.team, ticket.confidential) && staff)
    }

    /// Managing people, teams and configuration.
    pub fn may_administer(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IT: TeamId = TeamId(1);
    const HR: TeamId = TeamId(2);
    const REQUESTER: UserId = UserId(10);

    fn actor(id: i64, role: Role, teams: &[TeamId]) -> Actor {
        Actor {
            user: UserId(id),
            role,
            teams: teams.to_vec(),
        }
    }

    fn ticket(team: TeamId) -> TicketScope {
        TicketScope {
            requester: REQUESTER,
            team,
            confidential: team == HR,
        }
    }

    fn allowed(actor: &Actor, scope: &TicketScope) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| actor.may(*a, scope))
            .collect()
    }

    use Action::*;
    const REQUESTER_ACTIONS: &[Action] = &[View, Reply, Close, Reopen, Rate];
    const STAFF_ACTIONS: &[Action] = &[
        View,
        Reply,
        AddNote,
        ReadInternal,
        Claim,
        Assign,
        SetPriority,
        SetStatus,
        Resolve,
        Transfer,
        Close,
        Reopen,
        Decide,
    ];

    #[test]
    fn every_action_has_a_row_in_the_matrix() {
        for action in Action::ALL {
            assert_eq!(
                MATRIX.iter().filter(|r| r.0 == action).count(),
                1,
                "{action:?}"
            );
        }
    }

    #[test]
    fn employees_act_on_their_own_tickets_only() {
        let own = actor(REQUESTER.0, Role::Employee, &[]);
        let other = actor(11, Role::Employee, &[]);
        for team in [IT, HR] {
            assert_eq!(allowed(&own, &ticket(team)), REQUESTER_ACTIONS);
            assert_eq!(allowed(&other, &ticket(team)), []);
        }
        // An employee wrongly listed in a team still does not work its tickets.
        let listed = actor(12, Role::Employee, &[IT]);
        assert_eq!(allowed(&listed, &ticket(IT)), []);
    }

    #[test]
    fn agents_act_on_their_teams_tickets_and_never_see_hr_ones() {
        let it_agent = actor(20, Role::Agent, &[IT]);
        assert_eq!(allowed(&it_agent, &ticket(IT)), STAFF_ACTIONS);
        assert_eq!(allowed(&it_agent, &ticket(HR)), []);
        let other_team = actor(21, Role::Agent, &[TeamId(3)]);
        assert_eq!(allowed(&other_team, &ticket(IT)), []);
        // Even an agent added to the HR team by mistake sees nothing there.
        let misplaced = actor(22, Role::Agent, &[HR]);
        assert_eq!(allowed(&misplaced, &ticket(HR)), []);
    }

    #[test]
    fn hr_works_hr_tickets_and_only_its_teams_others() {
        let hr = actor(30, Role::Hr, &[HR]);
        assert_eq!(allowed(&hr, &ticket(HR)), STAFF_ACTIONS);
        assert_eq!(allowed(&hr, &ticket(IT)), []);
        let hr_outside = actor(31, Role::Hr, &[IT]);
        assert_eq!(allowed(&hr_outside, &ticket(HR)), []);
    }

    #[test]
    fn admins_do_everything_but_rate_for_someone_else() {
        let admin = actor(40, Role::Admin, &[]);
        for team in [IT, HR] {
            assert_eq!(allowed(&admin, &ticket(team)), STAFF_ACTIONS);
        }
        assert!(admin.may_administer());
        assert!(!actor(41, Role::Hr, &[HR]).may_administer());
    }

    #[test]
    fn an_agent_who_files_a_ticket_is_also_its_requester() {
        let agent = actor(REQUESTER.0, Role::Agent, &[IT]);
        let both: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| STAFF_ACTIONS.contains(a) || *a == Rate)
            .collect();
        assert_eq!(allowed(&agent, &ticket(IT)), both);
        assert_eq!(allowed(&agent, &ticket(HR)), REQUESTER_ACTIONS);
    }
}
