//! Messages: built from what users and the bot send, stored per channel, edited,
//! with their attachments and mentions.

use super::*;

impl Fake {
    pub(super) fn mentions_in(&self, content: &str) -> Vec<Value> {
        let mut found: Vec<String> = Vec::new();
        let mut rest = content;
        while let Some(start) = rest.find("<@") {
            rest = &rest[start + 2..];
            let digits = rest.strip_prefix('!').unwrap_or(rest);
            let id: String = digits.chars().take_while(char::is_ascii_digit).collect();
            if !id.is_empty() && digits[id.len()..].starts_with('>') && !found.contains(&id) {
                found.push(id);
            }
        }
        found.iter().map(|id| self.user_json(id)).collect()
    }

    /// A user's message, stored and queued as MESSAGE_CREATE.
    pub(super) fn user_message(
        &mut self,
        user: &FakeUser,
        channel_id: &str,
        content: &str,
        attachments: Vec<Value>,
    ) -> String {
        let id = self.stored_user_message(user, channel_id, content, attachments);
        let message = self
            .message_in(channel_id, &id)
            .cloned()
            .expect("the message just stored");
        let event = self.gateway_message(channel_id, &message);
        self.queue_checked("MESSAGE_CREATE", event);
        id
    }

    /// A user's message, stored only (what the channel's history shows).
    pub(super) fn stored_user_message(
        &mut self,
        user: &FakeUser,
        channel_id: &str,
        content: &str,
        attachments: Vec<Value>,
    ) -> String {
        let id = self.snowflake();
        let timestamp = self.now();
        let message = json!({
            "id": id,
            "channel_id": channel_id,
            "author": user_json(user),
            "content": content,
            "timestamp": timestamp,
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": self.mentions_in(content),
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": 0,
            "flags": 0,
        });
        self.store_message(channel_id, message);
        id
    }

    /// A stored message as the gateway sends it: fresh links, and in a guild the
    /// `guild_id` and the author's `member`.
    pub(super) fn gateway_message(&mut self, channel_id: &str, message: &Value) -> Value {
        let mut event = self.fresh_links(message);
        if !self.is_dm(channel_id) {
            let joined_at = timestamp_at(0);
            event["guild_id"] = json!(GUILD_ID);
            event["member"] = json!({
                "roles": [],
                "joined_at": joined_at,
                "premium_since": null,
                "deaf": false,
                "mute": false,
                "flags": 0,
                "pending": false,
                "nick": null,
                "avatar": null,
                "communication_disabled_until": null,
            });
        }
        event
    }

    pub(super) fn store_message(&mut self, channel_id: &str, message: Value) {
        let id = message["id"].clone();
        if let Some(channel) = self.channels.get_mut(channel_id) {
            channel["last_message_id"] = id;
            if is_thread_kind(&channel["type"]) {
                for counter in ["message_count", "total_message_sent"] {
                    let n = channel[counter].as_u64().unwrap_or(0);
                    channel[counter] = json!(n + 1);
                }
            }
        }
        self.messages
            .entry(channel_id.to_owned())
            .or_default()
            .push(message);
    }

    pub(super) fn find_message(&self, message_id: &str) -> Option<(&String, &Value)> {
        self.messages.iter().find_map(|(channel, messages)| {
            messages
                .iter()
                .find(|m| m["id"] == message_id)
                .map(|m| (channel, m))
        })
    }

    pub(super) fn message_in(&self, channel_id: &str, message_id: &str) -> Option<&Value> {
        self.messages
            .get(channel_id)?
            .iter()
            .find(|m| m["id"] == message_id)
    }

    pub(super) fn message_in_mut(
        &mut self,
        channel_id: &str,
        message_id: &str,
    ) -> Option<&mut Value> {
        self.messages
            .get_mut(channel_id)?
            .iter_mut()
            .find(|m| m["id"] == message_id)
    }

