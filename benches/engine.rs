//! The conversation engine under load, on SQLite and PostgreSQL:
//! (a) new-ticket ingest: each message from a new employee opens a ticket;
//! (b) relay: messages on existing tickets, employees' and agents' alternately,
//!     sent back to back, then paced at 500 messages/s.
//! Each is printed next to a baseline measured in the same run: raw sqlx inserts of
//! the rows the engine writes for such a message, one transaction per message.
//!
//! Run with `scripts/bench` (starts a throwaway PostgreSQL). Sizes:
//! `BENCH_MESSAGES` (default 2000), `BENCH_RATE` (default 500).

use std::path::Path;
use std::time::{Duration, Instant};

use guichet::app::App;
use guichet::clock::{Clock, SystemClock};
use guichet::config::{Config, StaffSpace};
use guichet::domain::{Language, NewUser, Platform, Role};
use guichet::engine::Engine;
use guichet::store::audit::Origin;
use guichet::store::{self, Store};
use guichet_chat::{Author, Event, Inbound, ThreadRef};

mod support;
use support::fresh_pg_database;

const IT_SPACE: &str = "it-staff";
const AGENT: &str = "1001";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let messages: usize = env_or("BENCH_MESSAGES", 2000);
    let rate: usize = env_or("BENCH_RATE", 500);
    println!("guichet engine benchmark: {messages} messages per scenario, relay paced at {rate}/s");
    println!(
        "{:<9} {:<15} {:>7} {:>9} {:>8} {:>8} | {:>13} {:>8} {:>8} | {:>6}",
        "backend",
        "scenario",
        "msgs",
        "msg/s",
        "p50 ms",
        "p99 ms",
        "baseline msg/s",
        "p50 ms",
        "p99 ms",
        "ratio"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    run(
        "sqlite",
        &sqlite("engine.db"),
        &sqlite("baseline.db"),
        messages,
        rate,
    )
    .await;
    match std::env::var("GUICHET_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin) => {
            let engine = fresh_pg_database(&admin, "engine").await;
            let baseline = fresh_pg_database(&admin, "baseline").await;
            run("postgres", &engine, &baseline, messages, rate).await;
        }
        None => println!("postgres  skipped: GUICHET_TEST_PG_URL is not set (run scripts/bench)"),
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The engine works on `url`; the baseline writes the same rows into a twin
/// database at `baseline_url`, so neither sees the other's rows.
async fn run(backend: &str, url: &str, baseline_url: &str, messages: usize, rate: usize) {
    let (store, engine) = setup(url).await;
    let (twin, _) = setup(baseline_url).await;

    // (a) ingest
    let events: Vec<Inbound> = (0..messages).map(new_ticket).collect();
    let ingest = sequential(&engine, events).await;
    let baseline = sequential_baseline(&twin, messages, baseline_ingest).await;
    print_row(backend, "ingest", &ingest, Some(&baseline));

    // Every planned thread is created, as the dispatcher would have recorded.
    let mut conn = store.pool().acquire().await.unwrap();
    let filter = store::tickets::TicketFilter {
        limit: u32::MAX,
        ..Default::default()
    };
    let tickets = store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
        .await
        .unwrap();
    for t in &tickets {
        let plan = store::conversations::thread_of(&mut conn, t.id)
            .await
            .unwrap()
            .expect("ingest planned a thread")
            .plan;
        store::conversations::thread_created(
            &mut conn,
            plan,
            &format!("t{}", t.id.0),
            Some("card"),
        )
        .await
        .unwrap();
    }
    drop(conn);
    let ids: Vec<i64> = tickets.iter().map(|t| t.id.0).collect();

    // (b) relay, back to back, then paced
    let events: Vec<Inbound> = (0..messages).map(|k| relay(k, messages, &ids)).collect();
    let relay_fast = sequential(&engine, events).await;
    let baseline = sequential_baseline(&twin, messages, baseline_relay).await;
    print_row(backend, "relay", &relay_fast, Some(&baseline));
    let events: Vec<Inbound> = (messages..2 * messages)
        .map(|k| relay(k, messages, &ids))
        .collect();
    let paced = paced(&engine, events, rate).await;
    print_row(backend, &format!("relay @{rate}/s"), &paced, None);
    store.close().await;
    twin.close().await;
}

/// A store with the committed configuration, IT's staff space on Discord and two
/// hardware experts with room for every ticket.
async fn setup(url: &str) -> (Store, Engine) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/guichet.toml");
    let mut config = Config::load(&path).expect("config");
    config.database.url = url.to_owned();
    config.teams.get_mut("it").unwrap().staff = Some(StaffSpace {
        platform: Platform::Discord,
        space: IT_SPACE.into(),
    });
    let app = App::build(config).await.expect("database");
    let (store, desk) = (&app.store, &app.desk);
    let mut tx = store.begin().await.unwrap();
    let it = desk.find_team("it").unwrap();
    let hardware = desk.find_category("hardware").unwrap();
    for (i, name) in ["Sami Ben Ali", "Nour Trabelsi"].into_iter().enumerate() {
        let new = NewUser {
            display_name: name.into(),
            email: None,
            language: Language::Fr,
            department: None,
            role: Role::Agent,
        };
        let identity = format!("discord:{}", 1001 + i).parse().unwrap();
        let user = desk
            .add_user(&mut tx, None, &new, &[identity], Origin::Cli)
            .await
            .unwrap();
        desk.add_member(&mut tx, None, &it, user.id, false, Origin::Cli)
            .await
            .unwrap();
        desk.set_expertise(
            &mut tx,
            None,
            user.id,
            std::slice::from_ref(&hardware),
            Origin::Cli,
        )
        .await
        .unwrap();
        desk.set_agent_settings(&mut tx, None, user.id, Some(1_000_000), None, Origin::Cli)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    (app.store, app.engine)
}

fn dm(event_id: String, user: String, text: String) -> Inbound {
    Inbound {
        platform: Platform::Telegram,
        event_id: event_id.clone(),
        author: Author {
            id: user.clone(),
            display_name: format!("Employé {user}"),
            locale: Some("fr".into()),
        },
        event: Event::DirectMessage {
            chat: user,
            message_id: event_id,
            text,
            files: Vec::new(),
            reply_to: None,
        },
    }
}

fn new_ticket(i: usize) -> Inbound {
    dm(
        format!("ingest-{i}"),
        (100_000 + i).to_string(),
        format!("Mon écran n°{i} ne s'allume plus\nDepuis ce matin."),
    )
}

/// Message `k` on ticket `k mod n`: from its employee, or from the agent in its thread.
fn relay(k: usize, n: usize, ids: &[i64]) -> Inbound {
    let i = k % n;
    if k.is_multiple_of(2) {
        return dm(
            format!("relay-{k}"),
            (100_000 + i).to_string(),
            format!("Relance {k} : toujours pas d'image"),
        );
    }
    Inbound {
        platform: Platform::Discord,
        event_id: format!("relay-{k}"),
        author: Author {
            id: AGENT.into(),
            display_name: "Sami".into(),
            locale: Some("fr".into()),
        },
        event: Event::ThreadMessage {
            thread: ThreadRef {
                space: IT_SPACE.into(),
                thread: format!("t{}", ids[i % ids.len()]),
            },
            message_id: format!("relay-{k}"),
            text: format!("Réponse {k} : je regarde"),
            files: Vec::new(),
        },
    }
}

struct Measured {
    messages: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[index].as_secs_f64() * 1000.0
    }
}

