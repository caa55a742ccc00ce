//! Buttons: what pressing them does (their payloads: `crate::present::Payload`).

use guichet_chat::{Interaction, Place};

use super::intake::{self, Dialogue};
use super::{Engine, Refusal, Result, Who, decisions, forms, staff};
use crate::domain::{CategoryId, Stars, TicketId};
use crate::i18n::arg;
use crate::present::Payload;
use crate::store::audit::Origin;
use crate::store::{self, Conn};

pub(super) async fn pressed(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    _place: &Place,
    payload: &str,
    interaction: Option<&Interaction>,
) -> Result<()> {
    let payload = Payload::decode(payload).ok_or_else(|| Refusal::new("error-unknown-button"))?;
    let language = who.language();
    let done = match payload {
        Payload::Category(category) => {
            let Some(Dialogue::Category { draft }) = intake::dialogue(conn, who).await? else {
                return Err(Refusal::new("error-stale-button").into());
            };
            let category = engine
                .desk()
                .catalog()
                .category(CategoryId(category))
                .filter(|c| c.active)
                .ok_or_else(|| Refusal::new("error-stale-button"))?;
            intake::set_dialogue(
                engine,
                conn,
                who,
                Some(&Dialogue::Priority {
                    draft,
                    category: category.id.0,
                }),
            )
            .await?;
            intake::ask_priority(engine, conn, who, "dialogue-ask-priority").await?;
            engine.t(
                language,
                "answer-category",
                &[arg("category", category.name.get(language).to_owned())],
            )
        }
        Payload::NewPriority(priority) => {
            let Some(Dialogue::Priority { draft, category }) = intake::dialogue(conn, who).await?
            else {
                return Err(Refusal::new("error-stale-button").into());
            };
            intake::set_dialogue(engine, conn, who, None).await?;
            intake::create_ticket(
                engine,
                conn,
                who,
                draft,
                CategoryId(category),
                Some(priority),
            )
            .await?;
            engine.t(
                language,
                "answer-priority",
                &[arg("priority", engine.priority_label(language, priority))],
            )
        }
        Payload::Pick(choice) => {
            let Some(Dialogue::TicketChoice { pending }) = intake::dialogue(conn, who).await?
            else {
                return Err(Refusal::new("error-stale-button").into());
            };
            intake::set_dialogue(engine, conn, who, None).await?;
            match choice {
                None => {
                    intake::start_request(engine, conn, who, pending).await?;
                    engine.t(language, "answer-new-ticket", &[])
                }
                Some(id) => {
                    let open = intake::candidates(engine, conn, who).await?;
                    let ticket = open
                        .into_iter()
                        .find(|t| t.id.0 == id)
                        .ok_or_else(|| Refusal::new("error-stale-button"))?;
                    intake::relay(engine, conn, who, &ticket, pending).await?;
                    engine.t(
                        language,
                        "answer-added-to",
                        &[arg("reference", ticket.reference.to_string())],
                    )
                }
            }
        }
        Payload::Rate(ticket, stars) => {
            let stars = Stars::new(i64::from(stars)).map_err(|e| super::labels::invalid(&e))?;
            let rating = engine
                .desk()
                .rate(
                    conn,
                    &who.actor,
                    TicketId(ticket),
                    stars,
                    None,
                    Origin::Chat,
                )
                .await?;
            let reference = store::tickets::get(conn, rating.ticket)
                .await?
                .map(|t| t.reference.to_string())
                .unwrap_or_default();
            let hint = engine.t(
                language,
                "rating-comment-hint",
                &[
                    arg("reference", reference),
                    arg("stars", i64::from(stars.get())),
                ],
            );
            engine
                .tell_here(conn, who, hint, Vec::new(), Some(rating.ticket))
                .await?;
            engine.t(
                language,
                "answer-rated",
                &[arg("stars", "★".repeat(stars.get().into()))],
            )
        }
        Payload::Claim(ticket) => {
            staff::claim(engine, conn, &who.acting(), TicketId(ticket)).await?
        }
        Payload::Resolve(ticket) => {
            staff::resolve(engine, conn, &who.acting(), TicketId(ticket), "").await?
        }
        Payload::Close(ticket) => {
            staff::close(engine, conn, &who.acting(), TicketId(ticket)).await?
        }
        Payload::SetPriority(ticket, priority) => {
            staff::set_priority(engine, conn, &who.acting(), TicketId(ticket), priority).await?
        }
        Payload::NewForm(category) => {
            let Some(interaction) = interaction else {
                return Err(Refusal::new("error-unknown-button").into());
            };
            // The form is the answer to the press.
            return forms::show(engine, conn, who, interaction, category.map(CategoryId)).await;
        }
        Payload::Approve(_) | Payload::AskInfo(_) | Payload::Refuse(_) => {
            let Some((ticket, decision)) = payload.decision() else {
                return Err(Refusal::new("error-unknown-button").into());
            };
            return decisions::pressed(engine, conn, who, ticket, decision, interaction).await;
        }
    };
    engine.answer(conn, who.platform, interaction, done).await
}
