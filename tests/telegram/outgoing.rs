//! What guichet sends: topics and cards, limits and retries, files.

use super::*;

on_both_backends!(crate::support::chat::ChatDesk:
    a_request_opens_a_topic_with_its_card_in_the_teams_supergroup,
    a_rate_limited_group_gets_everything_in_order,
    a_burst_into_one_group_under_a_429_storm_arrives_whole_in_order_within_limits,
    a_photo_and_a_document_go_both_ways,
    a_card_refresh_that_changes_nothing_costs_no_request,
    a_long_request_is_clipped_on_the_card_and_posted_whole_once,
);

/// The card shows the start of a request; one too long for it is posted whole in
/// the topic, once, so the team can read it all.
async fn a_long_request_is_clipped_on_the_card_and_posted_whole_once(c: ChatDesk) {
    let (api, dispatcher) = with_telegram(&c).await;
    let details = "Hôtel, train et taxi, avec les justificatifs. ".repeat(40);
    let request = format!("Remboursement de mon déplacement à Paris\n{details}END");
    c.dm(Platform::Telegram, AKREM, "Akrem Grayaa", &request)
        .await;
    ChatDesk::drain(&dispatcher).await;
    let in_topic: Vec<String> = texts_to(&api, FINANCE_SPACE);
    assert_eq!(in_topic.len(), 2, "the card, then the whole request");
    assert!(
        in_topic[0].contains("Hôtel, train et taxi"),
        "{}",
        in_topic[0]
    );
    assert!(!in_topic[0].contains("END"), "the card clips the request");
    assert!(
        in_topic[1].starts_with("📝 Akrem Grayaa :"),
        "{}",
        in_topic[1]
    );
    assert!(in_topic[1].ends_with("END"), "{}", in_topic[1]);
}

/// Telegram refuses an edit that changes nothing ("message is not modified",
/// TOPIC_NOT_MODIFIED), and the refusal still counts against the group's twenty
/// messages a minute.
async fn a_card_refresh_that_changes_nothing_costs_no_request(c: ChatDesk) {
    use guichet::clock::Clock;
    let (api, dispatcher) = with_telegram(&c).await;
    c.dm(Platform::Telegram, AKREM, "Akrem Grayaa", TRIP).await;
    ChatDesk::drain(&dispatcher).await;
    assert_eq!(api.calls_to("createForumTopic").len(), 1);
    let before = api.calls().len();
    // Three refreshes of a card whose ticket did not change.
    let mut tx = c.d.store.begin().await.unwrap();
    let reference: guichet::domain::TicketReference = "TCK-20250214-001".parse().unwrap();
    let ticket = guichet::store::tickets::by_reference(&mut tx, &reference)
        .await
        .unwrap()
        .unwrap();
    let plan = guichet::store::conversations::thread_of(&mut tx, ticket.id)
        .await
        .unwrap()
        .unwrap()
        .plan;
    for _ in 0..3 {
        let refresh = guichet::outbox::Envelope::UpdateCard {
            ticket: ticket.id.0,
            plan,
        };
        guichet::outbox::enqueue(&mut tx, Platform::Telegram, &refresh, c.d.clock.now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    ChatDesk::drain(&dispatcher).await;
    let after: Vec<String> = api.calls()[before..]
        .iter()
        .map(|call| call.method.clone())
        .collect();
    assert!(after.is_empty(), "{after:?}");
    assert_eq!(c.backlog().await.pending, 0);
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
    // Two posts count against the group's budget: the topic (its creation posts a
    // service message) and the card, which carries the request.
    assert_eq!(in_topic.len(), 1, "the card alone: the request is on it");
    let thread = in_topic[0]["message_thread_id"].clone();
    assert!(thread.is_number() && in_topic.iter().all(|m| m["message_thread_id"] == thread));
    let card = in_topic[0]["text"].as_str().unwrap();
    assert!(
        card.starts_with("⚪ TCK-20250214-001 · Remboursement"),
        "{card}"
    );
    assert!(card.contains("Responsable : Karim Mansour"), "{card}");
    let keyboard = &in_topic[0]["reply_markup"]["inline_keyboard"];
    let row = |i: usize| -> Vec<String> {
        keyboard[i]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                b["callback_data"]
                    .as_str()
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    // A travel request needs a decision: approve, ask for information, refuse.
    assert!(row(0).contains(&"close".to_owned()), "{keyboard}");
    assert_eq!(row(1), ["approve", "ask", "refuse"], "{keyboard}");
    assert!(card.contains("Du 20 au 25 mars 2025"), "{card}");
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
    // The card follows the status: edited in place. The topic keeps its name, so it
    // is not renamed (Telegram refuses a rename to the same name, and counts it).
    let edits = api.calls_to("editMessageText");
    assert!(
        edits.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("En cours de traitement")
    );
    assert_eq!(api.calls_to("editForumTopic").len(), 0);
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
    assert_eq!(
        texts_to(&api, FINANCE_SPACE).len(),
        1,
        "the card shows the request; the photo goes alone"
    );
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
