//! Cards and buttons as Telegram draws them: a message with an inline keyboard.

use guichet_chat::{Button, Card, Tone};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::text::{MESSAGE_MAX_CHARS, clip};

pub(crate) fn keyboard(rows: &[Vec<Button>]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.payload.clone()))
            .collect::<Vec<_>>()
    }))
}

/// A card's text and keyboard, and both as one string to compare with what was sent.
pub(crate) fn draw(card: &Card) -> (String, InlineKeyboardMarkup, String) {
    let (text, keyboard) = (card_text(card), card_keyboard(card));
    let drawn = format!(
        "{text}\u{0}{}",
        serde_json::to_string(&keyboard).unwrap_or_default()
    );
    (text, keyboard, drawn)
}

/// The card's buttons, then its pick-one list as one more row.
fn card_keyboard(card: &Card) -> InlineKeyboardMarkup {
    let mut rows = card.buttons.clone();
    if let Some(select) = &card.select {
        rows.push(
            select
                .choices
                .iter()
                .map(|c| Button {
                    label: c.label.clone(),
                    payload: c.payload.clone(),
                    style: guichet_chat::ButtonStyle::Secondary,
                })
                .collect(),
        );
    }
    keyboard(&rows)
}

/// A card as a Telegram message: its state at a glance, its fields, its text.
fn card_text(card: &Card) -> String {
    let mark = match card.tone {
        Tone::Alert => "🔴",
        Tone::Neutral => "⚪",
        Tone::Active => "🔵",
        Tone::Waiting => "🟡",
        Tone::Done => "🟢",
    };
    let fields: Vec<String> = card
        .fields
        .iter()
        .map(|f| format!("{} : {}", f.name, f.value))
        .collect();
    let text = format!(
        "{mark} {}\n\n{}\n\n{}",
        card.title,
        fields.join("\n"),
        card.description
    );
    clip(&text, MESSAGE_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_chat::CardField;

    #[test]
    fn a_card_reads_as_a_message() {
        let card = Card {
            title: "TCK-20250214-002 · Mon écran ne s'allume plus".into(),
            description: "J'ai vérifié les branchements.".into(),
            fields: vec![CardField {
                name: "Statut".into(),
                value: "Ouvert".into(),
            }],
            buttons: vec![],
            select: None,
            tone: Tone::Alert,
        };
        assert_eq!(
            card_text(&card),
            "🔴 TCK-20250214-002 · Mon écran ne s'allume plus\n\nStatut : Ouvert\n\nJ'ai vérifié les branchements."
        );
    }
}
