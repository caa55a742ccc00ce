//! The command menus Telegram shows, per language and per kind of chat.

use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::Requester;
use teloxide::types::{BotCommand, BotCommandScope};

/// Where a menu shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Private chats with the bot: the employees' commands.
    PrivateChats,
    /// The staff supergroups: the agents' commands.
    Groups,
}

/// One menu: commands (lower-case names, no slash) with their descriptions, for
/// users whose Telegram speaks `language`.
#[derive(Debug, Clone)]
pub struct Menu {
    pub language: String,
    pub audience: Audience,
    pub commands: Vec<(String, String)>,
}

/// Registers the menus (`setMyCommands`, once per language and audience).
pub async fn register(bot: &teloxide::Bot, menus: &[Menu]) -> Result<(), teloxide::RequestError> {
    for menu in menus {
        let commands = menu
            .commands
            .iter()
            .map(|(name, description)| BotCommand::new(name.clone(), description.clone()));
        let scope = match menu.audience {
            Audience::PrivateChats => BotCommandScope::AllPrivateChats,
            Audience::Groups => BotCommandScope::AllGroupChats,
        };
        bot.set_my_commands(commands)
            .scope(scope)
            .language_code(menu.language.clone())
            .await?;
    }
    Ok(())
}
