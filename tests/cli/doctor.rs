//! `guichet doctor` as an operator runs it against a Telegram group set up wrong:
//! one line per check, the fix for each ✗, a failing exit code; ✓ once fixed.

use support::fake_telegram::FakeTelegram;
use support::fake_telegram::chats::{BotIn, Group};

use super::*;

const FINANCE_GROUP: i64 = -1002000;

/// Runs `guichet doctor --lang <language>` with the finance team in the Telegram
/// group; returns whether it passed, and what it printed.
async fn doctor(db: &TestDb, api: &FakeTelegram, language: &str) -> (bool, String, String) {
    let mut command = guichet(db);
    command
        .args(["doctor", "--lang", language])
        .env("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")
        .env("GUICHET__TELEGRAM__API_URL", api.url().as_str())
        .env("GUICHET__TEAMS__FINANCE__STAFF__PLATFORM", "telegram")
        .env(
            "GUICHET__TEAMS__FINANCE__STAFF__SPACE",
            FINANCE_GROUP.to_string(),
        );
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_names_each_mistake_with_its_fix_and_passes_once_fixed() {
    let db = TestDb::sqlite();
    let api = FakeTelegram::start().await;
    let space = format!("Space of the \"finance\" team (Telegram {FINANCE_GROUP})");

    // A group without topics.
    api.set_group(
        FINANCE_GROUP,
        Group {
            is_forum: false,
            ..Group::default()
        },
    );
    let (passed, out, err) = doctor(&db, &api, "en").await;
    assert!(!passed, "{out}");
    assert!(out.contains(&format!("✗ {space}")), "{out}");
    assert!(
        out.contains("is not a supergroup with topics enabled"),
        "{out}"
    );
    assert!(
        out.contains("→ In Telegram, open the group's settings and turn \"Topics\" on."),
        "{out}"
    );
    assert!(out.contains("✓ Database"), "{out}");
    assert!(err.starts_with("error: 1 problem in "), "{err}");
    assert!(!out.contains("SECRET-TOKEN") && !err.contains("SECRET-TOKEN"));
    // The same in French.
    let (_, out, _) = doctor(&db, &api, "fr").await;
    assert!(out.contains("activez « Sujets »"), "{out}");

    // Topics on, but the bot is a plain member.
    api.set_group(
        FINANCE_GROUP,
        Group {
            bot: BotIn::Member,
            ..Group::default()
        },
    );
    let (passed, out, _) = doctor(&db, &api, "en").await;
    assert!(!passed);
    assert!(
        out.contains(
            "→ Make the bot an administrator of the group with the \"Manage Topics\" right."
        ),
        "{out}"
    );

    // An administrator without the topics right.
    api.set_group(
        FINANCE_GROUP,
        Group {
            bot: BotIn::Administrator {
                can_manage_topics: false,
            },
            ..Group::default()
        },
    );
    let (_, out, _) = doctor(&db, &api, "en").await;
    assert!(
        out.contains("The bot lacks the \"Manage Topics\" right"),
        "{out}"
    );

    // A wrong id.
    api.set_group(
        FINANCE_GROUP,
        Group {
            exists: false,
            ..Group::default()
        },
    );
    let (_, out, _) = doctor(&db, &api, "en").await;
    assert!(out.contains("The bot cannot find the group"), "{out}");
    assert!(out.contains("teams.finance.staff_space"), "{out}");

    // Fixed.
    api.set_group(FINANCE_GROUP, Group::default());
    let (passed, out, err) = doctor(&db, &api, "en").await;
    assert!(passed, "{out}\n{err}");
    assert!(out.contains(&format!("✓ {space}")), "{out}");
    assert!(out.contains("All is well"), "{out}");
}

/// The same mistake met by `serve`: the employee is told the truth, the log says
/// it once however often the checks run, and fixing the group opens the topic
/// without waiting for the outbox's backoff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_says_a_group_set_up_wrong_once_and_the_fix_opens_the_topic() {
    let db = TestDb::sqlite();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    let api = FakeTelegram::start().await;
    api.set_group(
        FINANCE_GROUP,
        Group {
            is_forum: false,
            ..Group::default()
        },
    );
    let space = FINANCE_GROUP.to_string();
    let mut running = super::crashes::serve_with(
        &db,
        &log,
        &[
            ("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN"),
            ("GUICHET__TELEGRAM__API_URL", api.url().as_str()),
            ("GUICHET__TEAMS__FINANCE__STAFF__PLATFORM", "telegram"),
            ("GUICHET__TEAMS__FINANCE__STAFF__SPACE", &space),
            ("GUICHET__DOCTOR__EVERY", "1s"),
        ],
    );
    api.push_update(serde_json::json!({ "message": {
        "message_id": 1, "date": 1_739_520_000,
        "chat": { "id": 2002, "type": "private", "first_name": "Akrem" },
        "from": { "id": 2002, "is_bot": false, "first_name": "Akrem", "last_name": "Grayaa", "language_code": "fr" },
        "text": "Remboursement de mon déplacement à Paris"
    }}));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let told = |api: &FakeTelegram| {
        api.calls_to("sendMessage").iter().any(|m| {
            m["chat_id"] == 2002
                && m["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("n'a pas encore pu en être prévenue"))
        })
    };
    while !told(&api) {
        assert!(std::time::Instant::now() < deadline, "Akrem was not told");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Two more examinations done (each asks Telegram about the group; the third
    // asking means the second was recorded), and the log has said it once.
    let asked = api.calls_to("getChat").len();
    while api.calls_to("getChat").len() < asked + 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "serve stopped examining"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let said = std::fs::read_to_string(&log).unwrap();
    let lines = said
        .lines()
        .filter(|l| l.contains("setup: ✗ Space of the \"finance\" team"))
        .count();
    assert_eq!(lines, 1, "{said}");
    assert!(api.calls_to("createForumTopic").is_empty());

    // Topics turned on: the next examination sees it, and the topic opens at once.
    api.set_group(FINANCE_GROUP, Group::default());
    while api.calls_to("createForumTopic").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the topic did not open once the group was fixed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.signal("-TERM");
    let _ = running.0.wait();
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(
        said.contains("setup: fixed: ✓ Space of the \"finance\" team"),
        "{said}"
    );
    assert!(!said.contains("SECRET-TOKEN"));
    // One event, one delivery, followed through the log by their spans.
    assert!(said.contains("event{platform=telegram id="), "{said}");
    assert!(
        said.contains("delivery{row=1 conversation=thread:1 channel=telegram kind=open_thread}"),
        "{said}"
    );
}
