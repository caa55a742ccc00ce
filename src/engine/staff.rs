//! The team's side: messages in a ticket's thread, and the actions agents take from
//! commands, from the card's buttons or from the web. Each action posts a line in
//! the thread, redraws the card and tells the requester what concerns them.

use guichet_chat::IncomingFile;

use super::say::Contact;
use super::{Acting, Ctx, Engine, EngineError, RefusalKind, Result};
use crate::domain::{Language, Priority, Status, Ticket, TicketId, User, Visibility};
use crate::i18n::arg;
use crate::store;
use crate::store::audit::Origin;

/// The prefix that makes a thread message an internal note (`/note` works too).
pub const NOTE_PREFIX: &str = "//";

/// An agent's answer in the ticket's thread: stored, then relayed to the requester.
pub(super) async fn reply(
    cx: &mut Ctx<'_>,
    ticket: TicketId,
    message_id: &str,
    text: &str,
    files: &[IncomingFile],
) -> Result<()> {
    relay_reply(cx, ticket, message_id, text, files)
        .await
        .map_err(in_thread)
}

async fn relay_reply(
    cx: &mut Ctx<'_>,
    ticket: TicketId,
    message_id: &str,
    text: &str,
    files: &[IncomingFile],
) -> Result<()> {
    let (engine, who) = (cx.engine, cx.who);
    let files = who.attachments(files);
    let posted = engine
        .desk()
        .add_message(
            cx.conn,
            &who.actor,
            ticket,
            text,
            Visibility::Public,
            Some((who.platform, message_id)),
            &files,
            Origin::Chat,
        )
        .await?;
    let t = &posted.ticket;
    let to = engine.requester(cx.conn, t).await?;
    let language = to.language;
    let relayed = t!(
        engine,
        language,
        "relay-from-agent",
        name = who.user.display_name.clone(),
        team = team_name(engine, t, language),
        reference = t.reference.to_string(),
        text = text.to_owned()
    );
    engine
        .send_to(cx.conn, &to, relayed, posted.files, Some(t.id), false)
        .await?;
    if posted.previous_status != t.status {
        engine.refresh_card(cx.conn, ticket).await?;
    }
    Ok(())
}

/// A note written in the thread with the note prefix.
pub(super) async fn note_in_thread(
    cx: &mut Ctx<'_>,
    ticket: TicketId,
    text: &str,
    files: &[IncomingFile],
) -> Result<()> {
    note_on(cx, ticket, text, files, false)
        .await
        .map(|_| ())
        .map_err(in_thread)
}

/// In a ticket's thread, a ticket not found or an act forbidden means the writer
/// is not staff of its team.
fn in_thread(e: EngineError) -> EngineError {
    match e {
        EngineError::Refused(r)
            if matches!(r.kind, RefusalKind::NotFound | RefusalKind::Forbidden) =>
        {
            refusal!(Forbidden, "error-not-staff-here").into()
        }
        other => other,
    }
}

/// An internal note; `echo` posts it in the thread when it was written elsewhere.
pub(super) async fn note_on(
    cx: &mut Ctx<'_>,
    ticket: TicketId,
    text: &str,
    files: &[IncomingFile],
    echo: bool,
) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let files = who.attachments(files);
    let posted = engine
        .desk()
        .add_message(
            cx.conn,
            &who.actor,
            ticket,
            text.trim(),
            Visibility::Internal,
            None,
            &files,
            Origin::Chat,
        )
        .await?;
    if echo {
        let line = t!(
            engine.for_staff(),
            "thread-note",
            name = who.user.display_name.clone(),
            text = text.trim().to_owned()
        );
        engine
            .post_in_thread(cx.conn, ticket, line, posted.files)
            .await?;
    }
    Ok(t!(cx, "answer-noted"))
}

/// Posts a line about a change in the ticket's thread and redraws the card.
pub(super) async fn record(cx: &mut Ctx<'_, Acting>, ticket: TicketId, line: String) -> Result<()> {
    cx.engine
        .post_in_thread(cx.conn, ticket, line, Vec::new())
        .await?;
    cx.engine.refresh_card(cx.conn, ticket).await
}

