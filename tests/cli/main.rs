//! The `guichet` binary as an operator uses it: set-up commands, readable tables,
//! one-line errors with a failing exit code, and a clean stop of `serve`.

#[path = "../support/mod.rs"]
mod support;

mod crashes;
mod doctor;
mod outbox;
mod teams;

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

impl Running {
    /// Sends `signal` (`-9`, `-TERM`) and waits for the process to end.
    fn signal(&mut self, signal: &str) {
        let sent = Command::new("kill")
            .args([signal, &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        self.0.wait().unwrap();
    }
}

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
    while api.calls_to("createForumTopic").is_empty() || api.calls_to("sendMessage").len() < 2 {
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
