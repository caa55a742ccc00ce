//! The ticket card at the top of a staff thread, drawn from what is known of the
//! ticket now. Drawing is pure: the dispatcher reads a [`TicketView`] when the card is
//! sent, and [`draw`] turns it into the thread's title and card.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guichet_chat::{Button, ButtonStyle, Card, CardField, Choice, Select, Tone};

use super::labels::{priority_label, staff_status_label};
use super::payload::Payload;
use crate::domain::{
    Category, Decision, Language, Priority, Status, Team, Ticket, TicketId, TicketReference, UserId,
};
use crate::i18n::Key;
use crate::i18n::{Arg, Texts, arg};
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

/// What a ticket's card shows: the ticket, and what is read around it.
#[derive(Debug, Clone)]
pub struct TicketView<'a> {
    pub ticket: Ticket,
    /// From the catalog; `None` for one the catalog no longer has.
    pub category: Option<&'a Category>,
    pub team: Option<&'a Team>,
    /// Display names; the requester's empty when they are gone.
    pub requester: String,
    pub assignee: Option<String>,
    /// The ticket this one follows up.
    pub follows_up: Option<TicketReference>,
    /// The last decision on a request that needs one, and the name of who took it.
    pub last_decision: Option<(Decision, String)>,
}

impl TicketView<'_> {
    /// A request that needs approval is settled by a decision, not a fix.
    pub fn needs_approval(&self) -> bool {
        self.category.is_some_and(|c| c.needs_approval)
    }
}

/// A ticket's thread as it should look now.
pub struct Drawn {
    pub title: String,
    pub card: Card,
    /// Who must be in the thread.
    pub assignee: Option<UserId>,
}

/// The thread title and the card of a ticket, in `language`; times in `time_zone`.
pub fn draw(texts: &Texts, language: Language, time_zone: Tz, view: &TicketView<'_>) -> Drawn {
    let pen = Pen { texts, language };
    let ticket = &view.ticket;
    let late = sla_breach(ticket);
    let mut fields = fields(&pen, view);
    if let Some((key, due)) = late {
        let due = due.with_timezone(&time_zone).format("%d/%m %H:%M");
        fields.push(CardField {
            name: t!(pen, "card-sla"),
            value: pen.t(key, &[arg("due", due.to_string())]),
        });
    }
    let (buttons, select) = actions(&pen, view);
    let description = if ticket.description.is_empty() {
        ticket.subject.clone()
    } else {
        shorten(&ticket.description, REQUEST_MAX_CHARS)
    };
    let card = Card {
        title: t!(
            pen,
            "card-title",
            reference = ticket.reference.to_string(),
            subject = ticket.subject.clone()
        ),
        description,
        fields,
        buttons,
        select,
        tone: tone(ticket, late.is_some()),
    };
    Drawn {
        title: title(ticket),
        card,
        assignee: ticket.assignee,
    }
}

/// The texts of one reader's language.
struct Pen<'a> {
    texts: &'a Texts,
    language: Language,
}

impl Pen<'_> {
    fn t(&self, key: Key, args: &[Arg]) -> String {
        self.texts.t(self.language, key, args)
    }

    fn field(&self, key: Key, value: String) -> CardField {
        CardField {
            name: self.t(key, &[]),
            value,
        }
    }

    fn button(&self, key: Key, payload: Payload, style: ButtonStyle) -> Button {
        Button {
            label: self.t(key, &[]),
            payload: payload.encode(),
            style,
        }
    }
}