async fn sequential(engine: &Engine, events: Vec<Inbound>) -> Measured {
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(events.len());
    let messages = events.len();
    for event in events {
        let t = Instant::now();
        engine.handle(event).await.expect("handled");
        latencies.push(t.elapsed());
    }
    Measured {
        messages,
        elapsed: start.elapsed(),
        latencies,
    }
}

/// Events handed over on a fixed schedule, whatever the previous ones are doing;
/// the latency runs from the handover to the commit, waits for earlier events
/// included.
async fn paced(engine: &Engine, events: Vec<Inbound>, rate: usize) -> Measured {
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = tokio::time::Instant::now();
    let messages = events.len();
    let mut tasks = tokio::task::JoinSet::new();
    for (k, event) in events.into_iter().enumerate() {
        let due = start + interval * k as u32;
        tokio::time::sleep_until(due).await;
        let engine = engine.clone();
        let handed_over = Instant::now();
        tasks.spawn(async move {
            engine.handle(event).await.expect("handled");
            handed_over.elapsed()
        });
    }
    let mut latencies = Vec::with_capacity(messages);
    while let Some(latency) = tasks.join_next().await {
        latencies.push(latency.unwrap());
    }
    Measured {
        messages,
        elapsed: start.elapsed(),
        latencies,
    }
}

type Baseline = for<'a> fn(
    &'a mut store::Tx,
    usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

async fn sequential_baseline(store: &Store, messages: usize, rows: Baseline) -> Measured {
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(messages);
    for i in 0..messages {
        let t = Instant::now();
        let mut tx = store.begin().await.unwrap();
        rows(&mut tx, i).await;
        tx.commit().await.unwrap();
        latencies.push(t.elapsed());
    }
    Measured {
        messages,
        elapsed: start.elapsed(),
        latencies,
    }
}

async fn exec(tx: &mut store::Tx, sql: &'static str, binds: &[i64], texts: &[&str]) {
    let mut query = sqlx::query(sql);
    for b in binds {
        query = query.bind(*b);
    }
    for t in texts {
        query = query.bind(t.to_string());
    }
    query.execute(&mut **tx).await.expect("baseline insert");
}

