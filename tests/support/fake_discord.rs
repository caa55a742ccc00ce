//! A local Discord for end-to-end tests that run the real serenity client: the REST
//! API under `/api/v10`, a CDN for attachments, and a gateway websocket on a port of
//! its own. It answers with objects shaped like Discord's, records every request,
//! fails on demand (429 with `retry_after`, 500), and checks what it receives the way
//! Discord does where a bug would otherwise only show in production (2000 characters,
//! empty messages, double acknowledgements, command names and locales).
//!
//! Point serenity at it with
//! `HttpBuilder::new(token).proxy(fake.api_url()).ratelimiter_disabled(true)
//! .application_id(APP_ID.parse()?)` and `ClientBuilder::new_with_http(http, intents)`:
//! the builder asks `GET /api/v10/gateway` for the websocket's address as soon as it is
//! awaited, so start the fake first.
//!
//! Events the tests push (messages, interactions) are checked against serenity's own
//! model before they are queued: serenity silently drops a dispatch it cannot
//! deserialize, so a payload missing a field would otherwise look like a handler that
//! never fires. Events wait in a queue until a connection has sent READY, and are
//! filtered by the intents the client identified with, as Discord does.
//!
//! Everything listens on 127.0.0.1 and stops when the [`FakeDiscord`] is dropped.

#![allow(dead_code)] // each test binary uses its own part of the fake

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The bot's user id (what `GET /users/@me` and READY return).
pub const BOT_ID: &str = "1300000000000000001";
/// The application's id. Discord gives new applications the bot's id; this one differs
/// on purpose, so that code using one for the other fails here.
pub const APP_ID: &str = "1300000000000000002";
/// The one guild every non-DM channel belongs to.
pub const GUILD_ID: &str = "1300000000000000003";
/// The bot's username.
pub const BOT_NAME: &str = "guichet";

/// Gateway intents the fake looks at (Discord's bit values).
pub const GUILD_MESSAGES: u64 = 1 << 9;
pub const DIRECT_MESSAGES: u64 = 1 << 12;
pub const MESSAGE_CONTENT: u64 = 1 << 15;

/// What Discord announces in HELLO; serenity heartbeats at this pace (with jitter).
const HEARTBEAT_INTERVAL_MS: u64 = 41_250;
/// How long `wait_ready` and `wait_until` wait before failing the test.
const DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(20);
/// Discord's limits, checked on what the bot sends.
const MAX_CONTENT: usize = 2000;
const MAX_CUSTOM_ID: usize = 100;
/// 10 MiB: the upload limit of a guild without boosts, announced in interactions.
const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
/// Requests bigger than this are refused before they reach a route.
const BODY_LIMIT: usize = 64 * 1024 * 1024;
/// Permissions of a member with the usual rights (view, send, threads, attach, …).
const MEMBER_PERMISSIONS: &str = "2248473465835073";
/// Message flags Discord sets or reads.
const EPHEMERAL: u64 = 1 << 6;
const LOADING: u64 = 1 << 7;
/// The fake's clock starts at 2025-01-01T12:00:00Z; each new object moves it one second.
const BASE_UNIX_MS: u64 = 1_735_732_800_000;
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// The locales Discord accepts as keys of `name_localizations`/`description_localizations`.
const LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// Someone who writes to the bot. `locale` is what their client reports in interactions
/// (`"fr"`, `"en-US"`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    pub id: String,
    pub username: String,
    pub locale: String,
}

impl FakeUser {
    pub fn new(id: &str, username: &str, locale: &str) -> FakeUser {
        FakeUser {
            id: id.to_owned(),
            username: username.to_owned(),
            locale: locale.to_owned(),
        }
    }
}

/// An answer forced on the next REST request (gateway-URL and CDN requests excepted).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// 429 Too Many Requests with Discord's headers and body.
    TooMany { retry_after_secs: f64 },
    /// 500 Internal Server Error.
    Broken,
}

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// `GET`, `POST`, …
    pub method: String,
    /// After `/api/v10` (`/channels/1/messages`); CDN requests keep their whole path
    /// (`/cdn/attachments/…`).
    pub path: String,
    /// The query string without `?`, empty when there was none.
    pub query: String,
    /// The JSON body, the parsed `payload_json` of a multipart body, or `Null`.
    pub body: Value,
    /// The uploaded files of a multipart body: (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// The status it was answered with.
    pub status: u16,
    /// Set when the answer was a failure queued by [`FakeDiscord::fail_next`].
    pub injected: Option<Failure>,
}

impl Call {
    pub fn failed(&self) -> bool {
        self.status >= 400
    }
}

/// The local Discord. Stops when dropped.
pub struct FakeDiscord {
    api_port: u16,
    gateway_port: u16,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl FakeDiscord {
    /// Starts the REST server and the gateway, each on a free port of 127.0.0.1.
    pub async fn start() -> FakeDiscord {
        let api = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Discord API");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Discord gateway");
        let api_port = api.local_addr().expect("API address").port();
        let gateway_port = gateway.local_addr().expect("gateway address").port();
        let shared = Arc::new(Shared {
            fake: Mutex::new(Fake::new(api_port, gateway_port)),
            wake: Notify::new(),
        });

        // One oneshot for the handle; the tasks watch a flag it sets, since there are
        // several of them (the server, the accept loop, each connection).
        let (stop, dropped) = oneshot::channel::<()>();
        let (stopping, stop_flag) = watch::channel(false);
        tokio::spawn(async move {
            let _ = dropped.await;
            let _ = stopping.send(true);
        });

        let app = Router::new()
            .fallback(rest)
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(shared.clone());
        let mut server_stop = stop_flag.clone();
        tokio::spawn(async move {
            let served = axum::serve(api, app)
                .with_graceful_shutdown(async move { stopped(&mut server_stop).await })
                .await;
            if let Err(why) = served {
                eprintln!("fake Discord: the API server stopped: {why}");
            }
        });
        tokio::spawn(accept_gateway(gateway, shared.clone(), stop_flag));

        FakeDiscord {
            api_port,
            gateway_port,
            shared,
            _stop: stop,
        }
    }

