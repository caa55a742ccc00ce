//! The binary killed with SIGKILL while it receives, and several instances sharing
//! one bot: nothing lost, nothing handled twice.

use super::*;

/// `guichet serve` with `envs`, its log (the engine's debug lines included: they
/// say when it meets an event again) written to `log`.
pub(super) fn serve_with(db: &TestDb, log: &std::path::Path, envs: &[(&str, &str)]) -> Running {
    let log = std::fs::File::create(log).unwrap();
    Running(
        guichet(db)
            .arg("serve")
            .envs(envs.iter().copied())
            .env("RUST_LOG", "info,guichet::engine=debug")
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
    )
}

/// `guichet serve` receiving from the fake Bot API.
fn serve_telegram(
    db: &TestDb,
    api: &support::fake_telegram::FakeTelegram,
    log: &std::path::Path,
) -> Running {
    serve_telegram_as(db, api, log, "the-one")
}

/// `guichet serve` as the instance named `instance`.
fn serve_telegram_as(
    db: &TestDb,
    api: &support::fake_telegram::FakeTelegram,
    log: &std::path::Path,
    instance: &str,
) -> Running {
    serve_with(
        db,
        log,
        &[
            ("GUICHET__OUTBOX__INSTANCE", instance),
            ("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN"),
            ("GUICHET__TELEGRAM__API_URL", api.url().as_str()),
        ],
    )
}

/// The story of the lost batch: killed with SIGKILL in the middle of a thousand
/// messages, the server loses none of them once started again, and stores none
/// twice (what it handled but had not confirmed comes again and is recognised).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_receiving_loses_no_telegram_message() {
    use support::fake_telegram::FakeTelegram;
    sqlx::any::install_default_drivers();
    let db = TestDb::sqlite();
    let logs = tempfile::tempdir().unwrap();
    let api = FakeTelegram::start().await;
    // 20 employees write 50 messages each, interleaved as they would arrive; each
    // first message opens a request whose category is guessed, the others join it.
    let mut keys = Vec::new();
    for message in 1..=50 {
        for chat in 5001..=5020 {
            let text = if message == 1 {
                format!("Remboursement de mon déplacement à Paris (employé {chat})")
            } else {
                format!("Précision {message} (employé {chat})")
            };
            api.push_update(serde_json::json!({ "message": {
                "message_id": message, "date": 1_739_520_000,
                "chat": { "id": chat, "type": "private", "first_name": "Employé" },
                "from": { "id": chat, "is_bot": false, "first_name": "Employé", "last_name": chat.to_string(), "language_code": "fr" },
                "text": text
            }}));
            keys.push(format!("m{chat}:{message}"));
        }
    }
    assert_eq!(keys.len(), 1000);

    let mut first = serve_telegram(&db, &api, &logs.path().join("first.log"));
    // Lazy: the database file and its tables are serve's to create; none stored
    // until then.
    let pool = sqlx::AnyPool::connect_lazy(db.url()).unwrap();
    let count_stored = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM inbound_events WHERE platform = 'telegram'")
            .fetch_one(&pool)
            .await
            .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // Killed once a good part is confirmed and the batch in hand is partly stored.
    loop {
        let confirmed = 1000 - api.unconfirmed();
        if confirmed >= 300
            && api.in_flight() > 0
            && count_stored().await > i64::try_from(confirmed).unwrap() + 10
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve never got going: {confirmed} confirmed"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.signal("-9");
    let in_flight = api.in_flight();
    let confirmed_at_kill = 1000 - api.unconfirmed();
    let stored_at_kill = count_stored().await;
    assert!(
        confirmed_at_kill < 1000 && in_flight > 0,
        "the kill came too late to tell anything"
    );

    let mut second = serve_telegram(&db, &api, &logs.path().join("second.log"));
    while api.unconfirmed() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} updates never confirmed after the restart",
            api.unconfirmed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    second.signal("-TERM");
    let log = std::fs::read_to_string(logs.path().join("second.log")).unwrap();
    let absorbed = log.matches("event seen before").count();

    let tally = Tally::of(&pool, "telegram", &keys).await;
    // Telegram has no idempotency key: a message whose send was answered but whose
    // acknowledgement the kill prevented goes again (the documented window).
    let sent = api.calls_to("sendMessage");
    let distinct_sent: std::collections::HashSet<String> = sent
        .iter()
        .map(|m| format!("{}|{}", m["chat_id"], m["text"]))
        .collect();
    println!(
        "kill -9 with {in_flight} updates in hand ({confirmed_at_kill} confirmed, \
         {stored_at_kill} stored); after the restart {} came again, {absorbed} of them \
         already stored and absorbed; {tally}; {} replies sent, {} of them twice",
        api.redelivered(),
        sent.len(),
        sent.len() - distinct_sent.len(),
    );
    tally.assert_whole(1000, 20);
    assert_eq!(
        i64::try_from(absorbed).unwrap(),
        stored_at_kill - i64::try_from(confirmed_at_kill).unwrap(),
        "what was stored but not confirmed came again and was recognised"
    );
}

