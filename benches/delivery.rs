//! The outbox dispatcher against a platform that answers in 20 ms, on SQLite and
//! PostgreSQL: 50 conversations written to at a steady pace, first with no fault,
//! then with one conversation in 50 whose platform takes 5 s to answer and 1 % of
//! calls failing with a 500. Prints deliveries/s and the p99 latency (from the
//! commit of a row to the platform's answer) of the conversations no fault
//! touched, next to the fault-free run: the target is within 2×. Then the CPU the
//! process spends idle and per 1,000 messages at a slow pace.
//!
//! `cargo bench --bench delivery` (PostgreSQL too with `GUICHET_TEST_PG_URL`, as
//! `scripts/bench` sets it). Sizes: `BENCH_RATE` (default 250 rows/s),
//! `BENCH_SECONDS` (default 8).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use guichet::app::App;
use guichet::config::Config;
use guichet::desk::Desk;
use guichet::domain::Platform;
use guichet::outbox::Envelope;
use guichet::store::Store;
use guichet_chat::{BoxFuture, Delivered, DeliveryError, Outbound, Outlet};
use rand::{Rng, SeedableRng};
use tokio::sync::{Notify, watch};

mod support;
use support::fresh_pg_database;

const CONVERSATIONS: usize = 50;
/// The conversation whose platform hangs in the faulty run.
const SLOW: usize = 7;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rate = env_or("BENCH_RATE", 250);
    let seconds = env_or("BENCH_SECONDS", 8);
    println!(
        "guichet delivery benchmark: {CONVERSATIONS} conversations, {rate} rows/s for {seconds} s, platform answers in 20 ms"
    );
    println!(
        "{:<9} {:<34} {:>7} {:>10} {:>12} {:>12}",
        "backend", "run", "rows", "rows/s", "healthy p50", "healthy p99"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut backends = vec![(
        "sqlite",
        format!("sqlite://{}", dir.path().join("a.db").display()),
        format!("sqlite://{}", dir.path().join("b.db").display()),
    )];
    if let Some(admin) = std::env::var("GUICHET_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        backends.push((
            "postgres",
            fresh_pg_database(&admin, "delivery_a").await,
            fresh_pg_database(&admin, "delivery_b").await,
        ));
    } else {
        println!("postgres  skipped: GUICHET_TEST_PG_URL is not set (run scripts/bench)");
    }
    for (backend, clean, faulty) in &backends {
        let base = run(clean, Faults::None, rate, seconds).await;
        base.print(backend, "no fault");
        let hit = run(faulty, Faults::SlowAndFailing, rate, seconds).await;
        hit.print(backend, "1 in 50 hangs 5 s, 1 % answer 500");
        println!(
            "{backend:<9} healthy p99 with faults / without: {:.2}× (target: under 2×)",
            hit.p99.as_secs_f64() / base.p99.as_secs_f64()
        );
    }
    cpu(&dir).await;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Faults {
    None,
    SlowAndFailing,
}