    /// What to give `HttpBuilder::proxy`: `http://127.0.0.1:PORT`.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.api_port)
    }

    /// The websocket's address, as `GET /gateway` announces it.
    pub fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.gateway_port)
    }

    /// Waits until a gateway connection has been sent READY (or RESUMED) and is still
    /// open: from then on pushed events reach the client. Panics after 20 s.
    pub async fn wait_ready(&self) {
        self.wait_until("a gateway connection to be READY", |fake| {
            fake.shared.lock().current.map(|_| ())
        })
        .await
    }

    /// The intents of the last IDENTIFY, if any.
    pub fn identified_intents(&self) -> Option<u64> {
        self.shared.lock().intents
    }

    /// How many READY the gateway has sent (more than one after a reconnection that
    /// could not resume).
    pub fn ready_count(&self) -> u64 {
        self.shared.lock().readies
    }

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

    /// The next REST request is answered with `failure` (queue: call again for more).
    pub fn fail_next(&self, failure: Failure) {
        self.shared.lock().failures.push_back(failure);
    }

    /// When on, every message the bot creates comes back to it as MESSAGE_CREATE, as on
    /// Discord (off by default so that tests see only the events they push).
    pub fn set_echo_own_messages(&self, on: bool) {
        self.shared.lock().echo_own_messages = on;
    }

    /// Every request, in order, failed ones included.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The requests with this method and path (after `/api/v10`).
    pub fn calls_to(&self, method: &str, path: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|call| call.method.eq_ignore_ascii_case(method) && call.path == path)
            .collect()
    }

    /// The messages of a channel as they stand (edits applied, deletions gone), oldest
    /// first: the users' and the bot's. Attachment URLs are the bare CDN addresses.
    pub fn messages_in(&self, channel_id: &str) -> Vec<Value> {
        let fake = self.shared.lock();
        fake.messages.get(channel_id).cloned().unwrap_or_default()
    }

    /// One message, wherever it is.
    pub fn message(&self, message_id: &str) -> Option<Value> {
        let fake = self.shared.lock();
        fake.find_message(message_id).map(|(_, m)| m.clone())
    }

    /// A channel the fake knows: a thread the bot created, a DM channel, or a text
    /// channel from [`Self::create_text_channel`].
    pub fn channel(&self, id: &str) -> Option<Value> {
        self.shared.lock().channels.get(id).cloned()
    }

    /// The threads created under `parent_id`, oldest first.
    pub fn threads_of(&self, parent_id: &str) -> Vec<Value> {
        let fake = self.shared.lock();
        let mut threads: Vec<Value> = fake
            .channels
            .values()
            .filter(|c| c["parent_id"] == parent_id && is_thread_kind(&c["type"]))
            .cloned()
            .collect();
        threads.sort_by_key(|c| c["id"].as_str().and_then(|id| id.parse::<u64>().ok()));
        threads
    }

    /// Who is in a thread: the bot (who created it, as Discord adds the creator) and
    /// whoever was added with `PUT /channels/{id}/thread-members/{user}`.
    pub fn thread_members(&self, thread_id: &str) -> Vec<String> {
        let fake = self.shared.lock();
        fake.thread_members
            .get(thread_id)
            .cloned()
            .unwrap_or_default()
    }

    /// What the bot answered to an interaction, in order: each entry is
    /// `{"kind": "callback"|"followup"|"edit"|"delete", "body": <request body>,
    /// "message_id": <the message made or touched, or null>}`.
    pub fn interaction_responses(&self, interaction_id: &str) -> Vec<Value> {
        let fake = self.shared.lock();
        fake.interactions
            .get(interaction_id)
            .map(|i| i.responses.clone())
            .unwrap_or_default()
    }

    /// The commands registered globally (`None`) or in a guild.
    pub fn commands(&self, guild_id: Option<&str>) -> Vec<Value> {
        let fake = self.shared.lock();
        let scope = guild_id.unwrap_or(GLOBAL).to_owned();
        fake.commands.get(&scope).cloned().unwrap_or_default()
    }

    /// The bytes stored on the CDN for an attachment id.
    pub fn attachment_bytes(&self, attachment_id: &str) -> Option<Vec<u8>> {
        let fake = self.shared.lock();
        fake.files.get(attachment_id).map(|f| f.bytes.clone())
    }

    /// Events that were not delivered, with why (an intent the client lacks).
    pub fn dropped_events(&self) -> Vec<String> {
        self.shared.lock().dropped.clone()
    }

    /// Polls `check` every 20 ms until it returns `Some`; panics after 20 s, naming
    /// `what` and listing the requests the bot made.
    pub async fn wait_until<T>(&self, what: &str, check: impl Fn(&FakeDiscord) -> Option<T>) -> T {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(found) = check(self) {
                return found;
            }
            if Instant::now() >= deadline {
                panic!(
                    "fake Discord: still waiting for {what} after {DEADLINE:?}\n{}",
                    self.report()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The recorded requests and dropped events, for failure messages.
    pub fn report(&self) -> String {
        let fake = self.shared.lock();
        let mut out = format!("requests ({}):\n", fake.calls.len());
        for call in &fake.calls {
            let mut body = call.body.to_string();
            if body.len() > 300 {
                let cut = (0..=300)
                    .rev()
                    .find(|i| body.is_char_boundary(*i))
                    .unwrap_or(0);
                body.truncate(cut);
                body.push('…');
            }
            let files: Vec<&str> = call.files.iter().map(|(name, _)| name.as_str()).collect();
            out.push_str(&format!(
                "  {} {}{}{} -> {} {body} {}\n",
                call.method,
                call.path,
                if call.query.is_empty() { "" } else { "?" },
                call.query,
                call.status,
                if files.is_empty() {
                    String::new()
                } else {
                    format!("files {files:?}")
                },
            ));
        }
        out.push_str(&format!(
            "gateway: {} READY sent, current connection {:?}, intents {:?}, {} events queued\n",
            fake.readies,
            fake.current,
            fake.intents,
            fake.pending.len()
        ));
        for dropped in &fake.dropped {
            out.push_str(&format!("  dropped: {dropped}\n"));
        }
        out
    }
}

/// The state shared by the handle, the REST handler and the gateway connections.
struct Shared {
    fake: Mutex<Fake>,
    /// Woken when there is something for the gateway to send.
    wake: Notify,
}

impl Shared {
    /// A test that panicked while holding the lock must not turn every later call
    /// into a second panic: the state is still readable.
    fn lock(&self) -> MutexGuard<'_, Fake> {
        self.fake.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where commands registered globally are kept in `Fake::commands`.
const GLOBAL: &str = "global";

struct Fake {
    api_port: u16,
    gateway_port: u16,
    /// Moves one tick (one second of the fake's time) per object created.
    clock: u64,
    /// Makes each answered attachment URL different, as Discord's signed links are.
    links: u64,
    calls: Vec<Call>,
    failures: VecDeque<Failure>,
    users: HashMap<String, FakeUser>,
    /// User id → DM channel id.
    dm_channels: HashMap<String, String>,
    channels: HashMap<String, Value>,
    thread_members: HashMap<String, Vec<String>>,
    /// Channel id → messages, oldest first.
    messages: BTreeMap<String, Vec<Value>>,
    files: HashMap<String, StoredFile>,
    interactions: HashMap<String, Interaction>,
    /// "global" or a guild id → commands.
    commands: HashMap<String, Vec<Value>>,
    echo_own_messages: bool,
    /// Dispatches not yet sent on a connection.
    pending: VecDeque<Dispatch>,
    sessions: HashMap<String, Session>,
    intents: Option<u64>,
    readies: u64,
    /// Gateway connections accepted so far (their ids).
    connections: u64,
    /// The open connection last sent READY or RESUMED: the only one that delivers, so
    /// that a socket the client is leaving cannot swallow events.
    current: Option<u64>,
    /// RECONNECT requests not yet sent.
    reconnects: usize,
    dropped: Vec<String>,
}

struct Dispatch {
    t: String,
    d: Value,
}

/// A gateway session: its sequence and what was sent, to replay on RESUME.
#[derive(Default)]
struct Session {
    seq: u64,
    sent: Vec<(u64, String)>,
}

struct StoredFile {
    filename: String,
    content_type: String,
    bytes: Vec<u8>,
}

/// A file part of a multipart request.
struct Upload {
    /// `n` of a `files[n]` part.
    index: Option<u64>,
    filename: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

struct Interaction {
    token: String,
    channel_id: String,
    /// 2 command, 3 component, 5 modal submit.
    kind: u8,
    /// The message a component was on.
    message_id: Option<String>,
    acknowledged: bool,
    /// The message `@original` designates once acknowledged.
    original: Option<String>,
    responses: Vec<Value>,
}

/// What a route answers.
struct Reply {
    status: StatusCode,
    body: Payload,
    headers: Vec<(&'static str, String)>,
}

enum Payload {
    Json(Value),
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
    Empty,
}

impl Reply {
    fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body: Payload::Json(body),
            headers: Vec::new(),
        }
    }

    fn ok(body: Value) -> Reply {
        Reply::json(StatusCode::OK, body)
    }

    fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: Payload::Empty,
            headers: Vec::new(),
        }
    }

    /// Discord's error body: `{"message", "code"}`.
    fn error(status: StatusCode, code: u64, message: &str) -> Reply {
        Reply::json(status, json!({ "message": message, "code": code }))
    }

    fn not_found(code: u64, what: &str) -> Reply {
        Reply::error(StatusCode::NOT_FOUND, code, what)
    }

    /// 400 Invalid Form Body, with the offending field as Discord reports it.
    fn invalid_form(field: &str, error_code: &str, message: &str) -> Reply {
        Reply::json(
            StatusCode::BAD_REQUEST,
            json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": { field: { "_errors": [{ "code": error_code, "message": message }] } }
            }),
        )
    }

    fn failure(failure: Failure) -> Reply {
        match failure {
            Failure::TooMany { retry_after_secs } => {
                let reset = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |now| now.as_secs_f64())
                    + retry_after_secs;
                let mut reply = Reply::json(
                    StatusCode::TOO_MANY_REQUESTS,
                    json!({
                        "message": "You are being rate limited.",
                        "retry_after": retry_after_secs,
                        "global": false
                    }),
                );
                reply.headers = vec![
                    ("retry-after", format!("{}", retry_after_secs.ceil() as u64)),
                    ("x-ratelimit-scope", "user".to_owned()),
                    ("x-ratelimit-limit", "5".to_owned()),
                    ("x-ratelimit-remaining", "0".to_owned()),
                    ("x-ratelimit-reset", format!("{reset:.3}")),
                    ("x-ratelimit-reset-after", format!("{retry_after_secs:.3}")),
                    ("x-ratelimit-bucket", "fakebucket".to_owned()),
                ];
                reply
            }
            Failure::Broken => Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                0,
                "500: Internal Server Error",
            ),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Payload::Json(body) => (self.status, axum::Json(body)).into_response(),
            Payload::Bytes {
                content_type,
                bytes,
            } => (
                self.status,
                [(header::CONTENT_TYPE, content_type)],
                Bytes::from(bytes),
            )
                .into_response(),
            Payload::Empty => self.status.into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

