//! A local Discord for end-to-end tests that run the real serenity client: the REST
//! API under `/api/v10`, a CDN for attachments, and a gateway websocket on a port of
//! its own. It answers with objects shaped like Discord's, records every request
//! (with when it came), fails on demand (429 with `retry_after`, 500; for message
//! creates also "stored, then the connection cut"), and checks what it receives the
//! way Discord does where a bug would otherwise only show in production (2000
//! characters, empty messages, double acknowledgements, command names and locales).
//! Like Discord it returns the first message for a create repeating an enforced
//! `nonce`, and sets `mention_everyone` only when `allowed_mentions` lets it.
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

mod channels;
mod events;
mod gateway;
mod interactions;
mod messages;
mod payloads;
pub mod permissions;
mod reply;
mod rest;
mod state;
mod validation;

use gateway::*;
use payloads::*;
use reply::*;
use rest::*;
use state::*;
use validation::*;

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
const MAX_NONCE: usize = 25;
/// How long an enforced nonce is remembered. Discord says "a few minutes".
const NONCE_WINDOW: Duration = Duration::from_secs(3 * 60);
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

/// How the fake answers the bot's next message creates in one channel
/// ([`FakeDiscord::fail_message_creates`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MessageFault {
    /// 429 with Discord's body and headers, the message not created.
    TooMany { retry_after_secs: f64 },
    /// The message is created (and stored, its nonce remembered), then the connection
    /// is cut before any answer: the bot cannot know it went.
    StoredThenCut,
}

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// When the request arrived.
    pub at: Instant,
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
    /// Set when the answer was a failure queued by [`FakeDiscord::fail_next`], or a
    /// 429 queued by [`FakeDiscord::fail_message_creates`].
    pub injected: Option<Failure>,
    /// The request was carried out but its connection cut instead of an answer
    /// ([`MessageFault::StoredThenCut`]); `status` is what it would have answered.
    pub cut: bool,
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

    /// The next REST request is answered with `failure` (queue: call again for more).
    pub fn fail_next(&self, failure: Failure) {
        self.shared.lock().failures.push_back(failure);
    }

    /// The bot's next `times` message creates (`POST /channels/{id}/messages`) in
    /// `channel_id` meet `fault`; other requests are answered as usual. Queued after
    /// any faults already waiting for that channel.
    pub fn fail_message_creates(&self, channel_id: &str, times: usize, fault: MessageFault) {
        let mut fake = self.shared.lock();
        for _ in 0..times {
            fake.message_faults
                .push_back((channel_id.to_owned(), fault));
        }
    }

    /// The `allowed_mentions` the bot sent when it created (or last edited) a
    /// message; `Null` when it sent none (Discord then parses every mention).
    pub fn allowed_mentions_of(&self, message_id: &str) -> Value {
        self.shared
            .lock()
            .allowed_mentions
            .get(message_id)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The bot's message creates in a channel (`POST /channels/{id}/messages`), in
    /// order, failed and cut ones included.
    pub fn message_creates(&self, channel_id: &str) -> Vec<Call> {
        self.calls_to("POST", &format!("/channels/{channel_id}/messages"))
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

    /// Takes *Create Private Threads* in `channel` from the bot (`false`), or gives
    /// it back (`true`).
    pub fn allow_private_threads(&self, channel: &str, allowed: bool) {
        let mut fake = self.shared.lock();
        if allowed {
            fake.no_private_threads.remove(channel);
        } else {
            fake.no_private_threads.insert(channel.to_owned());
        }
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
