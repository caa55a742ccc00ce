//! Offering a team's queue again: a ticket nobody could take waits for someone to
//! fit, and a change of the people who could take it (back from away, more room,
//! a new member, a new expertise, a staff role) is that moment. The change marks
//! the queue's `unassigned` jobs due in its own transaction; the scheduler's next
//! tick gives each ticket by the assignment rule and announces it as any automatic
//! assignment (thread, card, the assignee told). Whatever door made the change
//! (chat, command line, another process), nothing else is needed.

use super::{Desk, Result};
use crate::domain::{TeamId, UserId};
use crate::store::{self, Conn};

impl Desk {
    /// Offers `team`'s unassigned tickets again. Returns how many were offered.
    pub async fn offer_queue(&self, conn: &mut Conn, team: TeamId) -> Result<u64> {
        let offered = store::jobs::offer_queue(conn, team, self.now()).await?;
        if offered > 0 {
            tracing::info!(%team, offered, "the team's queue is offered again");
        }
        Ok(offered)
    }

    /// Offers the queues of every team `user` is a member of.
    pub async fn offer_queues_of(&self, conn: &mut Conn, user: UserId) -> Result<u64> {
        let mut offered = 0;
        for team in store::users::teams_of(conn, user).await? {
            offered += self.offer_queue(conn, team).await?;
        }
        Ok(offered)
    }
}
