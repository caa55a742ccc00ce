//! The commands as platforms list them in their menus: Telegram's per-language
//! menus, Discord's localized slash commands.

use super::names::{NAMES, Name};
use crate::domain::Language;

/// A command menu for a platform: `(name, description)` in `language`, for staff
/// spaces or for private chats.
#[derive(Debug, Clone)]
pub struct Menu {
    pub language: Language,
    pub for_staff: bool,
    pub commands: Vec<(String, String)>,
}

/// The menus platforms show: each command under its name in the language (French
/// names for French, English for English), with its description from the catalogs.
pub fn menus(texts: &crate::i18n::Texts) -> Vec<Menu> {
    let mut menus = Vec::new();
    for language in Language::ALL {
        for for_staff in [false, true] {
            let commands = NAMES
                .iter()
                .filter(|(name, _)| *name != Name::Panel)
                .filter(|(name, _)| {
                    name.for_staff() == for_staff || matches!(name, Name::Help | Name::Close)
                })
                .map(|(name, aliases)| {
                    let alias = match language {
                        Language::Fr => aliases[0],
                        Language::En => aliases.get(1).copied().unwrap_or(aliases[0]),
                    };
                    (
                        alias.to_owned(),
                        texts.t(language, name.description_key(), &[]),
                    )
                })
                .collect();
            menus.push(Menu {
                language,
                for_staff,
                commands,
            });
        }
    }
    menus
}

/// A command as platforms with per-language command names register it (Discord's
/// slash commands): one entry per command, every language's name and description.
#[derive(Debug, Clone)]
pub struct Localized {
    /// `(language, name, description)`, French first.
    pub names: Vec<(Language, String, String)>,
    pub argument: Argument,
}

/// What a [`Localized`] command takes after its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    None,
    /// Free text: a reference, a name, a priority, a note.
    Text,
    /// The category of a new request, chosen from the catalog (optional).
    Category,
}

/// Every command under its name in each language. Opening a ticket is `/ticket` in
/// both: the word is French too.
pub fn localized(texts: &crate::i18n::Texts) -> Vec<Localized> {
    NAMES
        .iter()
        .map(|(name, aliases)| {
            let names = Language::ALL
                .into_iter()
                .map(|language| {
                    let alias = match (name, language) {
                        (Name::New, _) => "ticket",
                        (_, Language::Fr) => aliases[0],
                        (_, Language::En) => aliases.get(1).copied().unwrap_or(aliases[0]),
                    };
                    let description = texts.t(language, name.description_key(), &[]);
                    (language, alias.to_owned(), description)
                })
                .collect();
            let argument = match name {
                Name::New => Argument::Category,
                Name::Help
                | Name::Tickets
                | Name::Cancel
                | Name::Panel
                | Name::Unavailable
                | Name::Available => Argument::None,
                _ => Argument::Text,
            };
            Localized { names, argument }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menus_name_commands_in_each_language() {
        let texts = crate::i18n::Texts::load().unwrap();
        let all = menus(&texts);
        assert_eq!(all.len(), 4);
        let employees_fr = all
            .iter()
            .find(|m| m.language == Language::Fr && !m.for_staff)
            .unwrap();
        let names: Vec<&str> = employees_fr
            .commands
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "aide",
                "nouveau",
                "mestickets",
                "fermer",
                "noter",
                "langue",
                "annuler",
                "profil",
                "lier"
            ]
        );
        let staff_en = all
            .iter()
            .find(|m| m.language == Language::En && m.for_staff)
            .unwrap();
        assert!(
            staff_en
                .commands
                .iter()
                .any(|(n, d)| n == "claim" && !d.is_empty())
        );
        for staff_only in ["leaderboard", "unavailable", "available", "redistribute"] {
            assert!(
                staff_en.commands.iter().any(|(n, _)| n == staff_only),
                "{staff_only}"
            );
        }
        // Telegram: 1 to 32 characters of a-z, 0-9 and _; descriptions 3 to 256.
        for (name, description) in all.iter().flat_map(|m| &m.commands) {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
            assert!(
                (3..=256).contains(&description.chars().count()),
                "{description}"
            );
        }
    }
}
