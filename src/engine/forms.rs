//! The "open a ticket" form, for platforms that show forms (Discord's modal): asked
//! for with a command or the help panel's button, sent back filled in. The forms
//! of decisions come back here too and go to `decisions`.

use guichet_chat::{Button, ButtonStyle, Form, FormField, Interaction};

use super::dialogue::{self, Draft};
use super::{Ctx, Engine, Result, decisions, guess, intake};
use crate::domain::{CategoryId, Language};
use crate::i18n::Key;
use crate::outbox::{self, Envelope};
use crate::present::Payload;

/// The ids of the form's fields.
pub(super) const SUBJECT: &str = "subject";
pub(super) const DESCRIPTION: &str = "description";
/// Discord's limits for a modal's short and long text inputs.
const SUBJECT_MAX_CHARS: u16 = 150;
const DESCRIPTION_MAX_CHARS: u16 = 4000;

/// Shows the form in answer to `interaction`, for a request in `category` when the
/// person already chose one.
pub(super) async fn show(
    cx: &mut Ctx<'_>,
    interaction: &Interaction,
    category: Option<CategoryId>,
) -> Result<()> {
    let form = form(cx.engine, cx.who.language(), category);
    let envelope = Envelope::OpenForm {
        interaction: interaction.clone(),
        form,
    };
    let now = cx.engine.desk().now();
    outbox::enqueue(cx.conn, cx.who.platform, &envelope, now).await?;
    Ok(())
}

fn form(engine: &Engine, language: Language, category: Option<CategoryId>) -> Form {
    let t = |key: Key| engine.t(language, key, &[]);
    let title = match category.and_then(|c| engine.desk().catalog().category(c)) {
        Some(c) => format!("{} · {}", t(key!("form-title")), c.name.get(language)),
        None => t(key!("form-title")),
    };
    Form {
        payload: Payload::NewForm(category.map(|c| c.0)).encode(),
        title,
        fields: vec![
            FormField {
                id: SUBJECT.into(),
                label: t(key!("form-subject")),
                placeholder: Some(t(key!("form-subject-placeholder"))),
                long: false,
                required: true,
                max_chars: SUBJECT_MAX_CHARS,
            },
            FormField {
                id: DESCRIPTION.into(),
                label: t(key!("form-description")),
                placeholder: Some(t(key!("form-description-placeholder"))),
                long: true,
                required: false,
                max_chars: DESCRIPTION_MAX_CHARS,
            },
        ],
        fallback: t(key!("form-fallback")),
    }
}

/// A filled-in form: a decision's goes to `decisions`; a request goes the way a
/// private message would (category guessed or asked for, unless the form came with
/// one), and the person is told where to follow it.
pub(super) async fn submitted(
    cx: &mut Ctx<'_>,
    payload: &str,
    values: &[(String, String)],
    interaction: &Interaction,
) -> Result<()> {
    let unknown = || refusal!(Invalid, "error-unknown-button");
    let payload = Payload::decode(payload).ok_or_else(unknown)?;
    if let Some((ticket, decision)) = payload.decision() {
        return decisions::submitted(cx, ticket, decision, values, interaction).await;
    }
    let Payload::NewForm(category) = payload else {
        return Err(unknown().into());
    };
    request(cx, category.map(CategoryId), values, interaction).await
}

async fn request(
    cx: &mut Ctx<'_>,
    category: Option<CategoryId>,
    values: &[(String, String)],
    interaction: &Interaction,
) -> Result<()> {
    let value = |id: &str| {
        values
            .iter()
            .find(|(field, _)| field == id)
            .map(|(_, v)| v.trim())
            .unwrap_or_default()
    };
    let (subject, description) = (value(SUBJECT), value(DESCRIPTION));
    if subject.is_empty() {
        return Err(refusal!(Invalid, "error-empty").into());
    }
    let text = if description.is_empty() {
        subject.to_owned()
    } else {
        format!("{subject}\n{description}")
    };
    super::check_length(&text)?;
    let draft = Draft {
        text,
        files: Vec::new(),
        // No private chat yet: the answers find it (or open it) when they are sent.
        chat: String::new(),
        message_id: format!("form:{}", interaction.id),
        previous: None,
    };
    dialogue::set(cx, None).await?;
    let catalog = cx.engine.desk().catalog();
    match category.and_then(|c| catalog.category(c)) {
        Some(category) if category.active => {
            let priority = guess::priority(cx.engine, &draft.text);
            intake::create_ticket(cx, draft, category.id, priority).await?;
        }
        _ => intake::start_request(cx, draft).await?,
    }
    let text = t!(cx, "form-received");
    cx.answer(Some(interaction), text).await
}

/// The help panel an administrator posts in a server channel: a word and the button
/// that opens the form.
pub(super) async fn post_panel(cx: &mut Ctx<'_>, channel: &str) -> Result<String> {
    let engine = cx.engine;
    // The panel is read by everyone: in the company's language.
    let language = engine.staff_language();
    let envelope = Envelope::ChannelPost {
        channel: channel.to_owned(),
        text: t!(engine, language, "panel-text"),
        buttons: vec![vec![Button {
            label: t!(engine, language, "button-open-ticket"),
            payload: Payload::NewForm(None).encode(),
            style: ButtonStyle::Primary,
        }]],
    };
    outbox::enqueue(cx.conn, cx.who.platform, &envelope, engine.desk().now()).await?;
    Ok(t!(cx, "answer-panel-posted"))
}
