//! Delivery you can trust on Discord: relayed text pings nobody, a message Discord
//! stored but never confirmed is not posted twice, a 429 is waited out as long as
//! Discord asked, without counting as a failed attempt, and a thread refused for a
//! missing right opens once it is restored, its messages in order.

use super::*;
use guichet::clock::{Clock, ManualClock};
use serde_json::json;
use support::fake_discord::{Call, MessageFault};

/// Moves the helpdesk's clock with real time, so that the outbox's waits (which
/// read that clock) last as long as Discord asked. Stops when dropped.
struct RealTime(tokio::task::JoinHandle<()>);

impl RealTime {
    fn start(clock: Arc<ManualClock>) -> RealTime {
        let base = clock.now();
        let started = std::time::Instant::now();
        RealTime(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let elapsed = chrono::TimeDelta::from_std(started.elapsed()).unwrap();
                clock.set(base + elapsed);
            }
        }))
    }
}

impl Drop for RealTime {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The employee's messages relayed to the thread, with `part` in their text.
fn copies(live: &Live, thread: &str, part: &str) -> Vec<Value> {
    live.fake
        .messages_in(thread)
        .into_iter()
        .filter(|m| m["content"].as_str().is_some_and(|t| t.contains(part)))
        .collect()
}

/// The bot's creates in the thread whose text has `part`, in order.
fn creates_with(live: &Live, thread: &str, part: &str) -> Vec<Call> {
    live.fake
        .message_creates(thread)
        .into_iter()
        .filter(|c| c.body["content"].as_str().is_some_and(|t| t.contains(part)))
        .collect()
}

/// The outbox row whose payload has `part`, once it is no longer pending:
/// (attempts, status). Panics after 20 s.
async fn delivered(live: &Live, part: &str) -> (i64, String) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut conn = live.c.d.store.pool().acquire().await.unwrap();
        let row: (i64, String) =
            sqlx::query_as("SELECT attempts, status FROM outbox WHERE payload LIKE $1")
                .bind(format!("%{part}%"))
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        if row.1 != "pending" {
            return row;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the row with {part:?} is still pending: {row:?}"
        );
        drop(conn);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A ticket opened by Amel, its thread ready with the card and her first message:
/// what follows is a later message of hers, relayed by one `PostInThread`.
async fn opened(live: &Live) -> String {
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    let thread = live.thread().await;
    // The card carries the request: the thread does not repeat it.
    let card = live.card(&thread).await;
    assert!(
        card["embeds"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("l'écran reste noir")),
        "{card:#}"
    );
    live.dm_with(&live.amel, FIRST).await;
    thread
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employees_everyone_reaches_the_thread_without_pinging_anyone() {
    let live = Live::start().await;
    let thread = opened(&live).await;

    live.fake.dm(&live.amel, "@everyone aidez-moi", Vec::new());
    let relayed = live
        .fake
        .wait_until("the relayed @everyone", |f| {
            f.messages_in(&thread).into_iter().find(|m| {
                m["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("@everyone aidez-moi"))
            })
        })
        .await;

    let id = relayed["id"].as_str().unwrap();
    let allowed = live.fake.allowed_mentions_of(id);
    assert_eq!(allowed["parse"], json!([]), "{allowed:#}");
    assert_eq!(allowed["roles"], json!([]), "{allowed:#}");
    assert_eq!(allowed["users"], json!([]), "{allowed:#}");
    assert_eq!(relayed["mention_everyone"], false, "{relayed:#}");
    // Every other message the bot wrote carried the same rule.
    for create in live.fake.calls().iter().filter(|c| {
        c.method == "POST" && c.path.starts_with("/channels/") && c.path.ends_with("/messages")
    }) {
        assert_eq!(
            create.body["allowed_mentions"]["parse"],
            json!([]),
            "{} {}",
            create.path,
            create.body
        );
    }
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_post_stored_by_discord_but_never_confirmed_is_not_posted_twice() {
    let live = Live::start().await;
    let _time = RealTime::start(live.c.d.clock.clone());
    let thread = opened(&live).await;

    live.fake
        .fail_message_creates(&thread, 1, MessageFault::StoredThenCut);
    live.fake
        .dm(&live.amel, "Toujours noir après redémarrage", Vec::new());
    let creates = live
        .fake
        .wait_until("the post sent again after the cut", |_| {
            let creates = creates_with(&live, &thread, "Toujours noir");
            (creates.len() >= 2).then_some(creates)
        })
        .await;

    assert!(creates[0].cut, "the first create was cut: {:?}", creates[0]);
    assert!(
        !creates[1].cut && creates[1].status == 200,
        "{:?}",
        creates[1]
    );
    let nonce = &creates[0].body["nonce"];
    assert!(
        nonce
            .as_str()
            .is_some_and(|n| !n.is_empty() && n.len() <= 25),
        "{nonce}"
    );
    assert_eq!(
        &creates[1].body["nonce"], nonce,
        "the same nonce both times"
    );
    for create in &creates {
        assert_eq!(create.body["enforce_nonce"], true, "{}", create.body);
    }
    let (attempts, status) = delivered(&live, "Toujours noir").await;
    assert_eq!(status, "delivered");
    assert_eq!(attempts, 1, "the cut counted as one failed attempt");
    assert_eq!(
        copies(&live, &thread, "Toujours noir").len(),
        1,
        "one copy in the thread:\n{}",
        live.fake.report()
    );
    assert_eq!(
        creates_with(&live, &thread, "Toujours noir").len(),
        2,
        "no third create"
    );
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_a_thread_post_is_waited_out_as_asked_and_costs_no_attempt() {
    let live = Live::start().await;
    let _time = RealTime::start(live.c.d.clock.clone());
    let thread = opened(&live).await;

    live.fake.fail_message_creates(
        &thread,
        1,
        MessageFault::TooMany {
            retry_after_secs: 6.0,
        },
    );
    live.fake
        .dm(&live.amel, "Le voyant clignote en orange", Vec::new());
    let creates = live
        .fake
        .wait_until("the post after the 429", |_| {
            let creates = creates_with(&live, &thread, "voyant clignote");
            (creates.len() >= 2).then_some(creates)
        })
        .await;

    assert_eq!(creates[0].status, 429);
    assert_eq!(creates[1].status, 200);
    let waited = creates[1].at - creates[0].at;
    assert!(
        waited >= Duration::from_secs(6) && waited < Duration::from_secs(7),
        "the next attempt came {waited:?} after the 429 (asked: 6 s)"
    );
    assert_eq!(copies(&live, &thread, "voyant clignote").len(), 1);

    let (attempts, status) = delivered(&live, "voyant clignote").await;
    assert_eq!(status, "delivered");
    assert_eq!(
        attempts, 0,
        "a 429 with its retry_after is not a failed attempt"
    );
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_refused_for_a_missing_right_opens_once_restored_with_its_messages_in_order() {
    let live = Live::start().await;
    let _time = RealTime::start(live.c.d.clock.clone());
    // The bot lacks "Create Private Threads" in IT's channel.
    live.fake.allow_private_threads(&live.it, false);
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    live.dm_with(&live.amel, FIRST).await;
    let refused = live
        .fake
        .wait_until("a refused thread creation", |f| {
            f.calls()
                .into_iter()
                .find(|c| c.method == "POST" && c.path.ends_with("/threads"))
        })
        .await;
    assert_eq!(refused.path, format!("/channels/{}/threads", live.it));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(live.fake.threads_of(&live.it).is_empty());
    // An administrator gives the right back; Amel writes twice more.
    live.fake.allow_private_threads(&live.it, true);
    // (One after the other: serenity may take two messages of one instant in
    // either order.)
    let stored = live.stored_messages().await;
    live.fake
        .dm(&live.amel, "Toujours rien à l'écran.", Vec::new());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while live.stored_messages().await == stored {
        assert!(
            std::time::Instant::now() < deadline,
            "the message is never stored"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    live.fake
        .dm(&live.amel, "Et le voyant clignote.", Vec::new());
    let thread = live.thread().await;
    live.card(&thread).await;
    let relayed = live
        .fake
        .wait_until("both later messages in the thread", |f| {
            let texts = texts(&f.messages_in(&thread));
            let later: Vec<String> = texts
                .into_iter()
                .filter(|t| t.contains("Toujours rien") || t.contains("voyant clignote"))
                .collect();
            (later.len() == 2).then_some(later)
        })
        .await;
    assert!(relayed[0].contains("Toujours rien"), "{relayed:?}");
    assert!(relayed[1].contains("voyant clignote"), "{relayed:?}");
    // The card came first, and nothing was abandoned.
    let first = &live.fake.messages_in(&thread)[0];
    assert!(
        first["embeds"].as_array().is_some_and(|e| !e.is_empty()),
        "{first:#}"
    );
    assert_eq!(live.c.backlog().await.dead, 0);
    live.stop().await;
}
