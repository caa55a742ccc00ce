//! The agents' points, written in the transaction of the change that earns them.
//! Each entry's key names its event, so an event handled twice (a redelivered
//! chat event, a retried request) earns once. Taking points back is a negative
//! entry: the ledger is never rewritten.
//!
//! - Resolving: the assignee (or, with none, the member of staff who resolved)
//!   earns by priority. The n-th resolution of a ticket is its own event, so a
//!   ticket resolved, reopened and resolved again earns once per resolution that
//!   held: reopening takes the last resolution's points back.
//! - A first answer within the first-response target earns its author points,
//!   once per ticket.
//! - A 4- or 5-star rating earns the assignee points, once per ticket (rating
//!   again changes nothing).

use super::{Desk, Result};
use crate::domain::{PointsEntry, Stars, Ticket, UserId};
use crate::permissions::Actor;
use crate::store::{self, Conn};

impl Desk {
    /// `ticket` was just resolved by `by`.
    pub(super) async fn points_for_resolution(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        by: Option<&Actor>,
    ) -> Result<()> {
        let staff = by.filter(|a| a.role.is_staff()).map(|a| a.user);
        let Some(agent) = ticket.assignee.or(staff) else {
            return Ok(());
        };
        let n = store::points::count_for(conn, ticket.id, "resolved").await? + 1;
        let points = self.points.for_resolution(ticket.priority);
        self.award(
            conn,
            agent,
            ticket,
            "resolved",
            points,
            format!("resolved:{}:{n}", ticket.id),
        )
        .await
    }

    /// `ticket` was reopened: the resolution did not hold.
    pub(super) async fn points_for_reopening(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
    ) -> Result<()> {
        let resolved = store::points::entries_for(conn, ticket.id, "resolved").await?;
        let reversed = store::points::count_for(conn, ticket.id, "reopened").await?;
        // Each reopening reverses the resolution before it, once.
        let Some(last) = resolved.get(reversed as usize) else {
            return Ok(());
        };
        let key = format!("reopened:{}:{}", ticket.id, reversed + 1);
        self.award(conn, last.agent, ticket, "reopened", -last.points, key)
            .await
    }

    /// `author` gave `ticket` its first answer, now.
    pub(super) async fn points_for_first_response(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        author: UserId,
    ) -> Result<()> {
        let in_time = match (ticket.times.first_response, ticket.sla.first_response_due) {
            (Some(at), Some(due)) => at <= due,
            _ => false,
        };
        if !in_time {
            return Ok(());
        }
        let points = self.points.first_response_in_time;
        let key = format!("first_response:{}", ticket.id);
        self.award(conn, author, ticket, "fast_first_response", points, key)
            .await
    }

    pub(super) async fn points_for_rating(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        stars: Stars,
    ) -> Result<()> {
        let (Some(agent), points) = (ticket.assignee, self.points.for_rating(stars)) else {
            return Ok(());
        };
        let key = format!("rating:{}", ticket.id);
        self.award(conn, agent, ticket, "good_rating", points, key)
            .await
    }

    async fn award(
        &self,
        conn: &mut Conn,
        agent: UserId,
        ticket: &Ticket,
        reason: &str,
        points: i64,
        event_key: String,
    ) -> Result<()> {
        if points == 0 {
            return Ok(());
        }
        let entry = PointsEntry {
            agent,
            ticket: Some(ticket.id),
            reason: reason.to_owned(),
            points,
            event_key,
            at: self.now(),
        };
        if !store::points::award(conn, &entry).await? {
            tracing::debug!(key = %entry.event_key, "points already given for this event");
        }
        Ok(())
    }
}
