//! What a ticket's card shows, read when the card is sent: the ticket as it is then,
//! the people's names, the ticket it follows up, the last decision. Drawing it is
//! `crate::present::card`'s.

use crate::domain::{Catalog, Decision, TicketId, UserId};
use crate::present::card::TicketView;
use crate::store::{self, Conn, StoreError};

/// The ticket's view, or `None` if the ticket is gone.
pub(super) async fn read<'c>(
    conn: &mut Conn,
    catalog: &'c Catalog,
    id: TicketId,
) -> Result<Option<TicketView<'c>>, StoreError> {
    let Some(ticket) = store::tickets::get(conn, id).await? else {
        return Ok(None);
    };
    let requester = display_name(conn, Some(ticket.requester)).await?;
    let assignee = display_name(conn, ticket.assignee).await?;
    let follows_up = match ticket.previous {
        Some(previous) => store::tickets::get(conn, previous)
            .await?
            .map(|old| old.reference),
        None => None,
    };
    let mut view = TicketView {
        category: catalog.category(ticket.category),
        team: catalog.team(ticket.team),
        ticket,
        requester: requester.unwrap_or_default(),
        assignee,
        follows_up,
        last_decision: None,
    };
    if view.needs_approval() {
        view.last_decision = last_decision(conn, id).await?;
    }
    Ok(Some(view))
}

async fn display_name(conn: &mut Conn, user: Option<UserId>) -> Result<Option<String>, StoreError> {
    Ok(match user {
        Some(user) => store::users::get(conn, user).await?.map(|u| u.display_name),
        None => None,
    })
}

/// The last decision taken on the ticket and the name of who took it (empty when
/// nobody is named), from the audit trail.
async fn last_decision(
    conn: &mut Conn,
    id: TicketId,
) -> Result<Option<(Decision, String)>, StoreError> {
    let actions = Decision::ALL.map(Decision::audit_action);
    let Some(event) = store::audit::last_of(conn, id, &actions).await? else {
        return Ok(None);
    };
    let Some(decision) = Decision::ALL
        .into_iter()
        .find(|d| event.action == d.audit_action())
    else {
        return Ok(None);
    };
    let name = display_name(conn, event.actor).await?.unwrap_or_default();
    Ok(Some((decision, name)))
}
