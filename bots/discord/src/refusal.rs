//! What Discord's answers mean for the outbox: try again, later, or never, and
//! then for whom ([`Refusal`], from the JSON error codes Discord documents
//! at https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).

use guichet_chat::{DeliveryError, Refusal};
use serenity::all::HttpError;

use crate::forwarder;

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

pub(crate) fn retry(reason: String) -> DeliveryError {
    DeliveryError::Retry {
        after: None,
        reason,
    }
}

pub(crate) fn permanent(reason: String) -> DeliveryError {
    DeliveryError::refused(reason)
}

/// A refusal whose JSON error code says what it means.
fn refused(code: isize, reason: String) -> DeliveryError {
    DeliveryError::Permanent {
        reason,
        refusal: refusal_of(code),
    }
}

pub(crate) fn error_code(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => Some(r.error.code),
        _ => None,
    }
}

/// Whether trying again may help: rate limits, Discord's own failures and the
/// network, yes; a request Discord refuses (unknown channel, DMs closed), no.
///
/// A 429 is not a failure: with serenity's own rate limiter (no `api_url`) serenity
/// waits out the `retry_after` itself and a 429 never gets here; behind `api_url`
/// the forwarder hands its `retry_after` on (serenity would drop it) and the row
/// comes back after that long (`Later`), without counting as an attempt. A 429
/// whose wait is unknown is retried with the outbox's backoff.
pub(crate) fn classify(e: serenity::Error) -> DeliveryError {
    match &e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => {
            let status = r.status_code.as_u16();
            if status == 429
                && let Some(after) = forwarder::retry_after(&r.error)
            {
                return DeliveryError::Later { after };
            }
            // Not the address: interaction and webhook addresses carry a token.
            let reason = format!(
                "Discord answered {status} to a {}: {} (code {})",
                r.method, r.error.message, r.error.code
            );
            if status == 429 || status >= 500 {
                retry(reason)
            } else {
                refused(r.error.code, reason)
            }
        }
        serenity::Error::Http(HttpError::Request(_)) | serenity::Error::Io(_) => {
            retry(format!("Discord unreachable: {e}"))
        }
        _ => permanent(format!("Discord: {e}")),
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
