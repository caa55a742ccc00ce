//! The fake Bot API's groups and private chats: what `getChat` and `getChatMember`
//! say of them, and what Telegram refuses there.
//!
//! From the Bot API documentation (https://core.telegram.org/bots/api):
//! - `getChat` returns a `ChatFullInfo`: `type` "group" or "supergroup", `is_forum`
//!   ("True, if the supergroup chat is a forum", absent otherwise), and the required
//!   `accent_color_id`, `max_reaction_count`, `accepted_gift_types`;
//! - `getChatMember` returns a `ChatMember` by `status`: "creator", "administrator"
//!   (with `can_manage_topics` among its rights), "member", "restricted" (with
//!   `can_send_messages`…), "left", "kicked";
//! - `createForumTopic`: "the bot must be an administrator in the chat for this to
//!   work and must have the can_manage_topics administrator rights", in "a forum
//!   supergroup chat".
//!
//! The refusals' wording is Telegram's as seen (PLATFORMS.md): "Bad Request: chat
//! not found", "Bad Request: the chat is not a forum", "Bad Request: not enough
//! rights to create a topic", "Bad Request: not enough rights to send text messages
//! to the chat", "Forbidden: bot is not a member of the supergroup chat", "Forbidden:
//! bot was kicked from the supergroup chat", "Forbidden: bot can't initiate
//! conversation with a user".

use serde_json::{Value, json};

use super::{BOT_ID, Fake};

/// What the bot is in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotIn {
    Creator,
    Administrator { can_manage_topics: bool },
    Member,
    Restricted { can_send_messages: bool },
    Left,
    Kicked,
}

/// A group as Telegram knows it. Any group id not set up otherwise is a forum
/// supergroup whose administrator bot may manage topics: the helpdesk's happy case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// `false`: no such chat ("chat not found").
    pub exists: bool,
    /// A supergroup; `false`: a basic group (no topics possible).
    pub supergroup: bool,
    pub is_forum: bool,
    pub bot: BotIn,
}

impl Default for Group {
    fn default() -> Self {
        Group {
            exists: true,
            supergroup: true,
            is_forum: true,
            bot: BotIn::Administrator {
                can_manage_topics: true,
            },
        }
    }
}

/// A refusal as the Bot API writes it.
pub(super) struct Refused {
    pub(super) code: u16,
    pub(super) description: &'static str,
}

const fn refused(code: u16, description: &'static str) -> Refused {
    Refused { code, description }
}

impl Fake {
    fn group(&self, chat: i64) -> Group {
        self.groups.get(&chat).copied().unwrap_or_default()
    }

    /// Answers `getChat` and `getChatMember`, or refuses what Telegram would refuse
    /// in this chat; `None`: not for this module, the usual answer goes.
    pub(super) fn in_chat(&self, method: &str, body: &Value) -> Option<Result<Value, Refused>> {
        let chat = match &body["chat_id"] {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => s.parse().ok()?,
            _ => return None,
        };
        if chat > 0 {
            let writes = matches!(
                method,
                "sendmessage" | "senddocument" | "sendphoto" | "editmessagetext"
            );
            if writes && self.never_started.contains(&chat) {
                return Some(Err(refused(
                    403,
                    "Forbidden: bot can't initiate conversation with a user",
                )));
            }
            return None;
        }
        let group = self.group(chat);
        if !group.exists {
            return Some(Err(refused(400, "Bad Request: chat not found")));
        }
        match group.bot {
            BotIn::Left => {
                return Some(Err(refused(
                    403,
                    "Forbidden: bot is not a member of the supergroup chat",
                )));
            }
            BotIn::Kicked => {
                return Some(Err(refused(
                    403,
                    "Forbidden: bot was kicked from the supergroup chat",
                )));
            }
            _ => {}
        }
        match method {
            "getchat" => Some(Ok(chat_full_info(chat, group))),
            "getchatmember" if id_of(&body["user_id"]) == Some(BOT_ID) => {
                Some(Ok(bot_member(group.bot)))
            }
            "createforumtopic" if !(group.supergroup && group.is_forum) => {
                Some(Err(refused(400, "Bad Request: the chat is not a forum")))
            }
            "createforumtopic" | "editforumtopic" | "closeforumtopic" | "reopenforumtopic"
                if !may_manage_topics(group.bot) =>
            {
                Some(Err(refused(
                    400,
                    "Bad Request: not enough rights to create a topic",
                )))
            }
            "sendmessage" | "senddocument" | "sendphoto"
                if group.bot
                    == (BotIn::Restricted {
                        can_send_messages: false,
                    }) =>
            {
                Some(Err(refused(
                    400,
                    "Bad Request: not enough rights to send text messages to the chat",
                )))
            }
            _ => None,
        }
    }
}

fn may_manage_topics(bot: BotIn) -> bool {
    matches!(
        bot,
        BotIn::Creator
            | BotIn::Administrator {
                can_manage_topics: true
            }
    )
}

fn id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn chat_full_info(chat: i64, group: Group) -> Value {
    let mut info = json!({
        "id": chat,
        "type": if group.supergroup { "supergroup" } else { "group" },
        "title": "Support",
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": false, "limited_gifts": false,
            "unique_gifts": false, "premium_subscription": false
        },
    });
    if group.supergroup && group.is_forum {
        info["is_forum"] = json!(true);
    }
    info
}

/// The bot as a `ChatMember` of the group.
fn bot_member(bot: BotIn) -> Value {
    let user = json!({
        "id": BOT_ID, "is_bot": true, "first_name": "Guichet", "username": "guichet_bot"
    });
    match bot {
        BotIn::Creator => json!({ "user": user, "status": "creator", "is_anonymous": false }),
        BotIn::Administrator { can_manage_topics } => json!({
            "user": user, "status": "administrator", "is_anonymous": false,
            "can_be_edited": false, "can_manage_chat": true, "can_change_info": false,
            "can_delete_messages": true, "can_manage_video_chats": false,
            "can_invite_users": true, "can_restrict_members": false,
            "can_promote_members": false, "can_post_stories": false,
            "can_edit_stories": false, "can_delete_stories": false,
            "can_pin_messages": true, "can_manage_topics": can_manage_topics
        }),
        BotIn::Member => json!({ "user": user, "status": "member" }),
        BotIn::Restricted { can_send_messages } => json!({
            "user": user, "status": "restricted", "is_member": true, "until_date": 0,
            "can_send_messages": can_send_messages, "can_send_audios": can_send_messages,
            "can_send_documents": can_send_messages, "can_send_photos": can_send_messages,
            "can_send_videos": can_send_messages, "can_send_video_notes": can_send_messages,
            "can_send_voice_notes": can_send_messages, "can_send_polls": false,
            "can_send_other_messages": false, "can_add_web_page_previews": false,
            "can_change_info": false, "can_invite_users": false, "can_pin_messages": false,
            "can_manage_topics": false
        }),
        BotIn::Left => json!({ "user": user, "status": "left" }),
        BotIn::Kicked => json!({ "user": user, "status": "kicked", "until_date": 0 }),
    }
}