/// Tells the requester about a change someone else made, in their language.
/// Returns how they were reached (`None`: they made the change themselves).
pub(super) async fn tell_requester(
    cx: &mut Ctx<'_, Acting>,
    t: &Ticket,
    text: impl FnOnce(Language) -> String,
) -> Result<Option<Contact>> {
    if t.requester == cx.who.user.id {
        return Ok(None);
    }
    let to = cx.engine.requester(cx.conn, t).await?;
    cx.engine
        .send_to(
            cx.conn,
            &to,
            text(to.language),
            Vec::new(),
            Some(t.id),
            false,
        )
        .await?;
    Ok(Some(to))
}

pub(super) async fn claim(cx: &mut Ctx<'_, Acting>, ticket: TicketId) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let claimed = engine
        .desk()
        .claim(cx.conn, &who.actor, ticket, who.origin)
        .await?;
    if !claimed.changed {
        return Ok(t!(cx, "answer-already-yours"));
    }
    let t = claimed.ticket;
    let name = who.user.display_name.clone();
    let text = t!(engine.for_staff(), "thread-claimed", name = name.clone());
    record(cx, ticket, text).await?;
    tell_requester(cx, &t, |language| {
        t!(
            engine,
            language,
            "ticket-taken",
            reference = t.reference.to_string(),
            name = name,
            team = team_name(engine, &t, language)
        )
    })
    .await?;
    Ok(t!(
        cx,
        "answer-claimed",
        reference = t.reference.to_string()
    ))
}

pub(super) async fn assign_to(
    cx: &mut Ctx<'_, Acting>,
    ticket: TicketId,
    assignee: User,
) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let assigned = engine
        .desk()
        .assign(cx.conn, &who.actor, ticket, assignee.id, who.origin)
        .await?;
    let answer = t!(cx, "answer-assigned", name = assignee.display_name.clone());
    if !assigned.changed {
        return Ok(answer);
    }
    let t = assigned.ticket;
    let text = t!(
        engine.for_staff(),
        "thread-assigned",
        name = who.user.display_name.clone(),
        assignee = assignee.display_name.clone()
    );
    record(cx, ticket, text).await?;
    if assignee.id != who.user.id {
        engine.notify_assignee(cx.conn, &t, assignee.id).await?;
    }
    Ok(answer)
}

pub(super) async fn set_priority(
    cx: &mut Ctx<'_, Acting>,
    ticket: TicketId,
    priority: Priority,
) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let set = engine
        .desk()
        .set_priority(cx.conn, &who.actor, ticket, priority, who.origin)
        .await?;
    if set.changed {
        let staff = engine.staff_language();
        let text = t!(
            engine.for_staff(),
            "thread-priority",
            name = who.user.display_name.clone(),
            priority = engine.priority_label(staff, priority)
        );
        record(cx, ticket, text).await?;
    }
    let label = engine.priority_label(who.language(), priority);
    Ok(t!(cx, "answer-priority-set", priority = label))
}

pub(super) async fn set_status(
    cx: &mut Ctx<'_, Acting>,
    ticket: TicketId,
    status: Status,
) -> Result<String> {
    match status {
        Status::Resolved => return resolve(cx, ticket, "").await,
        Status::Closed => return close(cx, ticket).await,
        _ => {}
    }
    let (engine, who) = (cx.engine, cx.who);
    let t = engine
        .desk()
        .set_status(cx.conn, &who.actor, ticket, status, who.origin)
        .await?;
    let text = t!(
        engine.for_staff(),
        "thread-status",
        name = who.user.display_name.clone(),
        status = engine.staff_status_label(status)
    );
    record(cx, ticket, text).await?;
    if status == Status::WaitingOnUser {
        tell_requester(cx, &t, |language| {
            t!(
                engine,
                language,
                "ticket-waiting",
                reference = t.reference.to_string()
            )
        })
        .await?;
    }
    let label = engine.status_label(who.language(), status);
    Ok(t!(cx, "answer-status-set", status = label))
}

