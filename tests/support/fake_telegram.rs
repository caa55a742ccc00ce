//! A local Telegram Bot API server: answers what the adapter calls as the real one
//! documents it, records every request, and fails on demand (429 with
//! `retry_after`, 500). Listens on 127.0.0.1 and stops when dropped.
//!
//! `getUpdates` follows https://core.telegram.org/bots/api#getupdates:
//! - "An update is considered confirmed as soon as getUpdates is called with an
//!   offset higher than its update_id": such updates are forgotten for good;
//! - without `offset`, "updates starting with the earliest unconfirmed update are
//!   returned"; `limit` is 1–100, "Defaults to 100";
//! - `timeout` is the long-polling wait in seconds, "Defaults to 0, i.e. usual
//!   short polling".
//!
//! Only one `getUpdates` may run per bot: when a second one comes, the earlier is
//! answered 409 `Conflict: terminated by other getUpdates request; make sure that
//! only one bot instance is running` (the text teloxide knows as
//! `ApiError::TerminatedByOtherGetUpdates`; that the earlier request is the one
//! ended is what the wording says, the documentation does not).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::oneshot;

#[path = "fake_telegram_chats.rs"]
pub mod chats;
use chats::Group;

/// The bot's user id, as `getMe` tells it.
const BOT_ID: i64 = 42;

/// One request the adapter made: the method (lower case) and its JSON body.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    /// When it arrived, to check the sending limits.
    pub at: std::time::Instant,
}

#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// 429 Too Many Requests, retry after this many seconds.
    TooMany(u32),
    /// 500 Internal Server Error.
    Broken,
}

/// One `getUpdates` as it arrived.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    /// The `offset` asked (`None`: from the earliest unconfirmed update).
    pub offset: Option<i64>,
    pub at: Instant,
}

#[derive(Default)]
struct Fake {
    calls: Vec<Call>,
    failures: VecDeque<Failure>,
    next_id: i64,
    /// Updates not confirmed yet, with their ids, oldest first.
    updates: Vec<(i64, Value)>,
    next_update: i64,
    /// How many times each update was handed out.
    deliveries: HashMap<i64, u32>,
    polls: Vec<Poll>,
    /// The latest `getUpdates` of each bot (by token): an earlier one still waiting
    /// is ended with 409.
    latest_poll: HashMap<String, u64>,
    conflicts: usize,
    /// Groups set up otherwise than a forum whose administrator bot manages topics.
    groups: HashMap<i64, Group>,
    /// Users who never opened a private chat with the bot (`/start`).
    never_started: std::collections::HashSet<i64>,
}

/// The state, and a signal for long polls waiting on it.
struct Shared {
    fake: Mutex<Fake>,
    /// Rung when an update is queued or a `getUpdates` arrives.
    changed: tokio::sync::Notify,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Fake> {
        self.fake.lock().unwrap()
    }
}

