//! An employee's private chat with the bot: new requests (with the questions the
//! bot asks when it cannot guess the category), and messages relayed to their
//! tickets, which may reopen a resolved one.

use chrono::TimeDelta;

use super::dialogue::{self, Dialogue, Draft};
use super::{Ctx, Refusal, Result, guess, questions};
use crate::desk::{FirstMessage, Opened, TicketDraft};
use crate::domain::ticket::split_subject;
use crate::domain::{CategoryId, Language, Priority, Status, Ticket, TicketId, Visibility};
use crate::i18n::arg;
use crate::store;
use crate::store::audit::Origin;

/// A private message while the bot waits for nothing: it goes to the ticket it
/// replies to, or to the only open one; otherwise it starts a request, or the bot
/// asks which ticket it is for.
pub(super) async fn direct_message(
    cx: &mut Ctx<'_>,
    message: Draft,
    reply_to: Option<&str>,
) -> Result<()> {
    // A reply to a message about a ticket goes to that ticket.
    if let Some(ticket) = replied_ticket(cx, &message.chat, reply_to).await? {
        if still_open(cx, &ticket) {
            return relay(cx, &ticket, message).await;
        }
        let follow_up = Draft {
            previous: Some(ticket.id.0),
            ..message
        };
        return start_request(cx, follow_up).await;
    }
    let recent = recent(cx).await?;
    // The last ticket, resolved too long ago to reopen: a new request follows it up.
    let previous = recent
        .first()
        .filter(|t| t.status == Status::Resolved && !still_open(cx, t))
        .map(|t| t.id.0);
    let open: Vec<Ticket> = recent.into_iter().filter(|t| still_open(cx, t)).collect();
    match open.as_slice() {
        [] => {
            start_request(
                cx,
                Draft {
                    previous,
                    ..message
                },
            )
            .await
        }
        [only] => relay(cx, only, message).await,
        several => {
            let waiting = Dialogue::TicketChoice { pending: message };
            dialogue::set(cx, Some(&waiting)).await?;
            questions::ticket(cx, several).await
        }
    }
}

/// The author's ticket their message replies to, if it replies to one about it.
async fn replied_ticket(
    cx: &mut Ctx<'_>,
    chat: &str,
    reply_to: Option<&str>,
) -> Result<Option<Ticket>> {
    let Some(replied) = reply_to else {
        return Ok(None);
    };
    let platform = cx.who.platform;
    let Some(id) = store::conversations::ticket_of_dm(cx.conn, platform, chat, replied).await?
    else {
        return Ok(None);
    };
    let ticket = store::tickets::get(cx.conn, id).await?;
    Ok(ticket.filter(|t| t.requester == cx.who.user.id))
}

/// After `/new` alone: this message describes the request.
pub(super) async fn described(cx: &mut Ctx<'_>, message: Draft) -> Result<()> {
    dialogue::set(cx, None).await?;
    start_request(cx, message).await
}

/// More of a request whose category the bot asked for: kept, and asked again.
pub(super) async fn more_before_category(
    cx: &mut Ctx<'_>,
    mut draft: Draft,
    message: Draft,
) -> Result<()> {
    draft.append(message);
    dialogue::set(cx, Some(&Dialogue::Category { draft })).await?;
    questions::category(cx, key!("dialogue-still-category")).await
}

/// More of a request whose priority the bot asked for: kept, and asked again.
pub(super) async fn more_before_priority(
    cx: &mut Ctx<'_>,
    mut draft: Draft,
    category: i64,
    message: Draft,
) -> Result<()> {
    draft.append(message);
    dialogue::set(cx, Some(&Dialogue::Priority { draft, category })).await?;
    questions::priority(cx, key!("dialogue-still-priority")).await
}

/// More of a message the bot asked the ticket of: kept, and asked again.
pub(super) async fn more_before_choice(
    cx: &mut Ctx<'_>,
    mut pending: Draft,
    message: Draft,
) -> Result<()> {
    pending.append(message);
    let open = candidates(cx).await?;
    dialogue::set(cx, Some(&Dialogue::TicketChoice { pending })).await?;
    questions::ticket(cx, &open).await
}

/// The category button: the bot asks the priority next.
pub(super) async fn category_chosen(
    cx: &mut Ctx<'_>,
    draft: Draft,
    category: CategoryId,
) -> Result<String> {
    let category = cx
        .engine
        .desk()
        .catalog()
        .category(category)
        .filter(|c| c.active)
        .ok_or_else(stale_button)?;
    let waiting = Dialogue::Priority {
        draft,
        category: category.id.0,
    };
    dialogue::set(cx, Some(&waiting)).await?;
    questions::priority(cx, key!("dialogue-ask-priority")).await?;
    let name = category.name.get(cx.who.language()).to_owned();
    Ok(t!(cx, "answer-category", category = name))
}

