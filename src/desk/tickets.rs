//! Changing tickets' status and priority, moving them between teams, talking on
//! them and rating them (opening them: `opening.rs`).

use super::{Changed, Desk, DeskError, Result};
use crate::domain::Rating;
use crate::domain::SlaTarget;
use crate::domain::{
    AuditAction, NewAttachment, Platform, Priority, Stars, Status, TeamId, Ticket, TicketId,
    Visibility,
};
use crate::permissions::{Action, Actor};
use crate::store::audit::{Origin, Record};
use crate::store::messages::NewMessage;
use crate::store::{self, Conn};

/// A message stored on a ticket, with the ids its attachments got.
#[derive(Debug, Clone)]
pub struct Posted {
    pub ticket: Ticket,
    /// The status before the message (an agent's answer starts an open ticket).
    pub previous_status: Status,
    pub message: i64,
    pub files: Vec<i64>,
}

impl Desk {
    /// Moves a ticket to another status, with the action the move needs: resolving,
    /// closing and reopening have their own rows in the matrix.
    pub async fn set_status(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        to: Status,
        origin: Origin,
    ) -> Result<Ticket> {
        let (mut ticket, scope) = self.visible_ticket(conn, actor, id).await?;
        let needed = match (ticket.status, to) {
            (_, Status::Resolved) => Action::Resolve,
            (_, Status::Closed) => Action::Close,
            (Status::Resolved, _) => Action::Reopen,
            _ => Action::SetStatus,
        };
        super::require(actor, needed, &scope)?;
        self.change_status(conn, &mut ticket, to, Some(actor), origin)
            .await?;
        self.save(conn, &mut ticket).await?;
        Ok(ticket)
    }

    /// The helpdesk itself moves a ticket (the scheduler closing it): nobody's
    /// permission to check; the audit trail names no one.
    pub async fn set_status_unattended(
        &self,
        conn: &mut Conn,
        id: TicketId,
        to: Status,
        origin: Origin,
    ) -> Result<Ticket> {
        let mut ticket = store::tickets::get_for_update(conn, id)
            .await?
            .ok_or_else(|| DeskError::UnseenTicket)?;
        self.change_status(conn, &mut ticket, to, None, origin)
            .await?;
        self.save(conn, &mut ticket).await?;
        Ok(ticket)
    }

    /// Records that an SLA target of the ticket reached an escalation level (1 to
    /// 3); from level 2 the target is missed, and the ticket shows it.
    pub async fn escalate(
        &self,
        conn: &mut Conn,
        ticket: &mut Ticket,
        target: SlaTarget,
        level: u32,
        origin: Origin,
    ) -> Result<()> {
        if level >= 2 {
            let now = self.now();
            let breached = match target {
                SlaTarget::FirstResponse => &mut ticket.sla.first_response_breached,
                SlaTarget::Resolution => &mut ticket.sla.resolution_breached,
            };
            if breached.is_none() {
                *breached = Some(now);
                self.save(conn, ticket).await?;
            }
        }
        let level = level.to_string();
        self.audit(
            conn,
            ticket,
            None,
            AuditAction::Escalated,
            Some(target.as_str()),
            Some(&level),
            origin,
        )
        .await
    }

    /// Resolves with a note saying what was done.
    pub async fn resolve(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        note: &str,
        origin: Origin,
    ) -> Result<Ticket> {
        let (mut ticket, _) = self.ticket_for(conn, actor, id, Action::Resolve).await?;
        self.change_status(conn, &mut ticket, Status::Resolved, Some(actor), origin)
            .await?;
        let note = note.trim();
        if !note.is_empty() {
            ticket.resolution = Some(note.to_owned());
            self.audit(
                conn,
                &ticket,
                Some(actor),
                AuditAction::Resolved,
                None,
                Some(note),
                origin,
            )
            .await?;
        }
        self.save(conn, &mut ticket).await?;
        Ok(ticket)
    }