impl Fake {
    fn new(api_port: u16, gateway_port: u16) -> Fake {
        Fake {
            api_port,
            gateway_port,
            clock: 0,
            links: 0,
            calls: Vec::new(),
            failures: VecDeque::new(),
            users: HashMap::new(),
            dm_channels: HashMap::new(),
            channels: HashMap::new(),
            thread_members: HashMap::new(),
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
            dropped: Vec::new(),
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// A fresh snowflake whose embedded time is the fake's clock, so that ids sort in
    /// creation order as Discord's do.
    fn snowflake(&mut self) -> String {
        let tick = self.tick();
        let ms = BASE_UNIX_MS - DISCORD_EPOCH_MS + tick * 1000;
        ((ms << 22) | (tick & 0xfff)).to_string()
    }

    fn now(&mut self) -> String {
        let tick = self.tick();
        timestamp_at(tick)
    }

    fn remember(&mut self, user: &FakeUser) {
        self.users.insert(user.id.clone(), user.clone());
    }

    fn user_json(&self, user_id: &str) -> Value {
        if user_id == BOT_ID {
            return bot_user();
        }
        match self.users.get(user_id) {
            Some(user) => user_json(user),
            None => user_json(&FakeUser::new(user_id, &format!("user{user_id}"), "en-US")),
        }
    }

    fn dm_channel_for(&mut self, user: &FakeUser) -> String {
        self.remember(user);
        self.dm_channel(&user.id)
    }

    /// The DM channel of a user, created the first time it is asked for.
    fn dm_channel(&mut self, user_id: &str) -> String {
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

    fn interaction_channel(&mut self, user: &FakeUser, channel_id: Option<&str>) -> String {
        self.remember(user);
        match channel_id {
            Some(id) => id.to_owned(),
            None => self.dm_channel(&user.id),
        }
    }

    /// The channel object: known, or a guild text channel for any other id.
    fn channel_or_text(&self, id: &str) -> Value {
        self.channels
            .get(id)
            .cloned()
            .unwrap_or_else(|| text_channel(id, &format!("channel-{id}")))
    }

    fn channel_kind(&self, id: &str) -> u64 {
        self.channels
            .get(id)
            .and_then(|c| c["type"].as_u64())
            .unwrap_or(0)
    }

    fn is_dm(&self, channel_id: &str) -> bool {
        self.channel_kind(channel_id) == 1
    }

    fn queue(&mut self, t: &str, d: Value) {
        self.pending.push_back(Dispatch { t: t.to_owned(), d });
    }

    /// Queues a dispatch built by the fake, after checking serenity can read it.
    fn queue_checked(&mut self, t: &str, d: Value) {
        if let Err(why) = check_dispatch(t, &d) {
            panic!("{why}");
        }
        self.queue(t, d);
    }

    fn mentions_in(&self, content: &str) -> Vec<Value> {
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
    fn user_message(
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
        self.store_message(channel_id, message.clone());
        let event = self.gateway_message(channel_id, &message);
        self.queue_checked("MESSAGE_CREATE", event);
        id
    }

    /// A stored message as the gateway sends it: fresh links, and in a guild the
    /// `guild_id` and the author's `member`.
    fn gateway_message(&mut self, channel_id: &str, message: &Value) -> Value {
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

    fn store_message(&mut self, channel_id: &str, message: Value) {
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

    fn find_message(&self, message_id: &str) -> Option<(&String, &Value)> {
        self.messages.iter().find_map(|(channel, messages)| {
            messages
                .iter()
                .find(|m| m["id"] == message_id)
                .map(|m| (channel, m))
        })
    }

    fn message_in(&self, channel_id: &str, message_id: &str) -> Option<&Value> {
        self.messages
            .get(channel_id)?
            .iter()
            .find(|m| m["id"] == message_id)
    }

    fn message_in_mut(&mut self, channel_id: &str, message_id: &str) -> Option<&mut Value> {
        self.messages
            .get_mut(channel_id)?
            .iter_mut()
            .find(|m| m["id"] == message_id)
    }

    /// A copy whose attachment links carry a new `?ex=…` query, as Discord signs each
    /// link it hands out with an expiry: code must not keep URLs as identities.
    fn fresh_links(&mut self, message: &Value) -> Value {
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
    fn store_file(
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
    fn resolve_attachments(
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

    /// A message the bot creates (REST, interaction response or follow-up).
    fn bot_message(
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
    fn new_bot_message(
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
        let attachments = self.resolve_attachments(channel_id, body, uploads, &[]);
        let mut message = json!({
            "id": id,
            "channel_id": channel_id,
            "author": bot_user(),
            "content": content,
            "timestamp": timestamp,
            "edited_timestamp": null,
            "tts": body["tts"].as_bool().unwrap_or(false),
            "mention_everyone": false,
            "mentions": self.mentions_in(&content),
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
    fn edit_message(
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
        let Some(message) = self.message_in_mut(channel_id, message_id) else {
            return Err(Reply::not_found(10008, "Unknown Message"));
        };
        if let Some(content) = body.get("content") {
            message["content"] = json!(content.as_str().unwrap_or_default());
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
    fn unarchive(&mut self, channel_id: &str) {
        let archived_at = self.now();
        if let Some(channel) = self.channels.get_mut(channel_id)
            && channel["thread_metadata"]["archived"] == true
        {
            channel["thread_metadata"]["archived"] = json!(false);
            channel["thread_metadata"]["archive_timestamp"] = json!(archived_at);
        }
    }

    /// The id of a registered command (and its guild), or a fresh one for a command
    /// the bot never registered.
    fn command_id(&mut self, name: &str) -> (String, Option<String>) {
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
    fn interaction(
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

    /// Answers one REST request (the path is after `/api/v10`).
    fn route(
        &mut self,
        method: &str,
        path: &str,
        query: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Reply {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("GET", ["gateway"]) => Reply::ok(json!({ "url": self.gateway_url() })),
            ("GET", ["gateway", "bot"]) => Reply::ok(json!({
                "url": self.gateway_url(),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
                }
            })),
            ("GET", ["users", "@me"]) => Reply::ok(bot_user()),
            ("GET", ["users", id]) => match self.users.get(*id) {
                Some(user) => Reply::ok(user_json(user)),
                None => Reply::not_found(10013, "Unknown User"),
            },
            ("POST", ["users", "@me", "channels"]) => {
                let Some(recipient) = id_field(&body["recipient_id"]) else {
                    return Reply::invalid_form(
                        "recipient_id",
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    );
                };
                let channel = self.dm_channel(&recipient);
                Reply::ok(self.channel_or_text(&channel))
            }
            ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
                Reply::ok(application())
            }
            ("GET", ["guilds", _, "members", user]) => match self.users.get(*user) {
                Some(user) => {
                    let joined_at = timestamp_at(0);
                    Reply::ok(json!({
                        "user": user_json(user), "roles": [], "joined_at": joined_at,
                        "deaf": false, "mute": false, "flags": 0, "pending": false,
                        "nick": null, "avatar": null, "premium_since": null,
                    }))
                }
                None => Reply::not_found(10007, "Unknown Member"),
            },
            ("POST", ["channels", channel, "messages"]) => {
                match self.bot_message(channel, body, uploads, json!({})) {
                    Ok(message) => Reply::ok(message),
                    Err(reply) => reply,
                }
            }
            ("GET", ["channels", channel, "messages"]) => self.list_messages(channel, query),
            ("GET", ["channels", channel, "messages", message]) => {
                match self.message_in(channel, message).cloned() {
                    Some(message) => Reply::ok(self.fresh_links(&message)),
                    None => Reply::not_found(10008, "Unknown Message"),
                }
            }
            ("PATCH", ["channels", channel, "messages", message]) => {
                match self.edit_message(channel, message, body, uploads) {
                    Ok(message) => Reply::ok(message),
                    Err(reply) => reply,
                }
            }
            ("DELETE", ["channels", channel, "messages", message]) => {
                self.delete_message(channel, message)
            }
            (
                "PUT" | "DELETE",
                [
                    "channels",
                    channel,
                    "messages",
                    message,
                    "reactions",
                    _,
                    "@me",
                ],
            ) => match self.message_in(channel, message) {
                Some(_) => Reply::no_content(),
                None => Reply::not_found(10008, "Unknown Message"),
            },
            ("POST", ["channels", _, "typing"]) => Reply::no_content(),
            ("POST", ["channels", channel, "threads"]) => self.create_thread(channel, None, body),
            ("POST", ["channels", channel, "messages", message, "threads"]) => {
                self.create_thread(channel, Some(message), body)
            }
            ("GET", ["channels", channel]) => Reply::ok(self.channel_or_text(channel)),
            ("PATCH", ["channels", channel]) => self.edit_channel(channel, body),
            ("PUT", ["channels", thread, "thread-members", user]) => {
                self.thread_member(thread, user, true)
            }
            ("DELETE", ["channels", thread, "thread-members", user]) => {
                self.thread_member(thread, user, false)
            }
            ("POST", ["interactions", id, token, "callback"]) => {
                self.callback(id, token, body, uploads)
            }
            ("POST", ["webhooks", app, token]) => self.followup(app, token, body, uploads),
            (_, ["webhooks", app, token, "messages", message]) => {
                self.webhook_message(method, app, token, message, body, uploads)
            }
            ("PUT", ["applications", app, "commands"]) => self.overwrite_commands(app, None, body),
            ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
                self.overwrite_commands(app, Some(guild), body)
            }
            ("POST", ["applications", app, "commands"]) => self.upsert_command(app, None, body),
            ("POST", ["applications", app, "guilds", guild, "commands"]) => {
                self.upsert_command(app, Some(guild), body)
            }
            ("GET", ["applications", app, "commands"]) if *app == APP_ID => Reply::ok(json!(
                self.commands.get(GLOBAL).cloned().unwrap_or_default()
            )),
            ("GET", ["applications", app, "guilds", guild, "commands"]) if *app == APP_ID => {
                Reply::ok(json!(
                    self.commands.get(*guild).cloned().unwrap_or_default()
                ))
            }
            _ => Reply::not_found(0, "Unknown route"),
        }
    }

    fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.gateway_port)
    }

    /// `GET /channels/{id}/messages`: newest first, honouring `limit`, `before`, `after`.
    fn list_messages(&mut self, channel_id: &str, query: &str) -> Reply {
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

    fn delete_message(&mut self, channel_id: &str, message_id: &str) -> Reply {
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
    fn create_thread(&mut self, parent_id: &str, message_id: Option<&str>, body: &Value) -> Reply {
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
    fn edit_channel(&mut self, channel_id: &str, body: &Value) -> Reply {
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

    fn thread_member(&mut self, thread_id: &str, user_id: &str, add: bool) -> Reply {
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

    /// `POST /interactions/{id}/{token}/callback`: once per interaction, as on Discord.
    fn callback(&mut self, id: &str, token: &str, body: &Value, uploads: &[Upload]) -> Reply {
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

    fn interaction_by_token(&self, app: &str, token: &str) -> Option<String> {
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
    fn followup(&mut self, app: &str, token: &str, body: &Value, uploads: &[Upload]) -> Reply {
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
    fn webhook_message(
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

    /// A command as Discord stores it, keeping the id a command of that name already had.
    fn command(&mut self, scope: &str, guild: Option<&str>, sent: &Value) -> Result<Value, Reply> {
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
    fn overwrite_commands(&mut self, app: &str, guild: Option<&str>, body: &Value) -> Reply {
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
    fn upsert_command(&mut self, app: &str, guild: Option<&str>, body: &Value) -> Reply {
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

    /// The CDN: an attachment's bytes (whatever the query, as expiry is not modelled).
    fn cdn(&self, path: &str) -> Reply {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let found = match segments.as_slice() {
            ["cdn", "attachments", _, id, _] => self.files.get(*id),
            _ => None,
        };
        match found {
            Some(file) => Reply {
                status: StatusCode::OK,
                body: Payload::Bytes {
                    content_type: file.content_type.clone(),
                    bytes: file.bytes.clone(),
                },
                headers: vec![(
                    "content-disposition",
                    format!("attachment; filename=\"{}\"", file.filename),
                )],
            },
            None => Reply {
                status: StatusCode::NOT_FOUND,
                body: Payload::Bytes {
                    content_type: "text/plain".to_owned(),
                    bytes: b"This content is no longer available.".to_vec(),
                },
                headers: Vec::new(),
            },
        }
    }

    /// The next frame of a session: the dispatch with the session's next sequence,
    /// kept for a RESUME.
    fn frame(&mut self, session_id: &str, t: &str, d: Value) -> String {
        let session = self.sessions.entry(session_id.to_owned()).or_default();
        session.seq += 1;
        let text = json!({ "op": 0, "s": session.seq, "t": t, "d": d }).to_string();
        session.sent.push((session.seq, text.clone()));
        text
    }

    fn ready(&mut self, session_id: &str) -> String {
        let d = json!({
            "v": 10,
            "user": {
                "id": BOT_ID,
                "username": BOT_NAME,
                "discriminator": "0",
                "global_name": null,
                "avatar": null,
                "bot": true,
                "verified": true,
                "mfa_enabled": false,
                "flags": 0,
            },
            "guilds": [],
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "session_type": "normal",
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url(),
            "shard": [0, 1],
            "application": { "id": APP_ID, "flags": 0 },
            "_trace": ["[\"fake-discord\"]"],
        });
        if let Err(why) = check_dispatch("READY", &d) {
            eprintln!("{why}");
        }
        self.frame(session_id, "READY", d)
    }
}

/// Every HTTP request: the API under `/api/v10`, the CDN under `/cdn`.
async fn rest(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().as_str().to_owned();
    let full_path = request.uri().path().to_owned();
    let query = request
        .uri()
        .query()
        .unwrap_or_default()
        .trim_start_matches('&')
        .to_owned();
    let read = read_body(request).await;
    let (body, uploads, unreadable) = match read {
        Ok((body, uploads)) => (body, uploads, None),
        Err(why) => (json!({ "unreadable": why }), Vec::new(), Some(why)),
    };
    let api_path = full_path.strip_prefix("/api/v10").map(str::to_owned);
    let reply = {
        let mut fake = shared.lock();
        let (path, reply, injected) = match &api_path {
            _ if unreadable.is_some() => (
                api_path.clone().unwrap_or_else(|| full_path.clone()),
                Reply::invalid_form(
                    "_root",
                    "BODY_UNREADABLE",
                    unreadable.as_deref().unwrap_or_default(),
                ),
                None,
            ),
            Some(path) => {
                let exempt = method == "GET" && (path == "/gateway" || path == "/gateway/bot");
                match fake.failures.front().copied().filter(|_| !exempt) {
                    Some(failure) => {
                        fake.failures.pop_front();
                        (path.clone(), Reply::failure(failure), Some(failure))
                    }
                    None => {
                        let reply = fake.route(&method, path, &query, &body, &uploads);
                        (path.clone(), reply, None)
                    }
                }
            }
            None if method == "GET" => (full_path.clone(), fake.cdn(&full_path), None),
            None => (
                full_path.clone(),
                Reply::not_found(0, "Unknown route"),
                None,
            ),
        };
        fake.calls.push(Call {
            method,
            path,
            query,
            body,
            files: uploads
                .into_iter()
                .map(|upload| (upload.filename, upload.bytes))
                .collect(),
            status: reply.status.as_u16(),
            injected,
        });
        reply
    };
    // A route may have queued a dispatch (echoed messages).
    shared.wake.notify_waiters();
    reply.into_response()
}

/// The JSON body, or for `multipart/form-data` the parsed `payload_json` and the files.
async fn read_body(request: Request) -> Result<(Value, Vec<Upload>), String> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|why| why.to_string())?;
        let mut body = json!({});
        let mut uploads = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|why| why.to_string())?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let filename = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|why| why.to_string())?;
            if name == "payload_json" {
                let payload: Value = serde_json::from_slice(&bytes)
                    .map_err(|why| format!("payload_json is not JSON: {why}"))?;
                if let (Some(body), Some(payload)) = (body.as_object_mut(), payload.as_object()) {
                    body.extend(payload.clone());
                } else {
                    body = payload;
                }
            } else if let Some(filename) = filename {
                let index = name
                    .strip_prefix("files[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .and_then(|n| n.parse().ok());
                uploads.push(Upload {
                    index,
                    filename,
                    content_type,
                    bytes: bytes.to_vec(),
                });
            } else if let Some(body) = body.as_object_mut() {
                body.insert(name, json!(String::from_utf8_lossy(&bytes)));
            }
        }
        Ok((body, uploads))
    } else {
        let bytes = Bytes::from_request(request, &())
            .await
            .map_err(|why| why.to_string())?;
        if bytes.is_empty() {
            return Ok((Value::Null, Vec::new()));
        }
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
        Ok((body, Vec::new()))
    }
}

/// Resolves once the handle is dropped. (The guard `wait_for` returns is not `Send`:
/// it must not live across the caller's awaits.)
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Accepts gateway connections until the fake stops.
async fn accept_gateway(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(gateway_connection(stream, shared.clone(), stop.clone()));
                }
                Err(why) => eprintln!("fake Discord: gateway accept failed: {why}"),
            },
            () = stopped(&mut stop) => return,
        }
    }
}

/// One gateway connection: HELLO, then IDENTIFY → READY or RESUME → replay + RESUMED,
/// heartbeats acknowledged, queued dispatches sent in order.
async fn gateway_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let hello = json!({ "op": 10, "s": null, "t": null, "d": { "heartbeat_interval": HEARTBEAT_INTERVAL_MS } });
    if ws.send(WsMessage::Text(hello.to_string())).await.is_err() {
        return;
    }
    let me = {
        let mut fake = shared.lock();
        fake.connections += 1;
        fake.connections
    };
    let mut session: Option<String> = None;
    let mut closing = false;
    loop {
        // Registered before looking at the queue, so that a push in between still wakes us.
        let wake = shared.wake.notified();
        tokio::pin!(wake);
        wake.as_mut().enable();
        if let (Some(id), false) = (&session, closing)
            && deliver(&mut ws, &shared, me, id).await.is_err()
        {
            break;
        }
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    let replies = handle_op(&shared, me, &text, &mut session);
                    for reply in replies {
                        if ws.send(WsMessage::Text(reply)).await.is_err() {
                            closing = true;
                        }
                    }
                }
                // tungstenite answers the close frame on the next read, which then ends.
                Some(Ok(WsMessage::Close(_))) => closing = true,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            () = &mut wake => {}
            () = stopped(&mut stop) => {
                let _ = ws.close(None).await;
                break;
            }
        }
    }
    let mut fake = shared.lock();
    if fake.current == Some(me) {
        fake.current = None;
    }
}

/// Sends what is queued, if this is the current connection: dispatches the client's
/// intents allow, and RECONNECT requests.
async fn deliver(
    ws: &mut WebSocketStream<TcpStream>,
    shared: &Shared,
    me: u64,
    session_id: &str,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    loop {
        let next = {
            let mut fake = shared.lock();
            if fake.current != Some(me) {
                return Ok(());
            }
            let intents = fake.intents.unwrap_or(0);
            let mut next = None;
            while let Some(dispatch) = fake.pending.pop_front() {
                match filter_for_intents(&dispatch.t, dispatch.d, intents) {
                    Ok(d) => {
                        next = Some(fake.frame(session_id, &dispatch.t, d));
                        break;
                    }
                    Err(why) => fake.dropped.push(why),
                }
            }
            if next.is_none() && fake.reconnects > 0 {
                fake.reconnects -= 1;
                next = Some(json!({ "op": 7, "d": null, "s": null, "t": null }).to_string());
            }
            next
        };
        let Some(text) = next else {
            return Ok(());
        };
        ws.send(WsMessage::Text(text)).await?;
    }
}

/// Answers one frame from the client; returns the frames to send back.
fn handle_op(shared: &Shared, me: u64, text: &str, session: &mut Option<String>) -> Vec<String> {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let d = &frame["d"];
    match frame["op"].as_u64() {
        Some(1) => vec![json!({ "op": 11, "s": null, "t": null, "d": null }).to_string()],
        Some(2) => {
            let mut fake = shared.lock();
            fake.intents = d["intents"].as_u64();
            let n = fake.sessions.len() + 1;
            let id = format!("fake-session-{n}");
            fake.sessions.insert(id.clone(), Session::default());
            let ready = fake.ready(&id);
            fake.readies += 1;
            fake.current = Some(me);
            *session = Some(id);
            vec![ready]
        }
        Some(6) => {
            let mut fake = shared.lock();
            let id = d["session_id"].as_str().unwrap_or_default().to_owned();
            let seen = d["seq"].as_u64().unwrap_or(0);
            let Some(known) = fake.sessions.get(&id) else {
                return vec![json!({ "op": 9, "d": false, "s": null, "t": null }).to_string()];
            };
            let mut frames: Vec<String> = known
                .sent
                .iter()
                .filter(|(seq, _)| *seq > seen)
                .map(|(_, text)| text.clone())
                .collect();
            frames.push(fake.frame(&id, "RESUMED", json!({ "_trace": ["fake-discord"] })));
            fake.current = Some(me);
            *session = Some(id);
            frames
        }
        // Presence, voice state and member requests need no answer here.
        _ => Vec::new(),
    }
}

/// What the client receives of a dispatch given its intents: message events need
/// GUILD_MESSAGES or DIRECT_MESSAGES, and without MESSAGE_CONTENT a guild message
/// arrives with its content, embeds, attachments and components emptied (unless it
/// mentions the bot or is the bot's own).
fn filter_for_intents(t: &str, mut d: Value, intents: u64) -> Result<Value, String> {
    if !t.starts_with("MESSAGE_CREATE") && !t.starts_with("MESSAGE_UPDATE") {
        return Ok(d);
    }
    let in_guild = d.get("guild_id").is_some_and(|g| !g.is_null());
    let (needed, name) = if in_guild {
        (GUILD_MESSAGES, "GUILD_MESSAGES")
    } else {
        (DIRECT_MESSAGES, "DIRECT_MESSAGES")
    };
    if intents & needed == 0 {
        return Err(format!(
            "{t} {} in channel {}: the client identified without {name}",
            d["id"], d["channel_id"]
        ));
    }
    let own = d["author"]["id"] == BOT_ID;
    let mentions_bot = d["mentions"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == BOT_ID));
    if in_guild && intents & MESSAGE_CONTENT == 0 && !own && !mentions_bot {
        d["content"] = json!("");
        for key in ["embeds", "attachments", "components"] {
            d[key] = json!([]);
        }
    }
    Ok(d)
}

/// Whether serenity can read this dispatch: it drops what it cannot deserialize with
/// only a DEBUG line, so the fake checks first and names the missing field.
fn check_dispatch(t: &str, d: &Value) -> Result<(), String> {
    use serenity::model::event::Event;
    let event = json!({ "t": t, "d": d });
    match serde_json::from_value::<Event>(event) {
        Ok(Event::Unknown(_)) | Err(_) => {}
        Ok(_) => return Ok(()),
    }
    let why = match t {
        "MESSAGE_CREATE" => {
            serde_json::from_value::<serenity::model::channel::Message>(d.clone()).err()
        }
        "INTERACTION_CREATE" => {
            serde_json::from_value::<serenity::model::application::Interaction>(d.clone()).err()
        }
        "READY" => serde_json::from_value::<serenity::model::gateway::Ready>(d.clone()).err(),
        _ => None,
    };
    Err(match why {
        Some(why) => format!("fake Discord: serenity would drop this {t}: {why}\n{d:#}"),
        None => format!("fake Discord: serenity does not know this {t}\n{d:#}"),
    })
}

/// Refuses what Discord refuses in a message body: more than 2000 characters, nothing
/// at all to show, a component `custom_id` over 100 characters.
fn check_message_body(body: &Value, has_files: bool, editing: bool) -> Result<(), Reply> {
    let content = body["content"].as_str().unwrap_or_default();
    if content.chars().count() > MAX_CONTENT {
        return Err(Reply::invalid_form(
            "content",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2000 or fewer in length.",
        ));
    }
    let non_empty = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    let has_body = !content.is_empty()
        || has_files
        || ["embeds", "components", "sticker_ids", "attachments"]
            .iter()
            .any(|key| non_empty(key))
        || body.get("poll").is_some_and(|p| !p.is_null());
    if !editing && !has_body {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            50006,
            "Cannot send an empty message",
        ));
    }
    check_custom_ids(&body["components"])
}

fn check_custom_ids(components: &Value) -> Result<(), Reply> {
    for component in components.as_array().into_iter().flatten() {
        if let Some(id) = component["custom_id"].as_str()
            && (id.is_empty() || id.chars().count() > MAX_CUSTOM_ID)
        {
            return Err(Reply::invalid_form(
                "components",
                "BASE_TYPE_BAD_LENGTH",
                "custom_id: Must be between 1 and 100 in length.",
            ));
        }
        check_custom_ids(&component["components"])?;
    }
    Ok(())
}

/// A modal needs a custom id, a title and 1 to 5 rows of text inputs.
fn check_modal(data: &Value) -> Result<(), Reply> {
    let title = data["title"].as_str().unwrap_or_default();
    if title.is_empty() || title.chars().count() > 45 {
        return Err(Reply::invalid_form(
            "data.title",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 45 in length.",
        ));
    }
    let rows = data["components"].as_array().map_or(0, Vec::len);
    if rows == 0 || rows > 5 {
        return Err(Reply::invalid_form(
            "data.components",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 5 in length.",
        ));
    }
    check_custom_ids(&data["components"])?;
    match data["custom_id"].as_str() {
        Some(id) if !id.is_empty() && id.chars().count() <= MAX_CUSTOM_ID => Ok(()),
        _ => Err(Reply::invalid_form(
            "data.custom_id",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        )),
    }
}

/// Discord's rules for chat-input commands and their options: lower-case names of 1 to
/// 32 characters without spaces, descriptions of 1 to 100, localizations keyed by
/// locales Discord knows (`fr`, `en-US`, not `en`).
fn check_command(command: &Value) -> Result<(), Reply> {
    let slash = command["type"].as_u64().unwrap_or(1) == 1;
    let name = command["name"].as_str().unwrap_or_default();
    let name_ok = !name.is_empty()
        && name.chars().count() <= 32
        && (!slash
            || name
                .chars()
                .all(|c| c == '-' || c == '_' || (c.is_alphanumeric() && !c.is_uppercase())));
    if !name_ok {
        return Err(Reply::invalid_form(
            "name",
            "APPLICATION_COMMAND_INVALID_NAME",
            &format!("Command name is invalid: {name:?}"),
        ));
    }
    if slash {
        let description = command["description"].as_str().unwrap_or_default();
        if description.is_empty() || description.chars().count() > 100 {
            return Err(Reply::invalid_form(
                "description",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            ));
        }
    }
    for key in ["name_localizations", "description_localizations"] {
        for locale in command[key].as_object().into_iter().flat_map(|m| m.keys()) {
            if !LOCALES.contains(&locale.as_str()) {
                return Err(Reply::invalid_form(
                    key,
                    "LOCALE_INVALID",
                    &format!("Invalid locale {locale:?}"),
                ));
            }
        }
    }
    let options = command["options"].as_array().map_or(&[][..], Vec::as_slice);
    if options.len() > 25 {
        return Err(Reply::invalid_form(
            "options",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        ));
    }
    for option in options {
        let mut option = option.clone();
        // Options follow the chat-input rules whatever the command type.
        option["type"] = json!(1);
        check_command(&option)?;
    }
    Ok(())
}

fn is_thread_kind(kind: &Value) -> bool {
    matches!(kind.as_u64(), Some(10..=12))
}

/// An id given as a string or a number.
fn id_field(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn user_json(user: &FakeUser) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "discriminator": "0",
        "global_name": user.username,
        "avatar": null,
        "public_flags": 0,
        "flags": 0,
    })
}

fn bot_user() -> Value {
    json!({
        "id": BOT_ID,
        "username": BOT_NAME,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "verified": true,
        "mfa_enabled": false,
        "public_flags": 0,
        "flags": 0,
    })
}

fn application() -> Value {
    json!({
        "id": APP_ID,
        "name": "Guichet",
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "flags": 0,
        "team": null,
        "owner": {
            "id": "1300000000000000009",
            "username": "owner",
            "discriminator": "0",
            "global_name": "Owner",
            "avatar": null,
            "public_flags": 0,
            "flags": 0,
        },
        "bot": bot_user(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "integration_types_config": { "0": {} },
    })
}

fn text_channel(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "type": 0,
        "guild_id": GUILD_ID,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

/// What a guild channel's partial object in an interaction carries besides the basics.
fn partial_guild_fields(channel: &mut Value) {
    channel["guild_id"] = json!(GUILD_ID);
    channel["permissions"] = json!(MEMBER_PERMISSIONS);
}

/// Embeds as Discord returns them: `type` is `rich` unless given.
fn rich_embeds(embeds: &Value) -> Vec<Value> {
    embeds
        .as_array()
        .into_iter()
        .flatten()
        .map(|embed| {
            let mut embed = embed.clone();
            if embed.get("type").is_none_or(Value::is_null) {
                embed["type"] = json!("rich");
            }
            embed
        })
        .collect()
}

fn cdn_url(port: u16, channel_id: &str, attachment_id: &str, filename: &str) -> String {
    format!("http://127.0.0.1:{port}/cdn/attachments/{channel_id}/{attachment_id}/{filename}")
}

/// Discord keeps file names URL-safe: anything but letters, digits, `.`, `-` and `_`
/// becomes `_`.
fn url_safe(filename: &str) -> String {
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "unknown".to_owned()
    } else {
        safe
    }
}

fn guess_content_type(filename: &str) -> &'static str {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        Some("mp4") => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// The fake's time `tick` seconds after 2025-01-01T12:00:00Z, in Discord's format. A
/// test would need millions of objects to leave January.
fn timestamp_at(tick: u64) -> String {
    let seconds = 12 * 3600 + tick;
    let day = 1 + seconds / 86_400;
    let hour = seconds % 86_400 / 3600;
    let minute = seconds % 3600 / 60;
    let second = seconds % 60;
    format!("2025-01-{day:02}T{hour:02}:{minute:02}:{second:02}.000000+00:00")
}
