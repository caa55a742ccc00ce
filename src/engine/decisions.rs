//! Decisions on requests that need approval (finance & travel): approve, ask the
//! requester for information, or refuse with a justification. Taken from the
//! card's buttons, from `/approuver`, `/infos` and `/refuser`, from Discord's form,
//! or, where the platform shows no forms (Telegram), from the agent's next message
//! in the thread.

use chrono::{DateTime, TimeDelta};
use guichet_chat::{Form, FormField, Interaction};

use super::dialogue::{self, Dialogue};
use super::{Acting, Ctx, Engine, Result, staff};
use crate::domain::{Decision, Language, Platform, Ticket, TicketId};
use crate::i18n::Key;
use crate::i18n::arg;
use crate::outbox::{self, Envelope};
use crate::present::Payload;
use crate::store;

/// The id of the form's one field.
const TEXT: &str = "text";
/// Longest question or justification the form takes (Discord allows 4000).
const TEXT_MAX_CHARS: u16 = 2000;
/// How long a thread message is awaited as a decision's text: past this, the
/// agent's next message is an ordinary answer again.
const TEXT_WAIT: TimeDelta = TimeDelta::minutes(15);

/// Whether the platform shows forms (Discord's modals); elsewhere the text is
/// awaited as the agent's next message in the thread.
fn shows_forms(platform: Platform) -> bool {
    platform == Platform::Discord
}

/// Takes the decision and says so: a line in the thread, the card redrawn, the
/// requester told in their language and, once the request is settled, asked to
/// rate as after any resolution.
pub(super) async fn decide(
    cx: &mut Ctx<'_, Acting>,
    ticket: TicketId,
    decision: Decision,
    text: &str,
) -> Result<String> {
    super::check_length(text)?;
    let (engine, who) = (cx.engine, cx.who);
    let t = engine
        .desk()
        .decide(cx.conn, &who.actor, ticket, decision, text, who.origin)
        .await?;
    let text = text.trim().to_owned();
    // An approval's note, when there is one, on a line of its own.
    let note = match text.as_str() {
        "" => String::new(),
        text => format!("\n> {text}"),
    };
    let (thread_key, requester_key, answer_key) = keys(decision);
    let name = who.user.display_name.clone();
    let line = engine.for_staff().t(
        thread_key,
        &[
            arg("name", name.clone()),
            arg("note", note.clone()),
            arg("text", text.clone()),
        ],
    );
    staff::record(cx, ticket, line).await?;
    let told = staff::tell_requester(cx, &t, |language| {
        engine.t(
            language,
            requester_key,
            &[
                arg("reference", t.reference.to_string()),
                arg("name", name),
                arg("team", staff::team_name(engine, &t, language)),
                arg("note", note),
                arg("text", text),
            ],
        )
    })
    .await?;
    // Only an approval is a resolution to rate: a refused request is not asked
    // how well it was resolved (the message gives the reason and invites questions).
    if decision == Decision::Approve
        && let Some(to) = told
        && to.platform.is_some()
    {
        engine
            .ask_rating(cx.conn, &t, &to, key!("rating-prompt"))
            .await?;
    }
    Ok(cx.t(answer_key, &[arg("reference", t.reference.to_string())]))
}

/// What the thread, the requester and the one deciding read of a decision.
fn keys(decision: Decision) -> (Key, Key, Key) {
    match decision {
        Decision::Approve => (
            key!("thread-approved"),
            key!("ticket-approved"),
            key!("answer-approved"),
        ),
        Decision::AskInfo => (
            key!("thread-info-requested"),
            key!("ticket-info-requested"),
            key!("answer-info-requested"),
        ),
        Decision::Refuse => (
            key!("thread-refused"),
            key!("ticket-refused"),
            key!("answer-refused"),
        ),
    }
}

