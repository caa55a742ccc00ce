//! Telegram's length limits, and keeping the bot token out of what is logged.

pub use guichet_chat::text::{clip, split};

/// Longest text message.
pub const MESSAGE_MAX_CHARS: usize = 4096;
/// Longest caption of a photo or document.
pub const CAPTION_MAX_CHARS: usize = 1024;
/// Longest topic name.
pub const TOPIC_NAME_MAX_CHARS: usize = 128;

/// An error's text without the bot token: Bot API addresses carry it
/// (`…/bot123:ABC/SendMessage`), and errors are logged and stored.
pub fn redact_token(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("/bot") {
        out.push_str(&rest[..at + 4]);
        let after = &rest[at + 4..];
        let end = after.find('/').unwrap_or(after.len());
        if end > 0 {
            out.push_str("***");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_reach_a_log() {
        let error = "error sending request for url (https://api.telegram.org/bot123456:ABC-xyz/SendMessage)";
        assert_eq!(
            redact_token(error),
            "error sending request for url (https://api.telegram.org/bot***/SendMessage)"
        );
        assert_eq!(redact_token("no address here"), "no address here");
    }
}
