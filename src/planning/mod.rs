//! What the scheduler owes each ticket, and when: the rules, the business calendar they
//! count on, and [`plan`], which writes where each rule stands after a change. Pure of
//! the engine, so the desk plans in the transaction of every change while the
//! scheduler's runner (`crate::scheduler`) carries out what comes due.

pub mod calendar;
pub mod rules;

use chrono::{DateTime, Utc};

pub use crate::domain::Rule;
pub use rules::Policy;

use crate::domain::{JobKind, Ticket};
use crate::store::jobs;
use crate::store::{Conn, StoreError};

/// Writes where each rule stands for `ticket` after a change: called by the desk
/// in the transaction that changed it.
pub async fn plan(
    conn: &mut Conn,
    policy: &Policy,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows = jobs::of_ticket(conn, ticket.id).await?;
    for rule in Rule::ALL {
        let stood = rows
            .iter()
            .find(|j| j.kind == JobKind::Rule(rule))
            .map(|j| &j.state);
        if let Some(next) = policy.plan(rule, ticket, stood, now)
            && stood != Some(&next)
        {
            jobs::put(conn, ticket.id, rule, &next, now).await?;
        }
    }
    Ok(())
}