    /// Applies a status change to `ticket` in memory, with its timestamps and its
    /// audit line; the caller writes the ticket.
    pub(super) async fn change_status(
        &self,
        conn: &mut Conn,
        ticket: &mut Ticket,
        to: Status,
        actor: Option<&Actor>,
        origin: Origin,
    ) -> Result<()> {
        let from = ticket.status;
        if !from.can_become(to) {
            return Err(DeskError::Transition { from, to });
        }
        let now = self.now();
        match to {
            Status::Resolved => {
                ticket.times.resolved = Some(now);
                self.points_for_resolution(conn, ticket, actor).await?;
            }
            Status::Closed => ticket.times.closed = Some(now),
            // Reopened: the resolution did not hold; its time, note and points no
            // longer count.
            _ if from == Status::Resolved => {
                ticket.times.resolved = None;
                ticket.resolution = None;
                self.points_for_reopening(conn, ticket).await?;
            }
            _ => {}
        }
        // Back to the queue: nobody works it any more.
        if from == Status::InProgress
            && to == Status::Open
            && let Some(previous) = ticket.assignee.take()
        {
            let previous = previous.to_string();
            self.audit(
                conn,
                ticket,
                actor,
                AuditAction::Unassigned,
                Some(&previous),
                None,
                origin,
            )
            .await?;
        }
        ticket.status = to;
        ticket.times.updated = Some(now);
        self.audit(
            conn,
            ticket,
            actor,
            AuditAction::StatusChanged,
            Some(from.as_str()),
            Some(to.as_str()),
            origin,
        )
        .await
    }

    pub async fn set_priority(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        priority: Priority,
        origin: Origin,
    ) -> Result<Changed> {
        let (mut ticket, _) = self
            .ticket_for(conn, actor, id, Action::SetPriority)
            .await?;
        if ticket.priority == priority {
            return Ok(Changed::no(ticket));
        }
        let old = ticket.priority;
        ticket.priority = priority;
        ticket.times.updated = Some(self.now());
        self.audit(
            conn,
            &ticket,
            Some(actor),
            AuditAction::PriorityChanged,
            Some(old.as_str()),
            Some(priority.as_str()),
            origin,
        )
        .await?;
        self.save(conn, &mut ticket).await?;
        Ok(Changed::yes(ticket))
    }

    /// Hands a ticket to another team: it leaves its assignee and goes through the
    /// new team's automatic assignment.
    pub async fn transfer(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        team: TeamId,
        origin: Origin,
    ) -> Result<Changed> {
        let (mut ticket, _) = self.ticket_for(conn, actor, id, Action::Transfer).await?;
        let to = self
            .catalog()
            .team(team)
            .filter(|t| t.active)
            .cloned()
            .ok_or_else(|| DeskError::UnknownTeam(team.to_string()))?;
        if ticket.team == to.id {
            return Ok(Changed::no(ticket));
        }
        let from = self.catalog().team(ticket.team).cloned();
        ticket.team = to.id;
        ticket.assignee = None;
        ticket.times.updated = Some(self.now());
        self.audit(
            conn,
            &ticket,
            Some(actor),
            AuditAction::Transferred,
            from.as_ref().map(|t| t.slug.as_str()),
            Some(&to.slug),
            origin,
        )
        .await?;
        if ticket.status == Status::InProgress {
            self.change_status(conn, &mut ticket, Status::Open, Some(actor), origin)
                .await?;
        }
        self.save(conn, &mut ticket).await?;
        self.auto_assign(conn, &mut ticket, origin).await?;
        Ok(Changed::yes(ticket))
    }

