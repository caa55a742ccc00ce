//! What a bot may learn of a team's supergroup before it has to post there
//! (`getChat`, `getMe`, `getChatMember`), said as [`SpaceProblem`]s.
//!
//! Telegram's rules, from the Bot API documentation: `createForumTopic` works
//! "in a forum supergroup chat" and needs the bot to be "an administrator in the
//! chat … with the can_manage_topics administrator rights"; a `restricted` member
//! whose `can_send_messages` is false cannot post; `left` and `kicked` members
//! are not in the chat.

use guichet_chat::{DeliveryError, Refusal, Right, SpaceProblem};
use teloxide::RequestError;
use teloxide::prelude::Requester;
use teloxide::types::{
    ChatFullInfo, ChatFullInfoKind, ChatFullInfoPublicKind, ChatId, ChatMemberKind, UserId,
};
use tokio::sync::OnceCell;

use crate::refusal::refusal_of;
use crate::text::redact_token;

/// What is wrong with the supergroup `space` for the helpdesk's topics; `me` keeps
/// the bot's id once `getMe` told it.
pub(crate) async fn space(
    bot: &teloxide::Bot,
    me: &OnceCell<UserId>,
    space: &str,
) -> Result<Vec<SpaceProblem>, DeliveryError> {
    let Ok(chat) = space.trim().parse::<i64>().map(ChatId) else {
        // No chat has such an id.
        return Ok(vec![SpaceProblem::NotFound]);
    };
    let info = match bot.get_chat(chat).await {
        Ok(info) => info,
        Err(error) => return gone_or_err(error),
    };
    let mut problems = Vec::new();
    if !is_forum(&info) {
        problems.push(SpaceProblem::NoThreads);
    }
    let me = *me
        .get_or_try_init(|| async { bot.get_me().await.map(|me| me.user.id) })
        .await
        .map_err(unasked)?;
    let member = match bot.get_chat_member(chat, me).await {
        Ok(member) => member,
        Err(error) => return gone_or_err(error),
    };
    match member.kind {
        ChatMemberKind::Owner(_) => {}
        ChatMemberKind::Administrator(rights) => {
            if !rights.can_manage_topics {
                problems.push(SpaceProblem::Missing(Right::ManageTopics));
            }
        }
        ChatMemberKind::Member(_) => problems.push(SpaceProblem::NotAdministrator),
        ChatMemberKind::Restricted(restricted) => {
            problems.push(SpaceProblem::NotAdministrator);
            if !restricted.can_send_messages {
                problems.push(SpaceProblem::Missing(Right::PostMessages));
            }
        }
        ChatMemberKind::Left | ChatMemberKind::Banned(_) => {
            return Ok(vec![SpaceProblem::NotFound]);
        }
    }
    Ok(problems)
}

/// A supergroup with topics ("is_forum": true).
fn is_forum(info: &ChatFullInfo) -> bool {
    match &info.kind {
        ChatFullInfoKind::Public(public) => {
            matches!(&public.kind, ChatFullInfoPublicKind::Supergroup(s) if s.is_forum)
        }
        ChatFullInfoKind::Private(_) => false,
    }
}

/// Telegram refused the question: for a chat it does not know or the bot is not
/// in ("chat not found", "bot is not a member"), that is the answer; anything else
/// means the question could not be asked.
fn gone_or_err(error: RequestError) -> Result<Vec<SpaceProblem>, DeliveryError> {
    if let RequestError::Api(api) = &error
        && refusal_of(api) == Refusal::NotFound
    {
        return Ok(vec![SpaceProblem::NotFound]);
    }
    Err(unasked(error))
}

fn unasked(error: RequestError) -> DeliveryError {
    DeliveryError::Retry {
        after: None,
        reason: format!(
            "Telegram could not be asked: {}",
            redact_token(&error.to_string())
        ),
    }
}
