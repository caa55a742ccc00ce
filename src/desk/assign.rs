//! Who works a ticket: claiming it, assigning it, and the automatic assignment that
//! runs when a ticket arrives in a team.

use super::{Changed, Desk, DeskError, Result};
use crate::assignment;
use crate::domain::{AuditAction, CategoryId, Status, TeamId, Ticket, TicketId, UserId};
use crate::permissions::{Action, Actor};
use crate::store::audit::Origin;
use crate::store::{self, Conn};

impl Desk {
    /// An agent takes a ticket for themselves and starts on it. Claiming a ticket
    /// already theirs starts it if it was waiting in their queue, else changes
    /// nothing; someone else's is refused (reassign instead).
    pub async fn claim(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        origin: Origin,
    ) -> Result<Changed> {
        let (mut ticket, _) = self.ticket_for(conn, actor, id, Action::Claim).await?;
        match ticket.assignee {
            Some(current) if current == actor.user && ticket.status != Status::Open => {
                return Ok(Changed::no(ticket));
            }
            Some(current) if current == actor.user => {}
            Some(current) => return Err(DeskError::AlreadyAssigned(current)),
            None => {
                self.give(
                    conn,
                    &mut ticket,
                    actor.user,
                    Some(actor),
                    AuditAction::Claimed,
                    origin,
                )
                .await?;
            }
        }
        if ticket.status == Status::Open {
            self.change_status(conn, &mut ticket, Status::InProgress, Some(actor), origin)
                .await?;
        }
        self.save(conn, &mut ticket).await?;
        Ok(Changed::yes(ticket))
    }

    /// Assigns a ticket to someone who may work it: staff of its team, or an admin.
    /// A manual assignment may exceed the assignee's capacity: a person decided.
    pub async fn assign(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        assignee: UserId,
        origin: Origin,
    ) -> Result<Changed> {
        let (mut ticket, scope) = self.ticket_for(conn, actor, id, Action::Assign).await?;
        if ticket.assignee == Some(assignee) {
            return Ok(Changed::no(ticket));
        }
        let target = self.actor(conn, assignee).await?;
        if !target.may(Action::Claim, &scope) {
            return Err(DeskError::NotTeamStaff(assignee));
        }
        self.give(
            conn,
            &mut ticket,
            assignee,
            Some(actor),
            AuditAction::Assigned,
            origin,
        )
        .await?;
        self.save(conn, &mut ticket).await?;
        Ok(Changed::yes(ticket))
    }

    /// Runs the assignment rule for a ticket of the queue and writes the result.
    /// Returns the assignee, or `None` when nobody fits and it stays in the queue.
    pub async fn auto_assign(
        &self,
        conn: &mut Conn,
        ticket: &mut Ticket,
        origin: Origin,
    ) -> Result<Option<UserId>> {
        if ticket.assignee.is_some() || !ticket.status.is_active() {
            return Ok(ticket.assignee);
        }
        let Some(chosen) = self
            .choose_assignee(conn, ticket.team, ticket.category, None)
            .await?
        else {
            return Ok(None);
        };
        self.give(
            conn,
            ticket,
            chosen,
            None,
            AuditAction::AutoAssigned,
            origin,
        )
        .await?;
        self.save(conn, ticket).await?;
        Ok(Some(chosen))
    }

    /// Who of `team` the assignment rule gives a `category` ticket to: members who
    /// may work its tickets (the matrix's `Claim`), by the rule of [`assignment`].
    pub(super) async fn choose_assignee(
        &self,
        conn: &mut Conn,
        team: TeamId,
        category: CategoryId,
        except: Option<UserId>,
    ) -> Result<Option<UserId>> {
        let confidential = self.catalog().team(team).is_some_and(|t| t.confidential);
        let candidates: Vec<_> =
            store::tickets::assignment_candidates(conn, team, category, self.now())
                .await?
                .into_iter()
                .filter(|c| Some(c.candidate.user) != except)
                .filter(|c| {
                    let member = Actor {
                        user: c.candidate.user,
                        role: c.role,
                        teams: vec![team],
                    };
                    member.is_staff_of(team, confidential) || member.may_administer()
                })
                .map(|c| c.candidate)
                .collect();
        Ok(assignment::choose(&candidates))
    }

    /// Sets the assignee, moves them to the back of the rotation and audits it.
    pub(super) async fn give(
        &self,
        conn: &mut Conn,
        ticket: &mut Ticket,
        to: UserId,
        actor: Option<&Actor>,
        action: AuditAction,
        origin: Origin,
    ) -> Result<()> {
        let now = self.now();
        let old = ticket.assignee.map(|u| u.to_string());
        ticket.assignee = Some(to);
        ticket.times.updated = Some(now);
        store::users::mark_assigned(conn, to, now).await?;
        self.audit(
            conn,
            ticket,
            actor,
            action,
            old.as_deref(),
            Some(&to.to_string()),
            origin,
        )
        .await
    }
}
