//! The Telegram adapter's outgoing side: the real teloxide client against a local
//! Bot API server, fed by the engine and the outbox on SQLite and PostgreSQL.
//! (The incoming side, long polling and webhooks, comes with the rest of the adapter.)

mod support;

use std::sync::Arc;

use chrono::TimeDelta;
use guichet_chat::{Outlet, Place, Platform};
use guichet_telegram::TelegramOutlet;
use serde_json::{Value, json};
use support::chat::{ChatDesk, FINANCE_SPACE};
use support::fake_telegram::{Failure, FakeTelegram};

on_both_backends!(crate::support::chat::ChatDesk:
    a_request_opens_a_topic_with_its_card_in_the_teams_supergroup,
    a_rate_limited_group_gets_everything_in_order,
    the_star_buttons_and_their_answers,
    employees_and_agents_talk_through_the_bot,
    a_burst_into_one_group_under_a_429_storm_arrives_whole_in_order_within_limits,
    a_photo_and_a_document_go_both_ways,
    the_webhook_takes_updates_only_with_its_secret,
);

/// The finance supergroup, as Telegram sends chat ids.
const FINANCE_CHAT: i64 = -1002000;
const AKREM: &str = "2002";
const KARIM: &str = "3001";
const TRIP: &str =
    "Remboursement de mon déplacement à Paris\nDu 20 au 25 mars 2025 : hôtel et train.";

async fn with_telegram(c: &ChatDesk) -> (FakeTelegram, guichet::outbox::dispatcher::Dispatcher) {
    let karim =
        c.d.agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    c.d.link(&karim, &format!("telegram:{KARIM}")).await;
    let api = FakeTelegram::start().await;
    let outlet: Arc<dyn Outlet> = Arc::new(TelegramOutlet::new(guichet_telegram::bot(
        "123:TEST",
        Some(api.url()),
    )));
    let dispatcher = c.dispatcher_with(vec![c.discord.clone(), outlet]);
    (api, dispatcher)
}

fn texts_to(api: &FakeTelegram, chat: &str) -> Vec<String> {
    api.calls_to("sendMessage")
        .into_iter()
        .filter(|m| m["chat_id"].to_string().trim_matches('"') == chat)
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn a_request_opens_a_topic_with_its_card_in_the_teams_supergroup(c: ChatDesk) {
    let (api, dispatcher) = with_telegram(&c).await;
    c.dm(Platform::Telegram, AKREM, "Akrem Grayaa", TRIP).await;
    ChatDesk::drain(&dispatcher).await;

    let topics = api.calls_to("createForumTopic");
    assert_eq!(topics.len(), 1);
    assert_eq!(topics[0]["chat_id"].as_i64(), Some(FINANCE_CHAT));
    assert_eq!(
        topics[0]["name"],
        "TCK-20250214-001 · Remboursement de mon déplacement à Paris"
    );
    let topic = api
        .calls()
        .into_iter()
        .position(|c| c.method == "createforumtopic")
        .unwrap();
    let in_topic: Vec<Value> = api
        .calls_to("sendMessage")
        .into_iter()
        .filter(|m| m["chat_id"].as_i64() == Some(FINANCE_CHAT))
        .collect();
    assert_eq!(in_topic.len(), 2, "the card, then the request");
    let thread = in_topic[0]["message_thread_id"].clone();
    assert!(thread.is_number() && in_topic.iter().all(|m| m["message_thread_id"] == thread));
    let card = in_topic[0]["text"].as_str().unwrap();
    assert!(
        card.starts_with("⚪ TCK-20250214-001 · Remboursement"),
        "{card}"
    );
    assert!(card.contains("Responsable : Karim Mansour"), "{card}");
    let keyboard = &in_topic[0]["reply_markup"]["inline_keyboard"];
    assert!(
        keyboard[0]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["callback_data"].as_str().unwrap().starts_with("resolve:"))
    );
    assert!(
        in_topic[1]["text"]
            .as_str()
            .unwrap()
            .contains("Du 20 au 25 mars 2025")
    );
    let first_post = api
        .calls()
        .iter()
        .position(|c| c.method == "sendmessage" && c.body["chat_id"].as_i64() == Some(FINANCE_CHAT))
        .unwrap();
    assert!(first_post > topic, "the topic first");

    let to_akrem = texts_to(&api, AKREM);
    assert_eq!(to_akrem.len(), 1);
    assert!(
        to_akrem[0].starts_with("✅ Votre ticket TCK-20250214-001 est créé."),
        "{to_akrem:?}"
    );
    assert!(texts_to(&api, KARIM)[0].starts_with("📌 Nouveau ticket pour vous : TCK-20250214-001"));

    // The agent answers in the topic (as the incoming side will hand it over): the
    // employee gets it in their private chat.
    let thread = guichet_chat::ThreadRef {
        space: FINANCE_SPACE.into(),
        thread: thread.to_string(),
    };
    c.in_thread(
        Platform::Telegram,
        KARIM,
        "Karim",
        &thread,
        "Pouvez-vous m'envoyer les billets ?",
    )
    .await;
    ChatDesk::drain(&dispatcher).await;
    assert!(
        texts_to(&api, AKREM)
            .last()
            .unwrap()
            .ends_with("Pouvez-vous m'envoyer les billets ?")
    );
    // The card follows the status: edited in place, the topic renamed.
    let edits = api.calls_to("editMessageText");
    assert!(
        edits.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("En cours de traitement")
    );
    assert_eq!(api.calls_to("editForumTopic").len(), 1);
}

