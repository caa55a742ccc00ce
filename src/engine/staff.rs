//! The team's side: messages in a ticket's thread, and the actions agents take from
//! commands or from the card's buttons. Each action posts a line in the thread,
//! redraws the card and tells the requester what concerns them.

use guichet_chat::{IncomingFile, ThreadRef};

use super::intake::{attachments, notify_assignee};
use super::say::Contact;
use super::{Acting, Engine, Refusal, RefusalKind, Result, Who};
use crate::desk::UserRef;
use crate::domain::{Identity, Language, Priority, Status, Ticket, TicketId, User, Visibility};
use crate::i18n::{Arg, arg};
use crate::store::audit::Origin;
use crate::store::{self, Conn};

/// The prefix that makes a thread message an internal note (`/note` works too).
pub const NOTE_PREFIX: &str = "//";

pub(super) async fn thread_message(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    thread: &ThreadRef,
    message_id: &str,
    text: &str,
    files: &[IncomingFile],
) -> Result<()> {
    let Some(ticket) = store::conversations::ticket_of_thread(conn, who.platform, thread).await?
    else {
        // Not a ticket's thread: the bot reads the staff space but has nothing to do.
        return Ok(());
    };
    if let Some(note) = text.strip_prefix(NOTE_PREFIX) {
        note_on(engine, conn, who, ticket, note, files, false)
            .await
            .map_err(in_thread)?;
        return Ok(());
    }
    if let Some((name, args)) = super::commands::split(text) {
        let place = guichet_chat::Place::Thread(thread.clone());
        return super::commands::run(engine, conn, who, &place, name, args, None).await;
    }
    if super::decisions::awaited(engine, conn, who, ticket, text).await? {
        return Ok(());
    }
    reply(engine, conn, who, ticket, message_id, text, files)
        .await
        .map_err(in_thread)
}

