//! What Discord's refusals mean for the people concerned ([`Refusal`]), from the
//! JSON error codes Discord documents
//! (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).

use guichet_chat::Refusal;

/// 10003 Unknown Channel.
pub(crate) const UNKNOWN_CHANNEL: isize = 10003;
/// 50001 Missing Access: the bot cannot see the channel.
pub(crate) const MISSING_ACCESS: isize = 50001;

/// The refusal a JSON error code stands for.
pub(crate) fn refusal_of(code: isize) -> Refusal {
    match code {
        // 50007 Cannot send messages to this user (DMs closed, no server shared).
        50007 => Refusal::Unreachable,
        // 50013 Missing Permissions, 50001 Missing Access.
        50013 | MISSING_ACCESS => Refusal::MissingRight,
        // Unknown Channel, Unknown Guild, Unknown Member, Unknown Message, Unknown
        // User.
        UNKNOWN_CHANNEL | 10004 | 10007 | 10008 | 10013 => Refusal::NotFound,
        _ => Refusal::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discords_codes_say_who_or_what_is_at_fault() {
        assert_eq!(refusal_of(50007), Refusal::Unreachable, "DMs closed");
        assert_eq!(refusal_of(50013), Refusal::MissingRight);
        assert_eq!(refusal_of(50001), Refusal::MissingRight);
        assert_eq!(refusal_of(10003), Refusal::NotFound, "unknown channel");
        assert_eq!(refusal_of(10008), Refusal::NotFound, "unknown message");
        assert_eq!(refusal_of(50035), Refusal::Other, "invalid form body");
        assert_eq!(refusal_of(0), Refusal::Other);
    }
}
