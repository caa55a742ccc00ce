//! A requester rating their resolved ticket: with the stars under the resolution,
//! or with `/noter TCK-… 1-5 [comment]`.

use super::{Ctx, Result, refusal};
use crate::domain::{Stars, TicketId, TicketReference};
use crate::store::{self, audit::Origin};

/// A star button: rated, and a hint that a comment may follow. Only the first
/// press counts (`Desk::rate_once`); a later one is told the rating stands.
pub(super) async fn pressed(cx: &mut Ctx<'_>, ticket: TicketId, stars: u8) -> Result<String> {
    let stars = Stars::new(i64::from(stars)).map_err(|e| refusal::invalid(&e))?;
    let rating = cx
        .engine
        .desk()
        .rate_once(cx.conn, &cx.who.actor, ticket, stars, Origin::Chat)
        .await?;
    let reference = store::tickets::get(cx.conn, rating.ticket)
        .await?
        .map(|t| t.reference.to_string())
        .unwrap_or_default();
    let hint = t!(
        cx,
        "rating-comment-hint",
        reference = reference,
        stars = i64::from(stars.get())
    );
    cx.tell(hint, Vec::new(), Some(rating.ticket)).await?;
    Ok(rated(cx, stars))
}

/// `/noter`: the ticket named by its reference.
pub(super) async fn typed(
    cx: &mut Ctx<'_>,
    reference: &TicketReference,
    stars: Stars,
    comment: Option<&str>,
) -> Result<String> {
    let (desk, who) = (cx.engine.desk(), cx.who);
    let ticket = desk
        .ticket_by_reference(cx.conn, &who.actor, reference)
        .await?;
    desk.rate(cx.conn, &who.actor, ticket.id, stars, comment, Origin::Chat)
        .await?;
    Ok(rated(cx, stars))
}

fn rated(cx: &Ctx<'_>, stars: Stars) -> String {
    t!(cx, "answer-rated", stars = stars.drawn())
}