/// An agent's answer: stored, then relayed to the requester.
async fn reply(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    ticket: TicketId,
    message_id: &str,
    text: &str,
    files: &[IncomingFile],
) -> Result<()> {
    let files = attachments(who.platform, files);
    let posted = engine
        .desk()
        .add_message(
            conn,
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
    let to = engine.requester(conn, t).await?;
    let language = to.language;
    let team = team_name(engine, t, language);
    let relayed = engine.t(
        language,
        "relay-from-agent",
        &[
            arg("name", who.user.display_name.clone()),
            arg("team", team),
            arg("reference", t.reference.to_string()),
            arg("text", text.to_owned()),
        ],
    );
    engine
        .send_to(conn, &to, relayed, posted.files, Some(t.id), false)
        .await?;
    if posted.previous_status != t.status {
        engine.refresh_card(conn, ticket).await?;
    }
    Ok(())
}

/// In a ticket's thread, a ticket not found or an act forbidden means the writer
/// is not staff of its team.
fn in_thread(e: super::EngineError) -> super::EngineError {
    match e {
        super::EngineError::Refused(r)
            if matches!(r.kind, RefusalKind::NotFound | RefusalKind::Forbidden) =>
        {
            Refusal::forbidden("error-not-staff-here").into()
        }
        other => other,
    }
}

/// An internal note; `echo` posts it in the thread when it was written elsewhere.
pub(super) async fn note_on(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    ticket: TicketId,
    text: &str,
    files: &[IncomingFile],
    echo: bool,
) -> Result<String> {
    let files = attachments(who.platform, files);
    let posted = engine
        .desk()
        .add_message(
            conn,
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
        let staff = engine.staff_language();
        let line = engine.t(
            staff,
            "thread-note",
            &[
                arg("name", who.user.display_name.clone()),
                arg("text", text.trim().to_owned()),
            ],
        );
        engine
            .post_in_thread(conn, ticket, line, posted.files)
            .await?;
    }
    Ok(engine.t(who.language(), "answer-noted", &[]))
}

/// A line about a change for the ticket's thread, in the staff's language.
pub(super) fn line(engine: &Engine, key: &str, args: &[Arg<'_>]) -> String {
    engine.t(engine.staff_language(), key, args)
}

/// Posts a line about a change in the ticket's thread and redraws the card.
pub(super) async fn record(
    engine: &Engine,
    conn: &mut Conn,
    ticket: TicketId,
    line: String,
) -> Result<()> {
    engine
        .post_in_thread(conn, ticket, line, Vec::new())
        .await?;
    engine.refresh_card(conn, ticket).await
}

/// Tells the requester about a change someone else made, in their language.
/// Returns how they were reached (`None`: they made the change themselves).
pub(super) async fn tell_requester(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    t: &Ticket,
    text: impl FnOnce(Language) -> String,
) -> Result<Option<Contact>> {
    if t.requester == who.user.id {
        return Ok(None);
    }
    let to = engine.requester(conn, t).await?;
    engine
        .send_to(conn, &to, text(to.language), Vec::new(), Some(t.id), false)
        .await?;
    Ok(Some(to))
}

pub(super) async fn claim(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
) -> Result<String> {
    let claimed = engine
        .desk()
        .claim(conn, &who.actor, ticket, who.origin)
        .await?;
    if !claimed.changed {
        return Ok(engine.t(who.language(), "answer-already-yours", &[]));
    }
    let t = claimed.ticket;
    let name = who.user.display_name.clone();
    let text = line(engine, "thread-claimed", &[arg("name", name.clone())]);
    record(engine, conn, ticket, text).await?;
    tell_requester(engine, conn, who, &t, |language| {
        engine.t(
            language,
            "ticket-taken",
            &[
                arg("reference", t.reference.to_string()),
                arg("name", name),
                arg("team", team_name(engine, &t, language)),
            ],
        )
    })
    .await?;
    Ok(engine.t(
        who.language(),
        "answer-claimed",
        &[arg("reference", t.reference.to_string())],
    ))
}

/// `/assign <someone>`: a mention, an id, an e-mail address or `platform:id`.
pub(super) async fn assign(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    ticket: TicketId,
    target: &str,
) -> Result<String> {
    let assignee = named_user(engine, conn, who, target).await?;
    assign_to(engine, conn, &who.acting(), ticket, assignee).await
}

/// Someone named in a command: a mention (`<@123>`, an account on the writer's
/// platform), an id, an e-mail address or `platform:id`.
pub(super) async fn named_user(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    target: &str,
) -> Result<User> {
    let target = target.trim();
    // A Discord mention, `<@123>` or `<@!123>`, names an account on this platform.
    let mention = target
        .strip_prefix("<@")
        .and_then(|m| m.strip_suffix('>'))
        .map(|m| m.trim_start_matches('!'));
    let who_ref = match mention {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) => {
            UserRef::Identity(Identity::new(who.platform, id))
        }
        _ => target
            .parse::<UserRef>()
            .map_err(|e| super::labels::invalid(&e))?,
    };
    Ok(engine.desk().find_user(conn, &who_ref).await?)
}

pub(super) async fn assign_to(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
    assignee: User,
) -> Result<String> {
    let assigned = engine
        .desk()
        .assign(conn, &who.actor, ticket, assignee.id, who.origin)
        .await?;
    let answer = engine.t(
        who.language(),
        "answer-assigned",
        &[arg("name", assignee.display_name.clone())],
    );
    if !assigned.changed {
        return Ok(answer);
    }
    let t = assigned.ticket;
    let text = line(
        engine,
        "thread-assigned",
        &[
            arg("name", who.user.display_name.clone()),
            arg("assignee", assignee.display_name.clone()),
        ],
    );
    record(engine, conn, ticket, text).await?;
    if assignee.id != who.user.id {
        notify_assignee(engine, conn, &t, assignee.id).await?;
    }
    Ok(answer)
}

pub(super) async fn set_priority(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
    priority: Priority,
) -> Result<String> {
    let set = engine
        .desk()
        .set_priority(conn, &who.actor, ticket, priority, who.origin)
        .await?;
    if set.changed {
        let staff = engine.staff_language();
        let text = line(
            engine,
            "thread-priority",
            &[
                arg("name", who.user.display_name.clone()),
                arg("priority", engine.priority_label(staff, priority)),
            ],
        );
        record(engine, conn, ticket, text).await?;
    }
    let language = who.language();
    Ok(engine.t(
        language,
        "answer-priority-set",
        &[arg("priority", engine.priority_label(language, priority))],
    ))
}

pub(super) async fn set_status(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
    status: Status,
) -> Result<String> {
    match status {
        Status::Resolved => return resolve(engine, conn, who, ticket, "").await,
        Status::Closed => return close(engine, conn, who, ticket).await,
        _ => {}
    }
    let t = engine
        .desk()
        .set_status(conn, &who.actor, ticket, status, who.origin)
        .await?;
    let text = line(
        engine,
        "thread-status",
        &[
            arg("name", who.user.display_name.clone()),
            arg("status", engine.staff_status_label(status)),
        ],
    );
    record(engine, conn, ticket, text).await?;
    if status == Status::WaitingOnUser {
        tell_requester(engine, conn, who, &t, |language| {
            engine.t(
                language,
                "ticket-waiting",
                &[arg("reference", t.reference.to_string())],
            )
        })
        .await?;
    }
    let language = who.language();
    Ok(engine.t(
        language,
        "answer-status-set",
        &[arg("status", engine.status_label(language, status))],
    ))
}

pub(super) async fn resolve(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
    note: &str,
) -> Result<String> {
    let t = engine
        .desk()
        .resolve(conn, &who.actor, ticket, note, who.origin)
        .await?;
    // The note, when there is one, on a line of its own.
    let note = match note.trim() {
        "" => String::new(),
        text => format!("\n> {text}"),
    };
    let name = who.user.display_name.clone();
    let text = line(
        engine,
        "thread-resolved",
        &[arg("name", name.clone()), arg("note", note.clone())],
    );
    record(engine, conn, ticket, text).await?;
    let told = tell_requester(engine, conn, who, &t, |language| {
        engine.t(
            language,
            "ticket-resolved",
            &[
                arg("reference", t.reference.to_string()),
                arg("name", name),
                arg("note", note),
            ],
        )
    })
    .await?;
    // The requester is asked to rate only when someone else resolved it and they
    // can be reached.
    let asked = match told {
        Some(to) if to.platform.is_some() => {
            engine.ask_rating(conn, &t, &to, "rating-prompt").await?;
            true
        }
        _ => false,
    };
    let key = if asked {
        "answer-resolved-rated"
    } else {
        "answer-resolved"
    };
    Ok(engine.t(
        who.language(),
        key,
        &[arg("reference", t.reference.to_string())],
    ))
}

pub(super) async fn close(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
) -> Result<String> {
    let t = engine
        .desk()
        .set_status(conn, &who.actor, ticket, Status::Closed, who.origin)
        .await?;
    let text = line(
        engine,
        "thread-closed",
        &[arg("name", who.user.display_name.clone())],
    );
    record(engine, conn, ticket, text).await?;
    engine.set_thread_open(conn, ticket, false).await?;
    tell_requester(engine, conn, who, &t, |language| {
        engine.t(
            language,
            "ticket-closed",
            &[arg("reference", t.reference.to_string())],
        )
    })
    .await?;
    Ok(engine.t(
        who.language(),
        "answer-closed",
        &[arg("reference", t.reference.to_string())],
    ))
}

/// Hands the ticket to another team: the old thread says where it went and closes;
/// the new team gets a thread of its own.
pub(super) async fn transfer(
    engine: &Engine,
    conn: &mut Conn,
    who: &Acting,
    ticket: TicketId,
    team: &str,
) -> Result<String> {
    let desk = engine.desk();
    let team = desk.find_team(team.trim())?;
    let old_thread = engine.thread_plan(conn, ticket).await?;
    let moved = desk
        .transfer(conn, &who.actor, ticket, team.id, who.origin)
        .await?;
    let language = who.language();
    let answer = engine.t(
        language,
        "answer-transferred",
        &[arg("team", team.name.get(language).to_owned())],
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
        let text = engine.t(
            staff,
            "thread-transferred",
            &[
                arg("name", name.clone()),
                arg("team", team.name.get(staff).to_owned()),
            ],
        );
        engine.post_on(conn, old, text, Vec::new()).await?;
        engine.close_or_open(conn, old, false).await?;
    }
    store::conversations::forget_thread(conn, ticket).await?;
    if let Some((new, _)) = engine.open_thread(conn, &t, false).await? {
        let summary = engine.t(
            staff,
            "thread-transferred-in",
            &[
                arg("name", name),
                arg("subject", t.subject.clone()),
                arg("description", t.description.clone()),
            ],
        );
        engine.post_on(conn, &new, summary, Vec::new()).await?;
    }
    if let Some(assignee) = t.assignee {
        notify_assignee(engine, conn, &t, assignee).await?;
    }
    tell_requester(engine, conn, who, &t, |language| {
        engine.t(
            language,
            "ticket-transferred",
            &[
                arg("reference", t.reference.to_string()),
                arg("team", team.name.get(language).to_owned()),
            ],
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