pub(super) async fn resolve(
    cx: &mut Ctx<'_, Acting>,
    ticket: TicketId,
    note: &str,
) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let t = engine
        .desk()
        .resolve(cx.conn, &who.actor, ticket, note, who.origin)
        .await?;
    // The note, when there is one, on a line of its own.
    let note = match note.trim() {
        "" => String::new(),
        text => format!("\n> {text}"),
    };
    let name = who.user.display_name.clone();
    let text = t!(
        engine.for_staff(),
        "thread-resolved",
        name = name.clone(),
        note = note.clone()
    );
    record(cx, ticket, text).await?;
    let told = tell_requester(cx, &t, |language| {
        t!(
            engine,
            language,
            "ticket-resolved",
            reference = t.reference.to_string(),
            name = name,
            note = note
        )
    })
    .await?;
    // The requester is asked to rate only when someone else resolved it and they
    // can be reached.
    let asked = match told {
        Some(to) if to.platform.is_some() => {
            engine
                .ask_rating(cx.conn, &t, &to, key!("rating-prompt"))
                .await?;
            true
        }
        _ => false,
    };
    let key = if asked {
        key!("answer-resolved-rated")
    } else {
        key!("answer-resolved")
    };
    Ok(cx.t(key, &[arg("reference", t.reference.to_string())]))
}

pub(super) async fn close(cx: &mut Ctx<'_, Acting>, ticket: TicketId) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let t = engine
        .desk()
        .set_status(cx.conn, &who.actor, ticket, Status::Closed, who.origin)
        .await?;
    let text = t!(
        engine.for_staff(),
        "thread-closed",
        name = who.user.display_name.clone()
    );
    record(cx, ticket, text).await?;
    engine.set_thread_open(cx.conn, ticket, false).await?;
    tell_requester(cx, &t, |language| {
        t!(
            engine,
            language,
            "ticket-closed",
            reference = t.reference.to_string()
        )
    })
    .await?;
    Ok(t!(cx, "answer-closed", reference = t.reference.to_string()))
}

/// Hands the ticket to another team: the old thread says where it went and closes;
/// the new team gets a thread of its own.
pub(super) async fn transfer(
    cx: &mut Ctx<'_, Acting>,
    ticket: TicketId,
    team: &str,
) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let desk = engine.desk();
    let team = desk.find_team(team.trim())?;
    let old_thread = engine.thread_plan(cx.conn, ticket).await?;
    let moved = desk
        .transfer(cx.conn, &who.actor, ticket, team.id, who.origin)
        .await?;
    let language = who.language();
    let answer = t!(
        cx,
        "answer-transferred",
        team = team.name.get(language).to_owned()
    );
    if !moved.changed {
        return Ok(answer);
    }
    let t = moved.ticket;
    let staff = engine.staff_language();
    let name = who.user.display_name.clone();
    // The old thread says where the ticket went and closes; what was queued for
    // it still goes there.
    if let Some(old) = &old_thread {
        let text = t!(
            engine,
            staff,
            "thread-transferred",
            name = name.clone(),
            team = team.name.get(staff).to_owned()
        );
        engine.post_on(cx.conn, old, text, Vec::new()).await?;
        engine.close_or_open(cx.conn, old, false).await?;
    }
    store::conversations::forget_thread(cx.conn, ticket).await?;
    if let Some((new, _)) = engine.open_thread(cx.conn, &t, false).await? {
        let summary = t!(
            engine,
            staff,
            "thread-transferred-in",
            name = name,
            subject = t.subject.clone(),
            description = t.description.clone()
        );
        engine.post_on(cx.conn, &new, summary, Vec::new()).await?;
    }
    if let Some(assignee) = t.assignee {
        engine.notify_assignee(cx.conn, &t, assignee).await?;
    }
    tell_requester(cx, &t, |language| {
        t!(
            engine,
            language,
            "ticket-transferred",
            reference = t.reference.to_string(),
            team = team.name.get(language).to_owned()
        )
    })
    .await?;
    Ok(answer)
}

pub(super) fn team_name(engine: &Engine, t: &Ticket, language: Language) -> String {
    engine
        .desk()
        .catalog()
        .team(t.team)
        .map(|team| team.name.get(language).to_owned())
        .unwrap_or_default()
}