/// Status, priority, category, team, people; then the resolution, the ticket followed
/// up and the last decision when there are.
fn fields(pen: &Pen<'_>, view: &TicketView<'_>) -> Vec<CardField> {
    let (ticket, language) = (&view.ticket, pen.language);
    let mut fields = vec![
        pen.field(
            key!("card-status"),
            staff_status_label(pen.texts, language, ticket.status),
        ),
        pen.field(
            key!("card-priority"),
            priority_label(pen.texts, language, ticket.priority),
        ),
        pen.field(
            key!("card-category"),
            view.category
                .map(|c| c.name.get(language).to_owned())
                .unwrap_or_default(),
        ),
        pen.field(
            key!("card-team"),
            view.team
                .map(|t| t.name.get(language).to_owned())
                .unwrap_or_default(),
        ),
        pen.field(key!("card-requester"), view.requester.clone()),
        pen.field(
            key!("card-assignee"),
            view.assignee
                .clone()
                .unwrap_or_else(|| t!(pen, "card-unassigned")),
        ),
    ];
    if let Some(resolution) = &ticket.resolution {
        fields.push(pen.field(key!("card-resolution"), resolution.clone()));
    }
    if let Some(old) = &view.follows_up {
        fields.push(pen.field(key!("card-follows-up"), old.to_string()));
    }
    if view.needs_approval()
        && let Some((decision, name)) = &view.last_decision
    {
        let key = match decision {
            Decision::Approve => key!("card-decision-approved"),
            Decision::AskInfo => key!("card-decision-info-requested"),
            Decision::Refuse => key!("card-decision-refused"),
        };
        let decided = pen.t(key, &[arg("name", name.clone())]);
        fields.push(pen.field(key!("card-decision"), decided));
    }
    fields
}

/// The buttons' rows and the priority menu: what the team may do with the ticket in
/// its state.
fn actions(pen: &Pen<'_>, view: &TicketView<'_>) -> (Vec<Vec<Button>>, Option<Select>) {
    let ticket = &view.ticket;
    let id = ticket.id.0;
    let close = || {
        pen.button(
            key!("button-close"),
            Payload::Close(id),
            ButtonStyle::Secondary,
        )
    };
    if ticket.status == Status::Resolved {
        return (vec![vec![close()]], None);
    }
    if !ticket.status.is_active() {
        return (Vec::new(), None);
    }
    let mut row = Vec::new();
    if ticket.assignee.is_none() {
        row.push(pen.button(
            key!("button-claim"),
            Payload::Claim(id),
            ButtonStyle::Primary,
        ));
    }
    if !view.needs_approval() {
        row.push(pen.button(
            key!("button-resolve"),
            Payload::Resolve(id),
            ButtonStyle::Success,
        ));
    }
    row.push(close());
    let mut buttons = vec![row];
    if view.needs_approval() {
        buttons.push(decision_buttons(pen, ticket.id));
    }
    let select = Select {
        placeholder: t!(pen, "card-priority-placeholder"),
        choices: Priority::ALL
            .into_iter()
            .filter(|p| *p != ticket.priority)
            .map(|p| Choice {
                label: p.to_string(),
                payload: Payload::SetPriority(id, p).encode(),
            })
            .collect(),
    };
    (buttons, Some(select))
}

/// Approve, ask for information, refuse.
fn decision_buttons(pen: &Pen<'_>, id: TicketId) -> Vec<Button> {
    Decision::ALL
        .into_iter()
        .map(|decision| {
            let (key, style) = match decision {
                Decision::Approve => (key!("button-approve"), ButtonStyle::Success),
                Decision::AskInfo => (key!("button-ask-info"), ButtonStyle::Primary),
                Decision::Refuse => (key!("button-refuse"), ButtonStyle::Danger),
            };
            pen.button(key, Payload::of_decision(id, decision), style)
        })
        .collect()
}

fn tone(ticket: &Ticket, late: bool) -> Tone {
    match ticket.status {
        _ if late => Tone::Alert,
        Status::Open if ticket.priority <= Priority::P1 => Tone::Alert,
        Status::Open => Tone::Neutral,
        Status::InProgress => Tone::Active,
        Status::WaitingOnUser => Tone::Waiting,
        Status::Resolved | Status::Closed => Tone::Done,
    }
}

/// The missed target that still matters, with its due time: the resolution
/// while the ticket is not resolved, the first response while nobody answered.
fn sla_breach(ticket: &Ticket) -> Option<(Key, DateTime<Utc>)> {
    let sla = &ticket.sla;
    if !ticket.status.is_active() {
        return None;
    }
    if sla.resolution_breached.is_some() {
        return sla
            .resolution_due
            .map(|due| (key!("card-sla-resolution-missed"), due));
    }
    if sla.first_response_breached.is_some() && ticket.times.first_response.is_none() {
        return sla
            .first_response_due
            .map(|due| (key!("card-sla-first-response-missed"), due));
    }
    None
}
