//! What the tests make happen: users writing, slash commands, buttons, selects and
//! modal submits, raw events, reconnect requests, uploads.

use super::*;

impl FakeDiscord {
    /// A new user with a fresh id.
    pub fn user(&self, username: &str, locale: &str) -> FakeUser {
        let mut fake = self.shared.lock();
        let id = fake.snowflake();
        let user = FakeUser::new(&id, username, locale);
        fake.users.insert(id, user.clone());
        user
    }

    /// The DM channel between the bot and this user: the one `POST /users/@me/channels`
    /// returns for them and the one their DMs arrive in.
    pub fn dm_channel_of(&self, user_id: &str) -> String {
        self.shared.lock().dm_channel(user_id)
    }

    /// A guild text channel with a fresh id. (Any other id is taken for a guild text
    /// channel too; this one also has a name.)
    pub fn create_text_channel(&self, name: &str) -> String {
        let mut fake = self.shared.lock();
        let id = fake.snowflake();
        let channel = text_channel(&id, name);
        fake.channels.insert(id.clone(), channel);
        id
    }

    /// `user` writes `content` to the bot in DM. `attachments` come from [`Self::upload`].
    /// Returns the message's id.
    pub fn dm(&self, user: &FakeUser, content: &str, attachments: Vec<Value>) -> String {
        let id = {
            let mut fake = self.shared.lock();
            let channel = fake.dm_channel_for(user);
            fake.user_message(user, &channel, content, attachments)
        };
        self.shared.wake.notify_waiters();
        id
    }

    /// `user` writes in a guild channel or thread. Returns the message's id.
    pub fn channel_message(
        &self,
        user: &FakeUser,
        channel_id: &str,
        content: &str,
        attachments: Vec<Value>,
    ) -> String {
        let id = {
            let mut fake = self.shared.lock();
            fake.remember(user);
            fake.user_message(user, channel_id, content, attachments)
        };
        self.shared.wake.notify_waiters();
        id
    }

    /// `user` writes to the bot in DM while the bot is away: the message is stored
    /// (the channel's history shows it) but no MESSAGE_CREATE is sent, now or later,
    /// as Discord does for a session that was not there to receive it. Returns the
    /// message's id.
    pub fn dm_unseen(&self, user: &FakeUser, content: &str) -> String {
        let mut fake = self.shared.lock();
        let channel = fake.dm_channel_for(user);
        fake.stored_user_message(user, &channel, content, Vec::new())
    }

    /// `user` writes in a guild channel or thread while the bot is away: stored, not
    /// dispatched (see [`Self::dm_unseen`]). Returns the message's id.
    pub fn channel_message_unseen(
        &self,
        user: &FakeUser,
        channel_id: &str,
        content: &str,
    ) -> String {
        let mut fake = self.shared.lock();
        fake.remember(user);
        fake.stored_user_message(user, channel_id, content, Vec::new())
    }

    /// Ends the current session so that the client must IDENTIFY again (a new
    /// session, READY, no replay): the connection is closed with 4009 "Session timed
    /// out", on which serenity forgets its session (`Shard::handle_gateway_closed`
    /// in serenity 0.12.5) and reconnects with a new IDENTIFY. Events pushed until
    /// the next READY wait for it.
    pub fn end_session(&self) {
        self.shared.lock().end_sessions += 1;
        self.shared.wake.notify_waiters();
    }

    /// The process on the other end died: the dispatches still queued for it are
    /// dropped, as Discord never sends a new session what an old one missed (the
    /// messages stay in their channels' history). Returns how many.
    pub fn drop_pending(&self) -> usize {
        let mut fake = self.shared.lock();
        let dropped = fake.pending.len();
        fake.pending.clear();
        fake.current = None;
        dropped
    }

    /// How many dispatches of type `t` were written on gateway connections, all
    /// sessions together (whether the client read them or not).
    pub fn dispatched(&self, t: &str) -> usize {
        let marker = format!("\"t\":{}", json!(t));
        let fake = self.shared.lock();
        fake.sessions
            .values()
            .flat_map(|s| &s.sent)
            .filter(|(_, text)| text.contains(&marker))
            .count()
    }

