//! The dashboard in Debian's headless Chromium, driven over the DevTools protocol:
//! log in through the form, load the page in French then English, count the
//! charts, collect console errors and exceptions, keep screenshots under
//! `target/screenshots/`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

use super::*;
use guichet::domain::rating::Stars;

const CHROMIUM: &str = "/usr/bin/chromium";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_renders_its_charts_in_chromium() {
    if !std::path::Path::new(CHROMIUM).exists() {
        let on_ci = matches!(std::env::var("CI").as_deref(), Ok("true" | "1"));
        assert!(
            !on_ci,
            "{CHROMIUM} is missing under CI: .ci/run installs it"
        );
        eprintln!("SKIPPED: no {CHROMIUM}; install Debian's chromium to run the browser test");
        return;
    }
    let w = WebDesk::sqlite().await;
    w.account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    seed(&w).await;

    let mut browser = Browser::start().await;
    browser.go(&w.url("/login")).await;
    browser
        .eval(&format!(
            "document.querySelector('[name=email]').value = 'admin@example.com';
             document.querySelector('[name=password]').value = '{PASSWORD}';
             document.querySelector('form').submit(); true"
        ))
        .await;
    browser.wait_load().await;
    let location = browser.eval("location.pathname").await;
    assert_eq!(location, "/dashboard", "the login leads to the dashboard");

    for (language, heading) in [("fr", "Tickets ouverts"), ("en", "Tickets opened")] {
        browser
            .go(&w.url(&format!("/dashboard?lang={language}&days=30")))
            .await;
        let page = browser
            .eval(
                "JSON.stringify({
                    lang: document.documentElement.lang,
                    figures: document.querySelectorAll('figure.chart').length,
                    svgs: document.querySelectorAll('figure.chart svg').length,
                    charts: [...document.querySelectorAll('[data-chart]')].map(e => e.dataset.chart),
                    bars: document.querySelectorAll('figure.chart svg rect, figure.chart svg path, figure.chart svg polyline').length,
                    leaderboard: document.querySelectorAll('[data-chart=leaderboard] tbody tr').length,
                    text: document.body.innerText,
                    width: document.documentElement.scrollWidth,
                })",
            )
            .await;
        let page: Value = serde_json::from_str(page.as_str().unwrap()).unwrap();
        assert_eq!(page["lang"], language);
        assert_eq!(page["figures"], 7, "{page}");
        assert_eq!(page["svgs"], 7, "{page}");
        for chart in [
            "opened-resolved",
            "backlog",
            "categories",
            "priorities",
            "teams",
            "satisfaction",
            "times",
            "leaderboard",
        ] {
            assert!(
                page["charts"].as_array().unwrap().contains(&json!(chart)),
                "{chart}: {page}"
            );
        }
        assert!(
            page["bars"].as_u64().unwrap() > 20,
            "the charts draw data: {page}"
        );
        assert_eq!(page["leaderboard"], 2, "{page}");
        assert!(page["text"].as_str().unwrap().contains(heading), "{page}");
        assert!(
            page["width"].as_u64().unwrap() <= 1280,
            "no horizontal scroll: {page}"
        );
        browser
            .screenshot(&format!("dashboard-{language}.png"))
            .await;
    }
    let errors = browser.errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.stop().await;
}

