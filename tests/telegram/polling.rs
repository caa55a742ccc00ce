//! Long polling acknowledges only what the helpdesk stored: Telegram forgets an
//! update once `getUpdates` is called with a higher offset, so that offset waits
//! for the handler.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use guichet_chat::{BoxFuture, Connected, HandleError, Inbound, InboundSink};
use support::fake_telegram::Poll;

use super::*;

/// What the scripted helpdesk does with an event.
#[derive(Clone, Copy)]
enum Answer {
    /// Takes it after a while.
    Slow(Duration),
    /// Fails `n` times with a passing error, then takes it.
    FailsFirst(u32),
    /// Refuses it for good.
    Refuses,
}

/// A helpdesk that answers as scripted and remembers when each event was taken.
#[derive(Default)]
struct Scripted {
    script: HashMap<String, Answer>,
    state: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    attempts: HashMap<String, u32>,
    /// Events taken (or refused for good), in order, with when `handle` returned.
    done: Vec<(String, Instant)>,
    /// Events being handled now, per chat: never more than one.
    busy: HashMap<String, u32>,
    overlapped_in_a_chat: bool,
    most_at_once: usize,
}

impl Scripted {
    fn new(script: impl IntoIterator<Item = (String, Answer)>) -> Arc<Scripted> {
        Arc::new(Scripted {
            script: script.into_iter().collect(),
            state: Mutex::default(),
        })
    }

    fn done(&self) -> Vec<(String, Instant)> {
        self.state.lock().unwrap().done.clone()
    }

    fn attempts(&self, event: &str) -> u32 {
        self.state
            .lock()
            .unwrap()
            .attempts
            .get(event)
            .copied()
            .unwrap_or(0)
    }
}

fn chat_of(event_id: &str) -> String {
    event_id.split(':').next().unwrap_or_default().to_owned()
}

impl InboundSink for Scripted {
    fn handle(&self, event: Inbound) -> BoxFuture<'_, Result<(), HandleError>> {
        Box::pin(async move {
            let id = event.event_id.clone();
            let attempt = {
                let mut seen = self.state.lock().unwrap();
                let busy = seen.busy.entry(chat_of(&id)).or_default();
                *busy += 1;
                let overlapped = *busy > 1;
                seen.overlapped_in_a_chat |= overlapped;
                let at_once = seen.busy.values().filter(|n| **n > 0).count();
                seen.most_at_once = seen.most_at_once.max(at_once);
                let attempts = seen.attempts.entry(id.clone()).or_default();
                *attempts += 1;
                *attempts
            };
            let outcome = match self.script.get(&id) {
                Some(Answer::Slow(delay)) => {
                    tokio::time::sleep(*delay).await;
                    Ok(())
                }
                Some(Answer::FailsFirst(n)) if attempt <= *n => Err(HandleError {
                    retryable: true,
                    reason: "the database is failing over".into(),
                }),
                Some(Answer::Refuses) => Err(HandleError {
                    retryable: false,
                    reason: "not for the helpdesk".into(),
                }),
                _ => Ok(()),
            };
            let mut seen = self.state.lock().unwrap();
            *seen.busy.get_mut(&chat_of(&id)).unwrap() -= 1;
            if outcome.as_ref().map_or_else(|e| !e.retryable, |()| true) {
                seen.done.push((id, Instant::now()));
            }
            outcome
        })
    }
}

/// A private message update from `chat` (also its author), as Telegram sends it.
fn private(chat: i64, message_id: i64, text: &str) -> Value {
    json!({ "message": {
        "message_id": message_id, "date": 1_739_520_000,
        "chat": { "id": chat, "type": "private", "first_name": "Employé" },
        "from": { "id": chat, "is_bot": false, "first_name": "Employé", "language_code": "fr" },
        "text": text
    }})
}

/// The adapter polling `api` for `sink` until the returned sender says stop.
fn start_polling(
    api: &FakeTelegram,
    sink: Arc<Scripted>,
) -> (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
    Connected,
) {
    let bot = guichet_telegram::bot("123:TEST", Some(api.url()));
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let connected = Connected::default();
    let polling = tokio::spawn(guichet_telegram::run_polling(
        bot,
        sink,
        connected.clone(),
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        },
    ));
    (stop, polling, connected)
}

