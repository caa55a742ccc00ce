//! Carrying out a command: its name found, who may use it checked, its arguments
//! read into a typed [`Command`] (`commands`), then applied through the handlers.

use guichet_chat::Place;

use super::commands::{At, Command, NewRequest, OnTicket, Someone, TicketArg};
use super::dialogue::{self, Dialogue, Draft};
use super::names::Name;
use super::{
    Ctx, EngineError, Result, decisions, forms, intake, leaderboard, profile, rating, staff,
    workload,
};
use crate::desk::UserRef;
use crate::domain::{Identity, Status, TicketId, User};
use crate::store;

/// The command `typed` with its arguments `args`, typed at `at` by the author.
pub(super) async fn command(cx: &mut Ctx<'_>, at: &At<'_>, typed: &str, args: &str) -> Result<()> {
    let name = Name::find(typed)
        .ok_or_else(|| refusal!(Invalid, "error-unknown-command", command = typed))?;
    name.allowed(&cx.who.actor)?;
    let command = Command::parse(name, args, at)?;
    let done = apply(cx, at, command).await?;
    // In a thread, a staff action's own line in the thread is its confirmation.
    let seen_in_thread =
        matches!(at.place, Place::Thread(_)) && at.interaction.is_none() && name.is_staff_action();
    if let Some(text) = done.filter(|_| !seen_in_thread) {
        reply(cx, at, text).await?;
    }
    Ok(())
}

/// Does what the command says; returns the answer to give, unless the command
/// answered itself.
async fn apply(cx: &mut Ctx<'_>, at: &At<'_>, command: Command) -> Result<Option<String>> {
    let answer = match command {
        Command::Help => help(cx),
        Command::New(request) => return new_request(cx, request).await,
        Command::Tickets => my_tickets(cx).await?,
        Command::Panel { channel } => forms::post_panel(cx, &channel).await?,
        Command::Availability(available) => workload::availability(cx, available).await?,
        Command::Redistribute(agent) => {
            let agent = someone(cx, agent).await?;
            workload::redistribute(cx, agent).await?
        }
        Command::Profile(change) => profile::change(cx, change).await?,
        Command::Link(code) => return profile::link(cx, code.as_deref()).await.map(|()| None),
        Command::Leaderboard(span) => {
            return leaderboard::show(cx, span, at.interaction)
                .await
                .map(|()| None);
        }
        Command::Cancel => {
            dialogue::set(cx, None).await?;
            t!(cx, "answer-cancelled")
        }
        Command::Language(chosen) => {
            let now = cx.engine.desk().now();
            store::users::set_language(cx.conn, cx.who.user.id, chosen, true, now).await?;
            t!(cx.engine, chosen, "answer-language")
        }
        Command::Rate {
            reference,
            stars,
            comment,
        } => rating::typed(cx, &reference, stars, comment.as_deref()).await?,
        Command::Ticket(named, action) => {
            let ticket = ticket(cx, named).await?;
            on_ticket(cx, at, ticket, action).await?
        }
    };
    Ok(Some(answer))
}

/// An action on one ticket, through the actions any door can take.
async fn on_ticket(
    cx: &mut Ctx<'_>,
    at: &At<'_>,
    ticket: TicketId,
    action: OnTicket,
) -> Result<String> {
    match action {
        OnTicket::Close => staff::close(&mut cx.acting(), ticket).await,
        OnTicket::Claim => staff::claim(&mut cx.acting(), ticket).await,
        OnTicket::Assign(assignee) => {
            let assignee = someone(cx, assignee).await?;
            staff::assign_to(&mut cx.acting(), ticket, assignee).await
        }
        OnTicket::Priority(priority) => {
            staff::set_priority(&mut cx.acting(), ticket, priority).await
        }
        OnTicket::Status(status) => staff::set_status(&mut cx.acting(), ticket, status).await,
        OnTicket::Resolve(note) => staff::resolve(&mut cx.acting(), ticket, &note).await,
        OnTicket::Decide(decision, text) => {
            decisions::decide(&mut cx.acting(), ticket, decision, &text).await
        }
        OnTicket::Transfer(team) => staff::transfer(&mut cx.acting(), ticket, &team).await,
        OnTicket::Note(text) => {
            let echo = matches!(at.place, Place::Direct { .. });
            staff::note_on(cx, ticket, &text, &[], echo).await
        }
    }
}

