//! Interactions the fake sends, their callbacks and follow-ups, and application
//! commands.

use super::*;

impl Fake {
    /// The id of a registered command (and its guild), or a fresh one for a command
    /// the bot never registered.
    pub(super) fn command_id(&mut self, name: &str) -> (String, Option<String>) {
        for (scope, commands) in &self.commands {
            if let Some(command) = commands.iter().find(|c| c["name"] == name) {
                let id = command["id"].as_str().unwrap_or_default().to_owned();
                let guild = (scope != GLOBAL).then(|| scope.clone());
                return (id, guild);
            }
        }
        (self.snowflake(), None)
    }

    /// Builds and queues INTERACTION_CREATE; returns the interaction's id.
    pub(super) fn interaction(
        &mut self,
        user: &FakeUser,
        channel_id: &str,
        kind: u8,
        data: Value,
        message_id: Option<&str>,
    ) -> String {
        let id = self.snowflake();
        let token = format!("tok-{id}");
        let in_guild = !self.is_dm(channel_id);
        let channel = self.channel_or_text(channel_id);
        let mut partial = json!({
            "id": channel_id,
            "type": channel["type"],
            "flags": 0,
        });
        for key in ["name", "parent_id", "thread_metadata", "recipients"] {
            if let Some(value) = channel.get(key).filter(|v| !v.is_null()) {
                partial[key] = value.clone();
            }
        }
        let mut interaction = json!({
            "id": id,
            "application_id": APP_ID,
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "app_permissions": "0",
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": channel_id,
            "channel": partial,
        });
        if in_guild {
            partial_guild_fields(&mut interaction["channel"]);
            let joined_at = timestamp_at(0);
            interaction["guild_id"] = json!(GUILD_ID);
            interaction["guild_locale"] = json!("en-US");
            interaction["guild"] = json!({ "id": GUILD_ID, "locale": "en-US", "features": [] });
            interaction["context"] = json!(0);
            interaction["authorizing_integration_owners"] = json!({ "0": GUILD_ID });
            interaction["member"] = json!({
                "user": user_json(user),
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
                "permissions": MEMBER_PERMISSIONS,
            });
        } else {
            interaction["context"] = json!(1);
            interaction["authorizing_integration_owners"] = json!({ "0": "0" });
            interaction["user"] = user_json(user);
        }
        if let Some(message_id) = message_id {
            let message = match self.message_in(channel_id, message_id).cloned() {
                Some(message) => self.fresh_links(&message),
                None => {
                    let timestamp = timestamp_at(0);
                    json!({
                        "id": message_id,
                        "channel_id": channel_id,
                        "author": bot_user(),
                        "content": "",
                        "timestamp": timestamp,
                        "edited_timestamp": null,
                        "tts": false,
                        "mention_everyone": false,
                        "mentions": [],
                        "mention_roles": [],
                        "attachments": [],
                        "embeds": [],
                        "components": [],
                        "pinned": false,
                        "type": 0,
                        "flags": 0,
                    })
                }
            };
            interaction["message"] = message;
        }
        self.interactions.insert(
            id.clone(),
            Interaction {
                token,
                channel_id: channel_id.to_owned(),
                kind,
                message_id: message_id.map(str::to_owned),
                acknowledged: false,
                original: None,
                responses: Vec::new(),
            },
        );
        self.queue_checked("INTERACTION_CREATE", interaction);
        id
    }
}

