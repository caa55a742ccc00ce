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
