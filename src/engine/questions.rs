//! The questions the bot asks in a private chat about a request, each with its
//! buttons: which category, which priority, which ticket a message is for.

use guichet_chat::{Button, ButtonStyle};

use super::{Ctx, Result};
use crate::domain::{Priority, Ticket};
use crate::i18n::Key;
use crate::present::Payload;

/// Which category; `key` says it for the first time or again.
pub(super) async fn category(cx: &mut Ctx<'_>, key: Key) -> Result<()> {
    let language = cx.who.language();
    let buttons: Vec<Button> = cx
        .engine
        .desk()
        .catalog()
        .categories()
        .map(|c| Button {
            label: c.name.get(language).to_owned(),
            payload: Payload::Category(c.id.0).encode(),
            style: ButtonStyle::Secondary,
        })
        .collect();
    let rows = buttons.chunks(2).map(<[Button]>::to_vec).collect();
    let text = cx.t(key, &[]);
    cx.tell(text, rows, None).await
}

/// Which priority, each explained; `key` says it for the first time or again.
pub(super) async fn priority(cx: &mut Ctx<'_>, key: Key) -> Result<()> {
    let language = cx.who.language();
    let engine = cx.engine;
    let rows = Priority::ALL
        .into_iter()
        .map(|p| {
            let help_key = match p {
                Priority::P0 => key!("priority-p0-help"),
                Priority::P1 => key!("priority-p1-help"),
                Priority::P2 => key!("priority-p2-help"),
                Priority::P3 => key!("priority-p3-help"),
            };
            vec![Button {
                label: format!(
                    "{} — {}",
                    engine.priority_label(language, p),
                    engine.t(language, help_key, &[])
                ),
                payload: Payload::NewPriority(p).encode(),
                style: if p <= Priority::P1 {
                    ButtonStyle::Danger
                } else {
                    ButtonStyle::Secondary
                },
            }]
        })
        .collect();
    let text = cx.t(key, &[]);
    cx.tell(text, rows, None).await
}

/// Which of the open tickets a message is for, or a new one.
pub(super) async fn ticket(cx: &mut Ctx<'_>, open: &[Ticket]) -> Result<()> {
    let mut rows: Vec<Vec<Button>> = open
        .iter()
        .take(8)
        .map(|t| {
            vec![Button {
                label: crate::text::clip(&format!("{} · {}", t.reference, t.subject), 60),
                payload: Payload::Pick(Some(t.id.0)).encode(),
                style: ButtonStyle::Primary,
            }]
        })
        .collect();
    rows.push(vec![Button {
        label: t!(cx, "button-new-ticket"),
        payload: Payload::Pick(None).encode(),
        style: ButtonStyle::Secondary,
    }]);
    let text = t!(cx, "dialogue-which-ticket");
    cx.tell(text, rows, None).await
}