/// The priority button: the ticket is filed.
pub(super) async fn priority_chosen(
    cx: &mut Ctx<'_>,
    draft: Draft,
    category: CategoryId,
    priority: Priority,
) -> Result<String> {
    dialogue::set(cx, None).await?;
    create_ticket(cx, draft, category, Some(priority)).await?;
    let label = cx.engine.priority_label(cx.who.language(), priority);
    Ok(t!(cx, "answer-priority", priority = label))
}

/// The button saying which ticket a message was for (`None`: a new one).
pub(super) async fn ticket_picked(
    cx: &mut Ctx<'_>,
    pending: Draft,
    choice: Option<TicketId>,
) -> Result<String> {
    dialogue::set(cx, None).await?;
    let Some(id) = choice else {
        start_request(cx, pending).await?;
        return Ok(t!(cx, "answer-new-ticket"));
    };
    let ticket = candidates(cx)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(stale_button)?;
    relay(cx, &ticket, pending).await?;
    Ok(t!(
        cx,
        "answer-added-to",
        reference = ticket.reference.to_string()
    ))
}

/// A button whose question was answered already, or no longer stands.
pub(super) fn stale_button() -> Refusal {
    refusal!(Conflict, "error-stale-button")
}

/// Whether a requester's message still belongs to the ticket: active, or resolved
/// recently enough to reopen.
fn still_open(cx: &Ctx<'_>, ticket: &Ticket) -> bool {
    match ticket.status {
        s if s.is_active() => true,
        Status::Resolved => {
            let engine = cx.engine;
            let window = TimeDelta::from_std(engine.config().tickets.reopen_within.0)
                .unwrap_or(TimeDelta::MAX);
            ticket
                .times
                .resolved
                .is_some_and(|at| engine.desk().now() - at <= window)
        }
        _ => false,
    }
}

/// The requester's tickets a message may be for, newest first.
pub(super) async fn candidates(cx: &mut Ctx<'_>) -> Result<Vec<Ticket>> {
    let recent = recent(cx).await?;
    Ok(recent.into_iter().filter(|t| still_open(cx, t)).collect())
}

async fn recent(cx: &mut Ctx<'_>) -> Result<Vec<Ticket>> {
    if cx.who.is_new {
        return Ok(Vec::new());
    }
    Ok(store::tickets::recent_of_requester(cx.conn, cx.who.user.id, 25).await?)
}

/// A new request: guessed category → ticket at once; otherwise the bot asks.
pub(super) async fn start_request(cx: &mut Ctx<'_>, draft: Draft) -> Result<()> {
    match guess::category(cx.engine, &draft.text) {
        Some(category) => {
            let priority = guess::priority(cx.engine, &draft.text);
            create_ticket(cx, draft, category, priority).await
        }
        None => {
            dialogue::set(cx, Some(&Dialogue::Category { draft })).await?;
            questions::category(cx, key!("dialogue-ask-category")).await
        }
    }
}

/// Files the ticket itself, then says so everywhere it should be said.
pub(super) async fn create_ticket(
    cx: &mut Ctx<'_>,
    draft: Draft,
    category: CategoryId,
    priority: Option<Priority>,
) -> Result<()> {
    let request = ticket_draft(cx, &draft, category, priority);
    let opened = cx
        .engine
        .desk()
        .open_ticket(cx.conn, &cx.who.actor, &request, Origin::Chat)
        .await?;
    let ticket = &opened.ticket;
    // A request sent from a form has no message in the private chat to link.
    if !draft.chat.is_empty() {
        let platform = cx.who.platform;
        store::conversations::link_dm(cx.conn, platform, &draft.chat, &draft.message_id, ticket.id)
            .await?;
    }
    let body = request.first_message.map(|m| m.body).unwrap_or_default();
    let held = open_thread(cx, &opened, body).await?;
    if let Some(assignee) = ticket.assignee {
        cx.engine.notify_assignee(cx.conn, ticket, assignee).await?;
    }
    let text = confirmation(cx, ticket, held);
    cx.tell(text, Vec::new(), Some(ticket.id)).await
}

/// What the desk files for a draft: its first line as the subject (or a word for
/// files sent alone), all of it as the first message.
fn ticket_draft(
    cx: &Ctx<'_>,
    draft: &Draft,
    category: CategoryId,
    priority: Option<Priority>,
) -> TicketDraft {
    let who = cx.who;
    let (mut subject, description) = split_subject(&draft.text);
    if subject.is_empty() {
        subject = t!(cx, "subject-files-only");
    }
    let body = if draft.text.is_empty() {
        subject.clone()
    } else {
        draft.text.clone()
    };
    TicketDraft {
        subject,
        description,
        category,
        priority,
        previous: draft.previous.map(TicketId),
        origin: Some(who.platform),
        first_message: Some(FirstMessage {
            body,
            from: Some((who.platform, draft.message_id.clone())),
            attachments: who.attachments(&draft.files),
        }),
    }
}

