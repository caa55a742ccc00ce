//! Decisions on requests that need approval: approving or refusing settles the
//! request through the ordinary resolution; asking for information relays the
//! question and waits on the requester. The decision, its author and its text are
//! in the audit trail.

use super::{Desk, Result};
use crate::domain::{Decision, Status, Ticket, TicketId, Visibility};
use crate::permissions::{Action, Actor};
use crate::store::Conn;
use crate::store::audit::Origin;

/// Why a decision cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("the ticket's category needs no approval")]
    NotNeeded,
    #[error("nobody decides on their own request")]
    OwnRequest,
    #[error("the ticket is {0}: nothing left to decide")]
    NotPending(Status),
    #[error("a refusal needs a justification")]
    NoJustification,
    #[error("asking for information needs a question")]
    NoQuestion,
}

impl Desk {
    /// Loads and locks a ticket on which `actor` may take a decision now: theirs to
    /// decide (the matrix's `Decide`) and not their own request, of a category that
    /// needs approval, and still active.
    pub async fn ticket_to_decide(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
    ) -> Result<Ticket> {
        let (ticket, _) = self.ticket_for(conn, actor, id, Action::Decide).await?;
        let needs_approval = self
            .catalog()
            .category(ticket.category)
            .is_some_and(|c| c.needs_approval);
        if !needs_approval {
            return Err(DecisionError::NotNeeded.into());
        }
        // A member of the deciding team (or an admin) who files a request of their
        // own leaves the decision to someone else.
        if ticket.requester == actor.user {
            return Err(DecisionError::OwnRequest.into());
        }
        if !ticket.status.is_active() {
            return Err(DecisionError::NotPending(ticket.status).into());
        }
        Ok(ticket)
    }

    /// Takes `decision` on a ticket, with its text: the optional note of an
    /// approval, the question, or the justification of a refusal. Returns the
    /// ticket as it now is.
    pub async fn decide(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: TicketId,
        decision: Decision,
        text: &str,
        origin: Origin,
    ) -> Result<Ticket> {
        let ticket = self.ticket_to_decide(conn, actor, id).await?;
        let text = text.trim();
        if text.is_empty() && decision.needs_text() {
            return Err(match decision {
                Decision::AskInfo => DecisionError::NoQuestion,
                _ => DecisionError::NoJustification,
            }
            .into());
        }
        self.audit(
            conn,
            &ticket,
            Some(actor),
            decision.audit_action(),
            None,
            Some(text).filter(|t| !t.is_empty()),
            origin,
        )
        .await?;
        if decision.is_final() {
            // The ordinary resolution: its clocks, its audit line, what follows it.
            return self.resolve(conn, actor, id, text, origin).await;
        }
        // The question is the team's public answer to the requester.
        let posted = self
            .add_message(conn, actor, id, text, Visibility::Public, None, &[], origin)
            .await?;
        let mut ticket = posted.ticket;
        if ticket.status != Status::WaitingOnUser {
            self.change_status(
                conn,
                &mut ticket,
                Status::WaitingOnUser,
                Some(actor),
                origin,
            )
            .await?;
            self.save(conn, &mut ticket).await?;
        }
        Ok(ticket)
    }
}