fn help(cx: &Ctx<'_>) -> String {
    let actor = &cx.who.actor;
    let staff = actor.role.is_staff() || actor.may_administer();
    let teams: Vec<&str> = cx
        .engine
        .desk()
        .catalog()
        .teams()
        .map(|t| t.slug.as_str())
        .collect();
    if !staff {
        return t!(cx, "help-employee");
    }
    format!(
        "{}\n{}",
        t!(
            cx,
            "help-agent",
            note = staff::NOTE_PREFIX,
            teams = teams.join(", ")
        ),
        t!(cx, "help-agent-decisions")
    )
}

/// `/new`: the form, a question, or the request itself.
async fn new_request(cx: &mut Ctx<'_>, request: NewRequest) -> Result<Option<String>> {
    match request {
        NewRequest::Form {
            interaction,
            category,
        } => {
            let category = match category {
                Some(slug) => Some(
                    cx.engine
                        .desk()
                        .find_category(&slug)
                        .map_err(EngineError::from)?
                        .id,
                ),
                None => None,
            };
            forms::show(cx, &interaction, category).await?;
            Ok(None)
        }
        NewRequest::Describe => {
            dialogue::set(cx, Some(&Dialogue::Description)).await?;
            Ok(Some(t!(cx, "dialogue-describe")))
        }
        NewRequest::Text { chat, text } => {
            let now = cx.engine.desk().now();
            let draft = Draft {
                text,
                files: Vec::new(),
                chat,
                message_id: format!("command:{}", now.timestamp_millis()),
                previous: None,
            };
            // A new request replaces whatever the bot was asking about.
            dialogue::set(cx, None).await?;
            intake::start_request(cx, draft).await?;
            Ok(None)
        }
    }
}

/// The ticket a command names, as its author may see it.
async fn ticket(cx: &mut Ctx<'_>, named: TicketArg) -> Result<TicketId> {
    match named {
        TicketArg::Here(ticket) => Ok(ticket),
        TicketArg::Reference(reference) => {
            let desk = cx.engine.desk();
            let ticket = desk
                .ticket_by_reference(cx.conn, &cx.who.actor, &reference)
                .await?;
            Ok(ticket.id)
        }
        TicketArg::OnlyOpen => {
            let open: Vec<_> = intake::candidates(cx)
                .await?
                .into_iter()
                .filter(|t| t.status != Status::Closed)
                .collect();
            match open.as_slice() {
                [only] => Ok(only.id),
                [] => Err(refusal!(NotFound, "error-no-open-ticket").into()),
                several => {
                    let refs: Vec<String> =
                        several.iter().map(|t| t.reference.to_string()).collect();
                    Err(
                        refusal!(Invalid, "error-which-ticket", references = refs.join(", "))
                            .into(),
                    )
                }
            }
        }
    }
}

/// The user a command names; a mention names an account on the author's platform.
async fn someone(cx: &mut Ctx<'_>, named: Someone) -> Result<User> {
    let named = match named {
        Someone::Mention(id) => UserRef::Identity(Identity::new(cx.who.platform, id)),
        Someone::Named(named) => named,
    };
    Ok(cx.engine.desk().find_user(cx.conn, &named).await?)
}

async fn my_tickets(cx: &mut Ctx<'_>) -> Result<String> {
    let who = cx.who;
    let filter = store::tickets::TicketFilter {
        requester: Some(who.user.id),
        limit: 10,
        ..Default::default()
    };
    let viewer = store::tickets::Viewer::User(&who.actor);
    let mine = store::tickets::list(cx.conn, &filter, viewer).await?;
    if mine.is_empty() {
        return Ok(t!(cx, "my-tickets-none"));
    }
    let language = who.language();
    let lines: Vec<String> = mine
        .iter()
        .map(|t| {
            t!(
                cx,
                "my-tickets-line",
                reference = t.reference.to_string(),
                status = cx.engine.status_label(language, t.status),
                subject = crate::text::clip(&t.subject, 60)
            )
        })
        .collect();
    Ok(format!(
        "{}\n{}",
        t!(cx, "my-tickets-title"),
        lines.join("\n")
    ))
}

/// Answers where the command came from: its interaction, the thread, or the chat.
async fn reply(cx: &mut Ctx<'_>, at: &At<'_>, text: String) -> Result<()> {
    if at.interaction.is_some() {
        return cx.answer(at.interaction, text).await;
    }
    match (at.place, at.ticket) {
        (Place::Direct { .. }, _) => cx.tell(text, Vec::new(), None).await,
        (Place::Thread(_), Some(ticket)) => {
            cx.engine
                .post_in_thread(cx.conn, ticket, text, Vec::new())
                .await
        }
        // Server channels are answered through interactions only; a thread that is
        // no ticket's has nobody to answer.
        (Place::Channel { .. } | Place::Thread(_), _) => Ok(()),
    }
}
