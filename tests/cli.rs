//! The `guichet` binary as an operator uses it: set-up commands, readable tables,
//! one-line errors with a failing exit code, and a clean stop of `serve`.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use guichet::domain::Role;
use support::{Harness, TestDb, TestDesk, committed_config_path};

/// The binary, configured by the committed file and pointed at `db`.
fn guichet(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    cmd.env("GUICHET_CONFIG", committed_config_path())
        .env("GUICHET__DATABASE__URL", db.url())
        .env_remove("RUST_LOG")
        .env_remove("DISCORD_BOT_TOKEN")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .env_remove("GUICHET__TELEGRAM__API_URL")
        // Tests run side by side: each server takes a free port.
        .env("GUICHET__WEB__LISTEN", "127.0.0.1:0");
    cmd
}

fn run(db: &TestDb, args: &[&str]) -> Output {
    guichet(db).args(args).output().expect("the binary runs")
}

/// Runs a command that must succeed and returns what it printed.
fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = run(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "guichet {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail and returns its one-line error.
fn fails(db: &TestDb, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(!out.status.success(), "guichet {args:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr.trim_end().to_owned()
}

#[test]
fn an_operator_sets_up_people_and_teams() {
    let db = TestDb::sqlite();
    assert!(ok(&db, &["migrate"]).contains("up to date"));
    assert!(
        ok(&db, &["migrate"]).contains("up to date"),
        "migrating twice is harmless"
    );
    let out = ok(
        &db,
        &[
            "user",
            "add",
            "--name",
            "Iheb Issaoui",
            "--email",
            "iheb.issaoui@example.com",
            "--department",
            "Comptabilité",
            "--identity",
            "telegram:123456789",
        ],
    );
    assert_eq!(out.trim(), "Created user 1 (Iheb Issaoui), role employee.");
    ok(
        &db,
        &[
            "user",
            "add",
            "--name",
            "Sami Ben Ali",
            "--role",
            "agent",
            "--language",
            "en",
        ],
    );
    ok(&db, &["user", "link", "2", "discord:80351110224678912"]);
    ok(
        &db,
        &[
            "team",
            "add-member",
            "it",
            "discord:80351110224678912",
            "--lead",
        ],
    );
    ok(&db, &["team", "expertise", "2", "hardware", "network"]);
    ok(&db, &["team", "capacity", "2", "4"]);
    assert!(ok(&db, &["team", "availability", "2", "off"]).contains("unavailable"));

    let team = ok(&db, &["team", "show", "it"]);
    assert!(team.starts_with("it — Service Informatique"), "{team}");
    let row = team
        .lines()
        .find(|l| l.contains("Sami Ben Ali"))
        .expect("member row");
    for cell in ["agent", "yes", "no", "4", "hardware, network"] {
        assert!(row.contains(cell), "{cell:?} missing from {row}");
    }
    let users = ok(&db, &["user", "list"]);
    assert!(
        users.contains("telegram:123456789") && users.contains("2 user(s)"),
        "{users}"
    );
    let shown = ok(&db, &["user", "show", "iheb.issaoui@example.com"]);
    assert!(shown.contains("Comptabilité"), "{shown}");
    let promoted = ok(&db, &["user", "set-role", "telegram:123456789", "hr"]);
    assert_eq!(promoted.trim(), "Iheb Issaoui (1) is now hr.");
    assert!(ok(&db, &["ticket", "list"]).contains("0 ticket(s)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_read_as_tables() {
    let d = TestDesk::sqlite().await;
    let iheb = d.employee("Iheb Issaoui").await;
    let _sami = d.agent("Sami Ben Ali", "it", &["hardware"]).await;
    let _admin = d.person("Admin", Role::Admin, None, &[]).await;
    d.open(&iheb, "Mon écran ne s'allume plus", "hardware")
        .await;
    d.open(&iheb, "Attestation de travail", "hr_request").await;

    let list = ok(&d.db, &["ticket", "list"]);
    let row = list
        .lines()
        .find(|l| l.contains("TCK-20250214-001"))
        .expect("first ticket");
    for cell in [
        "open",
        "P2",
        "it",
        "hardware",
        "Iheb Issaoui",
        "Sami Ben Ali",
        "2025-02-14 09:00",
    ] {
        assert!(row.contains(cell), "{cell:?} missing from {row}");
    }
    let hr_only = ok(&d.db, &["ticket", "list", "--team", "hr"]);
    assert!(hr_only.contains("TCK-20250214-002") && !hr_only.contains("TCK-20250214-001"));
    let shown = ok(&d.db, &["ticket", "show", "tck-20250214-1"]);
    assert!(
        shown.contains("Mon écran ne s'allume plus") && shown.contains("auto_assigned"),
        "{shown}"
    );
    assert!(shown.contains("P2 Normal"), "{shown}");
}

#[test]
fn mistakes_get_one_line_and_a_failing_exit_code() {
    let db = TestDb::sqlite();
    ok(&db, &["migrate"]);
    assert_eq!(fails(&db, &["user", "show", "99"]), "error: no user 99");
    assert_eq!(
        fails(&db, &["team", "show", "printers"]),
        "error: no team \"printers\""
    );
    assert_eq!(
        fails(&db, &["ticket", "show", "TCK-20250214-001"]),
        "error: no ticket TCK-20250214-001"
    );
    ok(
        &db,
        &[
            "user",
            "add",
            "--name",
            "Iheb",
            "--email",
            "iheb@example.com",
        ],
    );
    let taken = fails(
        &db,
        &[
            "user",
            "add",
            "--name",
            "Iheb 2",
            "--email",
            "IHEB@example.com",
        ],
    );
    assert!(taken.contains("already used"), "{taken}");
    ok(&db, &["user", "link", "1", "telegram:42"]);
    ok(&db, &["user", "add", "--name", "Other"]);
    let linked = fails(&db, &["user", "link", "2", "telegram:42"]);
    assert!(
        linked.contains("already belongs to another user"),
        "{linked}"
    );
    let empty = fails(&db, &["user", "add", "--name", "  "]);
    assert!(empty.contains("display name"), "{empty}");
    // Malformed arguments are refused by the parser with the expected form.
    let out = run(&db, &["user", "add", "--name", "X", "--role", "root"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected admin, agent, hr, employee"));
}

#[test]
fn a_broken_configuration_stops_start_up_naming_file_and_key() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let committed = std::fs::read_to_string(committed_config_path()).unwrap();
    let bad = dir.path().join("guichet.toml");
    std::fs::write(
        &bad,
        committed.replace("team = \"finance\"", "team = \"financ\""),
    )
    .unwrap();
    let err = fails(&db, &["--config", bad.to_str().unwrap(), "serve"]);
    assert!(
        err.contains(&format!(
            "{}: categories.finance_travel.team: unknown team",
            bad.display()
        )),
        "{err}"
    );

    let out = guichet(&db)
        .env("GUICHET__SLA__P1__RESOLUTION", "bientôt")
        .arg("migrate")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(
        err.contains("environment variable GUICHET__SLA__P1__RESOLUTION: sla.p1.resolution"),
        "{err}"
    );
}

/// A server the test started: killed if the test fails before stopping it.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `guichet args…` with `input` on its standard input.
fn with_stdin(db: &TestDb, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = guichet(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let db = TestDb::sqlite();
    // An administrator with a password read from standard input, and a token.
    let admin = [
        "user",
        "add",
        "--name",
        "Admin IT",
        "--email",
        "admin@example.com",
        "--role",
        "admin",
        "--password-stdin",
    ];
    let short = with_stdin(&db, &admin, "short\n");
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("at least 12 are needed"),
        "{short:?}"
    );
    let created = with_stdin(&db, &admin, "correct horse battery staple\n");
    assert!(created.status.success(), "{created:?}");
    let token = ok(
        &db,
        &["token", "create", "admin@example.com", "--name", "tests"],
    );
    let token = token.trim().to_owned();
    assert_eq!(token.len(), 64);
    assert!(ok(&db, &["token", "list"]).contains("tests"));
    let mut child = Running(
        guichet(&db)
            .arg("serve")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut child.0;
    let (lines_tx, lines) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no {needle:?} in serve's log"));
        if line.contains(needle) {
            return line;
        }
    };
    wait_for("Telegram is off: set TELEGRAM_BOT_TOKEN");
    let web = wait_for("web: the dashboard and API are served at");
    let base = web
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(|host| format!("http://{host}"))
        .unwrap_or_else(|| panic!("no address in {web:?}"));
    let ready = wait_for("guichet is ready");
    assert!(
        ready.contains("teams=3") && ready.contains("categories=9"),
        "{ready}"
    );
    // The endpoint answers: health for anyone, the API with the token, the login
    // form with the password given on standard input.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let health = http.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let me: serde_json::Value = http
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (me["name"].as_str(), me["role"].as_str()),
            (Some("Admin IT"), Some("admin"))
        );
        let login = http
            .post(format!("{base}/login"))
            .form(&[
                ("email", "admin@example.com"),
                ("password", "correct horse battery staple"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 303);
        assert_eq!(login.headers()["location"], "/dashboard");
    });
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    wait_for("stopped");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_prepares_postgresql_too() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    ok(&db, &["migrate"]);
    ok(&db, &["migrate"]);
    ok(
        &db,
        &[
            "user",
            "add",
            "--name",
            "Akrem Grayaa",
            "--role",
            "employee",
        ],
    );
    assert!(ok(&db, &["team", "list"]).contains("Ressources humaines"));
    assert!(ok(&db, &["user", "list"]).contains("Akrem Grayaa"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_talks_to_telegram_when_given_a_token() {
    use support::fake_telegram::FakeTelegram;
    let db = TestDb::sqlite();
    let api = FakeTelegram::start().await;
    let mut running = Running(
        guichet(&db)
            .arg("serve")
            .env("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")
            .env("GUICHET__TELEGRAM__API_URL", api.url().as_str())
            .env("GUICHET__TEAMS__FINANCE__STAFF__PLATFORM", "telegram")
            .env("GUICHET__TEAMS__FINANCE__STAFF__SPACE", "-1002000")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    // The command menus: French and English, private chats and staff groups.
    while api.calls_to("setMyCommands").len() < 4 {
        assert!(std::time::Instant::now() < deadline, "no command menus");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let menus = api.calls_to("setMyCommands");
    assert!(
        menus
            .iter()
            .any(|m| m["language_code"] == "fr" && m["commands"][1]["command"] == "nouveau")
    );
    assert!(
        menus
            .iter()
            .any(|m| m["language_code"] == "en" && m["scope"]["type"] == "all_group_chats")
    );

    api.push_update(serde_json::json!({ "message": {
        "message_id": 1, "date": 1_739_520_000,
        "chat": { "id": 2002, "type": "private", "first_name": "Akrem" },
        "from": { "id": 2002, "is_bot": false, "first_name": "Akrem", "last_name": "Grayaa", "language_code": "fr" },
        "text": "Remboursement de mon déplacement à Paris"
    }}));
    while api.calls_to("createForumTopic").is_empty() || api.calls_to("sendMessage").len() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the ticket's topic was not opened"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &running.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "serve did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut log = String::new();
    std::io::Read::read_to_string(&mut running.0.stderr.take().unwrap(), &mut log).unwrap();
    assert!(status.success(), "{log}");
    assert!(log.contains("Telegram: connected"), "{log}");
    assert!(
        !log.contains("SECRET-TOKEN"),
        "the token never reaches the log"
    );
}

#[test]
fn an_unreachable_bot_api_is_retried_and_the_token_never_shows() {
    let db = TestDb::sqlite();
    let mut running = Running(
        guichet(&db)
            .arg("serve")
            .env("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")
            .env("GUICHET__TELEGRAM__API_URL", "http://127.0.0.1:1/")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stderr = running.0.stderr.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let failure = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no retry logged: {seen:?}"));
        if line.contains("not receiving; trying again") {
            break line;
        }
        seen.push(line);
    };
    assert!(failure.contains("network error"), "{failure}");
    assert!(!failure.contains("SECRET-TOKEN"), "{failure}");
    assert!(seen.iter().all(|l| !l.contains("SECRET-TOKEN")), "{seen:?}");
}

/// `guichet serve` receiving from the fake Bot API, its log written to `log`.
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
    let log = std::fs::File::create(log).unwrap();
    Running(
        guichet(db)
            .arg("serve")
            .env("GUICHET__OUTBOX__INSTANCE", instance)
            .env("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")
            .env("GUICHET__TELEGRAM__API_URL", api.url().as_str())
            // The engine says at debug level when it meets an event again.
            .env("RUST_LOG", "info,guichet::engine=debug")
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
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
    let killed = Command::new("kill")
        .args(["-9", &first.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    first.0.wait().unwrap();
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
    let stopped = Command::new("kill")
        .args(["-TERM", &second.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    second.0.wait().unwrap();
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

fn serve_discord(
    db: &TestDb,
    fake: &support::fake_discord::FakeDiscord,
    log: &std::path::Path,
) -> Running {
    let log = std::fs::File::create(log).unwrap();
    Running(
        guichet(db)
            .arg("serve")
            .env("DISCORD_BOT_TOKEN", "TEST.TOKEN.discord")
            .env("GUICHET__DISCORD__API_URL", fake.api_url())
            // The engine says at debug level when it meets an event again.
            .env("RUST_LOG", "info,guichet::engine=debug")
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
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
    let killed = Command::new("kill")
        .args(["-9", &first.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    first.0.wait().unwrap();
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
    let stopped = Command::new("kill")
        .args(["-TERM", &second.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    second.0.wait().unwrap();
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
    let killed = Command::new("kill")
        .args(["-9", &poller.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    poller.0.wait().unwrap();
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
