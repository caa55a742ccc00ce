//! The state shared by the handle, the REST handler and the gateway connections, and
//! the bookkeeping of the fake: clock, ids, users, channels, the dispatch queue.

use super::*;

/// The state shared by the handle, the REST handler and the gateway connections.
pub(super) struct Shared {
    pub(super) fake: Mutex<Fake>,
    /// Woken when there is something for the gateway to send.
    pub(super) wake: Notify,
}

impl Shared {
    /// A test that panicked while holding the lock must not turn every later call
    /// into a second panic: the state is still readable.
    pub(super) fn lock(&self) -> MutexGuard<'_, Fake> {
        self.fake.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where commands registered globally are kept in `Fake::commands`.
pub(super) const GLOBAL: &str = "global";

pub(super) struct Fake {
    pub(super) api_port: u16,
    pub(super) gateway_port: u16,
    /// Moves one tick (one second of the fake's time) per object created.
    pub(super) clock: u64,
    /// Makes each answered attachment URL different, as Discord's signed links are.
    pub(super) links: u64,
    pub(super) calls: Vec<Call>,
    pub(super) failures: VecDeque<Failure>,
    /// Faults for the next message creates, by channel, in order.
    pub(super) message_faults: VecDeque<(String, MessageFault)>,
    /// Enforced nonces: (author, nonce) → when, and the message they made.
    pub(super) nonces: HashMap<(String, String), (Instant, String, String)>,
    /// Message id → the `allowed_mentions` of its create or last edit.
    pub(super) allowed_mentions: HashMap<String, Value>,
    pub(super) users: HashMap<String, FakeUser>,
    /// User id → DM channel id.
    pub(super) dm_channels: HashMap<String, String>,
    pub(super) channels: HashMap<String, Value>,
    pub(super) thread_members: HashMap<String, Vec<String>>,
    /// Channels where the bot lacks *Create Private Threads*.
    pub(super) no_private_threads: std::collections::HashSet<String>,
    /// Channel id → messages, oldest first.
    pub(super) messages: BTreeMap<String, Vec<Value>>,
    pub(super) files: HashMap<String, StoredFile>,
    pub(super) interactions: HashMap<String, Interaction>,
    /// "global" or a guild id → commands.
    pub(super) commands: HashMap<String, Vec<Value>>,
    pub(super) echo_own_messages: bool,
    /// Dispatches not yet sent on a connection.
    pub(super) pending: VecDeque<Dispatch>,
    pub(super) sessions: HashMap<String, Session>,
    pub(super) intents: Option<u64>,
    pub(super) readies: u64,
    /// Gateway connections accepted so far (their ids).
    pub(super) connections: u64,
    /// The open connection last sent READY or RESUMED: the only one that delivers, so
    /// that a socket the client is leaving cannot swallow events.
    pub(super) current: Option<u64>,
    /// RECONNECT requests not yet sent.
    pub(super) reconnects: usize,
    /// Sessions to end (close 4009) not yet carried out.
    pub(super) end_sessions: usize,
    pub(super) dropped: Vec<String>,
    /// Roles, overwrites, moved and deleted channels, closed DMs.
    pub(super) server: super::permissions::Server,
}

pub(super) struct Dispatch {
    pub(super) t: String,
    pub(super) d: Value,
}

/// A gateway session: its sequence and what was sent, to replay on RESUME.
#[derive(Default)]
pub(super) struct Session {
    pub(super) seq: u64,
    pub(super) sent: Vec<(u64, String)>,
}

pub(super) struct StoredFile {
    pub(super) filename: String,
    pub(super) content_type: String,
    pub(super) bytes: Vec<u8>,
}

/// A file part of a multipart request.
pub(super) struct Upload {
    /// `n` of a `files[n]` part.
    pub(super) index: Option<u64>,
    pub(super) filename: String,
    pub(super) content_type: Option<String>,
    pub(super) bytes: Vec<u8>,
}

pub(super) struct Interaction {
    pub(super) token: String,
    pub(super) channel_id: String,
    /// 2 command, 3 component, 5 modal submit.
    pub(super) kind: u8,
    /// The message a component was on.
    pub(super) message_id: Option<String>,
    pub(super) acknowledged: bool,
    /// The message `@original` designates once acknowledged.
    pub(super) original: Option<String>,
    pub(super) responses: Vec<Value>,
}

impl Fake {
    pub(super) fn new(api_port: u16, gateway_port: u16) -> Fake {
        Fake {
            api_port,
            gateway_port,
            clock: 0,
            links: 0,
            calls: Vec::new(),
            failures: VecDeque::new(),
            message_faults: VecDeque::new(),
            nonces: HashMap::new(),
            allowed_mentions: HashMap::new(),
            users: HashMap::new(),
            dm_channels: HashMap::new(),
            channels: HashMap::new(),
            thread_members: HashMap::new(),
            no_private_threads: Default::default(),
            messages: BTreeMap::new(),
            files: HashMap::new(),
            interactions: HashMap::new(),
            commands: HashMap::new(),
            echo_own_messages: false,
            pending: VecDeque::new(),
            sessions: HashMap::new(),
            intents: None,
            readies: 0,
            connections: 0,
            current: None,
            reconnects: 0,
            end_sessions: 0,
            dropped: Vec::new(),
            server: Default::default(),
        }
    }

