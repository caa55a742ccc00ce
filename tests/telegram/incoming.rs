//! What guichet receives: long polling, button
//! presses, the webhook.

use super::*;

on_both_backends!(crate::support::chat::ChatDesk:
    employees_and_agents_talk_through_the_bot,
    the_star_buttons_and_their_answers,
    the_webhook_takes_updates_only_with_its_secret,
);

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
    let connected = guichet_chat::Connected::default();
    let receiving = tokio::spawn(guichet_telegram::run_polling(
        bot,
        sink,
        connected.clone(),
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
    assert!(
        connected.get(),
        "polling runs: /readyz reports Telegram connected"
    );
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
