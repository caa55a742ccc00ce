//! An employee's private chat with the bot: new requests (with the questions the
//! bot asks when it cannot guess the category), and messages relayed to their
//! tickets, which may reopen a resolved one.

use chrono::TimeDelta;
use guichet_chat::{Button, ButtonStyle, IncomingFile};
use serde::{Deserialize, Serialize};

use super::{Engine, Refusal, Result, Who, buttons, guess};
use crate::desk::{FirstMessage, TicketDraft};
use crate::domain::ticket::split_subject;
use crate::domain::{
    CategoryId, Decision, NewAttachment, Platform, Priority, Status, Ticket, TicketId, Visibility,
};
use crate::i18n::arg;
use crate::store::audit::Origin;
use crate::store::{self, Conn};

/// What the bot waits for from a user, kept in the database between messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waiting_for", rename_all = "snake_case")]
pub(super) enum Dialogue {
    /// After `/new` alone: the next message describes the problem.
    Description,
    /// A new request whose category could not be guessed.
    Category { draft: Draft },
    /// The category is chosen; now the priority.
    Priority { draft: Draft, category: i64 },
    /// A message that could belong to several open tickets.
    TicketChoice { pending: Draft },
    /// Where the platform shows no forms (Telegram): a member of staff pressed
    /// "ask for information" or "refuse"; their next message in the ticket's thread
    /// is the question or the justification. `asked_at` in epoch milliseconds.
    DecisionText {
        ticket: i64,
        decision: Decision,
        asked_at: i64,
    },
}

/// A message kept while the bot asks something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Draft {
    pub text: String,
    pub files: Vec<IncomingFile>,
    pub chat: String,
    pub message_id: String,
    /// The closed ticket a new one follows up.
    pub previous: Option<i64>,
}

impl Draft {
    fn append(&mut self, text: &str, files: &[IncomingFile]) {
        if !text.trim().is_empty() {
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.text.push_str(text.trim());
        }
        self.files.extend_from_slice(files);
    }
}

pub(super) async fn dialogue(conn: &mut Conn, who: &Who) -> Result<Option<Dialogue>> {
    if who.is_new {
        return Ok(None);
    }
    let Some(json) = store::conversations::dialogue(conn, who.user.id).await? else {
        return Ok(None);
    };
    // A state written by an older version is dropped rather than trusted.
    Ok(serde_json::from_str(&json)
        .inspect_err(
            |e| tracing::warn!(user = %who.user.id, "dropping an unreadable dialogue state: {e}"),
        )
        .ok())
}