/// Plans the ticket's thread in its team's space. The card shows the request (its
/// subject, the start of its description): the thread repeats the text only when
/// the card had to clip it, and the request's files go alone. On Telegram every
/// post counts against the group's twenty a minute. Returns whether the space
/// cannot take threads now.
async fn open_thread(cx: &mut Ctx<'_>, opened: &Opened, body: String) -> Result<bool> {
    let engine = cx.engine;
    let ticket = &opened.ticket;
    let Some((thread, held)) = engine.open_thread(cx.conn, ticket, true).await? else {
        return Ok(false);
    };
    let clipped = ticket.description.chars().count() > crate::present::card::REQUEST_MAX_CHARS;
    if clipped || !opened.files.is_empty() {
        let text = if clipped {
            let name = cx.who.user.display_name.clone();
            t!(
                engine.for_staff(),
                "thread-opening",
                name = name,
                text = body
            )
        } else {
            String::new()
        };
        engine
            .post_on(cx.conn, &thread, text, opened.files.clone())
            .await?;
    }
    Ok(held.0)
}

/// What the requester reads when their ticket is created: who handles it, or,
/// when its team's space cannot take threads now (`held`), that the team could
/// not be told yet.
fn confirmation(cx: &Ctx<'_>, ticket: &Ticket, held: bool) -> String {
    let language: Language = cx.who.language();
    let catalog = cx.engine.desk().catalog();
    let name_of = |names: Option<&crate::domain::team::Localized>| {
        names
            .map(|n| n.get(language).to_owned())
            .unwrap_or_default()
    };
    let key = if held {
        key!("ticket-created-held")
    } else {
        key!("ticket-created")
    };
    cx.t(
        key,
        &[
            arg("reference", ticket.reference.to_string()),
            arg(
                "category",
                name_of(catalog.category(ticket.category).map(|c| &c.name)),
            ),
            arg("team", name_of(catalog.team(ticket.team).map(|t| &t.name))),
            arg(
                "priority",
                cx.engine.priority_label(language, ticket.priority),
            ),
        ],
    )
}

/// A requester's message on an existing ticket: stored, relayed to the thread, and
/// reopening the ticket if it was resolved.
pub(super) async fn relay(cx: &mut Ctx<'_>, ticket: &Ticket, message: Draft) -> Result<()> {
    if ticket.status == Status::Resolved {
        reopen(cx, ticket).await?;
    }
    let (engine, who) = (cx.engine, cx.who);
    let files = who.attachments(&message.files);
    let posted = engine
        .desk()
        .add_message(
            cx.conn,
            &who.actor,
            ticket.id,
            &message.text,
            Visibility::Public,
            Some((who.platform, &message.message_id)),
            &files,
            Origin::Chat,
        )
        .await?;
    store::conversations::link_dm(
        cx.conn,
        who.platform,
        &message.chat,
        &message.message_id,
        ticket.id,
    )
    .await?;
    let text = t!(
        engine,
        engine.staff_language(),
        "thread-from-requester",
        name = who.user.display_name.clone(),
        text = message.text.clone()
    );
    engine
        .relay_to_thread(cx.conn, ticket.id, who.user.id, text, posted.files)
        .await?;
    if posted.ticket.status != ticket.status {
        engine.refresh_card(cx.conn, ticket.id).await?;
    }
    Ok(())
}

/// A resolved ticket the requester writes about again: back to whoever had it (or
/// the queue), said in the thread and to them.
async fn reopen(cx: &mut Ctx<'_>, ticket: &Ticket) -> Result<()> {
    let (engine, who) = (cx.engine, cx.who);
    let to = if ticket.assignee.is_some() {
        Status::InProgress
    } else {
        Status::Open
    };
    engine
        .desk()
        .set_status(cx.conn, &who.actor, ticket.id, to, Origin::Chat)
        .await?;
    let text = t!(
        engine,
        engine.staff_language(),
        "thread-reopened",
        name = who.user.display_name.clone()
    );
    engine
        .post_in_thread(cx.conn, ticket.id, text, Vec::new())
        .await?;
    let text = t!(
        cx,
        "ticket-reopened",
        reference = ticket.reference.to_string()
    );
    cx.tell(text, Vec::new(), Some(ticket.id)).await
}