    /// `user` runs the slash command `name` in `channel_id` (`None`: in their DM with
    /// the bot). `options` are Discord's option objects
    /// (`{"name": "subject", "type": 3, "value": "…"}`). Returns the interaction's id.
    pub fn slash(
        &self,
        user: &FakeUser,
        channel_id: Option<&str>,
        name: &str,
        options: Vec<Value>,
    ) -> String {
        let id = {
            let mut fake = self.shared.lock();
            let channel = fake.interaction_channel(user, channel_id);
            let (command_id, guild_id) = fake.command_id(name);
            let mut data = json!({ "id": command_id, "name": name, "type": 1, "options": options });
            if let Some(guild_id) = guild_id {
                data["guild_id"] = json!(guild_id);
            }
            fake.interaction(user, &channel, 2, data, None)
        };
        self.shared.wake.notify_waiters();
        id
    }

    /// `user` presses the button `custom_id` on message `message_id`.
    pub fn button(
        &self,
        user: &FakeUser,
        channel_id: Option<&str>,
        custom_id: &str,
        message_id: &str,
    ) -> String {
        let data = json!({ "custom_id": custom_id, "component_type": 2 });
        self.component(user, channel_id, data, message_id)
    }

    /// `user` picks `values` in the string select `custom_id` on message `message_id`.
    pub fn select(
        &self,
        user: &FakeUser,
        channel_id: Option<&str>,
        custom_id: &str,
        values: &[&str],
        message_id: &str,
    ) -> String {
        let data = json!({ "custom_id": custom_id, "component_type": 3, "values": values });
        self.component(user, channel_id, data, message_id)
    }

    fn component(
        &self,
        user: &FakeUser,
        channel_id: Option<&str>,
        data: Value,
        message_id: &str,
    ) -> String {
        let id = {
            let mut fake = self.shared.lock();
            let channel = fake.interaction_channel(user, channel_id);
            fake.interaction(user, &channel, 3, data, Some(message_id))
        };
        self.shared.wake.notify_waiters();
        id
    }

    /// `user` submits the modal `custom_id` with these text inputs (custom id, value).
    pub fn modal_submit(
        &self,
        user: &FakeUser,
        channel_id: Option<&str>,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let rows: Vec<Value> = fields
            .iter()
            .map(|(field, value)| {
                json!({
                    "type": 1,
                    "components": [{ "type": 4, "custom_id": field, "value": value }]
                })
            })
            .collect();
        let data = json!({ "custom_id": custom_id, "components": rows });
        let id = {
            let mut fake = self.shared.lock();
            let channel = fake.interaction_channel(user, channel_id);
            fake.interaction(user, &channel, 5, data, None)
        };
        self.shared.wake.notify_waiters();
        id
    }

    /// Queues any dispatch (`t`, `d`), checked against serenity's model first. For the
    /// events this fake has no helper for (`MESSAGE_UPDATE`, `THREAD_UPDATE`, …).
    pub fn push_event(&self, t: &str, d: Value) {
        if let Err(why) = check_dispatch(t, &d) {
            panic!("{why}");
        }
        self.shared.lock().queue(t, d);
        self.shared.wake.notify_waiters();
    }

    /// Sends op 7 RECONNECT on the live connection: the client reconnects and resumes,
    /// and events sent meanwhile are replayed as Discord does.
    pub fn request_reconnect(&self) {
        self.shared.lock().reconnects += 1;
        self.shared.wake.notify_waiters();
    }

    /// Stores `bytes` on the CDN and returns the attachment object to give [`Self::dm`]
    /// or [`Self::channel_message`].
    pub fn upload(&self, name: &str, bytes: &[u8]) -> Value {
        let mut fake = self.shared.lock();
        let upload = Upload {
            index: None,
            filename: name.to_owned(),
            content_type: None,
            bytes: bytes.to_vec(),
        };
        fake.store_file("0", &upload, None)
    }

    /// The CDN address of an attachment uploaded for `channel_id`.
    pub fn cdn_url_for(&self, channel_id: &str, attachment_id: &str, filename: &str) -> String {
        cdn_url(self.api_port, channel_id, attachment_id, filename)
    }
}