/// `guichet serve` connected to the local Discord.
fn serve_discord(
    db: &TestDb,
    fake: &support::fake_discord::FakeDiscord,
    log: &std::path::Path,
) -> Running {
    serve_with(
        db,
        log,
        &[
            ("DISCORD_BOT_TOKEN", "TEST.TOKEN.discord"),
            ("GUICHET__DISCORD__API_URL", &fake.api_url()),
        ],
    )
}

/// The same story on Discord, whose gateway never sends anything again: killed with
/// SIGKILL while a burst of private messages is being handled, and more written
/// while it is down, the server reads the missed ones from the chats' history once
/// started again. None is lost, none stored twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_receiving_loses_no_discord_message() {
    use support::fake_discord::FakeDiscord;
    sqlx::any::install_default_drivers();
    let db = TestDb::sqlite();
    let logs = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start().await;
    let employees: Vec<_> = (1..=20)
        .map(|n| fake.user(&format!("employe{n}"), "fr"))
        .collect();
    // 20 employees write 50 messages each, interleaved as they would arrive; each
    // first message opens a request whose category is guessed, the others join it.
    let text = |message: usize, employee: usize| {
        if message == 1 {
            format!("Remboursement de mon déplacement à Paris (employé {employee})")
        } else {
            format!("Précision {message} (employé {employee})")
        }
    };
    const LIVE: usize = 30; // messages per employee sent while the server runs
    let mut keys = Vec::new();
    for message in 1..=LIVE {
        for (n, employee) in employees.iter().enumerate() {
            let id = fake.dm(employee, &text(message, n + 1), Vec::new());
            keys.push(format!("m{id}"));
        }
    }

    let mut first = serve_discord(&db, &fake, &logs.path().join("first.log"));
    let pool = sqlx::AnyPool::connect_lazy(db.url()).unwrap();
    let count_stored = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM inbound_events WHERE platform = 'discord'")
            .fetch_one(&pool)
            .await
            .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    // Killed once a good part is stored and more has been sent than stored.
    loop {
        let stored = count_stored().await;
        let sent = i64::try_from(fake.dispatched("MESSAGE_CREATE")).unwrap();
        if stored >= 300 && sent > stored + 10 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve never got going: {stored} stored, {sent} sent\n{}",
            fake.report()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.signal("-9");
    let stored_at_kill = usize::try_from(count_stored().await).unwrap();
    let never_sent = fake.drop_pending();
    let sent = fake.dispatched("MESSAGE_CREATE");
    let in_flight = sent - stored_at_kill;
    assert!(
        stored_at_kill < sent,
        "the kill came too late to tell anything"
    );
    // Down: the rest is written, kept by Discord, dispatched to nobody.
    for message in LIVE + 1..=50 {
        for (n, employee) in employees.iter().enumerate() {
            let id = fake.dm_unseen(employee, &text(message, n + 1));
            keys.push(format!("m{id}"));
        }
    }
    assert_eq!(keys.len(), 1000);

    let mut second = serve_discord(&db, &fake, &logs.path().join("second.log"));
    loop {
        let stored = count_stored().await;
        if stored >= 1000 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{stored} of 1000 messages stored after the restart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    second.signal("-TERM");
    let log = std::fs::read_to_string(logs.path().join("second.log")).unwrap();
    let absorbed = log.matches("event seen before").count();
    assert!(
        log.contains("caught up with what was written"),
        "the catch-up is logged:\n{log}"
    );

    let tally = Tally::of(&pool, "discord", &keys).await;
    println!(
        "kill -9 with {in_flight} messages in flight ({sent} dispatched, {stored_at_kill} \
         stored, {never_sent} still queued and never sent); {} written while down; after \
         the restart {} caught up from the history, {absorbed} read again and absorbed; \
         {tally}",
        1000 - LIVE * 20,
        1000 - stored_at_kill,
    );
    tally.assert_whole(1000, 20);
}

/// A private message from employee `chat` to the bot, as `getUpdates` gives it.
fn private_message(chat: i64, message: i64, text: &str) -> serde_json::Value {
    serde_json::json!({ "message": {
        "message_id": message, "date": 1_739_520_000,
        "chat": { "id": chat, "type": "private", "first_name": "Employé" },
        "from": { "id": chat, "is_bot": false, "first_name": "Employé", "language_code": "fr" },
        "text": text
    }})
}

/// Two instances share one bot on PostgreSQL: one polls, the other stands by without
/// a 409 loop, and takes over within seconds of the poller's SIGKILL; no update is
/// lost or handled twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_poll_one_bot_in_turn() {
    use support::fake_telegram::FakeTelegram;
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    // The schema first, so the two instances do not race to create it.
    ok(&db, &["migrate"]);
    let logs = tempfile::tempdir().unwrap();
    let api = FakeTelegram::start().await;
    let mut keys = Vec::new();
    let mut push = |from: i64, to: i64| {
        for message in from..to {
            let chat = 6001 + message % 10;
            let text = if message < 10 {
                format!("Remboursement de mon déplacement (employé {chat})")
            } else {
                format!("Précision {message} (employé {chat})")
            };
            api.push_update(private_message(chat, message, &text));
            keys.push(format!("m{chat}:{message}"));
        }
    };
    push(0, 100);
    let a = serve_telegram_as(&db, &api, &logs.path().join("a.log"), "instance-a");
    let b = serve_telegram_as(&db, &api, &logs.path().join("b.log"), "instance-b");
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while api.unconfirmed() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the first hundred never confirmed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let polls_before = api.polls().len();
    // Watch the pair for three seconds: one long poll at a time, no conflict.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(api.conflicts(), 0, "one poller, no 409");
    assert!(
        api.polls().len() - polls_before < 10,
        "long polls, not a loop"
    );
    let polling = |log: &str| {
        std::fs::read_to_string(logs.path().join(log))
            .unwrap()
            .contains("this instance polls the bot now")
    };
    let (mut poller, survivor) = match (polling("a.log"), polling("b.log")) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        other => panic!("exactly one instance polls: {other:?}"),
    };
    poller.signal("-9");
    let killed_at = std::time::Instant::now();
    push(100, 200);
    while api.unconfirmed() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the survivor never took over"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let taken_over = api
        .polls()
        .iter()
        .filter(|p| p.at > killed_at)
        .map(|p| p.at - killed_at)
        .min()
        .unwrap();
    drop(survivor);
    let pool = sqlx::AnyPool::connect(db.url()).await.unwrap();
    let tally = Tally::of(&pool, "telegram", &keys).await;
    println!(
        "the survivor polled {:.1} s after the poller's kill -9; {tally}; {} conflicts",
        taken_over.as_secs_f64(),
        api.conflicts()
    );
    assert!(taken_over < Duration::from_secs(10), "{taken_over:?}");
    tally.assert_whole(200, 10);
}

