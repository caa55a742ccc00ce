//! What pressing a button does: its payload decoded, then handed to its handler.
//! The answers to the bot's questions count only while the question stands.

use guichet_chat::Interaction;

use super::dialogue::{self, Dialogue};
use super::{Ctx, Result, decisions, forms, intake, rating, staff};
use crate::domain::{CategoryId, TicketId};
use crate::present::Payload;

pub(super) async fn pressed(
    cx: &mut Ctx<'_>,
    payload: &str,
    interaction: Option<&Interaction>,
) -> Result<()> {
    let unknown = || refusal!(Invalid, "error-unknown-button");
    let payload = Payload::decode(payload).ok_or_else(unknown)?;
    let done = match payload {
        Payload::Category(_) | Payload::NewPriority(_) | Payload::Pick(_) => {
            answered(cx, payload).await?
        }
        Payload::Rate(ticket, stars) => rating::pressed(cx, TicketId(ticket), stars).await?,
        Payload::Claim(ticket) => staff::claim(&mut cx.acting(), TicketId(ticket)).await?,
        Payload::Resolve(ticket) => staff::resolve(&mut cx.acting(), TicketId(ticket), "").await?,
        Payload::Close(ticket) => staff::close(&mut cx.acting(), TicketId(ticket)).await?,
        Payload::SetPriority(ticket, priority) => {
            staff::set_priority(&mut cx.acting(), TicketId(ticket), priority).await?
        }
        Payload::NewForm(category) => {
            // The form is the answer to the press.
            let interaction = interaction.ok_or_else(unknown)?;
            return forms::show(cx, interaction, category.map(CategoryId)).await;
        }
        Payload::Approve(_) | Payload::AskInfo(_) | Payload::Refuse(_) => {
            let (ticket, decision) = payload.decision().ok_or_else(unknown)?;
            return decisions::pressed(cx, ticket, decision, interaction).await;
        }
    };
    cx.answer(interaction, done).await
}

/// An answer to the bot's question in a private chat, taken while the question
/// stands: one answered already, or replaced by another, is stale.
async fn answered(cx: &mut Ctx<'_>, payload: Payload) -> Result<String> {
    match (payload, dialogue::current(cx).await?) {
        (Payload::Category(category), Some(Dialogue::Category { draft })) => {
            intake::category_chosen(cx, draft, CategoryId(category)).await
        }
        (Payload::NewPriority(priority), Some(Dialogue::Priority { draft, category })) => {
            intake::priority_chosen(cx, draft, CategoryId(category), priority).await
        }
        (Payload::Pick(choice), Some(Dialogue::TicketChoice { pending })) => {
            intake::ticket_picked(cx, pending, choice.map(TicketId)).await
        }
        _ => Err(intake::stale_button().into()),
    }
}
