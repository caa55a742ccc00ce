//! guichet's Discord adapter: carries out the chat port's actions through Discord's
//! API with serenity, and hands what happens on Discord to the helpdesk. It knows
//! nothing of tickets: a staff space is a text channel, a ticket's thread is a
//! private thread under it, a card is an embed with buttons and a select menu, a
//! form is a modal.

pub mod commands;
mod inbound;
mod outlet;
mod render;
mod shared;

pub use inbound::{Connection, connect};
pub use outlet::DiscordOutlet;
use serenity::all::{GatewayIntents, Http, HttpBuilder};

/// Longest message Discord accepts, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;

/// The gateway events guichet needs: private messages, messages in the staff
/// channels' threads, and their text (a privileged intent, to switch on in the
/// Developer Portal). Interactions arrive without any intent.
pub fn intents() -> GatewayIntents {
    GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
}

/// The API client: Discord itself with serenity's rate limiter, or the HTTP proxy
/// `api_url` names (which then keeps the rate limits; serenity ignores a proxy while
/// its own limiter is on).
pub fn http(token: &str, api_url: Option<&str>) -> Http {
    let builder = HttpBuilder::new(token);
    let builder = match api_url {
        Some(url) => builder
            .proxy(url.trim_end_matches('/'))
            .ratelimiter_disabled(true),
        None => builder,
    };
    builder.build()
}