/// A month of work: tickets of several teams and priorities, answered, resolved,
/// rated, with points for two agents.
async fn seed(w: &WebDesk) {
    let d = &w.c.d;
    let sami = d.agent("Sami Ben Ali", "it", &["hardware"]).await;
    let karim = d
        .agent("Karim Mansour", "finance", &["finance_travel"])
        .await;
    let iheb = d.employee("Iheb Issaoui").await;
    let subjects = [
        ("Écran noir au démarrage", "hardware"),
        ("Wifi coupé au 3e étage", "network"),
        ("Remboursement hôtel Paris 20–25 mars", "finance_travel"),
        ("Licence Office expirée", "software"),
        ("Accès VPN refusé", "access"),
        ("Demande de congé", "hr_request"),
    ];
    for day in 0..20 {
        d.clock.advance(chrono::TimeDelta::hours(20));
        let (subject, category) = subjects[day % subjects.len()];
        let t = d.open(&iheb, subject, category).await;
        if day % 3 == 0 {
            continue;
        }
        let agent = if category == "finance_travel" {
            &karim
        } else {
            &sami
        };
        let mut tx = d.store.begin().await.unwrap();
        let desk = &d.desk;
        if category != "hr_request" {
            let _ = desk
                .assign(&mut tx, agent, t.id, agent.user, store::audit::Origin::Web)
                .await;
            d.clock.advance(chrono::TimeDelta::minutes(40));
            let _ = desk
                .add_message(
                    &mut tx,
                    agent,
                    t.id,
                    "Je regarde.",
                    guichet::domain::Visibility::Public,
                    None,
                    &[],
                    store::audit::Origin::Web,
                )
                .await;
            d.clock.advance(chrono::TimeDelta::hours(3));
            desk.resolve(&mut tx, agent, t.id, "", store::audit::Origin::Web)
                .await
                .unwrap();
            if day % 2 == 0 {
                let _ = desk
                    .rate(
                        &mut tx,
                        &iheb,
                        t.id,
                        Stars::new((day % 5 + 1) as i64).unwrap(),
                        None,
                        store::audit::Origin::Chat,
                    )
                    .await;
            }
        }
        tx.commit().await.unwrap();
    }
    let mut tx = d.store.begin().await.unwrap();
    for (agent, points) in [(&sami, 40), (&karim, 25)] {
        store::points::award(
            &mut tx,
            &guichet::domain::points::PointsEntry {
                agent: agent.user,
                ticket: None,
                reason: "resolved".into(),
                points,
                event_key: format!("seed:{}", agent.user.0),
                at: d.desk.now(),
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Headless Chromium and one page, over the DevTools protocol.
struct Browser {
    process: tokio::process::Child,
    _profile: tempfile::TempDir,
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    session: String,
    next_id: u64,
    /// Console errors, exceptions and error log entries seen so far.
    errors: Vec<String>,
    loaded: bool,
}

impl Browser {
    async fn start() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut process = tokio::process::Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("chromium starts");
        let mut lines = BufReader::new(process.stderr.take().unwrap()).lines();
        let url = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return url.trim().to_owned();
                }
            }
            panic!("chromium ended without a DevTools address");
        })
        .await
        .expect("chromium prints its DevTools address");
        // Keep reading stderr so Chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        let mut browser = Browser {
            process,
            _profile: profile,
            socket,
            session: String::new(),
            next_id: 0,
            errors: Vec::new(),
            loaded: false,
        };
        let target = browser
            .send("Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = browser
            .send(
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        browser.session = attached["sessionId"].as_str().unwrap().to_owned();
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            browser.send(domain, json!({})).await;
        }
        browser
            .send(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
            )
            .await;
        browser
    }

    /// Sends a command (to the page once attached) and waits for its answer,
    /// noting the events that arrive meanwhile.
    async fn send(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
        loop {
            let reply = self.receive().await;
            if reply["id"].as_u64() == Some(id) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    async fn receive(&mut self) -> Value {
        let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
            .await
            .expect("chromium answers")
            .unwrap()
            .unwrap();
        let value: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        let params = &value["params"];
        match value["method"].as_str() {
            Some("Page.loadEventFired") => self.loaded = true,
            Some("Runtime.exceptionThrown") => {
                self.errors.push(params["exceptionDetails"].to_string())
            }
            Some("Runtime.consoleAPICalled") if params["type"] == "error" => {
                self.errors.push(params["args"].to_string())
            }
            Some("Log.entryAdded") if params["entry"]["level"] == "error" => {
                self.errors.push(params["entry"].to_string())
            }
            _ => {}
        }
        value
    }

    async fn go(&mut self, url: &str) {
        self.loaded = false;
        self.send("Page.navigate", json!({ "url": url })).await;
        self.wait_load().await;
    }

    async fn wait_load(&mut self) {
        while !self.loaded {
            self.receive().await;
        }
        self.loaded = false;
    }

    async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .send(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            )
            .await;
        assert!(result.get("exceptionDetails").is_none(), "{result}");
        result["result"]["value"].clone()
    }

    async fn screenshot(&mut self, name: &str) -> PathBuf {
        let shot = self
            .send(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        let dir = target_dir().join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }

    fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    async fn stop(mut self) {
        let _ = self.process.kill().await;
    }
}

/// Cargo's target directory (`CARGO_TARGET_DIR` when set).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}
