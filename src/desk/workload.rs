//! Spreading the work: an agent marks themselves away, a team lead hands an
//! agent's tickets to the others. Every move is in the audit trail.

use super::{Desk, DeskError, Result, UserRef};
use crate::domain::{AuditAction, Status, Ticket, User, UserId};
use crate::permissions::Actor;
use crate::store::{self, Conn, audit::Origin};

/// One ticket moved by a redistribution.
#[derive(Debug, Clone)]
pub struct Moved {
    pub ticket: Ticket,
    /// Its new assignee; `None`: nobody fits, it waits in the team's queue.
    pub to: Option<UserId>,
}

impl Desk {
    /// A member of staff says whether they take new tickets. Away, automatic
    /// assignment passes them over; their open tickets stay theirs until a lead
    /// redistributes them. Back, their teams' queues are offered again.
    pub async fn set_own_availability(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        available: bool,
        origin: Origin,
    ) -> Result<User> {
        if !actor.role.is_staff() {
            return Err(DeskError::StaffOnly);
        }
        let me = self.find_user(conn, &UserRef::Id(actor.user)).await?;
        if me.available == available {
            return Ok(me);
        }
        store::users::set_agent_settings(conn, me.id, me.capacity, available, self.now()).await?;
        let word = |a: bool| if a { "available" } else { "unavailable" };
        self.audit_person(
            conn,
            Some(actor),
            me.id,
            AuditAction::AgentSettingsChanged,
            Some(word(me.available)),
            Some(word(available)),
            origin,
        )
        .await?;
        if available {
            self.offer_queues_of(conn, me.id).await?;
        }
        self.find_user(conn, &UserRef::Id(me.id)).await
    }

    /// Hands `agent`'s tickets in the teams `by` leads (an admin: all teams) to
    /// the least loaded other expert of each team, or back to the queue when
    /// nobody fits.
    pub async fn redistribute(
        &self,
        conn: &mut Conn,
        by: &Actor,
        agent: UserId,
        origin: Origin,
    ) -> Result<Vec<Moved>> {
        let led = store::users::teams_led_by(conn, by.user).await?;
        let admin = by.may_administer();
        let agent_teams = store::users::teams_of(conn, agent).await?;
        if !admin && !agent_teams.iter().any(|t| led.contains(t)) {
            return Err(DeskError::NotLead);
        }
        let mut moved = Vec::new();
        for id in store::tickets::active_of_assignee(conn, agent).await? {
            let Some(mut ticket) = store::tickets::get_for_update(conn, id).await? else {
                continue;
            };
            if ticket.assignee != Some(agent) || !(admin || led.contains(&ticket.team)) {
                continue;
            }
            let previous = agent.to_string();
            ticket.assignee = None;
            self.audit(
                conn,
                &ticket,
                Some(by),
                AuditAction::Unassigned,
                Some(&previous),
                None,
                origin,
            )
            .await?;
            let to = self
                .choose_assignee(conn, ticket.team, ticket.category, Some(agent))
                .await?;
            match to {
                Some(to) => {
                    self.give(
                        conn,
                        &mut ticket,
                        to,
                        Some(by),
                        AuditAction::Assigned,
                        origin,
                    )
                    .await?
                }
                // Nobody works it now: it is back in the queue.
                None if ticket.status == Status::InProgress => {
                    self.change_status(conn, &mut ticket, Status::Open, Some(by), origin)
                        .await?
                }
                None => {}
            }
            ticket.times.updated = Some(self.now());
            self.save(conn, &mut ticket).await?;
            moved.push(Moved { ticket, to });
        }
        Ok(moved)
    }
}