impl Fake {
    /// `POST /interactions/{id}/{token}/callback`: once per interaction, as on Discord.
    pub(super) fn callback(
        &mut self,
        id: &str,
        token: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Reply {
        let Some(interaction) = self.interactions.get(id).filter(|i| i.token == token) else {
            return Reply::not_found(10062, "Unknown interaction");
        };
        if interaction.acknowledged {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                40060,
                "Interaction has already been acknowledged.",
            );
        }
        let channel_id = interaction.channel_id.clone();
        let component_message = interaction.message_id.clone();
        let message_type = if interaction.kind == 2 { 20 } else { 0 };
        let data = body.get("data").cloned().unwrap_or(json!({}));
        let marks = json!({
            "webhook_id": APP_ID,
            "application_id": APP_ID,
            "type": message_type,
        });
        let original = match body["type"].as_u64() {
            Some(1 | 8) => None,
            Some(4) => match self.bot_message(&channel_id, &data, uploads, marks) {
                Ok(message) => message["id"].as_str().map(str::to_owned),
                Err(reply) => return reply,
            },
            Some(5) => {
                // A deferred reply is an empty "thinking" message until edited.
                let flags = data["flags"].as_u64().unwrap_or(0) | LOADING;
                let mut marks = marks;
                marks["flags"] = json!(flags);
                let body = json!({ "content": "", "flags": flags });
                let message = self.new_bot_message(&channel_id, &body, &[], marks);
                message["id"].as_str().map(str::to_owned)
            }
            Some(6) => component_message.clone(),
            Some(7) => {
                let Some(message_id) = component_message.clone() else {
                    return Reply::invalid_form(
                        "type",
                        "INTERACTION_RESPONSE_TYPE_INVALID",
                        "This interaction has no message to update",
                    );
                };
                if let Err(reply) = self.edit_message(&channel_id, &message_id, &data, uploads) {
                    return reply;
                }
                Some(message_id)
            }
            Some(9) => {
                if let Err(reply) = check_modal(&data) {
                    return reply;
                }
                None
            }
            _ => {
                return Reply::invalid_form(
                    "type",
                    "BASE_TYPE_CHOICES",
                    "Value must be one of (1, 4, 5, 6, 7, 8, 9, 10, 12).",
                );
            }
        };
        if let Some(interaction) = self.interactions.get_mut(id) {
            interaction.acknowledged = true;
            interaction.original = original.clone();
            interaction.responses.push(json!({
                "kind": "callback",
                "body": body,
                "message_id": original,
            }));
        }
        Reply::no_content()
    }

    pub(super) fn interaction_by_token(&self, app: &str, token: &str) -> Option<String> {
        if app != APP_ID {
            return None;
        }
        self.interactions
            .iter()
            .find(|(_, i)| i.token == token)
            .map(|(id, _)| id.clone())
    }