async fn a_rate_limited_group_gets_everything_in_order(c: ChatDesk) {
    let (api, dispatcher) = with_telegram(&c).await;
    c.dm(Platform::Telegram, AKREM, "Akrem Grayaa", TRIP).await;
    ChatDesk::drain(&dispatcher).await;
    let before = api.calls_to("sendMessage").len();
    api.fail_next(3, Failure::TooMany(2));
    // teloxide waits 10 s after a 5xx before it reports it: this test takes that long.
    api.fail_next(1, Failure::Broken);
    for k in 1..=5 {
        c.dm(
            Platform::Telegram,
            AKREM,
            "Akrem Grayaa",
            &format!("Précision {k}"),
        )
        .await;
    }
    for _ in 0..20 {
        ChatDesk::drain(&dispatcher).await;
        if c.backlog().await.pending == 0 {
            break;
        }
        c.d.clock.advance(TimeDelta::minutes(11));
    }
    let backlog = c.backlog().await;
    if backlog.dead > 0 {
        let mut conn = c.d.store.pool().acquire().await.unwrap();
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT last_error FROM outbox WHERE status = 'dead'")
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        panic!("dead letters: {rows:?}");
    }
    assert_eq!((backlog.pending, backlog.dead), (0, 0));
    let posts: Vec<String> = api.calls_to("sendMessage")[before..]
        .iter()
        .filter(|m| m["chat_id"].as_i64() == Some(FINANCE_CHAT))
        .map(|m| {
            m["text"]
                .as_str()
                .unwrap()
                .lines()
                .last()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        posts,
        [
            "Précision 1",
            "Précision 2",
            "Précision 3",
            "Précision 4",
            "Précision 5"
        ]
    );
}

async fn the_star_buttons_and_their_answers(c: ChatDesk) {
    let (api, dispatcher) = with_telegram(&c).await;
    c.dm(Platform::Telegram, AKREM, "Akrem Grayaa", TRIP).await;
    ChatDesk::drain(&dispatcher).await;
    let thread = api
        .calls_to("sendMessage")
        .into_iter()
        .find(|m| m["chat_id"].as_i64() == Some(FINANCE_CHAT))
        .unwrap()["message_thread_id"]
        .to_string();
    let thread = guichet_chat::ThreadRef {
        space: FINANCE_SPACE.into(),
        thread,
    };
    c.in_thread(
        Platform::Telegram,
        KARIM,
        "Karim",
        &thread,
        "/resoudre Remboursement validé",
    )
    .await;
    ChatDesk::drain(&dispatcher).await;

    let prompt = api
        .calls_to("sendMessage")
        .into_iter()
        .find(|m| {
            m["text"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Comment évaluez-vous")
        })
        .expect("the rating prompt");
    let stars: Vec<String> = prompt["reply_markup"]["inline_keyboard"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|b| b["callback_data"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(stars.len(), 5);
    assert!(stars[4].starts_with("rate:") && stars[4].ends_with(":5"));

    let pressed = c
        .press(
            Platform::Telegram,
            AKREM,
            Place::Direct { chat: AKREM.into() },
            &stars[4],
        )
        .await;
    ChatDesk::drain(&dispatcher).await;
    let answers = api.calls_to("answerCallbackQuery");
    let answer = answers
        .iter()
        .find(|a| a["callback_query_id"] == pressed.id.as_str())
        .expect("the button is answered");
    assert_eq!(answer["text"], "Merci pour votre note ★★★★★ !");
}

fn person(id: &str, first: &str, last: &str) -> Value {
    json!({ "id": id.parse::<i64>().unwrap(), "is_bot": false, "first_name": first, "last_name": last, "language_code": "fr" })
}

/// A message as Telegram sends it in an update: private, or in a forum topic.
fn message(id: i64, from: Value, text: &str, topic: Option<i64>) -> Value {
    let chat = match topic {
        Some(_) => {
            json!({ "id": FINANCE_CHAT, "type": "supergroup", "title": "Service Financier", "is_forum": true })
        }
        None => json!({ "id": from["id"], "type": "private", "first_name": from["first_name"] }),
    };
    let mut message = json!({ "message_id": id, "date": 1_739_520_000, "chat": chat, "from": from, "text": text });
    if let Some(topic) = topic {
        message["message_thread_id"] = json!(topic);
        message["is_topic_message"] = json!(true);
    }
    message
}

/// Waits for `check` to give something, polling, for at most ten seconds.
async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn employees_and_agents_talk_through_the_bot(c: ChatDesk) {
    let karim =
        c.d.agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    c.d.link(&karim, &format!("telegram:{KARIM}")).await;
    let api = FakeTelegram::start().await;
    let bot = guichet_telegram::bot("123:TEST", Some(api.url()));
    let outlet: Arc<dyn Outlet> = Arc::new(TelegramOutlet::new(bot.clone()));
    let dispatcher = c.dispatcher_with(vec![c.discord.clone(), outlet]);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let delivering = tokio::spawn(dispatcher.run(until_stopped(stopped.clone())));
    let sink: Arc<dyn guichet_chat::InboundSink> = Arc::new(c.engine.clone());
    let receiving = tokio::spawn(guichet_telegram::run_polling(
        bot,
        sink,
        until_stopped(stopped),
    ));

    // The employee writes privately: a topic opens in Finance's supergroup.
    api.push_update(json!({ "message": message(1, person(AKREM, "Akrem", "Grayaa"), TRIP, None) }));
    let topic = eventually("the topic", || {
        api.calls_to("createForumTopic").first().cloned()
    })
    .await;
    assert_eq!(
        topic["name"],
        "TCK-20250214-001 · Remboursement de mon déplacement à Paris"
    );
    let confirmation = eventually("the reference", || texts_to(&api, AKREM).first().cloned()).await;
    assert!(confirmation.contains("TCK-20250214-001"), "{confirmation}");
    let topic_id = eventually("the card", || {
        api.calls_to("sendMessage")
            .into_iter()
            .find(|m| m["chat_id"].as_i64() == Some(FINANCE_CHAT))
            .map(|m| m["message_thread_id"].as_i64().unwrap())
    })
    .await;

    // The agent answers in the topic, then writes a note: only the answer is relayed.
    api.push_update(json!({ "message": message(2, person(KARIM, "Karim", "Mansour"), "// à valider par la direction", Some(topic_id)) }));
    api.push_update(json!({ "message": message(3, person(KARIM, "Karim", "Mansour"), "Pouvez-vous m'envoyer les billets ?", Some(topic_id)) }));
    let relayed = eventually("the answer", || {
        texts_to(&api, AKREM)
            .into_iter()
            .find(|t| t.contains("billets"))
    })
    .await;
    assert!(
        relayed.starts_with("💬 Karim Mansour (Service Financier) · TCK-20250214-001"),
        "{relayed}"
    );
    assert!(
        !texts_to(&api, AKREM)
            .iter()
            .any(|t| t.contains("direction")),
        "the note stays in the team"
    );

    // Resolved from the topic; the employee presses four stars.
    api.push_update(json!({ "message": message(4, person(KARIM, "Karim", "Mansour"), "/resoudre Remboursement validé", Some(topic_id)) }));
    let prompt = eventually("the stars", || {
        api.calls_to("sendMessage").into_iter().find(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Comment évaluez-vous"))
        })
    })
    .await;
    let four = prompt["reply_markup"]["inline_keyboard"][1][0]["callback_data"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown = message(
        5,
        json!({ "id": 42, "is_bot": true, "first_name": "Guichet" }),
        "Comment évaluez-vous…",
        None,
    );
    let mut shown = shown;
    shown["chat"] =
        json!({ "id": AKREM.parse::<i64>().unwrap(), "type": "private", "first_name": "Akrem" });
    api.push_update(json!({ "callback_query": {
        "id": "cb-4", "from": person(AKREM, "Akrem", "Grayaa"), "chat_instance": "1", "data": four, "message": shown
    }}));
    let answer = eventually("the callback answer", || {
        api.calls_to("answerCallbackQuery")
            .into_iter()
            .find(|a| a["callback_query_id"] == "cb-4")
    })
    .await;
    assert_eq!(answer["text"], "Merci pour votre note ★★★★ !");
    let t = {
        let mut conn = c.d.store.pool().acquire().await.unwrap();
        let reference = "TCK-20250214-001".parse().unwrap();
        guichet::store::tickets::by_reference(&mut conn, &reference)
            .await
            .unwrap()
            .unwrap()
    };
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let rating = guichet::store::ratings::get(&mut conn, t.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rating.stars.get(), 4);

    // Both stop cleanly when asked.
    stop.send(true).unwrap();
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(15), async {
        receiving.await.unwrap();
        delivering.await.unwrap();
    })
    .await;
    assert!(
        stopped.is_ok(),
        "the adapter and the dispatcher stop on request"
    );
}

async fn a_burst_into_one_group_under_a_429_storm_arrives_whole_in_order_within_limits(
    c: ChatDesk,
) {
    use guichet_telegram::limits::Limits;
    use std::time::Duration;
    let karim =
        c.d.agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    c.d.link(&karim, &format!("telegram:{KARIM}")).await;
    let api = FakeTelegram::start().await;
    // Telegram's limits, sped up 120 times for the group so the test takes seconds.
    let group = (20, Duration::from_millis(500));
    let limits = Limits {
        per_private_chat: (1, Duration::from_millis(10)),
        per_group: group,
        overall: (30, Duration::from_millis(10)),
    };
    let bot = guichet_telegram::bot("123:TEST", Some(api.url()));
    let outlet: Arc<dyn Outlet> = Arc::new(TelegramOutlet::with_limits(bot, limits));
    let dispatcher = c.dispatcher_with(vec![c.discord.clone(), outlet]);

    // Four employees, four topics in Finance's supergroup.
    let employees = ["2101", "2102", "2103", "2104"];
    for e in employees {
        c.dm(
            Platform::Telegram,
            e,
            &format!("Employé {e}"),
            &format!("Note de frais {e}\nHôtel à Paris"),
        )
        .await;
    }
    ChatDesk::drain(&dispatcher).await;
    let start = api.calls().len();
    api.fail_next(6, Failure::TooMany(1));
    for k in 1..=25 {
        for e in employees {
            c.dm(
                Platform::Telegram,
                e,
                &format!("Employé {e}"),
                &format!("{e} pièce {k}"),
            )
            .await;
        }
    }
    for _ in 0..400 {
        let round = dispatcher.run_once().await.unwrap();
        if c.backlog().await.pending == 0 {
            break;
        }
        if round.claimed == 0 {
            c.d.clock.advance(TimeDelta::seconds(30));
        }
    }
    assert_eq!(
        c.backlog().await,
        guichet::store::outbox::Backlog {
            pending: 0,
            delivered: c.backlog().await.delivered,
            dead: 0
        }
    );

    let posts: Vec<_> = api.calls()[start..]
        .iter()
        .filter(|call| {
            call.method == "sendmessage" && call.body["chat_id"].as_i64() == Some(FINANCE_CHAT)
        })
        .cloned()
        .collect();
    assert_eq!(posts.len(), 100, "all delivered, once");
    for e in employees {
        let mine: Vec<String> = posts
            .iter()
            .filter_map(|p| {
                p.body["text"]
                    .as_str()
                    .and_then(|t| t.lines().last())
                    .map(str::to_owned)
            })
            .filter(|line| line.starts_with(e))
            .collect();
        let expected: Vec<String> = (1..=25).map(|k| format!("{e} pièce {k}")).collect();
        assert_eq!(mine, expected, "in order in each topic");
    }
    // Never more than the group's share in any window.
    let group_calls: Vec<std::time::Instant> = api.calls()[start..]
        .iter()
        .filter(|call| call.body["chat_id"].as_i64() == Some(FINANCE_CHAT))
        .map(|call| call.at)
        .collect();
    for (i, first) in group_calls.iter().enumerate() {
        let within = group_calls[i..]
            .iter()
            .take_while(|at| at.duration_since(*first) < group.1)
            .count();
        assert!(within <= group.0, "{within} messages within {:?}", group.1);
    }
}

async fn a_photo_and_a_document_go_both_ways(c: ChatDesk) {
    use guichet_chat::{Event, IncomingFile};
    let (api, dispatcher) = with_telegram(&c).await;
    let photo = IncomingFile {
        name: "photo.jpg".into(),
        content_type: Some("image/jpeg".into()),
        size: Some(90_000),
        reference: "photo:AgACAgQAAxkBAAIB".into(),
        url: None,
    };
    let event = c.inbound(
        Platform::Telegram,
        AKREM,
        "Akrem Grayaa",
        Event::DirectMessage {
            chat: AKREM.into(),
            message_id: "10".into(),
            text: "Facture de l'hôtel pour le remboursement".into(),
            files: vec![photo],
            reply_to: None,
        },
    );
    c.send(event).await;
    ChatDesk::drain(&dispatcher).await;
    let photos = api.calls_to("sendPhoto");
    assert_eq!(photos.len(), 1);
    assert_eq!(
        form_field(&photos[0], "photo"),
        "AgACAgQAAxkBAAIB",
        "passed by file id, nothing downloaded"
    );
    assert_eq!(form_field(&photos[0], "chat_id"), FINANCE_SPACE);
    let topic: i64 = form_field(&photos[0], "message_thread_id")
        .parse()
        .expect("in the ticket's topic");

    let pdf = IncomingFile {
        name: "formulaire.pdf".into(),
        content_type: Some("application/pdf".into()),
        size: Some(12_000),
        reference: "document:BQACAgQAAxkBAAIC".into(),
        url: None,
    };
    let thread = guichet_chat::ThreadRef {
        space: FINANCE_SPACE.into(),
        thread: topic.to_string(),
    };
    let event = c.inbound(
        Platform::Telegram,
        KARIM,
        "Karim",
        Event::ThreadMessage {
            thread,
            message_id: "11".into(),
            text: "Merci de remplir ce formulaire".into(),
            files: vec![pdf],
        },
    );
    c.send(event).await;
    ChatDesk::drain(&dispatcher).await;
    let documents = api.calls_to("sendDocument");
    assert_eq!(documents.len(), 1);
    assert_eq!(form_field(&documents[0], "document"), "BQACAgQAAxkBAAIC");
    assert_eq!(form_field(&documents[0], "chat_id"), AKREM);
    assert_eq!(form_field(&documents[0], "caption"), "formulaire.pdf");

    // For the other platform, the file is downloaded from Telegram.
    let outlet = TelegramOutlet::new(guichet_telegram::bot("123:TEST", Some(api.url())));
    let bytes = outlet.fetch_file("photo:AgACAgQAAxkBAAIB").await.unwrap();
    assert_eq!(bytes, b"bytes of photos/AgACAgQAAxkBAAIB.jpg");
}

/// A field of a multipart form as the fake recorded it (files go as forms).
fn form_field(form: &Value, name: &str) -> String {
    let form = form["multipart"].as_str().unwrap_or_default();
    let start = form
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} in {form}"));
    form[start..]
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .split("\r\n")
        .next()
        .unwrap()
        .to_owned()
}

/// Posts `body` to the webhook the raw way; returns the status code.
async fn post_webhook(port: u16, secret: Option<&str>, body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let secret = secret
        .map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{secret}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

async fn the_webhook_takes_updates_only_with_its_secret(c: ChatDesk) {
    let karim =
        c.d.agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    c.d.link(&karim, &format!("telegram:{KARIM}")).await;
    let api = FakeTelegram::start().await;
    let bot = guichet_telegram::bot("123:TEST", Some(api.url()));
    let url: url::Url = "https://helpdesk.example.com/telegram/webhook"
        .parse()
        .unwrap();
    let me = guichet_telegram::webhook::register(&bot, url, "s3cret-webhook")
        .await
        .unwrap();
    let set = &api.calls_to("setWebhook")[0];
    assert_eq!(
        form_field(set, "url"),
        "https://helpdesk.example.com/telegram/webhook"
    );
    assert_eq!(form_field(set, "secret_token"), "s3cret-webhook");
    assert!(form_field(set, "allowed_updates").contains("callback_query"));

    let sink: Arc<dyn guichet_chat::InboundSink> = Arc::new(c.engine.clone());
    let router = guichet_telegram::webhook::router(sink, me, "s3cret-webhook");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let update = format!(
        "{{\"update_id\":501,\"message\":{}}}",
        message(1, person(AKREM, "Akrem", "Grayaa"), TRIP, None)
    );
    assert_eq!(post_webhook(port, None, &update).await, 401);
    assert_eq!(post_webhook(port, Some("guess"), &update).await, 401);
    assert_eq!(c.backlog().await.pending, 0, "nothing was taken");
    assert_eq!(
        post_webhook(port, Some("s3cret-webhook"), "not json").await,
        400
    );
    assert_eq!(
        post_webhook(port, Some("s3cret-webhook"), &update).await,
        200
    );
    assert_eq!(
        post_webhook(port, Some("s3cret-webhook"), &update).await,
        200,
        "a redelivery is fine"
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let filter = guichet::store::tickets::TicketFilter {
        limit: 10,
        ..Default::default()
    };
    let tickets = guichet::store::tickets::list(
        &mut conn,
        &filter,
        guichet::store::tickets::Viewer::Operator,
    )
    .await
    .unwrap();
    assert_eq!(tickets.len(), 1, "one ticket, once");
}
