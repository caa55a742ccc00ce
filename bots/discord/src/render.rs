//! The chat port's cards, buttons and forms as Discord draws them, within Discord's
//! limits (which are documented, and refused with a 400 when passed).

use guichet_chat::text::clip;
use guichet_chat::{Button, ButtonStyle, Card, Form, Select, Tone};
use serenity::all::{
    ButtonStyle as Style, CreateActionRow, CreateButton, CreateEmbed, CreateInputText, CreateModal,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, InputTextStyle,
};

/// Rows of components a message holds, and buttons a row holds.
const MAX_ROWS: usize = 5;
const MAX_BUTTONS_PER_ROW: usize = 5;
const BUTTON_LABEL_MAX: usize = 80;
const SELECT_OPTIONS_MAX: usize = 25;
const SELECT_PLACEHOLDER_MAX: usize = 150;
const EMBED_TITLE_MAX: usize = 256;
const EMBED_DESCRIPTION_MAX: usize = 4096;
const FIELD_NAME_MAX: usize = 256;
const FIELD_VALUE_MAX: usize = 1024;
const EMBED_FIELDS_MAX: usize = 25;
/// A thread's name.
pub const THREAD_NAME_MAX: usize = 100;
const MODAL_TITLE_MAX: usize = 45;
const INPUT_LABEL_MAX: usize = 45;
const INPUT_PLACEHOLDER_MAX: usize = 100;

pub fn buttons(rows: &[Vec<Button>]) -> Vec<CreateActionRow> {
    rows.iter()
        .filter(|row| !row.is_empty())
        .flat_map(|row| row.chunks(MAX_BUTTONS_PER_ROW))
        .take(MAX_ROWS)
        .map(|row| CreateActionRow::Buttons(row.iter().map(button).collect()))
        .collect()
}

fn button(b: &Button) -> CreateButton {
    CreateButton::new(b.payload.clone())
        .label(clip(&b.label, BUTTON_LABEL_MAX))
        .style(match b.style {
            ButtonStyle::Primary => Style::Primary,
            ButtonStyle::Secondary => Style::Secondary,
            ButtonStyle::Success => Style::Success,
            ButtonStyle::Danger => Style::Danger,
        })
}

/// The custom id of a card's select menu: what was chosen comes back as its value.
pub const SELECT_ID: &str = "select";

fn select(select: &Select) -> CreateActionRow {
    let options = select
        .choices
        .iter()
        .take(SELECT_OPTIONS_MAX)
        .map(|c| CreateSelectMenuOption::new(clip(&c.label, 100), c.payload.clone()))
        .collect();
    CreateActionRow::SelectMenu(
        CreateSelectMenu::new(SELECT_ID, CreateSelectMenuKind::String { options })
            .placeholder(clip(&select.placeholder, SELECT_PLACEHOLDER_MAX)),
    )
}

/// The card as an embed, coloured by its tone, with its buttons and select menu.
pub fn card(card: &Card) -> (CreateEmbed, Vec<CreateActionRow>) {
    let colour = match card.tone {
        Tone::Alert => 0xE0_3B_3B,
        Tone::Neutral => 0x99_AA_B5,
        Tone::Active => 0x3B_82_F6,
        Tone::Waiting => 0xF5_9E_0B,
        Tone::Done => 0x22_C5_5E,
    };
    let embed = CreateEmbed::new()
        .title(clip(&card.title, EMBED_TITLE_MAX))
        .description(clip(&card.description, EMBED_DESCRIPTION_MAX))
        .colour(colour)
        .fields(card.fields.iter().take(EMBED_FIELDS_MAX).map(|f| {
            let value = if f.value.trim().is_empty() {
                "—".to_owned()
            } else {
                clip(&f.value, FIELD_VALUE_MAX)
            };
            (clip(&f.name, FIELD_NAME_MAX), value, true)
        }));
    let mut rows = buttons(&card.buttons);
    if let Some(s) = card.select.as_ref().filter(|s| !s.choices.is_empty())
        && rows.len() < MAX_ROWS
    {
        rows.push(select(s));
    }
    (embed, rows)
}

pub fn modal(form: &Form) -> CreateModal {
    let inputs = form
        .fields
        .iter()
        .take(MAX_ROWS)
        .map(|f| {
            let style = if f.long {
                InputTextStyle::Paragraph
            } else {
                InputTextStyle::Short
            };
            let mut input = CreateInputText::new(style, clip(&f.label, INPUT_LABEL_MAX), &f.id)
                .required(f.required)
                .max_length(f.max_chars);
            if let Some(p) = &f.placeholder {
                input = input.placeholder(clip(p, INPUT_PLACEHOLDER_MAX));
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    CreateModal::new(form.payload.clone(), clip(&form.title, MODAL_TITLE_MAX)).components(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_chat::{CardField, Choice};

    #[test]
    fn a_card_keeps_within_discord_limits() {
        let card = Card {
            title: "T".repeat(300),
            description: "d".repeat(5000),
            fields: vec![CardField {
                name: "Statut".into(),
                value: String::new(),
            }],
            buttons: vec![
                (0..7)
                    .map(|i| Button {
                        label: "x".repeat(100),
                        payload: format!("b{i}"),
                        style: ButtonStyle::Primary,
                    })
                    .collect(),
            ],
            select: Some(Select {
                placeholder: "Priorité".into(),
                choices: vec![Choice {
                    label: "P1".into(),
                    payload: "prio:1:P1".into(),
                }],
            }),
            tone: Tone::Alert,
        };
        let (embed, rows) = card_json(&card);
        assert_eq!(embed["title"].as_str().unwrap().chars().count(), 256);
        assert_eq!(embed["description"].as_str().unwrap().chars().count(), 4096);
        assert_eq!(embed["fields"][0]["value"], "—");
        // Seven buttons: a row of five, a row of two, then the select menu.
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["components"].as_array().unwrap().len(), 5);
        assert_eq!(rows[2]["components"][0]["type"], 3);
        assert_eq!(
            rows[0]["components"][0]["label"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            80
        );
    }

    fn card_json(card: &Card) -> (serde_json::Value, Vec<serde_json::Value>) {
        let (embed, rows) = super::card(card);
        (
            serde_json::to_value(embed).unwrap(),
            rows.iter()
                .map(|r| serde_json::to_value(r).unwrap())
                .collect(),
        )
    }
}
