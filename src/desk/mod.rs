//! The helpdesk's operations: each checks the permission matrix, changes the store
//! and writes the audit trail, inside the caller's transaction. The chat engine, the
//! web API, the scheduler and the command line all act through these, so a rule is
//! enforced once whatever the door.

mod assign;
mod contacts;
mod decisions;
mod opening;
mod people;
mod points;
mod profile;
mod queue;
mod tickets;
mod workload;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use contacts::{
    BlindContact, BlindReason, ContactSource, blind_escalation_contacts, blind_reason,
};
pub use decisions::DecisionError;
pub use opening::{FirstMessage, Opened, TicketDraft};
pub use people::UserRef;
pub use profile::LINK_CODE_LIFETIME;
pub use tickets::Posted;
pub use workload::Moved;

use crate::clock::SharedClock;
use crate::config::{Config, PointsConfig};
use crate::domain::{
    Catalog, Email, Identity, ParseError, Status, Ticket, TicketId, TicketReference, User, UserId,
};
use crate::permissions::{Action, Actor, TicketScope};
use crate::planning::{self, Policy};
use crate::store::{self, Conn, StoreError};

/// A refusal to show the person who asked, or a failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Also what someone gets for a ticket they may not see: its existence is not
    /// theirs to learn. Holds the reference the caller gave.
    #[error("no ticket {0}")]
    UnknownTicket(String),
    /// A ticket named by its id (a button, a web change) that does not exist or
    /// that the caller may not see. People never read internal ids, so it is
    /// told without one.
    #[error("no ticket by that id for this caller")]
    UnseenTicket,
    #[error("no user {0}")]
    UnknownUser(String),
    #[error("no team {0:?}")]
    UnknownTeam(String),
    #[error("no category {0:?}")]
    UnknownCategory(String),
    #[error("not allowed: {0:?} on this ticket")]
    Forbidden(Action),
    #[error("only an admin may do this")]
    AdminOnly,
    #[error("a {from} ticket cannot become {to}")]
    Transition { from: Status, to: Status },
    #[error("the ticket is already assigned to user {0}")]
    AlreadyAssigned(UserId),
    #[error("user {0} does not work the tickets of this team")]
    NotTeamStaff(UserId),
    /// A lead is an escalation contact and redistributes the team's tickets: one
    /// who may not see them is refused.
    #[error("{name} cannot lead team {team}, whose tickets they may not see: {reason}")]
    BlindLead {
        name: String,
        team: String,
        reason: BlindReason,
    },
    #[error("only a resolved or closed ticket can be rated")]
    NotResolved,
    /// A star button pressed once the ticket was rated: only the command changes
    /// a rating. Holds the stars given.
    #[error("the ticket was rated already ({0:?})")]
    AlreadyRated(crate::domain::Stars),
    #[error("only staff may do this")]
    StaffOnly,
    #[error("the link code is unknown, used or expired")]
    BadLinkCode,
    #[error("only an employee's second account can be joined by code")]
    LinkNotEmployee,
    #[error("the user already has an account on {0}")]
    PlatformTaken(crate::domain::Platform),
    #[error("only a lead of the agent's team (or an admin) may redistribute their tickets")]
    NotLead,
    #[error("{0} already belongs to another user")]
    IdentityTaken(Identity),
    #[error("the e-mail address {0} is already used by another user")]
    EmailTaken(Email),
    #[error("the subject is empty")]
    EmptySubject,
    #[error("the message is empty")]
    EmptyMessage,
    #[error(transparent)]
    Decision(#[from] DecisionError),
    #[error(transparent)]
    Invalid(#[from] ParseError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DeskError {
    fn from(e: sqlx::Error) -> Self {
        DeskError::Store(StoreError::Query(e))
    }
}

pub type Result<T, E = DeskError> = std::result::Result<T, E>;

/// A ticket after an operation, and whether the operation changed it: asking for
/// what already is (claiming one's own ticket, the same priority) changes nothing,
/// and callers then say nothing either.
#[derive(Debug, Clone)]
pub struct Changed {
    pub ticket: Ticket,
    pub changed: bool,
}

impl Changed {
    fn yes(ticket: Ticket) -> Self {
        Changed {
            ticket,
            changed: true,
        }
    }

    fn no(ticket: Ticket) -> Self {
        Changed {
            ticket,
            changed: false,
        }
    }
}

/// The operations, with what they need besides the database: the time and the
/// company's time zone (ticket references are company-local days).
#[derive(Debug, Clone)]
pub struct Desk {
    clock: SharedClock,
    time_zone: Tz,
    catalog: Arc<Catalog>,
    /// The scheduler's rules, planned again at every change of a ticket.
    policy: Arc<Policy>,
    /// What agents earn.
    points: Arc<PointsConfig>,
}

impl Desk {
    pub fn new(clock: SharedClock, config: &Config, catalog: Arc<Catalog>) -> Self {
        Desk {
            clock,
            time_zone: config.company.time_zone,
            catalog,
            policy: Arc::new(Policy::new(config)),
            points: Arc::new(config.points.clone()),
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Writes a changed ticket, with its SLA targets, and plans the scheduler's
    /// rules for it in the same transaction.
    pub(crate) async fn save(&self, conn: &mut Conn, ticket: &mut Ticket) -> Result<()> {
        ticket.sla = self.policy.sla_clock(ticket);
        store::tickets::update(conn, ticket).await?;
        planning::plan(conn, &self.policy, ticket, self.now()).await?;
        Ok(())
    }

    /// The teams and categories in force.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The facts about a ticket the permission matrix reads.
    pub fn scope_of(&self, ticket: &Ticket) -> Result<TicketScope> {
        let team = self
            .catalog
            .team(ticket.team)
            .ok_or_else(|| DeskError::UnknownTeam(ticket.team.to_string()))?;
        Ok(TicketScope {
            requester: ticket.requester,
            team: ticket.team,
            confidential: team.confidential,
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Loads what the permission matrix needs to know about a user.
    pub async fn actor(&self, conn: &mut Conn, user: UserId) -> Result<Actor> {
        let found = store::users::get(conn, user)
            .await?
            .ok_or_else(|| DeskError::UnknownUser(user.to_string()))?;
        self.actor_of(conn, &found).await
    }

    /// [`Desk::actor`] for a user already read. Teams matter to the matrix for
    /// staff roles only, so employees and admins cost no query.
    pub async fn actor_of(&self, conn: &mut Conn, user: &User) -> Result<Actor> {
        let teams = if user.role.is_staff() {
            store::users::teams_of(conn, user.id).await?
        } else {
            Vec::new()
        };
        Ok(Actor {
            user: user.id,
            role: user.role,
            teams,
        })
    }

    /// Finds a ticket by reference for someone who wants to act on it: unknown and
    /// invisible tickets are refused alike.
    pub async fn ticket_by_reference(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        reference: &TicketReference,
    ) -> Result<Ticket> {
        let ticket = store::tickets::by_reference(conn, reference)
            .await?
            .ok_or_else(|| DeskError::UnknownTicket(reference.to_string()))?;
        let scope = self.scope_of(&ticket)?;
        if !actor.may(Action::View, &scope) {
            return Err(DeskError::UnknownTicket(reference.to_string()));
        }
        Ok(ticket)
    }

    /// Loads and locks a ticket for a change `actor` wants to make, checking `action`.
    async fn ticket_for(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        action: Action,
    ) -> Result<(Ticket, TicketScope)> {
        let (ticket, scope) = self.visible_ticket(conn, actor, id).await?;
        require(actor, action, &scope)?;
        Ok((ticket, scope))
    }

    /// Loads and locks a ticket `actor` may see; an invisible one is "unknown".
    async fn visible_ticket(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
    ) -> Result<(Ticket, TicketScope)> {
        let ticket = store::tickets::get_for_update(conn, id)
            .await?
            .ok_or_else(|| DeskError::UnseenTicket)?;
        let scope = self.scope_of(&ticket)?;
        if !actor.may(Action::View, &scope) {
            // Named as the caller named it: the reference would tell them it exists.
            return Err(DeskError::UnseenTicket);
        }
        Ok((ticket, scope))
    }
}

fn require(actor: &Actor, action: Action, scope: &TicketScope) -> Result<()> {
    if actor.may(action, scope) {
        Ok(())
    } else {
        Err(DeskError::Forbidden(action))
    }
}
