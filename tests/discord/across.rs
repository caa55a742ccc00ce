//! One platform's employee served from the other's: Telegram to Discord and back.

use guichet_telegram::TelegramOutlet;
use serde_json::json;
use support::chat::FINANCE_SPACE;
use support::fake_telegram::FakeTelegram;

use super::*;

const AKREM: i64 = 2002;
const KARIM: i64 = 3001;

fn person(id: i64, first: &str) -> Value {
    json!({ "id": id, "is_bot": false, "first_name": first, "language_code": "fr" })
}

/// A Telegram message, private or in a topic of Finance's supergroup.
fn message(id: i64, from: Value, text: &str, topic: Option<i64>) -> Value {
    let mut message =
        json!({ "message_id": id, "date": 1_739_520_000, "from": from, "text": text });
    match topic {
        Some(topic) => {
            message["chat"] = json!({ "id": FINANCE_SPACE.parse::<i64>().unwrap(), "type": "supergroup", "title": "Finance", "is_forum": true });
            message["message_thread_id"] = json!(topic);
            message["is_topic_message"] = json!(true);
        }
        None => {
            message["chat"] =
                json!({ "id": from["id"], "type": "private", "first_name": from["first_name"] })
        }
    }
    message
}

/// The texts the bot sent to a Telegram chat.
fn telegram_texts(api: &FakeTelegram, chat: &str) -> Vec<String> {
    api.calls_to("sendMessage")
        .into_iter()
        .filter(|m| m["chat_id"].to_string().trim_matches('"') == chat)
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Both platforms live: Discord and Telegram, each through its real client.
async fn both() -> (Live, FakeTelegram) {
    let api = FakeTelegram::start().await;
    let bot = guichet_telegram::bot("123:TEST", Some(api.url()));
    let outlet: Arc<dyn Outlet> = Arc::new(TelegramOutlet::new(bot.clone()));
    let mut live = Live::with(|_| {}, vec![outlet]).await;
    let karim = live
        .c
        .d
        .agent("Karim Mansour", "finance", &["finance_travel"])
        .await;
    live.c.d.link(&karim, &format!("telegram:{KARIM}")).await;
    let sink: Arc<dyn InboundSink> = Arc::new(live.c.engine.clone());
    let polling = tokio::spawn(guichet_telegram::run_polling(
        bot,
        sink,
        guichet_chat::Connected::default(),
        until(live.stop.subscribe()),
    ));
    live.tasks.push(polling);
    (live, api)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_on_telegram_is_served_on_discord() {
    let (live, api) = both().await;
    api.push_update(json!({ "message": message(1, person(AKREM, "Akrem"), SCREEN, None) }));
    let thread = live.thread().await;
    live.card(&thread).await;
    live.fake.channel_message(
        &live.iheb,
        &thread,
        "Je passe à votre bureau à 14 h.",
        Vec::new(),
    );
    let relayed = eventually("the answer on Telegram", || {
        telegram_texts(&api, &AKREM.to_string())
            .into_iter()
            .find(|t| t.contains("14 h"))
    })
    .await;
    assert!(relayed.starts_with("💬 Iheb Ben Salem"), "{relayed}");
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_on_discord_is_served_on_telegram() {
    let (live, api) = both().await;
    live.fake.dm(
        &live.amel,
        "Remboursement de mon déplacement à Paris\nDu 20 au 25 mars 2025 : hôtel et train.",
        Vec::new(),
    );
    let topic = eventually("the topic in Finance's supergroup", || {
        api.calls_to("sendMessage")
            .into_iter()
            .find(|m| m["chat_id"].to_string().trim_matches('"') == FINANCE_SPACE)
            .and_then(|m| m["message_thread_id"].as_i64())
    })
    .await;
    api.push_update(json!({ "message": message(2, person(KARIM, "Karim"), "Pouvez-vous m'envoyer les billets ?", Some(topic)) }));
    let answer = live.dm_with(&live.amel, "billets").await;
    assert!(
        answer["content"]
            .as_str()
            .unwrap()
            .starts_with("💬 Karim Mansour"),
        "{answer:#}"
    );
    live.stop().await;
}
