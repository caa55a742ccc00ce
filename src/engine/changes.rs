//! Changes to a ticket asked from outside the chat (the web API). They run the very
//! functions the chat commands run, so the thread gets its line, the card is
//! redrawn and the requester is told, exactly as when an agent types the command.

use super::{Acting, Ctx, Engine, EngineError, Result, decisions, staff};
use crate::desk::DeskError;
use crate::domain::{Decision, Priority, Status, Ticket, TicketId, UserId};
use crate::store::{self, audit::Origin};

/// One change; several asked together are made in this order, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketChange {
    /// Hand the ticket to another team, by its slug.
    Team(String),
    Priority(Priority),
    Assign(UserId),
    Status(Status),
    /// On a request that needs approval: the decision and its text (the note, the
    /// question, the justification).
    Decide(Decision, String),
}

impl Engine {
    /// Makes `changes` to `ticket` as `by`, all or nothing, and returns the ticket
    /// as it now is. A refusal (not allowed, unknown user, impossible transition…)
    /// leaves everything as it was.
    pub async fn change_ticket(
        &self,
        by: UserId,
        ticket: TicketId,
        changes: &[TicketChange],
        origin: Origin,
    ) -> Result<Ticket> {
        let mut tx = self.inner.store.begin().await?;
        store::users::lock(&mut tx, by).await?;
        let desk = self.desk();
        let user = store::users::get(&mut tx, by)
            .await?
            .ok_or_else(|| crate::desk::DeskError::UnknownUser(by.to_string()))?;
        let actor = desk.actor_of(&mut tx, &user).await?;
        let who = Acting {
            user,
            actor,
            origin,
        };
        let mut cx = Ctx::new(self, &mut tx, &who);
        for change in changes {
            apply(&mut cx, ticket, change).await?;
        }
        let changed = store::tickets::get(&mut tx, ticket)
            .await?
            .ok_or_else(|| EngineError::from(crate::desk::DeskError::UnseenTicket))?;
        tx.commit().await?;
        self.inner.wake.notify_one();
        Ok(changed)
    }
}

/// Makes one change, as the chat command for it would.
async fn apply(cx: &mut Ctx<'_, Acting>, ticket: TicketId, change: &TicketChange) -> Result<()> {
    match change {
        TicketChange::Team(slug) => staff::transfer(cx, ticket, slug).await?,
        TicketChange::Priority(p) => staff::set_priority(cx, ticket, *p).await?,
        TicketChange::Assign(id) => {
            let assignee = store::users::get(cx.conn, *id)
                .await?
                .ok_or_else(|| DeskError::UnknownUser(id.to_string()))?;
            staff::assign_to(cx, ticket, assignee).await?
        }
        TicketChange::Status(s) => staff::set_status(cx, ticket, *s).await?,
        TicketChange::Decide(decision, text) => {
            decisions::decide(cx, ticket, *decision, text).await?
        }
    };
    Ok(())
}