/// A decision button of the card. Approving needs nothing more; asking and
/// refusing need a text: a form where the platform shows one, else the agent's
/// next message in the thread.
pub(super) async fn pressed(
    cx: &mut Ctx<'_>,
    ticket: TicketId,
    decision: Decision,
    interaction: Option<&Interaction>,
) -> Result<()> {
    if !decision.needs_text() {
        let done = decide(&mut cx.acting(), ticket, decision, "").await?;
        return cx.answer(interaction, done).await;
    }
    let (engine, who) = (cx.engine, cx.who);
    // Whoever may not decide is told now, not after writing their text.
    let t = engine
        .desk()
        .ticket_to_decide(cx.conn, &who.actor, ticket)
        .await?;
    let now = engine.desk().now();
    if let Some(interaction) = interaction
        && shows_forms(who.platform)
    {
        let envelope = Envelope::OpenForm {
            interaction: interaction.clone(),
            form: form(engine, who.language(), &t, decision),
        };
        outbox::enqueue(cx.conn, who.platform, &envelope, now).await?;
        return Ok(());
    }
    let waiting = Dialogue::DecisionText {
        ticket: ticket.0,
        decision,
        asked_at: now.timestamp_millis(),
    };
    dialogue::set(cx, Some(&waiting)).await?;
    let (line_key, answer_key) = match decision {
        Decision::AskInfo => (
            key!("thread-awaiting-question"),
            key!("answer-awaiting-question"),
        ),
        _ => (
            key!("thread-awaiting-justification"),
            key!("answer-awaiting-justification"),
        ),
    };
    let line = engine
        .for_staff()
        .t(line_key, &[arg("name", who.user.display_name.clone())]);
    engine
        .post_in_thread(cx.conn, ticket, line, Vec::new())
        .await?;
    let answer = cx.t(answer_key, &[]);
    cx.answer(interaction, answer).await
}

fn form(engine: &Engine, language: Language, t: &Ticket, decision: Decision) -> Form {
    let (title, label, placeholder) = match decision {
        Decision::AskInfo => (
            key!("form-ask-info-title"),
            key!("form-ask-info-label"),
            key!("form-ask-info-placeholder"),
        ),
        _ => (
            key!("form-refuse-title"),
            key!("form-refuse-label"),
            key!("form-refuse-placeholder"),
        ),
    };
    let reference = [arg("reference", t.reference.to_string())];
    Form {
        payload: Payload::of_decision(t.id, decision).encode(),
        title: engine.t(language, title, &reference),
        fields: vec![FormField {
            id: TEXT.into(),
            label: engine.t(language, label, &[]),
            placeholder: Some(engine.t(language, placeholder, &[])),
            long: true,
            required: true,
            max_chars: TEXT_MAX_CHARS,
        }],
        fallback: t!(engine, language, "form-decision-fallback"),
    }
}

/// The form of a decision, sent back filled in.
pub(super) async fn submitted(
    cx: &mut Ctx<'_>,
    ticket: TicketId,
    decision: Decision,
    values: &[(String, String)],
    interaction: &Interaction,
) -> Result<()> {
    let text = values
        .iter()
        .find(|(field, _)| field == TEXT)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let done = decide(&mut cx.acting(), ticket, decision, text).await?;
    cx.answer(Some(interaction), done).await
}

/// A message of staff in a ticket's thread: when it is the text a decision on this
/// ticket waits for, takes the decision and returns `true`. A wait that is too
/// old, or for a ticket decided meanwhile, ends: the message is an ordinary one.
pub(super) async fn awaited(cx: &mut Ctx<'_>, ticket: TicketId, text: &str) -> Result<bool> {
    let Some(Dialogue::DecisionText {
        ticket: awaited,
        decision,
        asked_at,
    }) = dialogue::current(cx).await?
    else {
        return Ok(false);
    };
    if awaited != ticket.0 {
        return Ok(false);
    }
    dialogue::set(cx, None).await?;
    let fresh = DateTime::from_timestamp_millis(asked_at)
        .is_some_and(|at| cx.engine.desk().now() - at <= TEXT_WAIT);
    let pending = store::tickets::get(cx.conn, ticket)
        .await?
        .is_some_and(|t| t.status.is_active());
    if !fresh || !pending {
        return Ok(false);
    }
    decide(&mut cx.acting(), ticket, decision, text).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_discord_shows_forms() {
        assert!(shows_forms(Platform::Discord));
        assert!(!shows_forms(Platform::Telegram));
    }
}