pub(super) async fn set_dialogue(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    state: Option<&Dialogue>,
) -> Result<()> {
    let json = state.map(|s| serde_json::to_string(s).unwrap_or_default());
    store::conversations::set_dialogue(conn, who.user.id, json.as_deref(), engine.desk().now())
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn direct_message(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    chat: &str,
    message_id: &str,
    text: &str,
    files: &[IncomingFile],
    reply_to: Option<&str>,
) -> Result<()> {
    if text.trim().is_empty() && files.is_empty() {
        return Ok(());
    }
    let message = Draft {
        text: text.trim().to_owned(),
        files: files.to_vec(),
        chat: chat.to_owned(),
        message_id: message_id.to_owned(),
        previous: None,
    };
    match dialogue(conn, who).await? {
        Some(Dialogue::Description) => {
            set_dialogue(engine, conn, who, None).await?;
            return start_request(engine, conn, who, message).await;
        }
        Some(Dialogue::Category { mut draft }) => {
            draft.append(text, files);
            set_dialogue(engine, conn, who, Some(&Dialogue::Category { draft })).await?;
            return ask_category(engine, conn, who, "dialogue-still-category").await;
        }
        Some(Dialogue::Priority {
            mut draft,
            category,
        }) => {
            draft.append(text, files);
            set_dialogue(
                engine,
                conn,
                who,
                Some(&Dialogue::Priority { draft, category }),
            )
            .await?;
            return ask_priority(engine, conn, who, "dialogue-still-priority").await;
        }
        Some(Dialogue::TicketChoice { mut pending }) => {
            pending.append(text, files);
            let open = candidates(engine, conn, who).await?;
            set_dialogue(engine, conn, who, Some(&Dialogue::TicketChoice { pending })).await?;
            return ask_ticket(engine, conn, who, &open).await;
        }
        // Awaited in a thread, not here.
        Some(Dialogue::DecisionText { .. }) | None => {}
    }

    // A reply to a message about a ticket goes to that ticket.
    if let Some(replied) = reply_to
        && let Some(id) =
            store::conversations::ticket_of_dm(conn, who.platform, chat, replied).await?
        && let Some(ticket) = store::tickets::get(conn, id).await?
        && ticket.requester == who.user.id
    {
        if still_open(engine, &ticket) {
            return relay(engine, conn, who, &ticket, message).await;
        }
        let follow_up = Draft {
            previous: Some(ticket.id.0),
            ..message
        };
        return start_request(engine, conn, who, follow_up).await;
    }
    let recent = recent(conn, who).await?;
    // The last ticket, resolved too long ago to reopen: a new request follows it up.
    let previous = recent
        .first()
        .filter(|t| t.status == Status::Resolved && !still_open(engine, t))
        .map(|t| t.id.0);
    let open: Vec<Ticket> = recent
        .into_iter()
        .filter(|t| still_open(engine, t))
        .collect();
    match open.as_slice() {
        [] => {
            start_request(
                engine,
                conn,
                who,
                Draft {
                    previous,
                    ..message
                },
            )
            .await
        }
        [only] => relay(engine, conn, who, only, message).await,
        several => {
            set_dialogue(
                engine,
                conn,
                who,
                Some(&Dialogue::TicketChoice { pending: message }),
            )
            .await?;
            ask_ticket(engine, conn, who, several).await
        }
    }
}

/// Whether a requester's message still belongs to the ticket: active, or resolved
/// recently enough to reopen.
fn still_open(engine: &Engine, ticket: &Ticket) -> bool {
    match ticket.status {
        s if s.is_active() => true,
        Status::Resolved => {
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
pub(super) async fn candidates(engine: &Engine, conn: &mut Conn, who: &Who) -> Result<Vec<Ticket>> {
    let recent = recent(conn, who).await?;
    Ok(recent
        .into_iter()
        .filter(|t| still_open(engine, t))
        .collect())
}

async fn recent(conn: &mut Conn, who: &Who) -> Result<Vec<Ticket>> {
    if who.is_new {
        return Ok(Vec::new());
    }
    Ok(store::tickets::recent_of_requester(conn, who.user.id, 25).await?)
}

/// A new request: guessed category → ticket at once; otherwise the bot asks.
pub(super) async fn start_request(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    draft: Draft,
) -> Result<()> {
    match guess::category(engine, &draft.text) {
        Some(category) => {
            let priority = guess::priority(engine, &draft.text);
            create_ticket(engine, conn, who, draft, category, priority).await
        }
        None => {
            set_dialogue(engine, conn, who, Some(&Dialogue::Category { draft })).await?;
            ask_category(engine, conn, who, "dialogue-ask-category").await
        }
    }
}

async fn ask_category(engine: &Engine, conn: &mut Conn, who: &Who, key: &str) -> Result<()> {
    let language = who.language();
    let buttons: Vec<Button> = engine
        .desk()
        .catalog()
        .categories()
        .map(|c| Button {
            label: c.name.get(language).to_owned(),
            payload: buttons::Payload::Category(c.id.0).encode(),
            style: ButtonStyle::Secondary,
        })
        .collect();
    let rows = buttons.chunks(2).map(<[Button]>::to_vec).collect();
    let text = engine.t(language, key, &[]);
    engine.tell_here(conn, who, text, rows, None).await
}

pub(super) async fn ask_priority(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    key: &str,
) -> Result<()> {
    let language = who.language();
    let rows = Priority::ALL
        .into_iter()
        .map(|p| {
            let help_key = match p {
                Priority::P0 => "priority-p0-help",
                Priority::P1 => "priority-p1-help",
                Priority::P2 => "priority-p2-help",
                Priority::P3 => "priority-p3-help",
            };
            vec![Button {
                label: format!(
                    "{} — {}",
                    engine.priority_label(language, p),
                    engine.t(language, help_key, &[])
                ),
                payload: buttons::Payload::NewPriority(p).encode(),
                style: if p <= Priority::P1 {
                    ButtonStyle::Danger
                } else {
                    ButtonStyle::Secondary
                },
            }]
        })
        .collect();
    let text = engine.t(language, key, &[]);
    engine.tell_here(conn, who, text, rows, None).await
}

async fn ask_ticket(engine: &Engine, conn: &mut Conn, who: &Who, open: &[Ticket]) -> Result<()> {
    let language = who.language();
    let mut rows: Vec<Vec<Button>> = open
        .iter()
        .take(8)
        .map(|t| {
            vec![Button {
                label: crate::text::clip(&format!("{} · {}", t.reference, t.subject), 60),
                payload: buttons::Payload::Pick(Some(t.id.0)).encode(),
                style: ButtonStyle::Primary,
            }]
        })
        .collect();
    rows.push(vec![Button {
        label: engine.t(language, "button-new-ticket", &[]),
        payload: buttons::Payload::Pick(None).encode(),
        style: ButtonStyle::Secondary,
    }]);
    let text = engine.t(language, "dialogue-which-ticket", &[]);
    engine.tell_here(conn, who, text, rows, None).await
}

/// Files as the desk stores them.
pub(super) fn attachments(platform: Platform, files: &[IncomingFile]) -> Vec<NewAttachment> {
    files
        .iter()
        .map(|f| NewAttachment {
            file_name: f.name.clone(),
            content_type: f.content_type.clone(),
            size_bytes: f.size,
            platform,
            platform_ref: f.reference.clone(),
            url: f.url.clone(),
        })
        .collect()
}

/// Files the ticket itself, then says so everywhere it should be said.
pub(super) async fn create_ticket(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    draft: Draft,
    category: CategoryId,
    priority: Option<Priority>,
) -> Result<()> {
    let language = who.language();
    let (mut subject, description) = split_subject(&draft.text);
    if subject.is_empty() {
        subject = engine.t(language, "subject-files-only", &[]);
    }
    let body = if draft.text.is_empty() {
        subject.clone()
    } else {
        draft.text.clone()
    };
    let ticket_draft = TicketDraft {
        subject,
        description,
        category,
        priority,
        previous: draft.previous.map(TicketId),
        origin: Some(who.platform),
        first_message: Some(FirstMessage {
            body: body.clone(),
            from: Some((who.platform, draft.message_id.clone())),
            attachments: attachments(who.platform, &draft.files),
        }),
    };
    let opened = engine
        .desk()
        .open_ticket(conn, &who.actor, &ticket_draft, Origin::Chat)
        .await?;
    let ticket = &opened.ticket;
    // A request sent from a form has no message in the private chat to link.
    if !draft.chat.is_empty() {
        store::conversations::link_dm(
            conn,
            who.platform,
            &draft.chat,
            &draft.message_id,
            ticket.id,
        )
        .await?;
    }

    let opening = engine.open_thread(conn, ticket, true).await?;
    let held = opening.as_ref().is_some_and(|(_, held)| held.0);
    if let Some((thread, _)) = opening {
        // The card shows the request (its subject, the start of its description):
        // the thread repeats the text only when the card had to clip it, and the
        // request's files go alone. On Telegram every post counts against the
        // group's twenty a minute.
        let clipped = ticket.description.chars().count() > super::card::REQUEST_MAX_CHARS;
        if clipped || !opened.files.is_empty() {
            let text = if clipped {
                engine.t(
                    engine.staff_language(),
                    "thread-opening",
                    &[
                        arg("name", who.user.display_name.clone()),
                        arg("text", body),
                    ],
                )
            } else {
                String::new()
            };
            engine
                .post_on(conn, &thread, text, opened.files.clone())
                .await?;
        }
    }
    if let Some(assignee) = ticket.assignee {
        notify_assignee(engine, conn, ticket, assignee).await?;
    }
    let text = confirmation(engine, language, ticket, held);
    engine
        .tell_here(conn, who, text, Vec::new(), Some(ticket.id))
        .await
}

/// What the requester reads when their ticket is created: who handles it, or,
/// when its team's space cannot take threads now (`held`), that the team could
/// not be told yet.
fn confirmation(
    engine: &Engine,
    language: crate::domain::Language,
    ticket: &Ticket,
    held: bool,
) -> String {
    let catalog = engine.desk().catalog();
    let name_of = |names: Option<&crate::domain::team::Localized>| {
        names
            .map(|n| n.get(language).to_owned())
            .unwrap_or_default()
    };
    let key = if held {
        "ticket-created-held"
    } else {
        "ticket-created"
    };
    engine.t(
        language,
        key,
        &[
            arg("reference", ticket.reference.to_string()),
            arg(
                "category",
                name_of(catalog.category(ticket.category).map(|c| &c.name)),
            ),
            arg("team", name_of(catalog.team(ticket.team).map(|t| &t.name))),
            arg("priority", engine.priority_label(language, ticket.priority)),
        ],
    )
}

/// Tells an agent a ticket is now theirs, on their staff platform when they have one.
pub(super) async fn notify_assignee(
    engine: &Engine,
    conn: &mut Conn,
    ticket: &Ticket,
    assignee: crate::domain::UserId,
) -> Result<()> {
    engine
        .alert(conn, ticket, assignee, |language| {
            engine.t(
                language,
                "notify-assigned",
                &[
                    arg("reference", ticket.reference.to_string()),
                    arg("subject", ticket.subject.clone()),
                    arg("priority", engine.priority_label(language, ticket.priority)),
                ],
            )
        })
        .await
}

/// A requester's message on an existing ticket: stored, relayed to the thread, and
/// reopening the ticket if it was resolved.
pub(super) async fn relay(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    ticket: &Ticket,
    message: Draft,
) -> Result<()> {
    let desk = engine.desk();
    let staff = engine.staff_language();
    if ticket.status == Status::Resolved {
        let to = if ticket.assignee.is_some() {
            Status::InProgress
        } else {
            Status::Open
        };
        desk.set_status(conn, &who.actor, ticket.id, to, Origin::Chat)
            .await?;
        let text = engine.t(
            staff,
            "thread-reopened",
            &[arg("name", who.user.display_name.clone())],
        );
        engine
            .post_in_thread(conn, ticket.id, text, Vec::new())
            .await?;
        let text = engine.t(
            who.language(),
            "ticket-reopened",
            &[arg("reference", ticket.reference.to_string())],
        );
        engine
            .tell_here(conn, who, text, Vec::new(), Some(ticket.id))
            .await?;
    }
    let files = attachments(who.platform, &message.files);
    let posted = desk
        .add_message(
            conn,
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
        conn,
        who.platform,
        &message.chat,
        &message.message_id,
        ticket.id,
    )
    .await?;
    let text = engine.t(
        staff,
        "thread-from-requester",
        &[
            arg("name", who.user.display_name.clone()),
            arg("text", message.text.clone()),
        ],
    );
    engine
        .relay_to_thread(conn, ticket.id, who.user.id, text, posted.files)
        .await?;
    if posted.ticket.status != ticket.status {
        engine.refresh_card(conn, ticket.id).await?;
    }
    Ok(())
}

/// Refuses a request that needs a ticket when the user has none open.
pub(super) fn no_open_ticket() -> Refusal {
    Refusal::not_found("error-no-open-ticket")
}