    pub(super) fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// A fresh snowflake whose embedded time is the fake's clock, so that ids sort in
    /// creation order as Discord's do.
    pub(super) fn snowflake(&mut self) -> String {
        let tick = self.tick();
        let ms = BASE_UNIX_MS - DISCORD_EPOCH_MS + tick * 1000;
        ((ms << 22) | (tick & 0xfff)).to_string()
    }

    pub(super) fn now(&mut self) -> String {
        let tick = self.tick();
        timestamp_at(tick)
    }

    pub(super) fn remember(&mut self, user: &FakeUser) {
        self.users.insert(user.id.clone(), user.clone());
    }

    pub(super) fn user_json(&self, user_id: &str) -> Value {
        if user_id == BOT_ID {
            return bot_user();
        }
        match self.users.get(user_id) {
            Some(user) => user_json(user),
            None => user_json(&FakeUser::new(user_id, &format!("user{user_id}"), "en-US")),
        }
    }

    pub(super) fn dm_channel_for(&mut self, user: &FakeUser) -> String {
        self.remember(user);
        self.dm_channel(&user.id)
    }

    /// The DM channel of a user, created the first time it is asked for.
    pub(super) fn dm_channel(&mut self, user_id: &str) -> String {
        if let Some(id) = self.dm_channels.get(user_id) {
            return id.clone();
        }
        let id = self.snowflake();
        let channel = json!({
            "id": id,
            "type": 1,
            "last_message_id": null,
            "flags": 0,
            "recipients": [self.user_json(user_id)],
        });
        self.channels.insert(id.clone(), channel);
        self.dm_channels.insert(user_id.to_owned(), id.clone());
        id
    }

    pub(super) fn interaction_channel(
        &mut self,
        user: &FakeUser,
        channel_id: Option<&str>,
    ) -> String {
        self.remember(user);
        match channel_id {
            Some(id) => id.to_owned(),
            None => self.dm_channel(&user.id),
        }
    }

    /// The channel object: known, or a guild text channel for any other id.
    pub(super) fn channel_or_text(&self, id: &str) -> Value {
        self.channels
            .get(id)
            .cloned()
            .unwrap_or_else(|| text_channel(id, &format!("channel-{id}")))
    }

    pub(super) fn channel_kind(&self, id: &str) -> u64 {
        self.channels
            .get(id)
            .and_then(|c| c["type"].as_u64())
            .unwrap_or(0)
    }

    pub(super) fn is_dm(&self, channel_id: &str) -> bool {
        self.channel_kind(channel_id) == 1
    }

    pub(super) fn queue(&mut self, t: &str, d: Value) {
        self.pending.push_back(Dispatch { t: t.to_owned(), d });
    }

    /// Queues a dispatch built by the fake, after checking serenity can read it.
    pub(super) fn queue_checked(&mut self, t: &str, d: Value) {
        if let Err(why) = check_dispatch(t, &d) {
            panic!("{why}");
        }
        self.queue(t, d);
    }
}
