//! The ticket card at the top of a staff thread, drawn from the ticket as it is now.

use guichet_chat::{Button, ButtonStyle, Card, CardField, Choice, Select, Tone};

use super::buttons::Payload;
use super::labels::{priority_label, staff_status_label};
use chrono::{DateTime, Utc};

use crate::desk::Desk;
use crate::domain::{Decision, Language, Priority, Status, Ticket, TicketId, UserId};
use crate::i18n::{Texts, arg};
use crate::store::{self, Conn, StoreError};
use crate::text::{clip, shorten};

/// Longest thread title: Discord stops at 100 characters, Telegram topics at 128.
pub const TITLE_MAX_CHARS: usize = 100;

/// How much of the request's description the card shows. The thread does not
/// repeat the request, except a longer one in full.
pub const REQUEST_MAX_CHARS: usize = 1500;

/// `TCK-20250214-002 · Mon écran ne s'allume plus`.
pub fn title(ticket: &Ticket) -> String {
    clip(
        &format!("{} · {}", ticket.reference, ticket.subject),
        TITLE_MAX_CHARS,
    )
}

/// A ticket's thread as it should look now.
pub struct Drawn {
    pub title: String,
    pub card: Card,
    /// Who must be in the thread.
    pub assignee: Option<UserId>,
}

/// The thread title and the card of a ticket, or `None` if the ticket is gone.
pub async fn render(
    conn: &mut Conn,
    desk: &Desk,
    texts: &Texts,
    language: Language,
    id: TicketId,
) -> Result<Option<Drawn>, StoreError> {
    let Some(ticket) = store::tickets::get(conn, id).await? else {
        return Ok(None);
    };
    let name = |user: Option<crate::domain::User>| user.map(|u| u.display_name);
    let requester = name(store::users::get(conn, ticket.requester).await?).unwrap_or_default();
    let assignee = match ticket.assignee {
        Some(a) => name(store::users::get(conn, a).await?),
        None => None,
    };
    let catalog = desk.catalog();
    let category = catalog.category(ticket.category);
    let team = catalog.team(ticket.team);
    let field = |key: &str, value: String| CardField {
        name: texts.t(language, key, &[]),
        value,
    };
    let mut fields = vec![
        field(
            "card-status",
            staff_status_label(texts, language, ticket.status),
        ),
        field(
            "card-priority",
            priority_label(texts, language, ticket.priority),
        ),
        field(
            "card-category",
            category
                .map(|c| c.name.get(language).to_owned())
                .unwrap_or_default(),
        ),
        field(
            "card-team",
            team.map(|t| t.name.get(language).to_owned())
                .unwrap_or_default(),
        ),
        field("card-requester", requester),
        field(
            "card-assignee",
            assignee.unwrap_or_else(|| texts.t(language, "card-unassigned", &[])),
        ),
    ];
    if let Some(resolution) = &ticket.resolution {
        fields.push(field("card-resolution", resolution.clone()));
    }
    if let Some(previous) = ticket.previous
        && let Some(old) = store::tickets::get(conn, previous).await?
    {
        fields.push(field("card-follows-up", old.reference.to_string()));
    }
    let needs_approval = category.is_some_and(|c| c.needs_approval);
    if needs_approval && let Some(decided) = last_decision(conn, texts, language, id).await? {
        fields.push(field("card-decision", decided));
    }
    let late = sla_breach(&ticket);
    if let Some((key, due)) = late {
        let due = due
            .with_timezone(&desk.time_zone())
            .format("%d/%m %H:%M")
            .to_string();
        fields.push(CardField {
            name: texts.t(language, "card-sla", &[]),
            value: texts.t(language, key, &[arg("due", due)]),
        });
    }
    let mut buttons = Vec::new();
    let mut select = None;
    if ticket.status.is_active() {
        let mut row = Vec::new();
        if ticket.assignee.is_none() {
            row.push(button(
                texts,
                language,
                "button-claim",
                Payload::Claim(id.0),
                ButtonStyle::Primary,
            ));
        }
        // A request that needs approval is settled by a decision, not a fix.
        if !needs_approval {
            row.push(button(
                texts,
                language,
                "button-resolve",
                Payload::Resolve(id.0),
                ButtonStyle::Success,
            ));
        }
        row.push(button(
            texts,
            language,
            "button-close",
            Payload::Close(id.0),
            ButtonStyle::Secondary,
        ));
        buttons.push(row);
        if needs_approval {
            buttons.push(decision_buttons(texts, language, id));
        }
        select = Some(Select {
            placeholder: texts.t(language, "card-priority-placeholder", &[]),
            choices: Priority::ALL
                .into_iter()
                .filter(|p| *p != ticket.priority)
                .map(|p| Choice {
                    label: p.to_string(),
                    payload: Payload::SetPriority(id.0, p).encode(),
                })
                .collect(),
        });
    } else if ticket.status == Status::Resolved {
        buttons.push(vec![button(
            texts,
            language,
            "button-close",
            Payload::Close(id.0),
            ButtonStyle::Secondary,
        )]);
    }
    let tone = match ticket.status {
        _ if late.is_some() => Tone::Alert,
        Status::Open if ticket.priority <= Priority::P1 => Tone::Alert,
        Status::Open => Tone::Neutral,
        Status::InProgress => Tone::Active,
        Status::WaitingOnUser => Tone::Waiting,
        Status::Resolved | Status::Closed => Tone::Done,
    };
    let description = if ticket.description.is_empty() {
        ticket.subject.clone()
    } else {
        shorten(&ticket.description, REQUEST_MAX_CHARS)
    };
    let card = Card {
        title: texts.t(
            language,
            "card-title",
            &[
                arg("reference", ticket.reference.to_string()),
                arg("subject", ticket.subject.clone()),
            ],
        ),
        description,
        fields,
        buttons,
        select,
        tone,
    };
    Ok(Some(Drawn {
        title: title(&ticket),
        card,
        assignee: ticket.assignee,
    }))
}

