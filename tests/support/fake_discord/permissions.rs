//! The server as a bot's permissions see it: roles, the bot's member, channel
//! overwrites, channels moved or deleted, users whose DMs are closed; and what
//! Discord refuses for want of a permission.
//!
//! From Discord's documentation:
//! - permissions (https://discord.com/developers/docs/topics/permissions): a
//!   member's base permissions are the @everyone role's (its id is the server's)
//!   with those of each of their roles; ADMINISTRATOR (1 << 3) grants all and skips
//!   overwrites; then the channel's overwrites: @everyone's deny then allow, the
//!   member's roles' denies together then their allows together, the member's own
//!   deny then allow. Without VIEW_CHANNEL every other permission is implicitly
//!   denied. Overwrites are `{id, type: 0 role | 1 member, allow, deny}`, the bit
//!   sets as strings;
//! - "Start Thread without Message": a private thread needs CREATE_PRIVATE_THREADS
//!   (403, 50013 Missing Permissions otherwise);
//! - "Add Thread Member": "Requires the ability to send messages in the thread";
//!   and `invitable` is "whether non-moderators can add other non-moderators to a
//!   thread; only available on private threads": in a private thread created with
//!   `invitable: false` only a moderator (MANAGE_THREADS) adds people (50013);
//! - JSON codes: 10003 Unknown Channel, 10004 Unknown Guild, 50001 Missing Access
//!   (the bot cannot see the channel), 50007 Cannot send messages to this user (a
//!   user whose privacy settings refuse DMs from server members);
//! - Role objects carry `colors` ({primary_color, secondary_color,
//!   tertiary_color}) since 2025; serenity 0.12.5 requires it.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;

pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const MANAGE_THREADS: u64 = 1 << 34;
pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
const ADMINISTRATOR: u64 = 1 << 3;

/// The role Discord gives a bot invited with permissions: its name's role.
pub const BOT_ROLE_ID: &str = "1300000000000000004";

/// What the helpdesk's bot is invited with.
pub const BOT_PERMISSIONS: u64 = VIEW_CHANNEL
    | SEND_MESSAGES
    | SEND_MESSAGES_IN_THREADS
    | CREATE_PRIVATE_THREADS
    | MANAGE_THREADS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY;

pub(super) struct Server {
    /// Role id → permissions; @everyone's id is the server's.
    roles: BTreeMap<String, u64>,
    bot_roles: Vec<String>,
    /// Channel id → overwrites as Discord writes them.
    overwrites: HashMap<String, Vec<Value>>,
    /// Channels moved to another server: channel → that server's id.
    elsewhere: HashMap<String, String>,
    deleted: HashSet<String>,
    /// Users who accept no private message from the server's members.
    closed_dms: HashSet<String>,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            roles: BTreeMap::from([
                (
                    GUILD_ID.to_owned(),
                    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | EMBED_LINKS,
                ),
                (BOT_ROLE_ID.to_owned(), BOT_PERMISSIONS),
            ]),
            bot_roles: vec![BOT_ROLE_ID.to_owned()],
            overwrites: HashMap::new(),
            elsewhere: HashMap::new(),
            deleted: HashSet::new(),
            closed_dms: HashSet::new(),
        }
    }
}