    /// `POST /webhooks/{app}/{token}`: a follow-up, only after the interaction was
    /// acknowledged.
    pub(super) fn followup(
        &mut self,
        app: &str,
        token: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Reply {
        let Some(id) = self.interaction_by_token(app, token) else {
            return Reply::not_found(10015, "Unknown Webhook");
        };
        let Some(interaction) = self.interactions.get(&id) else {
            return Reply::not_found(10015, "Unknown Webhook");
        };
        if !interaction.acknowledged {
            return Reply::not_found(10015, "Unknown Webhook");
        }
        let channel_id = interaction.channel_id.clone();
        let marks = json!({ "webhook_id": APP_ID, "application_id": APP_ID });
        let message = match self.bot_message(&channel_id, body, uploads, marks) {
            Ok(message) => message,
            Err(reply) => return reply,
        };
        if let Some(interaction) = self.interactions.get_mut(&id) {
            interaction.responses.push(json!({
                "kind": "followup",
                "body": body,
                "message_id": message["id"],
            }));
        }
        Reply::ok(message)
    }

    /// `GET`/`PATCH`/`DELETE /webhooks/{app}/{token}/messages/{@original|id}`.
    pub(super) fn webhook_message(
        &mut self,
        method: &str,
        app: &str,
        token: &str,
        message: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Reply {
        let Some(id) = self.interaction_by_token(app, token) else {
            return Reply::not_found(10015, "Unknown Webhook");
        };
        let Some(interaction) = self.interactions.get(&id) else {
            return Reply::not_found(10015, "Unknown Webhook");
        };
        let channel_id = interaction.channel_id.clone();
        let target = if message == "@original" {
            interaction.original.clone()
        } else {
            Some(message.to_owned())
        };
        let Some(target) = target else {
            return Reply::not_found(10008, "Unknown Message");
        };
        let (kind, reply) = match method {
            "GET" => match self.message_in(&channel_id, &target).cloned() {
                Some(found) => return Reply::ok(self.fresh_links(&found)),
                None => return Reply::not_found(10008, "Unknown Message"),
            },
            "PATCH" => match self.edit_message(&channel_id, &target, body, uploads) {
                Ok(edited) => ("edit", Reply::ok(edited)),
                Err(reply) => return reply,
            },
            "DELETE" => {
                let reply = self.delete_message(&channel_id, &target);
                if reply.status != StatusCode::NO_CONTENT {
                    return reply;
                }
                ("delete", reply)
            }
            _ => return Reply::not_found(0, "Unknown route"),
        };
        if let Some(interaction) = self.interactions.get_mut(&id) {
            interaction.responses.push(json!({
                "kind": kind,
                "body": body,
                "message_id": target,
            }));
        }
        reply
    }
}

impl Fake {
    /// A command as Discord stores it, keeping the id a command of that name already had.
    pub(super) fn command(
        &mut self,
        scope: &str,
        guild: Option<&str>,
        sent: &Value,
    ) -> Result<Value, Reply> {
        check_command(sent)?;
        let name = sent["name"].as_str().unwrap_or_default();
        let existing = self
            .commands
            .get(scope)
            .and_then(|commands| commands.iter().find(|c| c["name"] == name))
            .and_then(|c| c["id"].as_str())
            .map(str::to_owned);
        let id = match existing {
            Some(id) => id,
            None => self.snowflake(),
        };
        let version = self.snowflake();
        let mut command = json!({
            "id": id,
            "application_id": APP_ID,
            "version": version,
            "type": sent["type"].as_u64().unwrap_or(1),
            "name": name,
            "name_localizations": sent.get("name_localizations").cloned().unwrap_or(Value::Null),
            "description": sent["description"].as_str().unwrap_or_default(),
            "description_localizations": sent.get("description_localizations").cloned().unwrap_or(Value::Null),
            "options": sent.get("options").filter(|o| !o.is_null()).cloned().unwrap_or(json!([])),
            "default_member_permissions": sent.get("default_member_permissions").cloned().unwrap_or(Value::Null),
            "nsfw": sent["nsfw"].as_bool().unwrap_or(false),
            "integration_types": sent.get("integration_types").filter(|t| !t.is_null()).cloned().unwrap_or(json!([0])),
            "contexts": sent.get("contexts").cloned().unwrap_or(Value::Null),
        });
        match guild {
            Some(guild) => command["guild_id"] = json!(guild),
            None => {
                command["dm_permission"] = json!(sent["dm_permission"].as_bool().unwrap_or(true));
            }
        }
        Ok(command)
    }

    /// `PUT …/commands`: the list replaces what was registered.
    pub(super) fn overwrite_commands(
        &mut self,
        app: &str,
        guild: Option<&str>,
        body: &Value,
    ) -> Reply {
        if app != APP_ID {
            return Reply::not_found(10002, "Unknown Application");
        }
        let Some(sent) = body.as_array() else {
            return Reply::invalid_form("_root", "BASE_TYPE_ARRAY", "Must be an array.");
        };
        if sent.len() > 100 {
            return Reply::invalid_form(
                "_root",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 100 or fewer in length.",
            );
        }
        let scope = guild.unwrap_or(GLOBAL).to_owned();
        let mut commands = Vec::new();
        for command in sent {
            match self.command(&scope, guild, command) {
                Ok(command) => commands.push(command),
                Err(reply) => return reply,
            }
        }
        self.commands.insert(scope, commands.clone());
        Reply::ok(json!(commands))
    }

    /// `POST …/commands`: creates or replaces one command by name.
    pub(super) fn upsert_command(&mut self, app: &str, guild: Option<&str>, body: &Value) -> Reply {
        if app != APP_ID {
            return Reply::not_found(10002, "Unknown Application");
        }
        let scope = guild.unwrap_or(GLOBAL).to_owned();
        let command = match self.command(&scope, guild, body) {
            Ok(command) => command,
            Err(reply) => return reply,
        };
        let commands = self.commands.entry(scope).or_default();
        commands.retain(|c| c["name"] != command["name"]);
        commands.push(command.clone());
        Reply::json(StatusCode::CREATED, command)
    }
}