async fn until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every `getUpdates` confirmed only updates whose handling had returned: for each
/// poll with offset `o`, the events of updates `1..o` were done before it left.
fn assert_no_early_confirmation(polls: &[Poll], done: &[(String, Instant)], keys: &[String]) {
    let done: HashMap<&str, Instant> = done.iter().map(|(k, at)| (k.as_str(), *at)).collect();
    for poll in polls {
        let Some(offset) = poll.offset else { continue };
        for (i, key) in keys.iter().enumerate() {
            let id = i64::try_from(i).unwrap() + 1;
            if id >= offset {
                break;
            }
            let finished = done
                .get(key.as_str())
                .unwrap_or_else(|| panic!("offset {offset} confirmed {key}, never handled"));
            assert!(
                *finished < poll.at,
                "offset {offset} confirmed {key} before its handling returned"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_handling_holds_the_offset_back() {
    // The incident: 24 messages in one batch, handling that takes its time.
    let api = FakeTelegram::start().await;
    let mut keys = Vec::new();
    let mut script = Vec::new();
    for n in 0..24 {
        let chat = 2001 + n % 3;
        let message = 1 + n / 3;
        api.push_update(private(chat, message, &format!("message {message}")));
        let key = format!("m{chat}:{message}");
        script.push((key.clone(), Answer::Slow(Duration::from_millis(40))));
        keys.push(key);
    }
    let sink = Scripted::new(script);
    let (stop, polling, connected) = start_polling(&api, sink.clone());

    until("every update confirmed", || api.unconfirmed() == 0).await;
    assert!(connected.get(), "polls succeed: Telegram is connected");
    let done = sink.done();
    assert_eq!(done.len(), 24, "each update handled once");
    assert_no_early_confirmation(&api.polls(), &done, &keys);
    assert!(
        api.polls().iter().any(|p| p.offset == Some(25)),
        "{:?}",
        api.polls()
    );
    // Each chat's messages in order, one at a time; chats side by side.
    for chat in 2001..2004 {
        let order: Vec<&str> = done
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| k.starts_with(&format!("m{chat}:")))
            .collect();
        let expected: Vec<String> = (1..=8).map(|m| format!("m{chat}:{m}")).collect();
        assert_eq!(order, expected);
    }
    let (overlapped, most_at_once) = {
        let seen = sink.state.lock().unwrap();
        (seen.overlapped_in_a_chat, seen.most_at_once)
    };
    assert!(!overlapped, "one update of a chat at a time");
    assert!(
        most_at_once > 1,
        "the three chats were handled side by side"
    );
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(15), polling)
        .await
        .expect("polling stops on request")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passing_failure_is_retried_and_the_offset_waits() {
    let api = FakeTelegram::start().await;
    api.push_update(private(2001, 1, "the database blinks"));
    api.push_update(private(2002, 1, "another chat"));
    let keys = vec!["m2001:1".to_owned(), "m2002:1".to_owned()];
    let sink = Scripted::new([("m2001:1".to_owned(), Answer::FailsFirst(2))]);
    let (_stop, _polling, _) = start_polling(&api, sink.clone());

    until("every update confirmed", || api.unconfirmed() == 0).await;
    assert_eq!(sink.attempts("m2001:1"), 3, "two failures, then taken");
    assert_eq!(sink.attempts("m2002:1"), 1);
    let polls = api.polls();
    assert_no_early_confirmation(&polls, &sink.done(), &keys);
    assert_eq!(
        polls.iter().filter(|p| p.offset.is_some()).count(),
        1,
        "no offset moved while the first update was retried: {polls:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_update_is_acknowledged_and_its_chat_goes_on() {
    let api = FakeTelegram::start().await;
    api.push_update(private(2001, 1, "refused"));
    api.push_update(private(2001, 2, "the next one"));
    // A button press the helpdesk cannot place (no data) is still answered.
    api.push_update(json!({ "callback_query": {
        "id": "cb-lost", "chat_instance": "1",
        "from": { "id": 2001, "is_bot": false, "first_name": "Employé" }
    }}));
    let sink = Scripted::new([("m2001:1".to_owned(), Answer::Refuses)]);
    let (_stop, _polling, _) = start_polling(&api, sink.clone());

    until("every update confirmed", || api.unconfirmed() == 0).await;
    assert_eq!(sink.attempts("m2001:1"), 1, "a refusal is not retried");
    let done: Vec<String> = sink.done().into_iter().map(|(k, _)| k).collect();
    assert_eq!(done, ["m2001:1", "m2001:2"]);
    let answered = api.calls_to("answerCallbackQuery");
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0]["callback_query_id"], "cb-lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_the_updates_in_hand_and_confirms_only_them() {
    let api = FakeTelegram::start().await;
    let mut script = Vec::new();
    for message in 1..=5 {
        api.push_update(private(2001, message, "slow"));
        script.push((
            format!("m2001:{message}"),
            Answer::Slow(Duration::from_millis(300)),
        ));
    }
    let sink = Scripted::new(script);
    let (stop, polling, _) = start_polling(&api, sink.clone());
    until("the first update handled", || !sink.done().is_empty()).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(15), polling)
        .await
        .expect("polling stops within its grace period")
        .unwrap();

    let done = sink.done();
    assert!(done.len() < 5, "what was not started waits: {done:?}");
    // The last poll confirmed exactly what was handled; the rest come again.
    let last = api.polls().last().unwrap().offset;
    assert_eq!(last, Some(i64::try_from(done.len()).unwrap() + 1));
    assert_eq!(api.unconfirmed(), 5 - done.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pollers_of_one_bot_back_off_instead_of_fighting() {
    let api = FakeTelegram::start().await;
    let (_stop_a, _a, _) = start_polling(&api, Scripted::new([]));
    let (_stop_b, _b, _) = start_polling(&api, Scripted::new([]));
    tokio::time::sleep(Duration::from_secs(4)).await;
    let polls = api.polls().len();
    assert!(
        api.conflicts() > 0,
        "the fake ends the earlier poll with 409"
    );
    // Without pauses each poll would end the other's at once, thousands a second.
    assert!(polls < 20, "{polls} polls in 4 s");
    // Updates still arrive, through whichever poller holds the line.
    api.push_update(private(2001, 1, "still heard"));
    until("the update confirmed", || api.unconfirmed() == 0).await;
}