    /// Stores a message on a ticket and keeps the conversation's clocks: the first
    /// public answer of the team is the first response; an agent's answer puts an
    /// open ticket in progress; the requester's answer ends a wait on them.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_message(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        body: &str,
        visibility: Visibility,
        from: Option<(Platform, &str)>,
        attachments: &[NewAttachment],
        origin: Origin,
    ) -> Result<Posted> {
        let action = match visibility {
            Visibility::Public => Action::Reply,
            Visibility::Internal => Action::AddNote,
        };
        let (mut ticket, scope) = self.ticket_for(conn, actor, id, action).await?;
        let previous_status = ticket.status;
        if body.trim().is_empty() && attachments.is_empty() {
            return Err(DeskError::EmptyMessage);
        }
        let now = self.now();
        let (message, files) = store::messages::insert(
            conn,
            &NewMessage {
                ticket: ticket.id,
                author: Some(actor.user),
                visibility,
                body,
                origin: from,
                attachments,
                at: now,
            },
        )
        .await?;
        ticket.times.updated = Some(now);
        let from_requester = actor.user == ticket.requester;
        let from_team = !from_requester && actor.may(Action::AddNote, &scope);
        match visibility {
            Visibility::Internal => {
                self.audit(
                    conn,
                    &ticket,
                    Some(actor),
                    AuditAction::NoteAdded,
                    None,
                    None,
                    origin,
                )
                .await?;
            }
            Visibility::Public if from_team => {
                ticket.times.last_agent_message = Some(now);
                if ticket.times.first_response.is_none() {
                    ticket.times.first_response = Some(now);
                    self.points_for_first_response(conn, &ticket, actor.user)
                        .await?;
                }
                if ticket.status == Status::Open {
                    self.change_status(conn, &mut ticket, Status::InProgress, Some(actor), origin)
                        .await?;
                }
            }
            Visibility::Public => {
                ticket.times.last_requester_message = Some(now);
                if ticket.status == Status::WaitingOnUser {
                    self.change_status(conn, &mut ticket, Status::InProgress, Some(actor), origin)
                        .await?;
                }
            }
        }
        self.save(conn, &mut ticket).await?;
        Ok(Posted {
            ticket,
            previous_status,
            message,
            files,
        })
    }

    /// Records the requester's stars (rating again replaces the first rating).
    pub async fn rate(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        stars: Stars,
        comment: Option<&str>,
        origin: Origin,
    ) -> Result<Rating> {
        let (ticket, _) = self.ticket_for(conn, actor, id, Action::Rate).await?;
        if !matches!(ticket.status, Status::Resolved | Status::Closed) {
            return Err(DeskError::NotResolved);
        }
        let old = store::ratings::get(conn, id).await?;
        let rating = Rating {
            ticket: id,
            stars,
            comment: comment
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            rated_by: actor.user,
            at: self.now(),
        };
        store::ratings::upsert(conn, &rating).await?;
        self.points_for_rating(conn, &ticket, stars).await?;
        let old = old.map(|r| r.stars.get().to_string());
        let new = stars.get().to_string();
        self.audit(
            conn,
            &ticket,
            Some(actor),
            AuditAction::Rated,
            old.as_deref(),
            Some(&new),
            origin,
        )
        .await?;
        Ok(rating)
    }

    /// A rating from the stars under the resolution: the first press counts. A
    /// rating is changed only on purpose, with the command ([`Desk::rate`]), so a
    /// second press (or an old message's buttons) changes nothing.
    pub async fn rate_once(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        stars: Stars,
        origin: Origin,
    ) -> Result<Rating> {
        self.ticket_for(conn, actor, id, Action::Rate).await?;
        if let Some(given) = store::ratings::get(conn, id).await? {
            return Err(DeskError::AlreadyRated(given.stars));
        }
        self.rate(conn, actor, id, stars, None, origin).await
    }

    /// Appends one line about `ticket` to the audit trail.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn audit(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        actor: Option<&Actor>,
        action: AuditAction,
        old_value: Option<&str>,
        new_value: Option<&str>,
        origin: Origin,
    ) -> Result<()> {
        let record = Record {
            ticket: Some(ticket.id),
            actor: actor.map(|a| a.user),
            subject_user: None,
            action,
            old_value,
            new_value,
            origin,
            at: self.now(),
        };
        Ok(store::audit::append(conn, &record).await?)
    }
}