    /// A copy whose attachment links carry a new `?ex=…` query, as Discord signs each
    /// link it hands out with an expiry: code must not keep URLs as identities.
    pub(super) fn fresh_links(&mut self, message: &Value) -> Value {
        let mut message = message.clone();
        if let Some(attachments) = message["attachments"].as_array_mut() {
            for attachment in attachments {
                self.links += 1;
                let query = format!(
                    "?ex={:08x}&is={:08x}&hm={:016x}",
                    0x6780_0000 + self.links,
                    0x677e_0000 + self.links,
                    self.links * 0x9e37_79b9
                );
                for key in ["url", "proxy_url"] {
                    if let Some(url) = attachment[key].as_str() {
                        let bare = url.split('?').next().unwrap_or(url);
                        attachment[key] = json!(format!("{bare}{query}"));
                    }
                }
            }
        }
        message
    }

    /// Keeps an uploaded file on the CDN and returns its attachment object.
    pub(super) fn store_file(
        &mut self,
        channel_id: &str,
        upload: &Upload,
        description: Option<&str>,
    ) -> Value {
        let id = self.snowflake();
        let filename = url_safe(&upload.filename);
        let content_type = upload
            .content_type
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| guess_content_type(&filename).to_owned());
        let url = cdn_url(self.api_port, channel_id, &id, &filename);
        self.files.insert(
            id.clone(),
            StoredFile {
                filename: filename.clone(),
                content_type: content_type.clone(),
                bytes: upload.bytes.clone(),
            },
        );
        let mut attachment = json!({
            "id": id,
            "filename": filename,
            "size": upload.bytes.len(),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        });
        if let Some(description) = description {
            attachment["description"] = json!(description);
        }
        attachment
    }

    /// The attachments a message ends up with. A body's `attachments` list names new
    /// files by the `n` of their `files[n]` part and kept ones by id (what serenity's
    /// `EditAttachments` sends); without that list every uploaded file is added to the
    /// ones already there.
    pub(super) fn resolve_attachments(
        &mut self,
        channel_id: &str,
        body: &Value,
        uploads: &[Upload],
        existing: &[Value],
    ) -> Vec<Value> {
        let Some(list) = body.get("attachments").and_then(Value::as_array) else {
            let mut all = existing.to_vec();
            for upload in uploads {
                all.push(self.store_file(channel_id, upload, None));
            }
            return all;
        };
        let mut all = Vec::new();
        for entry in list {
            let id = &entry["id"];
            if let Some(kept) = id
                .as_str()
                .and_then(|id| existing.iter().find(|a| a["id"] == id))
            {
                all.push(kept.clone());
                continue;
            }
            let index = id
                .as_u64()
                .or_else(|| id.as_str().and_then(|s| s.parse().ok()));
            if let Some(upload) = uploads.iter().find(|u| index.is_some() && u.index == index) {
                let attachment = self.store_file(channel_id, upload, entry["description"].as_str());
                all.push(attachment);
            }
        }
        all
    }

    /// `POST /channels/{id}/messages`, with Discord's nonce rule. Discord's words
    /// (Create Message, `enforce_nonce`): "If true and nonce is present, it will be
    /// checked for uniqueness in the past few minutes. If another message was created
    /// by the same author with the same nonce, that message will be returned and no
    /// new message will be created." (changelog of 12 February 2024: "deduped for the
    /// same sender within a few minutes"). So the fake keys it by author and nonce,
    /// not by channel (the docs name no channel; whether Discord also scopes it to
    /// the channel is not verified), for [`NONCE_WINDOW`], and only when
    /// `enforce_nonce` is true; the message is returned as it stands now.
    pub(super) fn create_message(
        &mut self,
        channel_id: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Result<Value, Reply> {
        check_message_body(body, !uploads.is_empty(), false)?;
        let nonce = match &body["nonce"] {
            Value::String(nonce) => Some(nonce.clone()),
            Value::Number(nonce) => Some(nonce.to_string()),
            _ => None,
        };
        if nonce
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NONCE)
        {
            return Err(Reply::invalid_form(
                "nonce",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.",
            ));
        }
        let key = nonce
            .filter(|_| body["enforce_nonce"] == true)
            .map(|nonce| (BOT_ID.to_owned(), nonce));
        if let Some(key) = &key
            && let Some((at, channel, message)) = self.nonces.get(key)
            && at.elapsed() < NONCE_WINDOW
            && let Some(first) = self.message_in(channel, message).cloned()
        {
            return Ok(self.fresh_links(&first));
        }
        let message = self.new_bot_message(channel_id, body, uploads, json!({}));
        if let (Some(key), Some(id)) = (key, message["id"].as_str()) {
            self.nonces
                .insert(key, (Instant::now(), channel_id.to_owned(), id.to_owned()));
        }
        Ok(message)
    }

    /// Whether Discord would mark a message as mentioning everyone: its text says
    /// `@everyone` or `@here` and its `allowed_mentions` let "everyone" be parsed
    /// (no `allowed_mentions` at all parses every kind).
    pub(super) fn mentions_everyone(content: &str, allowed_mentions: &Value) -> bool {
        let said = content.contains("@everyone") || content.contains("@here");
        said && Self::parses(allowed_mentions, "everyone")
    }

    fn parses(allowed_mentions: &Value, kind: &str) -> bool {
        match allowed_mentions.get("parse").and_then(Value::as_array) {
            Some(parse) => parse.iter().any(|p| p == kind),
            None => allowed_mentions.is_null(),
        }
    }

    /// The users a bot's message pings: those its text names with `<@id>`, kept
    /// when `allowed_mentions` parses users or lists them.
    fn allowed_user_mentions(&self, content: &str, allowed_mentions: &Value) -> Vec<Value> {
        let listed = |user: &Value| {
            allowed_mentions["users"]
                .as_array()
                .is_some_and(|users| users.iter().any(|id| *id == user["id"]))
        };
        let all = Self::parses(allowed_mentions, "users");
        self.mentions_in(content)
            .into_iter()
            .filter(|user| all || listed(user))
            .collect()
    }

    /// A message the bot creates (REST, interaction response or follow-up).
    pub(super) fn bot_message(
        &mut self,
        channel_id: &str,
        body: &Value,
        uploads: &[Upload],
        extra: Value,
    ) -> Result<Value, Reply> {
        check_message_body(body, !uploads.is_empty(), false)?;
        Ok(self.new_bot_message(channel_id, body, uploads, extra))
    }

    /// Stores a message of the bot's, unchecked; returns it as an answer shows it.
    pub(super) fn new_bot_message(
        &mut self,
        channel_id: &str,
        body: &Value,
        uploads: &[Upload],
        extra: Value,
    ) -> Value {
        self.unarchive(channel_id);
        let id = self.snowflake();
        let timestamp = self.now();
        let content = body["content"].as_str().unwrap_or_default().to_owned();
        let allowed_mentions = body.get("allowed_mentions").cloned().unwrap_or(Value::Null);
        let attachments = self.resolve_attachments(channel_id, body, uploads, &[]);
        let mut message = json!({
            "id": id,
            "channel_id": channel_id,
            "author": bot_user(),
            "content": content,
            "timestamp": timestamp,
            "edited_timestamp": null,
            "tts": body["tts"].as_bool().unwrap_or(false),
            "mention_everyone": Self::mentions_everyone(&content, &allowed_mentions),
            "mentions": self.allowed_user_mentions(&content, &allowed_mentions),
            "mention_roles": [],
            "attachments": attachments,
            "embeds": rich_embeds(&body["embeds"]),
            "components": body.get("components").filter(|c| !c.is_null()).cloned().unwrap_or(json!([])),
            "pinned": false,
            "type": 0,
            "flags": body["flags"].as_u64().unwrap_or(0),
        });
        if let Some(nonce) = body.get("nonce").filter(|n| !n.is_null()) {
            message["nonce"] = nonce.clone();
        }
        if let Some(reference) = body["message_reference"]["message_id"].as_str() {
            message["type"] = json!(19);
            message["message_reference"] = json!({
                "type": 0,
                "message_id": reference,
                "channel_id": channel_id,
            });
            if let Some(referenced) = self.message_in(channel_id, reference).cloned() {
                message["referenced_message"] = referenced;
            }
        }
        if let Some(extra) = extra.as_object() {
            for (key, value) in extra {
                message[key.as_str()] = value.clone();
            }
        }
        self.allowed_mentions.insert(id, allowed_mentions);
        self.store_message(channel_id, message.clone());
        if self.echo_own_messages && message["flags"].as_u64().unwrap_or(0) & EPHEMERAL == 0 {
            // Built while answering a request: a panic here would only reach the bot
            // as a broken connection, so an unreadable echo is reported as dropped.
            let event = self.gateway_message(channel_id, &message);
            match check_dispatch("MESSAGE_CREATE", &event) {
                Ok(()) => self.queue("MESSAGE_CREATE", event),
                Err(why) => self.dropped.push(why),
            }
        }
        self.fresh_links(&message)
    }

    /// Applies an edit (`PATCH` of a message) to a stored message.
    pub(super) fn edit_message(
        &mut self,
        channel_id: &str,
        message_id: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Result<Value, Reply> {
        let Some(existing) = self.message_in(channel_id, message_id).cloned() else {
            return Err(Reply::not_found(10008, "Unknown Message"));
        };
        if existing["author"]["id"] != BOT_ID {
            return Err(Reply::error(
                StatusCode::FORBIDDEN,
                50005,
                "Cannot edit a message authored by another user",
            ));
        }
        check_message_body(body, !uploads.is_empty(), true)?;
        let old_attachments = existing["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let attachments = if body.get("attachments").is_some() || !uploads.is_empty() {
            Some(self.resolve_attachments(channel_id, body, uploads, &old_attachments))
        } else {
            None
        };
        let edited = self.now();
        let allowed_mentions = body.get("allowed_mentions").cloned().unwrap_or(Value::Null);
        self.allowed_mentions
            .insert(message_id.to_owned(), allowed_mentions.clone());
        let Some(message) = self.message_in_mut(channel_id, message_id) else {
            return Err(Reply::not_found(10008, "Unknown Message"));
        };
        if let Some(content) = body.get("content") {
            let content = content.as_str().unwrap_or_default();
            message["content"] = json!(content);
            message["mention_everyone"] =
                json!(Self::mentions_everyone(content, &allowed_mentions));
        }
        if let Some(embeds) = body.get("embeds") {
            message["embeds"] = json!(rich_embeds(embeds));
        }
        if let Some(components) = body.get("components") {
            message["components"] = if components.is_null() {
                json!([])
            } else {
                components.clone()
            };
        }
        if let Some(attachments) = attachments {
            message["attachments"] = json!(attachments);
        }
        let flags = message["flags"].as_u64().unwrap_or(0) & !LOADING;
        message["flags"] = json!(flags | body["flags"].as_u64().unwrap_or(0));
        message["edited_timestamp"] = json!(edited);
        let message = message.clone();
        Ok(self.fresh_links(&message))
    }

    /// Discord unarchives a thread when a message is posted in it.
    pub(super) fn unarchive(&mut self, channel_id: &str) {
        let archived_at = self.now();
        if let Some(channel) = self.channels.get_mut(channel_id)
            && channel["thread_metadata"]["archived"] == true
        {
            channel["thread_metadata"]["archived"] = json!(false);
            channel["thread_metadata"]["archive_timestamp"] = json!(archived_at);
        }
    }
}