struct Figures {
    rows: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

impl Figures {
    fn print(&self, backend: &str, run: &str) {
        println!(
            "{backend:<9} {run:<34} {:>7} {:>10.0} {:>9.1} ms {:>9.1} ms",
            self.rows,
            self.per_second,
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3
        );
    }
}

/// A platform that answers in 20 ms; with faults, one conversation's calls take
/// 5 s and 1 % of calls answer 500. It notes when each row arrived.
struct Platform20ms {
    faults: Faults,
    rng: Mutex<rand::rngs::StdRng>,
    /// Per row text: when the platform answered.
    answered: Mutex<HashMap<String, Instant>>,
    /// Conversations a fault touched.
    touched: Mutex<HashSet<usize>>,
}

fn conversation_of(text: &str) -> usize {
    text.split('-')
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

impl Outlet for Platform20ms {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn deliver<'a>(
        &'a self,
        action: &'a Outbound,
        _key: &'a str,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>> {
        Box::pin(async move {
            let Outbound::PostInChannel { text, .. } = action else {
                return Ok(Delivered::default());
            };
            let conversation = conversation_of(text);
            let faulty = self.faults == Faults::SlowAndFailing;
            if faulty && conversation == SLOW {
                self.touched.lock().unwrap().insert(conversation);
                tokio::time::sleep(Duration::from_secs(5)).await;
            } else {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            if faulty && self.rng.lock().unwrap().random_bool(0.01) {
                self.touched.lock().unwrap().insert(conversation);
                return Err(DeliveryError::Retry {
                    after: None,
                    reason: "500 Internal Server Error".into(),
                });
            }
            self.answered
                .lock()
                .unwrap()
                .insert(text.clone(), Instant::now());
            Ok(Delivered::default())
        })
    }
}

async fn prepare(url: &str) -> App {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/guichet.toml");
    let mut config = Config::load(&path).expect("config");
    config.database.url = url.to_owned();
    config.outbox.instance = "bench".into();
    App::build(config).await.expect("database")
}

async fn run(url: &str, faults: Faults, rate: usize, seconds: usize) -> Figures {
    let app = prepare(url).await;
    let (store, desk) = (&app.store, &app.desk);
    let (platform, wake, stop, running) = start(&app, faults);
    // Rows written at a steady pace, each in its own transaction as the engine does.
    let total = rate * seconds;
    let mut written: HashMap<String, Instant> = HashMap::with_capacity(total);
    let start = Instant::now();
    for n in 0..total {
        let due = start + Duration::from_secs_f64(n as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let text = format!("{}-{n}", n % CONVERSATIONS);
        let envelope = Envelope::ChannelPost {
            channel: format!("c{}", n % CONVERSATIONS),
            text: text.clone(),
            buttons: Vec::new(),
        };
        write(store, desk, &envelope).await;
        wake.notify_one();
        written.insert(text, Instant::now());
    }
    // Every conversation but the hanging one delivers everything.
    let deadline = Instant::now() + Duration::from_secs(120);
    let expected = written
        .keys()
        .filter(|t| faults == Faults::None || conversation_of(t) != SLOW)
        .count();
    loop {
        let delivered = platform
            .answered
            .lock()
            .unwrap()
            .keys()
            .filter(|t| faults == Faults::None || conversation_of(t) != SLOW)
            .count();
        if delivered >= expected || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = start.elapsed();
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    let answered = platform.answered.lock().unwrap().clone();
    let touched = platform.touched.lock().unwrap().clone();
    let mut latencies: Vec<Duration> = written
        .iter()
        .filter(|(text, _)| !touched.contains(&conversation_of(text)))
        .filter_map(|(text, at)| answered.get(text).map(|done| done.duration_since(*at)))
        .collect();
    latencies.sort();
    store.close().await;
    let delivered = answered.len();
    Figures {
        rows: delivered,
        per_second: delivered as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
    }
}

/// Writes one row in its own transaction, as the engine does.
async fn write(store: &Store, desk: &Desk, envelope: &Envelope) {
    let mut tx = store.begin().await.unwrap();
    guichet::outbox::enqueue(&mut tx, Platform::Telegram, envelope, desk.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The platform and a dispatcher delivering to it, running until `stop` says so.
fn start(
    app: &App,
    faults: Faults,
) -> (
    Arc<Platform20ms>,
    Arc<Notify>,
    watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let platform = Arc::new(Platform20ms {
        faults,
        rng: Mutex::new(rand::rngs::StdRng::seed_from_u64(14)),
        answered: Mutex::default(),
        touched: Mutex::default(),
    });
    let wake = app.wake.clone();
    let dispatcher = app.dispatcher(vec![platform.clone()], None);
    let (stop, mut stopped) = watch::channel(false);
    let running = tokio::spawn(dispatcher.run(async move {
        let _ = stopped.wait_for(|s| *s).await;
    }));
    (platform, wake, stop, running)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// This process's CPU time (user + system), from /proc.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are 14 and 15.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    // The kernel's USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// CPU spent by a dispatcher idle for 30 s, and per 1,000 rows written at 10 a second.
async fn cpu(dir: &tempfile::TempDir) {
    let url = format!("sqlite://{}", dir.path().join("cpu.db").display());
    let app = prepare(&url).await;
    let (store, desk) = (&app.store, &app.desk);
    let (_platform, wake, stop, running) = start(&app, Faults::None);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = cpu_time();
    tokio::time::sleep(Duration::from_secs(30)).await;
    let idle = cpu_time() - before;
    let rows = 200;
    let before = cpu_time();
    for n in 0..rows {
        let envelope = Envelope::ChannelPost {
            channel: format!("c{}", n % CONVERSATIONS),
            text: format!("{}-{n}", n % CONVERSATIONS),
            buttons: Vec::new(),
        };
        write(store, desk, &envelope).await;
        wake.notify_one();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let busy = cpu_time() - before;
    let _ = stop.send(true);
    let _ = running.await;
    store.close().await;
    println!(
        "sqlite    dispatcher idle: {:.3} s of CPU a minute; at 10 rows/s: {:.1} s of CPU per 1,000 rows (writing them included)",
        idle.as_secs_f64() * 2.0,
        busy.as_secs_f64() * 1000.0 / rows as f64
    );
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