/// The rows the engine writes for a new ticket: the event, the user and their
/// identity (with their private chat), the day's sequence, the ticket, its first
/// message, the link from that message to the ticket, its thread, the assignee's
/// turn in the rotation, the outbox rows (thread, first post, assignee, requester)
/// and the audit lines.
fn baseline_ingest(
    tx: &mut store::Tx,
    i: usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
    Box::pin(async move {
        let now = SystemClock.now().timestamp_millis();
        let key = format!("base-{i}-{now}");
        exec(tx, "INSERT INTO inbound_events (platform, event_id, received_at) VALUES ('telegram', $2, $1)", &[now], &[&key]).await;
        let user: i64 = sqlx::query_scalar("INSERT INTO users (display_name, language, role, created_at, updated_at) VALUES ('Base', 'fr', 'employee', $1, $1) RETURNING id")
            .bind(now).fetch_one(&mut **tx).await.unwrap();
        exec(tx, "INSERT INTO identities (platform, external_id, user_id, dm_chat, created_at) VALUES ('telegram', $3, $1, $3, $2)", &[user, now], &[&key]).await;
        exec(tx, "INSERT INTO ticket_sequences (day, last_value) VALUES ('base', 1) ON CONFLICT (day) DO UPDATE SET last_value = ticket_sequences.last_value + 1", &[], &[]).await;
        let ticket: i64 = sqlx::query_scalar("INSERT INTO tickets (reference, subject, description, requester_id, category_id, team_id, priority, status, created_at, updated_at) VALUES ($2, 'Écran', '', $1, 1, 1, 'P2', 'open', $3, $3) RETURNING id")
            .bind(user).bind(format!("TCK-BASE-{key}")).bind(now).fetch_one(&mut **tx).await.unwrap();
        exec(tx, "INSERT INTO ticket_messages (ticket_id, author_id, body, created_at) VALUES ($1, $2, 'Mon écran ne s''allume plus', $3)", &[ticket, user, now], &[]).await;
        exec(tx, "INSERT INTO dm_links (platform, chat, message, ticket_id) VALUES ('telegram', $2, $2, $1)", &[ticket], &[&key]).await;
        exec(tx, "INSERT INTO ticket_threads (ticket_id, platform, space, created_at) VALUES ($1, 'discord', 'it-staff', $2)", &[ticket, now], &[]).await;
        exec(
            tx,
            "UPDATE users SET last_assigned_at = $1 WHERE id = 1",
            &[now],
            &[],
        )
        .await;
        for kind in ["open_thread", "thread_post", "direct", "direct"] {
            exec(tx, "INSERT INTO outbox (conversation, platform, kind, payload, ticket_id, next_attempt_at, created_at) VALUES ('c', 'discord', $3, '{}', $1, $2, $2)", &[ticket, now], &[kind]).await;
        }
        for action in [
            "user_created",
            "identity_linked",
            "ticket_created",
            "auto_assigned",
        ] {
            exec(tx, "INSERT INTO audit_events (ticket_id, action, origin, at) VALUES ($1, $3, 'chat', $2)", &[ticket, now], &[action]).await;
        }
    })
}

/// The rows the engine writes for a relayed message: the event, the message (and,
/// for an employee's, its link to the ticket), the ticket's clocks and one outbox row.
fn baseline_relay(
    tx: &mut store::Tx,
    i: usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
    Box::pin(async move {
        let now = SystemClock.now().timestamp_millis();
        let key = format!("base-relay-{i}-{now}");
        let ticket = 1 + (i as i64 % 100);
        exec(tx, "INSERT INTO inbound_events (platform, event_id, received_at) VALUES ('telegram', $2, $1)", &[now], &[&key]).await;
        exec(
            tx,
            "INSERT INTO ticket_messages (ticket_id, body, created_at) VALUES ($1, 'Relance', $2)",
            &[ticket, now],
            &[],
        )
        .await;
        exec(
            tx,
            "UPDATE tickets SET last_requester_message_at = $2, updated_at = $2 WHERE id = $1",
            &[ticket, now],
            &[],
        )
        .await;
        exec(tx, "INSERT INTO outbox (conversation, platform, kind, payload, ticket_id, next_attempt_at, created_at) VALUES ('c', 'discord', 'thread_post', '{}', $1, $2, $2)", &[ticket, now], &[]).await;
    })
}

fn print_row(backend: &str, scenario: &str, m: &Measured, baseline: Option<&Measured>) {
    let (b_rate, b50, b99, ratio) = match baseline {
        Some(b) => (
            format!("{:.0}", b.rate()),
            format!("{:.2}", b.percentile(0.5)),
            format!("{:.2}", b.percentile(0.99)),
            format!("{:.2}", m.rate() / b.rate()),
        ),
        None => ("—".into(), "—".into(), "—".into(), "—".into()),
    };
    println!(
        "{:<9} {:<15} {:>7} {:>9.0} {:>8.2} {:>8.2} | {:>13} {:>8} {:>8} | {:>6}",
        backend,
        scenario,
        m.messages,
        m.rate(),
        m.percentile(0.5),
        m.percentile(0.99),
        b_rate,
        b50,
        b99,
        ratio
    );
}
