//! Channel and thread routes: listing and deleting messages, threads, channel edits,
//! thread members.

use super::*;

impl Fake {
    /// `GET /channels/{id}/messages` (Discord, "Get Channel Messages"): `around`,
    /// `before` and `after` are mutually exclusive ("only one may be passed at a
    /// time"), `limit` is 1 to 100 and 50 when absent. Without any of the three the
    /// newest messages come; with `before` the ones just before it; with `after` the
    /// ones just after it (the oldest after it, not the newest). Whatever the query,
    /// the array is sorted by id, newest first (discord-api-types: "An array of
    /// message objects, sorted by their ID in descending order"; discord.py reverses
    /// pages read with `after` for that reason; Discord's own page does not state the
    /// order). Refusals are 400 Invalid Form Body, as Discord answers a bad query;
    /// the exact words of those are not verified. `around` is not modelled (400).
    pub(super) fn list_messages(&mut self, channel_id: &str, query: &str) -> Reply {
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_owned())
        };
        let limit = match param("limit").map(|l| l.parse::<usize>()) {
            None => 50,
            Some(Ok(limit)) if (1..=100).contains(&limit) => limit,
            Some(_) => {
                return Reply::invalid_form(
                    "limit",
                    "NUMBER_TYPE_MAX",
                    "int value should be between 1 and 100.",
                );
            }
        };
        let given: Vec<&str> = ["around", "before", "after"]
            .into_iter()
            .filter(|name| param(name).is_some())
            .collect();
        if given.len() > 1 {
            return Reply::invalid_form(
                given[1],
                "PAGINATION_EXCLUSIVE",
                "around, before and after are mutually exclusive.",
            );
        }
        if given == ["around"] {
            return Reply::invalid_form("around", "NOT_MODELLED", "the fake has no around.");
        }
        let snowflake = |name: &str| param(name).map(|v| v.parse::<u64>());
        let (before, after) = match (snowflake("before"), snowflake("after")) {
            (Some(Err(_)), _) => {
                return Reply::invalid_form(
                    "before",
                    "NUMBER_TYPE_COERCE",
                    "Value is not snowflake.",
                );
            }
            (_, Some(Err(_))) => {
                return Reply::invalid_form(
                    "after",
                    "NUMBER_TYPE_COERCE",
                    "Value is not snowflake.",
                );
            }
            (before, after) => (before.and_then(Result::ok), after.and_then(Result::ok)),
        };
        let id_of = |m: &Value| {
            m["id"]
                .as_str()
                .and_then(|id| id.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // Stored oldest first.
        let stored = self.messages.get(channel_id).cloned().unwrap_or_default();
        let mut page: Vec<Value> = match after {
            Some(after) => stored
                .into_iter()
                .filter(|m| id_of(m) > after)
                .take(limit)
                .collect(),
            None => {
                let mut newest: Vec<Value> = stored
                    .into_iter()
                    .rev()
                    .filter(|m| before.is_none_or(|b| id_of(m) < b))
                    .take(limit)
                    .collect();
                newest.reverse();
                newest
            }
        };
        page.sort_by_key(|m| std::cmp::Reverse(id_of(m)));
        let page: Vec<Value> = page.iter().map(|m| self.fresh_links(m)).collect();
        Reply::ok(json!(page))
    }

    pub(super) fn delete_message(&mut self, channel_id: &str, message_id: &str) -> Reply {
        let Some(messages) = self.messages.get_mut(channel_id) else {
            return Reply::not_found(10008, "Unknown Message");
        };
        let before = messages.len();
        messages.retain(|m| m["id"] != message_id);
        if messages.len() == before {
            return Reply::not_found(10008, "Unknown Message");
        }
        Reply::no_content()
    }

    /// `POST /channels/{id}/threads` (private by default, as Discord's API v9+) or
    /// `POST /channels/{id}/messages/{mid}/threads` (public, with the message's id).
    pub(super) fn create_thread(
        &mut self,
        parent_id: &str,
        message_id: Option<&str>,
        body: &Value,
    ) -> Reply {
        let parent_kind = self.channel_kind(parent_id);
        if parent_kind == 1 || is_thread_kind(&json!(parent_kind)) {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                50024,
                "Cannot execute action on this channel type",
            );
        }
        let name = body["name"].as_str().unwrap_or_default();
        if name.is_empty() || name.chars().count() > 100 {
            return Reply::invalid_form(
                "name",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            );
        }
        let (id, kind) = match message_id {
            Some(message_id) => {
                if self.message_in(parent_id, message_id).is_none() {
                    return Reply::not_found(10008, "Unknown Message");
                }
                if self.channels.contains_key(message_id) {
                    return Reply::error(
                        StatusCode::BAD_REQUEST,
                        160004,
                        "A thread has already been created for this message",
                    );
                }
                (message_id.to_owned(), 11)
            }
            None => (self.snowflake(), body["type"].as_u64().unwrap_or(12)),
        };
        // Creating a private thread needs *Create Private Threads* in the parent:
        // without it Discord answers 403 with code 50013.
        if kind == 12 && self.no_private_threads.contains(parent_id) {
            return Reply::error(StatusCode::FORBIDDEN, 50013, "Missing Permissions");
        }
        let created = self.now();
        let thread = json!({
            "id": id,
            "type": kind,
            "guild_id": GUILD_ID,
            "parent_id": parent_id,
            "name": name,
            "owner_id": BOT_ID,
            "last_message_id": null,
            "rate_limit_per_user": body["rate_limit_per_user"].as_u64().unwrap_or(0),
            "flags": 0,
            "member_count": 1,
            "message_count": 0,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": false,
                "auto_archive_duration": body["auto_archive_duration"].as_u64().unwrap_or(4320),
                "archive_timestamp": created,
                "locked": false,
                "invitable": body["invitable"].as_bool().unwrap_or(false),
                "create_timestamp": created,
            },
        });
        self.channels.insert(id.clone(), thread.clone());
        self.thread_members.insert(id, vec![BOT_ID.to_owned()]);
        Reply::json(StatusCode::CREATED, thread)
    }

    /// `PATCH /channels/{id}`: a thread's name, archived, locked, auto-archive and
    /// invitable; a channel's name and topic.
    pub(super) fn edit_channel(&mut self, channel_id: &str, body: &Value) -> Reply {
        if let Some(name) = body["name"].as_str()
            && (name.is_empty() || name.chars().count() > 100)
        {
            return Reply::invalid_form(
                "name",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            );
        }
        let now = self.now();
        let mut channel = self.channel_or_text(channel_id);
        if let Some(name) = body.get("name").filter(|n| n.is_string()) {
            channel["name"] = name.clone();
        }
        if let Some(topic) = body.get("topic") {
            channel["topic"] = topic.clone();
        }
        if is_thread_kind(&channel["type"]) {
            let metadata = &mut channel["thread_metadata"];
            if let Some(archived) = body["archived"].as_bool() {
                if metadata["archived"] != archived {
                    metadata["archive_timestamp"] = json!(now);
                }
                metadata["archived"] = json!(archived);
            }
            for key in ["locked", "invitable"] {
                if let Some(flag) = body[key].as_bool() {
                    metadata[key] = json!(flag);
                }
            }
            if let Some(duration) = body["auto_archive_duration"].as_u64() {
                metadata["auto_archive_duration"] = json!(duration);
            }
        }
        self.channels.insert(channel_id.to_owned(), channel.clone());
        Reply::ok(channel)
    }

    pub(super) fn thread_member(&mut self, thread_id: &str, user_id: &str, add: bool) -> Reply {
        if !self
            .channels
            .get(thread_id)
            .is_some_and(|c| is_thread_kind(&c["type"]))
        {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                50024,
                "Cannot execute action on this channel type",
            );
        }
        let members = self.thread_members.entry(thread_id.to_owned()).or_default();
        if add {
            if !members.iter().any(|m| m == user_id) {
                members.push(user_id.to_owned());
            }
        } else {
            members.retain(|m| m != user_id);
        }
        let count = members.len();
        if let Some(thread) = self.channels.get_mut(thread_id) {
            thread["member_count"] = json!(count);
        }
        Reply::no_content()
    }
}