fn bits(value: &Value) -> u64 {
    value.as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

impl Fake {
    /// The bot's permissions in a guild channel (a thread: its parent's).
    fn bot_permissions(&self, channel_id: &str) -> u64 {
        let server = &self.server;
        let role = |id: &str| server.roles.get(id).copied().unwrap_or(0);
        let base = server
            .bot_roles
            .iter()
            .fold(role(GUILD_ID), |all, r| all | role(r));
        if base & ADMINISTRATOR != 0 {
            return u64::MAX;
        }
        let overwrites = server
            .overwrites
            .get(channel_id)
            .cloned()
            .unwrap_or_default();
        let of = |wanted: &dyn Fn(&Value) -> bool| {
            overwrites
                .iter()
                .filter(|o| wanted(o))
                .fold((0, 0), |(allow, deny), o| {
                    (allow | bits(&o["allow"]), deny | bits(&o["deny"]))
                })
        };
        let (allow, deny) = of(&|o| o["type"] == 0 && o["id"] == GUILD_ID);
        let mut granted = (base & !deny) | allow;
        let (allow, deny) =
            of(&|o| o["type"] == 0 && server.bot_roles.iter().any(|r| o["id"] == r.as_str()));
        granted = (granted & !deny) | allow;
        let (allow, deny) = of(&|o| o["type"] == 1 && o["id"] == BOT_ID);
        granted = (granted & !deny) | allow;
        if granted & VIEW_CHANNEL == 0 {
            return 0;
        }
        granted
    }

    /// Answers the routes this module owns, or refuses what Discord would refuse
    /// for want of a permission; `None`: the usual route answers.
    pub(super) fn by_permissions(
        &mut self,
        method: &str,
        segments: &[&str],
        body: &Value,
    ) -> Option<Reply> {
        let missing = || Reply::error(StatusCode::FORBIDDEN, 50013, "Missing Permissions");
        match (method, segments) {
            (_, ["channels", channel, ..]) if self.server.deleted.contains(*channel) => {
                Some(Reply::not_found(10003, "Unknown Channel"))
            }
            ("GET", ["channels", channel]) => {
                let mut object = self.channel_or_text(channel);
                if object["type"] == 0 || object["type"] == 2 || object["type"] == 4 {
                    if self.bot_permissions(channel) & VIEW_CHANNEL == 0 {
                        return Some(Reply::error(StatusCode::FORBIDDEN, 50001, "Missing Access"));
                    }
                    if let Some(guild) = self.server.elsewhere.get(*channel) {
                        object["guild_id"] = json!(guild);
                    }
                    object["permission_overwrites"] = json!(
                        self.server
                            .overwrites
                            .get(*channel)
                            .cloned()
                            .unwrap_or_default()
                    );
                }
                Some(Reply::ok(object))
            }
            ("GET", ["guilds", guild, "roles"]) if *guild == GUILD_ID => Some(Reply::ok(json!(
                self.server
                    .roles
                    .iter()
                    .enumerate()
                    .map(|(position, (id, permissions))| role_json(id, *permissions, position))
                    .collect::<Vec<_>>()
            ))),
            ("GET", ["guilds", guild, ..]) if *guild != GUILD_ID => {
                Some(Reply::not_found(10004, "Unknown Guild"))
            }
            ("GET", ["guilds", _, "members", user]) if *user == BOT_ID => Some(Reply::ok(json!({
                "user": bot_user(), "roles": self.server.bot_roles, "joined_at": timestamp_at(0),
                "deaf": false, "mute": false, "flags": 0, "pending": false,
                "nick": null, "avatar": null, "premium_since": null,
            }))),
            ("POST", ["channels", parent, "threads"]) => {
                let private = body["type"].as_u64().unwrap_or(12) == 12;
                let granted = self.bot_permissions(parent);
                if granted & VIEW_CHANNEL == 0 {
                    Some(Reply::error(StatusCode::FORBIDDEN, 50001, "Missing Access"))
                } else if private && granted & CREATE_PRIVATE_THREADS == 0 {
                    Some(missing())
                } else {
                    None
                }
            }
            ("PUT", ["channels", thread, "thread-members", _]) => {
                let channel = self.channels.get(*thread)?;
                let parent = channel["parent_id"].as_str()?.to_owned();
                let private = channel["type"] == 12;
                let invitable = channel["thread_metadata"]["invitable"] == true;
                let granted = self.bot_permissions(&parent);
                let may_send = granted & SEND_MESSAGES_IN_THREADS != 0;
                let moderator = granted & MANAGE_THREADS != 0;
                (!may_send || (private && !invitable && !moderator)).then(missing)
            }
            ("POST", ["channels", channel, "messages"]) => {
                let object = self.channels.get(*channel).cloned();
                let recipient = object
                    .as_ref()
                    .filter(|c| c["type"] == 1)
                    .and_then(|c| c["recipients"][0]["id"].as_str().map(str::to_owned));
                if let Some(user) = recipient {
                    return self.server.closed_dms.contains(&user).then(|| {
                        Reply::error(
                            StatusCode::FORBIDDEN,
                            50007,
                            "Cannot send messages to this user",
                        )
                    });
                }
                let (needed, at) = match object.as_ref().and_then(|c| c["parent_id"].as_str()) {
                    Some(parent) if matches!(object.as_ref()?["type"].as_u64(), Some(11 | 12)) => {
                        (SEND_MESSAGES_IN_THREADS, parent.to_owned())
                    }
                    _ => (SEND_MESSAGES, (*channel).to_owned()),
                };
                (self.bot_permissions(&at) & needed == 0).then(missing)
            }
            _ => None,
        }
    }
}

fn role_json(id: &str, permissions: u64, position: usize) -> Value {
    json!({
        "id": id,
        "name": if id == GUILD_ID { "@everyone" } else { "guichet" },
        "color": 0,
        "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": id == BOT_ROLE_ID,
        "mentionable": false,
        "flags": 0,
    })
}

/// How a test sets the server up wrong, and right again.
impl FakeDiscord {
    /// Takes `permission` from the bot's role (as an administrator would untick it).
    pub fn take_from_bot_role(&self, permission: u64) {
        let mut fake = self.shared.lock();
        if let Some(p) = fake.server.roles.get_mut(BOT_ROLE_ID) {
            *p &= !permission;
        }
    }

    /// Gives `permission` back to the bot's role.
    pub fn give_to_bot_role(&self, permission: u64) {
        let mut fake = self.shared.lock();
        if let Some(p) = fake.server.roles.get_mut(BOT_ROLE_ID) {
            *p |= permission;
        }
    }

    /// Denies `permission` to the bot's role in `channel` (a channel overwrite).
    pub fn deny_bot_role_in(&self, channel: &str, permission: u64) {
        let mut fake = self.shared.lock();
        fake.server
            .overwrites
            .entry(channel.to_owned())
            .or_default()
            .push(json!({
                "id": BOT_ROLE_ID, "type": 0, "allow": "0", "deny": permission.to_string()
            }));
    }

    /// Removes every overwrite of `channel`.
    pub fn clear_overwrites(&self, channel: &str) {
        self.shared.lock().server.overwrites.remove(channel);
    }

    /// The channel now belongs to another server (`None`: back to the helpdesk's).
    pub fn move_channel_to(&self, channel: &str, guild: Option<&str>) {
        let mut fake = self.shared.lock();
        match guild {
            Some(guild) => fake
                .server
                .elsewhere
                .insert(channel.to_owned(), guild.to_owned()),
            None => fake.server.elsewhere.remove(channel),
        };
    }

    /// The channel is deleted: Discord knows it no more.
    pub fn delete_channel(&self, channel: &str) {
        self.shared.lock().server.deleted.insert(channel.to_owned());
    }

    /// The channel becomes of another type (2 voice, 4 category, 15 forum…).
    pub fn set_channel_type(&self, channel: &str, kind: u64) {
        let mut fake = self.shared.lock();
        let mut object = fake.channel_or_text(channel);
        object["type"] = json!(kind);
        fake.channels.insert(channel.to_owned(), object);
    }

    /// The user accepts no private message from the server's members any more.
    pub fn close_dms(&self, user: &str) {
        self.shared.lock().server.closed_dms.insert(user.to_owned());
    }

    /// The server's commands are removed (as a `PUT` of an empty list would).
    pub fn forget_commands(&self) {
        self.shared.lock().commands.remove(GUILD_ID);
    }
}
