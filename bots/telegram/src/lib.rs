//! guichet's Telegram adapter: carries out the chat port's actions through the
//! Bot API with teloxide. It knows nothing of tickets: staff spaces are supergroups
//! with topics, a ticket's thread is a forum topic, cards are messages with an
//! inline keyboard.

mod card;
pub mod commands;
mod inbound;
mod inspect;
pub mod limits;
mod outlet;
mod polling;
mod refusal;
mod text;
pub mod webhook;

pub use inbound::{ALLOWED_UPDATES, to_inbound};
pub use outlet::TelegramOutlet;
pub use polling::run_polling;
pub use text::{redact_token, split};

pub use teloxide::Bot;
use url::Url;

/// The Bot API client: the official server, or the one `api_url` names (a self-hosted
/// Bot API server, or a local one in tests).
pub fn bot(token: &str, api_url: Option<Url>) -> Bot {
    let bot = Bot::new(token);
    match api_url {
        Some(url) => bot.set_api_url(url),
        None => bot,
    }
}
