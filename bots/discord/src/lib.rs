//! guichet's Discord adapter: carries out the chat port's actions through Discord's
//! API with serenity, and hands what happens on Discord to the helpdesk. It knows
//! nothing of tickets: a staff space is a text channel, a ticket's thread is a
//! private thread under it, a card is an embed with buttons and a select menu, a
//! form is a modal.

mod catch_up;
pub mod commands;
mod forwarder;
mod inbound;
mod inspect;
mod outlet;
mod refusal;
mod render;
mod shared;

pub use inbound::{Connection, connect, outlet};
pub use outlet::DiscordOutlet;
use serenity::all::{CreateAllowedMentions, GatewayIntents, Http, HttpBuilder};

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

/// The API client: Discord itself with serenity's rate limiter (which waits out
/// 429s itself), or the HTTP proxy `api_url` names (which then keeps the rate
/// limits; serenity ignores a proxy while its own limiter is on). Behind `api_url`,
/// requests go through a local forwarder that keeps a 429's `retry_after` for the
/// outlet (see `forwarder`); this must then be called inside the tokio runtime.
///
/// Whatever the mode, nothing guichet sends pings @everyone, @here or a role by
/// default: the outlet also sets [`no_pings`] on each message it writes.
pub fn http(token: &str, api_url: Option<&str>) -> Http {
    let builder = HttpBuilder::new(token).default_allowed_mentions(no_pings());
    let builder = match api_url {
        Some(url) => {
            let front = forwarder::start(url).unwrap_or_else(|error| {
                tracing::error!(%error, "Discord: no forwarder in front of api_url; a 429's retry_after will be unknown");
                url.trim_end_matches('/').to_owned()
            });
            builder.proxy(front).ratelimiter_disabled(true)
        }
        None => builder,
    };
    builder.build()
}

/// Mentions allowed in what guichet writes: none parsed from the text
/// (`{"parse": []}`), so a relayed "@everyone" or "<@&role>" stays text. guichet's
/// own texts name nobody with `<@id>`, so no user is listed either.
pub(crate) fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}