/// What the kill -9 stories count once the dust settled: the events never stored,
/// the employees' messages stored (and how many twice), the tickets.
struct Tally {
    lost: Vec<String>,
    messages: usize,
    twice: usize,
    tickets: i64,
}

impl Tally {
    /// Of the events `keys` sent on `platform`, and the messages whose text says
    /// "(employé …)".
    async fn of(pool: &sqlx::AnyPool, platform: &str, keys: &[String]) -> Tally {
        let stored: std::collections::HashSet<String> =
            sqlx::query_scalar("SELECT event_id FROM inbound_events WHERE platform = $1")
                .bind(platform)
                .fetch_all(pool)
                .await
                .unwrap()
                .into_iter()
                .collect();
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM ticket_messages WHERE body LIKE '%(employé %'")
                .fetch_all(pool)
                .await
                .unwrap();
        let distinct: std::collections::HashSet<&String> = bodies.iter().collect();
        Tally {
            lost: keys
                .iter()
                .filter(|k| !stored.contains(*k))
                .cloned()
                .collect(),
            messages: bodies.len(),
            twice: bodies.len() - distinct.len(),
            tickets: sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
                .fetch_one(pool)
                .await
                .unwrap(),
        }
    }

    /// Nothing lost, `messages` stored once each, one ticket per employee.
    fn assert_whole(&self, messages: usize, employees: i64) {
        assert!(
            self.lost.is_empty(),
            "{} lost, the first: {:?}",
            self.lost.len(),
            &self.lost[..self.lost.len().min(10)]
        );
        assert_eq!(self.messages, messages, "every message stored");
        assert_eq!(self.twice, 0, "no message stored twice");
        assert_eq!(self.tickets, employees, "one request per employee");
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} lost; {} messages stored, {} twice; {} tickets",
            self.lost.len(),
            self.messages,
            self.twice,
            self.tickets
        )
    }
}