/// Approve, ask for information, refuse.
fn decision_buttons(texts: &Texts, language: Language, id: TicketId) -> Vec<Button> {
    Decision::ALL
        .into_iter()
        .map(|decision| {
            let (key, style) = match decision {
                Decision::Approve => ("button-approve", ButtonStyle::Success),
                Decision::AskInfo => ("button-ask-info", ButtonStyle::Primary),
                Decision::Refuse => ("button-refuse", ButtonStyle::Danger),
            };
            button(
                texts,
                language,
                key,
                Payload::of_decision(id, decision),
                style,
            )
        })
        .collect()
}

/// The last decision taken on the ticket and by whom, from the audit trail.
async fn last_decision(
    conn: &mut Conn,
    texts: &Texts,
    language: Language,
    id: TicketId,
) -> Result<Option<String>, StoreError> {
    let actions = Decision::ALL.map(Decision::audit_action);
    let Some(event) = store::audit::last_of(conn, id, &actions).await? else {
        return Ok(None);
    };
    let Some(decision) = Decision::ALL
        .into_iter()
        .find(|d| d.audit_action().as_str() == event.action)
    else {
        return Ok(None);
    };
    let key = match decision {
        Decision::Approve => "card-decision-approved",
        Decision::AskInfo => "card-decision-info-requested",
        Decision::Refuse => "card-decision-refused",
    };
    let name = match event.actor {
        Some(actor) => store::users::get(conn, actor)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Some(texts.t(language, key, &[arg("name", name)])))
}

/// The missed target that still matters, with its due time: the resolution
/// while the ticket is not resolved, the first response while nobody answered.
fn sla_breach(ticket: &Ticket) -> Option<(&'static str, DateTime<Utc>)> {
    let sla = &ticket.sla;
    if !ticket.status.is_active() {
        return None;
    }
    if sla.resolution_breached.is_some() {
        return sla
            .resolution_due
            .map(|due| ("card-sla-resolution-missed", due));
    }
    if sla.first_response_breached.is_some() && ticket.times.first_response.is_none() {
        return sla
            .first_response_due
            .map(|due| ("card-sla-first-response-missed", due));
    }
    None
}

fn button(
    texts: &Texts,
    language: Language,
    key: &str,
    payload: Payload,
    style: ButtonStyle,
) -> Button {
    Button {
        label: texts.t(language, key, &[]),
        payload: payload.encode(),
        style,
    }
}