pub struct FakeTelegram {
    port: u16,
    state: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let state = Arc::new(Shared {
            fake: Mutex::new(Fake {
                next_id: 100,
                ..Fake::default()
            }),
            changed: tokio::sync::Notify::new(),
        });
        let app = Router::new()
            .route("/{bot}/{method}", axum::routing::post(method))
            .route("/file/{bot}/{*path}", axum::routing::get(file))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        FakeTelegram {
            port,
            state,
            _stop: stop,
        }
    }

    /// What to give teloxide as the Bot API's address.
    pub fn url(&self) -> url::Url {
        format!("http://127.0.0.1:{}/", self.port).parse().unwrap()
    }

    pub fn fail_next(&self, n: usize, failure: Failure) {
        self.state
            .lock()
            .failures
            .extend(std::iter::repeat_n(failure, n));
    }

    /// How Telegram knows the group `chat` from now on.
    pub fn set_group(&self, chat: i64, group: Group) {
        self.state.lock().groups.insert(chat, group);
    }

    /// The user never opened a private chat with the bot: Telegram refuses to
    /// write to them (403).
    pub fn never_started(&self, user: i64) {
        self.state.lock().never_started.insert(user);
    }

    /// Queues an update for `getUpdates` (the `update_id` is added).
    pub fn push_update(&self, update: Value) {
        {
            let mut fake = self.state.lock();
            fake.next_update += 1;
            let id = fake.next_update;
            fake.updates.push((id, update));
        }
        self.state.changed.notify_waiters();
    }

    /// Updates Telegram would still hand out: not confirmed by a later offset.
    pub fn unconfirmed(&self) -> usize {
        self.state.lock().updates.len()
    }

    /// Updates handed out at least once and not confirmed yet: in the bot's hands.
    pub fn in_flight(&self) -> usize {
        let fake = self.state.lock();
        fake.updates
            .iter()
            .filter(|(id, _)| fake.deliveries.contains_key(id))
            .count()
    }

    /// Updates handed out more than once (after a crash, or a failed batch).
    pub fn redelivered(&self) -> usize {
        self.state
            .lock()
            .deliveries
            .values()
            .filter(|n| **n > 1)
            .count()
    }

    /// Every `getUpdates`, in order.
    pub fn polls(&self) -> Vec<Poll> {
        self.state.lock().polls.clone()
    }

    /// How many `getUpdates` were ended by a later one (409).
    pub fn conflicts(&self) -> usize {
        self.state.lock().conflicts
    }

    /// Every successful call, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().calls.clone()
    }

    /// The successful calls of one method (any case: `sendMessage`).
    pub fn calls_to(&self, method: &str) -> Vec<Value> {
        let method = method.to_lowercase();
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .map(|c| c.body)
            .collect()
    }
}

async fn method(
    State(state): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    assert!(bot.starts_with("bot"), "unexpected path /{bot}/{method}");
    let method = method.to_lowercase();
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| json!({ "multipart": String::from_utf8_lossy(&body) }));
    if method == "getupdates" {
        return updates(&state, &bot, &body).await;
    }
    let mut fake = state.lock();
    if let Some(failure) = fake.failures.pop_front() {
        return match failure {
            Failure::TooMany(secs) => (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({
                    "ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {secs}"),
                    "parameters": { "retry_after": secs }
                })),
            )
                .into_response(),
            Failure::Broken => (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(json!({ "ok": false, "error_code": 500, "description": "Internal Server Error" })),
            )
                .into_response(),
        };
    }
    match fake.in_chat(&method, &body) {
        Some(Err(refused)) => {
            let status = StatusCode::from_u16(refused.code).unwrap();
            return (
                status,
                axum::Json(json!({
                    "ok": false, "error_code": refused.code, "description": refused.description
                })),
            )
                .into_response();
        }
        Some(Ok(result)) => {
            fake.calls.push(Call {
                method,
                body,
                at: std::time::Instant::now(),
            });
            return axum::Json(json!({ "ok": true, "result": result })).into_response();
        }
        None => {}
    }
    fake.next_id += 1;
    let id = fake.next_id;
    let result = match method.as_str() {
        "getme" => json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Guichet", "username": "guichet_bot",
            "can_join_groups": true, "can_read_all_group_messages": true,
            "supports_inline_queries": false, "has_main_web_app": false
        }),
        "sendmessage" | "editmessagetext" | "senddocument" | "sendphoto" => message(id, &body),
        "createforumtopic" => json!({
            "message_thread_id": id, "name": body["name"], "icon_color": 7322096
        }),
        "getfile" => json!({
            "file_id": body["file_id"], "file_unique_id": "u", "file_size": 11,
            "file_path": format!("photos/{}.jpg", body["file_id"].as_str().unwrap_or("x"))
        }),
        "getwebhookinfo" => json!({
            "url": "", "has_custom_certificate": false, "pending_update_count": 0
        }),
        "editforumtopic"
        | "closeforumtopic"
        | "reopenforumtopic"
        | "answercallbackquery"
        | "setmycommands"
        | "setwebhook"
        | "deletewebhook" => json!(true),
        _ => {
            return axum::Json(json!({
                "ok": false, "error_code": 404, "description": "Not Found: method not found"
            }))
            .into_response();
        }
    };
    fake.calls.push(Call {
        method,
        body,
        at: std::time::Instant::now(),
    });
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

