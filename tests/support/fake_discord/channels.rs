//! Channel and thread routes: listing and deleting messages, threads, channel edits,
//! thread members.

use super::*;

impl Fake {
    /// `GET /channels/{id}/messages`: newest first, honouring `limit`, `before`, `after`.
    pub(super) fn list_messages(&mut self, channel_id: &str, query: &str) -> Reply {
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_owned())
        };
        let limit = param("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(50usize)
            .min(100);
        let before = param("before").and_then(|b| b.parse::<u64>().ok());
        let after = param("after").and_then(|a| a.parse::<u64>().ok());
        let messages: Vec<Value> = self
            .messages
            .get(channel_id)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .rev()
            .filter(|m| {
                let id = m["id"]
                    .as_str()
                    .and_then(|id| id.parse::<u64>().ok())
                    .unwrap_or(0);
                before.is_none_or(|b| id < b) && after.is_none_or(|a| id > a)
            })
            .take(limit)
            .collect();
        let messages: Vec<Value> = messages.iter().map(|m| self.fresh_links(m)).collect();
        Reply::ok(json!(messages))
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
