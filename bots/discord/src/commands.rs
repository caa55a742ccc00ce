//! The slash commands guichet registers in its server, named and described in
//! French and English.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, GuildId, Http};

/// One command: its name and description per Discord locale (`fr`, `en-US`…), the
/// first being the default.
#[derive(Debug, Clone)]
pub struct SlashCommand {
    pub names: Vec<Localized>,
    pub option: Option<CommandArgument>,
}

#[derive(Debug, Clone)]
pub struct Localized {
    pub locale: String,
    pub name: String,
    pub description: String,
}

/// The one option a command may take.
#[derive(Debug, Clone)]
pub struct CommandArgument {
    /// Per locale, like the command's.
    pub names: Vec<Localized>,
    pub required: bool,
    /// Values to pick from (`value`, names per locale); empty: free text.
    pub choices: Vec<(String, Vec<(String, String)>)>,
}

/// The option's value comes back under this name, whatever the user's language.
pub const OPTION: &str = "details";

/// Discord's limits: names of 1 to 32 lower-case letters, digits, `-` or `_`;
/// descriptions of 1 to 100 characters.
fn name(text: &str) -> String {
    let cleaned: String = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .take(32)
        .collect();
    if cleaned.is_empty() {
        "x".into()
    } else {
        cleaned
    }
}

fn description(text: &str) -> String {
    guichet_chat::text::clip(text, 100)
}

/// What Discord is sent: the default (English) name, the others as localizations.
pub fn build(commands: &[SlashCommand]) -> Vec<CreateCommand> {
    commands
        .iter()
        .filter_map(|command| {
            let (first, others) = command.names.split_first()?;
            let mut c =
                CreateCommand::new(name(&first.name)).description(description(&first.description));
            for l in others {
                c = c
                    .name_localized(&l.locale, name(&l.name))
                    .description_localized(&l.locale, description(&l.description));
            }
            if let Some(option) = &command.option
                && let Some((first, others)) = option.names.split_first()
            {
                let mut o = CreateCommandOption::new(
                    CommandOptionType::String,
                    OPTION,
                    description(&first.description),
                )
                .required(option.required);
                for l in others.iter().chain([first]) {
                    o = o
                        .name_localized(&l.locale, name(&l.name))
                        .description_localized(&l.locale, description(&l.description));
                }
                for (value, names) in option.choices.iter().take(25) {
                    let default = names.first().map_or(value.as_str(), |(_, n)| n.as_str());
                    o = o.add_string_choice_localized(
                        guichet_chat::text::clip(default, 100),
                        value.clone(),
                        names
                            .iter()
                            .skip(1)
                            .map(|(locale, n)| (locale.clone(), guichet_chat::text::clip(n, 100))),
                    );
                }
                c = c.add_option(o);
            }
            Some(c)
        })
        .collect()
}

/// The commands' names as Discord keeps them (the default, English one).
pub(crate) fn names(commands: &[SlashCommand]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|command| command.names.first().map(|n| name(&n.name)))
        .collect()
}

/// Replaces the server's commands with these (one request; Discord keeps them).
pub async fn register(
    http: &Http,
    guild: GuildId,
    commands: &[SlashCommand],
) -> serenity::Result<()> {
    guild.set_commands(http, build(commands)).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_discord_rules() {
        assert_eq!(name("Priorité"), "priorité");
        assert_eq!(name("mes tickets"), "mestickets");
        assert_eq!(name(&"a".repeat(40)).len(), 32);
    }
}