/// A file's bytes, as the Bot API serves them for downloads.
async fn file(Path((_bot, path)): Path<(String, String)>) -> Vec<u8> {
    format!("bytes of {path}").into_bytes()
}

/// `getUpdates`: confirms what lies below `offset`, then answers with up to `limit`
/// updates from there, waiting up to `timeout` seconds for one to come; 409 when a
/// later `getUpdates` of the same bot arrives meanwhile.
async fn updates(state: &Shared, bot: &str, body: &Value) -> Response {
    let offset = body["offset"].as_i64();
    let limit = body["limit"]
        .as_u64()
        .map_or(100, |l| usize::try_from(l.clamp(1, 100)).unwrap());
    let deadline = Instant::now() + Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let me = {
        let mut fake = state.lock();
        fake.polls.push(Poll {
            offset,
            at: Instant::now(),
        });
        if let Some(offset) = offset.filter(|o| *o > 0) {
            fake.updates.retain(|(id, _)| *id >= offset);
        }
        let latest = fake.latest_poll.entry(bot.to_owned()).or_default();
        *latest += 1;
        *latest
    };
    // An earlier poll of this bot, still waiting, is ended now.
    state.changed.notify_waiters();
    loop {
        let changed = state.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        {
            let mut fake = state.lock();
            if fake.latest_poll.get(bot) != Some(&me) {
                fake.conflicts += 1;
                return (
                    StatusCode::CONFLICT,
                    axum::Json(json!({
                        "ok": false, "error_code": 409,
                        "description": "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                    })),
                )
                    .into_response();
            }
            let due: Vec<(i64, String)> = fake
                .updates
                .iter()
                .filter(|(id, _)| offset.is_none_or(|o| o <= 0 || *id >= o))
                .take(limit)
                .map(|(id, update)| {
                    // Telegram writes `update_id` first, and teloxide reads it so.
                    let inner = update.to_string();
                    (*id, format!("{{\"update_id\":{id},{}", &inner[1..]))
                })
                .collect();
            if !due.is_empty() || Instant::now() >= deadline {
                for (id, _) in &due {
                    *fake.deliveries.entry(*id).or_default() += 1;
                }
                let due: Vec<String> = due.into_iter().map(|(_, u)| u).collect();
                let body = format!("{{\"ok\":true,\"result\":[{}]}}", due.join(","));
                return (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response();
            }
        }
        tokio::select! {
            () = changed => {}
            () = tokio::time::sleep_until(deadline.into()) => {}
        }
    }
}

/// A message as the Bot API returns it for what was sent.
fn message(id: i64, sent: &Value) -> Value {
    let chat_id = match &sent["chat_id"] {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => s.parse().unwrap_or(0),
        _ => 0,
    };
    let chat = if chat_id < 0 {
        json!({ "id": chat_id, "type": "supergroup", "title": "Support", "is_forum": true })
    } else {
        json!({ "id": chat_id, "type": "private", "first_name": "Employé" })
    };
    let message_id = sent["message_id"].as_i64().unwrap_or(id);
    let mut message = json!({
        "message_id": message_id,
        "date": 1_739_520_000,
        "chat": chat,
        "from": { "id": 42, "is_bot": true, "first_name": "Guichet" },
        "text": sent["text"].as_str().unwrap_or("document"),
    });
    if let Some(thread) = sent["message_thread_id"].as_i64() {
        message["message_thread_id"] = json!(thread);
        message["is_topic_message"] = json!(true);
    }
    message
}
