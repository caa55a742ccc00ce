//! What the Bot API's answers mean for the outbox (try again, later, or never)
//! and, for a refusal, for the people concerned ([`Refusal`]).
//!
//! teloxide types the Bot API's best-known error texts ([`ApiError`]); the rest
//! arrive as `ApiError::Unknown` with Telegram's description, matched here by the
//! wording Telegram documents or is seen to use (texts lower-cased).

use guichet_chat::{DeliveryError, Refusal};
use teloxide::{ApiError, RequestError};

use crate::text::redact_token;

/// The refusal an error of the Bot API stands for.
pub(crate) fn refusal_of(error: &ApiError) -> Refusal {
    match error {
        // The person cannot be written to privately.
        ApiError::BotBlocked
        | ApiError::CantInitiateConversation
        | ApiError::UserDeactivated
        | ApiError::CantTalkWithBots => Refusal::Unreachable,
        // The bot lacks a right in the group.
        ApiError::NotEnoughRightsToPostMessages
        | ApiError::NotEnoughRightsToPinMessage
        | ApiError::NotEnoughRightsToManagePins
        | ApiError::NotEnoughRightsToChangeChatPermissions
        | ApiError::NotEnoughRightsToRestrict => Refusal::MissingRight,
        // The chat, or the bot's place in it, is gone.
        ApiError::ChatNotFound
        | ApiError::UserNotFound
        | ApiError::GroupDeactivated
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel => Refusal::NotFound,
        ApiError::Unknown(text) => refusal_of_text(text),
        _ => Refusal::Other,
    }
}

/// Telegram's descriptions that teloxide does not type, e.g. "Forbidden: bot can't
/// initiate conversation with a user" (teloxide knows it only with "Unauthorized:",
/// its wording before 2020), "Bad Request: not enough rights to create a topic",
/// "Bad Request: message thread not found", "Bad Request: TOPIC_DELETED",
/// "Forbidden: bot is not a member of the supergroup chat".
fn refusal_of_text(text: &str) -> Refusal {
    let text = text.to_lowercase();
    let has = |words: &str| text.contains(words);
    if has("bot was blocked by the user")
        || has("can't initiate conversation")
        || has("user is deactivated")
        || has("bot can't send messages to bots")
    {
        Refusal::Unreachable
    } else if has("not enough rights")
        || has("need administrator rights")
        || has("chat_admin_required")
        || has("have no rights to send")
    {
        Refusal::MissingRight
    } else if has("chat not found")
        || has("bot was kicked")
        || has("bot is not a member")
        || has("message thread not found")
        || has("topic_deleted")
        || has("topic_id_invalid")
        || has("the chat is not a forum")
        || has("group chat was upgraded")
    {
        // "not a forum": no topic can be there, as if the place were missing.
        Refusal::NotFound
    } else {
        Refusal::Other
    }
}

/// What the platform's answer means for the outbox.
pub(crate) fn classify(error: RequestError) -> DeliveryError {
    let reason = redact_token(&error.to_string());
    match error {
        // Telegram's "not now": not a failure, the row comes back then.
        RequestError::RetryAfter(wait) => DeliveryError::Later {
            after: wait.duration(),
        },
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            DeliveryError::Retry {
                after: None,
                reason,
            }
        }
        // A 5xx of the Bot API comes back as an unknown API error (after teloxide
        // waited 10 s, well within the outbox's delivery time limit).
        // What Telegram refuses ("Bad Request: …", "Forbidden: …") will not pass later.
        RequestError::Api(ApiError::Unknown(ref text))
            if text.starts_with("Bad Request") || text.starts_with("Forbidden") =>
        {
            DeliveryError::Permanent {
                refusal: refusal_of(&ApiError::Unknown(text.clone())),
                reason,
            }
        }
        RequestError::Api(ApiError::Unknown(_)) => DeliveryError::Retry {
            after: None,
            reason,
        },
        RequestError::Api(ref api) => DeliveryError::Permanent {
            refusal: refusal_of(api),
            reason,
        },
        // The group became a supergroup: the configured id names nothing now.
        RequestError::MigrateToChatId(_) => DeliveryError::Permanent {
            refusal: Refusal::NotFound,
            reason,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(text: &str) -> Refusal {
        refusal_of(&ApiError::Unknown(text.to_owned()))
    }

    #[test]
    fn people_who_cannot_be_written_to_are_unreachable() {
        assert_eq!(refusal_of(&ApiError::BotBlocked), Refusal::Unreachable);
        assert_eq!(refusal_of(&ApiError::UserDeactivated), Refusal::Unreachable);
        assert_eq!(
            unknown("Forbidden: bot can't initiate conversation with a user"),
            Refusal::Unreachable
        );
    }

    #[test]
    fn missing_rights_in_the_group_are_named() {
        assert_eq!(
            refusal_of(&ApiError::NotEnoughRightsToPostMessages),
            Refusal::MissingRight
        );
        assert_eq!(
            unknown("Bad Request: not enough rights to create a topic"),
            Refusal::MissingRight
        );
        assert_eq!(
            unknown("Bad Request: not enough rights to send text messages to the chat"),
            Refusal::MissingRight
        );
        assert_eq!(
            unknown("Bad Request: CHAT_ADMIN_REQUIRED"),
            Refusal::MissingRight
        );
    }

    #[test]
    fn chats_and_topics_that_are_gone_are_not_found() {
        assert_eq!(refusal_of(&ApiError::ChatNotFound), Refusal::NotFound);
        assert_eq!(
            refusal_of(&ApiError::BotKickedFromSupergroup),
            Refusal::NotFound
        );
        assert_eq!(
            unknown("Forbidden: bot is not a member of the supergroup chat"),
            Refusal::NotFound
        );
        assert_eq!(
            unknown("Bad Request: message thread not found"),
            Refusal::NotFound
        );
        assert_eq!(unknown("Bad Request: TOPIC_DELETED"), Refusal::NotFound);
        assert_eq!(
            unknown("Bad Request: the chat is not a forum"),
            Refusal::NotFound
        );
    }

    #[test]
    fn anything_else_is_other() {
        assert_eq!(refusal_of(&ApiError::MessageIsTooLong), Refusal::Other);
        assert_eq!(unknown("Bad Request: BUTTON_DATA_INVALID"), Refusal::Other);
    }
}
