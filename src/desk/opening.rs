//! Opening a ticket: the employee's draft checked, the row numbered and written,
//! the first message stored, the opening audited and the SLA clocks planned.

use chrono::{DateTime, Utc};

use super::{Desk, DeskError, Result};
use crate::domain::SlaClock;
use crate::domain::ticket::SUBJECT_MAX_CHARS;
use crate::domain::ticket::TicketTimes;
use crate::domain::{
    AuditAction, CategoryId, NewAttachment, Platform, Priority, Status, Ticket, TicketId,
    TicketReference, Visibility,
};
use crate::permissions::Actor;
use crate::store::audit::Origin;
use crate::store::messages::NewMessage;
use crate::store::tickets::NewTicket;
use crate::store::{self, Conn};

/// What an employee asks for.
#[derive(Debug, Clone)]
pub struct TicketDraft {
    pub subject: String,
    pub description: String,
    pub category: CategoryId,
    /// The category's default when not given.
    pub priority: Option<Priority>,
    /// The closed ticket this one follows up.
    pub previous: Option<TicketId>,
    /// The platform the requester writes from.
    pub origin: Option<Platform>,
    /// The requester's message that opened it, stored as the conversation's first.
    pub first_message: Option<FirstMessage>,
}

#[derive(Debug, Clone)]
pub struct FirstMessage {
    pub body: String,
    /// The platform and its id of the message.
    pub from: Option<(Platform, String)>,
    pub attachments: Vec<NewAttachment>,
}

/// A new ticket's row, as the store inserts it.
fn new_ticket(ticket: &Ticket, now: DateTime<Utc>) -> NewTicket<'_> {
    NewTicket {
        reference: &ticket.reference,
        subject: &ticket.subject,
        description: &ticket.description,
        requester: ticket.requester,
        category: ticket.category,
        team: ticket.team,
        priority: ticket.priority,
        previous: ticket.previous,
        origin: ticket.origin,
        assignee: ticket.assignee,
        last_requester_message: ticket.times.last_requester_message,
        sla: ticket.sla,
        created_at: now,
    }
}

/// The requester's message that opened the ticket, as its conversation's first;
/// returns the ids its attachments got.
async fn first_message(
    conn: &mut Conn,
    ticket: &Ticket,
    first: &FirstMessage,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let message = NewMessage {
        ticket: ticket.id,
        author: Some(ticket.requester),
        visibility: Visibility::Public,
        body: &first.body,
        origin: first.from.as_ref().map(|(p, id)| (*p, id.as_str())),
        attachments: &first.attachments,
        at: now,
    };
    Ok(store::messages::insert(conn, &message).await?.1)
}

/// A ticket just filed, with the ids of its first message's attachments.
#[derive(Debug, Clone)]
pub struct Opened {
    pub ticket: Ticket,
    pub files: Vec<i64>,
}

impl Desk {
    /// Files a ticket for `requester`, routed to its category's team and assigned by
    /// the assignment rule when someone fits, with its first message.
    pub async fn open_ticket(
        &self,
        conn: &mut Conn,
        requester: &Actor,
        draft: &TicketDraft,
        origin: Origin,
    ) -> Result<Opened> {
        if draft.subject.trim().is_empty() {
            return Err(DeskError::EmptySubject);
        }
        let category = self
            .catalog()
            .category(draft.category)
            .filter(|c| c.active)
            .cloned()
            .ok_or_else(|| DeskError::UnknownCategory(draft.category.to_string()))?;
        let now = self.now();
        let assignee = self
            .choose_assignee(conn, category.team, category.id, None)
            .await?;
        let day = TicketReference::day_of(now, self.time_zone);
        let sequence = store::tickets::next_sequence(conn, &TicketReference::day_key(day)).await?;
        let mut ticket = Ticket {
            // Given by the store below.
            id: TicketId(0),
            reference: TicketReference::new(day, sequence),
            subject: draft
                .subject
                .trim()
                .chars()
                .take(SUBJECT_MAX_CHARS)
                .collect(),
            description: draft.description.trim().to_owned(),
            requester: requester.user,
            category: category.id,
            team: category.team,
            priority: draft.priority.unwrap_or(category.default_priority),
            status: Status::Open,
            assignee,
            previous: draft.previous,
            resolution: None,
            origin: draft.origin,
            times: TicketTimes {
                created: Some(now),
                updated: Some(now),
                last_requester_message: draft.first_message.as_ref().map(|_| now),
                ..TicketTimes::default()
            },
            sla: SlaClock::default(),
        };
        ticket.sla = self.policy().sla_clock(&ticket);
        ticket.id = store::tickets::insert(conn, &new_ticket(&ticket, now)).await?;
        self.audit_opening(conn, &ticket, requester, origin, now)
            .await?;
        let files = match &draft.first_message {
            Some(first) => first_message(conn, &ticket, first, now).await?,
            None => Vec::new(),
        };
        crate::planning::plan(conn, self.policy(), &ticket, now).await?;
        Ok(Opened { ticket, files })
    }

    /// The ticket's creation in the audit trail, and its automatic assignment.
    async fn audit_opening(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        requester: &Actor,
        origin: Origin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let created = ticket.reference.to_string();
        self.audit(
            conn,
            ticket,
            Some(requester),
            AuditAction::TicketCreated,
            None,
            Some(&created),
            origin,
        )
        .await?;
        if let Some(assignee) = ticket.assignee {
            store::users::mark_assigned(conn, assignee, now).await?;
            let to = assignee.to_string();
            self.audit(
                conn,
                ticket,
                None,
                AuditAction::AutoAssigned,
                None,
                Some(&to),
                origin,
            )
            .await?;
        }
        Ok(())
    }
}
