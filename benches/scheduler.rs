//! The scheduler at scale, on SQLite: one tick over 1,000,000 tickets of which
//! 100,000 are open, with nothing due, then with 1,000 due jobs. A tick reads only
//! the rows due (the `jobs_due` index), so its cost must follow the due jobs, not the
//! tickets: the target is under 50 ms with nothing due. Printed, never asserted.
//!
//! Run with `cargo bench --bench scheduler`. The first run seeds the database,
//! `target/bench-data/scheduler-1m.db` (another file: `GUICHET_BENCH_DB=path`), and
//! later runs reuse it; delete the file to seed it again. The seeding is
//! reproducible: every value is arithmetic on the ticket's number and the
//! benchmark's clock is fixed (`NOW`). It writes a few hundred people (the agents
//! through the desk, the employees in SQL), 1,000,000 tickets over two years with
//! their staff threads, and the `jobs` rows the scheduler would have planned: live
//! ones due in the future for the open tickets, asleep ones for the others.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use guichet::clock::ManualClock;
use guichet::config::{Config, StaffSpace};
use guichet::desk::Desk;
use guichet::domain::{
    Category, Email, Language, NewUser, Platform, Priority, Role, TeamId, TicketReference, UserId,
};
use guichet::engine::Engine;
use guichet::i18n::Texts;
use guichet::scheduler::{Rule, Scheduler, Tick};
use guichet::store::Store;
use guichet::store::audit::Origin;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use tokio::sync::Notify;

const TICKETS: i64 = 1_000_000;
const OPEN: i64 = 100_000;
/// The open tickets are two in five of the most recent ones.
const RECENT: i64 = OPEN * 5 / 2;
const EMPLOYEES: i64 = 400;
/// The tickets' creation spans this many days before `NOW`.
const DAYS: i64 = 730;
const TICKETS_PER_TX: i64 = 50_000;
const ROWS_PER_INSERT: usize = 500;
/// Ticks measured with nothing due, after the warm-up.
const IDLE_TICKS: usize = 20;
const WARM_UP_TICKS: usize = 3;
const DUE: i64 = 1_000;
const DUE_ROUNDS: usize = 3;
const TARGET_MS: f64 = 50.0;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// The live jobs of open tickets fall due between one hour and thirty days after `NOW`.
const DUE_FROM: i64 = HOUR;
const DUE_SPREAD: i64 = 30 * DAY;

const OPEN_STATUSES: &str = "('open', 'in_progress', 'waiting_on_user')";

/// The benchmark's clock: the seeding's "now", and the scheduler's.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn now_ms() -> i64 {
    now().timestamp_millis()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = std::env::var("GUICHET_BENCH_DB")
        .ok()
        .filter(|p| !p.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/scheduler-1m.db"),
            PathBuf::from,
        );
    println!(
        "guichet scheduler benchmark: SQLite, {} (clock fixed at {})",
        path.display(),
        now().format("%Y-%m-%d %H:%M UTC")
    );
    prepare_database(&path).await;

    let config = Arc::new(config_for(&path));
    let store = guichet::app::prepare_store(&config)
        .await
        .expect("database");
    let reset = reset_earlier_runs(&store).await;
    if reset > 0 {
        println!(
            "  {} overdue rows used by an earlier run set back to their seeded state",
            thousands(reset)
        );
    }
    let catalog = Arc::new(guichet::app::load_catalog(&store).await.unwrap());
    let clock = Arc::new(ManualClock::new(now()));
    let desk = Desk::new(clock, &config, catalog);
    let texts = Arc::new(Texts::load().unwrap());
    let engine = Engine::new(
        store.clone(),
        desk,
        config.clone(),
        texts,
        Arc::new(Notify::new()),
    );
    let scheduler = Scheduler::new(store.clone(), engine, config.scheduler.clone());
    let scale = format!(
        "{} tickets ({} open)",
        thousands(count(&store, "SELECT COUNT(*) FROM tickets").await),
        thousands(
            count(
                &store,
                &format!("SELECT COUNT(*) FROM tickets WHERE status IN {OPEN_STATUSES}")
            )
            .await
        )
    );
    println!(
        "  jobs: {} rows, {} with a due time, {} due now",
        thousands(count(&store, "SELECT COUNT(*) FROM jobs").await),
        thousands(count(&store, "SELECT COUNT(*) FROM jobs WHERE due_at IS NOT NULL").await),
        thousands(
            count(
                &store,
                &format!(
                    "SELECT COUNT(*) FROM jobs WHERE due_at IS NOT NULL AND due_at <= {}",
                    now_ms()
                )
            )
            .await
        )
    );

    // (a) Nothing due. The first tick of a fresh database also runs the retention
    // task, planned due at once.
    for k in 0..WARM_UP_TICKS {
        let (tick, took) = timed_tick(&scheduler).await;
        if k == 0 || tick.claimed > 0 {
            println!("  warm-up tick {}: {} in {}", k + 1, show(&tick), ms(took));
        }
    }
    let idle = idle_ticks(&scheduler).await;
    let idle_median = median(&idle);
    println!(
        "scheduler tick, 0 due, {scale}: median {} (min {}, max {}) over {IDLE_TICKS} ticks",
        ms(idle_median),
        ms(idle[0]),
        ms(idle[idle.len() - 1])
    );

    // (b) 1,000 due: overdue e-mails of open tickets, e-mail off, so each writes
    // audit lines and a post in the ticket's thread.
    let mut busy = Vec::with_capacity(DUE_ROUNDS);
    for round in 1..=DUE_ROUNDS {
        let marked = make_due(&store, DUE).await;
        assert_eq!(marked, DUE, "not enough open tickets left to make due");
        let outbox = max_id(&store, "outbox").await;
        let audit = max_id(&store, "audit_events").await;
        let (tick, took) = timed_tick(&scheduler).await;
        assert_eq!(
            tick.done,
            usize::try_from(DUE).unwrap(),
            "every due step must be carried out: {tick:?}"
        );
        println!(
            "scheduler tick, {} due, {scale}: {} ({}; {} per due job; +{} outbox rows, +{} audit lines) [round {round}]",
            thousands(DUE),
            ms(took),
            show(&tick),
            ms(took / u32::try_from(DUE).unwrap()),
            thousands(max_id(&store, "outbox").await - outbox),
            thousands(max_id(&store, "audit_events").await - audit),
        );
        busy.push(took);
    }
    busy.sort();

    // Nothing due again, after the writes.
    let after = idle_ticks(&scheduler).await;
    println!(
        "scheduler tick, 0 due, after the due rounds: median {} (min {}, max {}) over {IDLE_TICKS} ticks",
        ms(median(&after)),
        ms(after[0]),
        ms(after[after.len() - 1])
    );

    // (c) The claim reads the `jobs_due` index, not the tickets or the whole table.
    println!("claim query plan (EXPLAIN QUERY PLAN of jobs::claim on SQLite):");
    for line in claim_plan(&store).await {
        println!("  {line}");
    }

    let verdict = if idle_median.as_secs_f64() * 1000.0 < TARGET_MS {
        "met"
    } else {
        "MISSED"
    };
    println!(
        "target: a tick with nothing due under {TARGET_MS:.0} ms on SQLite with {scale}: median {} — {verdict} (with {} due: median {}, {} per due job)",
        ms(idle_median),
        thousands(DUE),
        ms(median(&busy)),
        ms(median(&busy) / u32::try_from(DUE).unwrap()),
    );
    store.close().await;
}

/// The committed configuration on the file at `path`, with the teams' staff spaces.
fn config_for(path: &Path) -> Config {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/guichet.toml");
    let url = format!("sqlite://{}", path.display());
    let mut config =
        Config::load_with_env(&file, vec![("GUICHET__DATABASE__URL".into(), url)]).expect("config");
    for (team, platform, space) in [
        ("it", Platform::Discord, "it-staff"),
        ("finance", Platform::Telegram, "-1002000"),
        ("hr", Platform::Discord, "hr-staff"),
    ] {
        config.teams.get_mut(team).unwrap().staff = Some(StaffSpace {
            platform,
            space: space.into(),
        });
    }
    config
}

async fn timed_tick(scheduler: &Scheduler) -> (Tick, Duration) {
    let start = Instant::now();
    let tick = scheduler.tick().await.expect("tick");
    (tick, start.elapsed())
}

/// Durations of `IDLE_TICKS` ticks with nothing due, sorted.
async fn idle_ticks(scheduler: &Scheduler) -> Vec<Duration> {
    let mut took = Vec::with_capacity(IDLE_TICKS);
    for _ in 0..IDLE_TICKS {
        let (tick, t) = timed_tick(scheduler).await;
        assert_eq!(tick.claimed, 0, "nothing should be due: {tick:?}");
        took.push(t);
    }
    took.sort();
    took
}

fn median(sorted: &[Duration]) -> Duration {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

fn show(tick: &Tick) -> String {
    format!(
        "claimed {}, done {}, passed {}, failed {}",
        tick.claimed, tick.done, tick.passed, tick.failed
    )
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

async fn count(store: &Store, sql: &str) -> i64 {
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query(AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn max_id(store: &Store, table: &str) -> i64 {
    count(store, &format!("SELECT COALESCE(MAX(id), 0) FROM {table}")).await
}

/// Makes `n` overdue rows of open tickets due just before `NOW`: real steps, whose
/// ticket is older than the overdue threshold. Picked in a scattered order.
async fn make_due(store: &Store, n: i64) -> i64 {
    let now = now_ms();
    let sql = format!(
        "UPDATE jobs SET due_at = {due} WHERE id IN (\
           SELECT j.id FROM jobs j JOIN tickets t ON t.id = j.ticket_id \
           WHERE j.kind = 'overdue' AND j.live = 1 AND j.step = 0 AND j.claim IS NULL \
           AND j.due_at > {now} AND t.status IN {OPEN_STATUSES} AND t.created_at <= {old} \
           ORDER BY (j.id * 2654435761) % 4294967311 LIMIT {n})",
        due = now - 1000,
        old = now - 3 * DAY,
    );
    let mut tx = store.begin().await.unwrap();
    let done = sqlx::query(AssertSqlSafe(sql))
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    tx.commit().await.unwrap();
    i64::try_from(done).unwrap()
}

/// A reused database is put back as seeded: the overdue rows an earlier run made
/// due (then done or claimed) are due in the future again, and the outbox, empty
/// when seeded, is emptied. (The audit trail is append-only: its lines stay.)
async fn reset_earlier_runs(store: &Store) -> i64 {
    let now = now_ms();
    let sql = format!(
        "UPDATE jobs SET step = 0, live = 1, claim = NULL, due_at = {due} \
         WHERE kind = 'overdue' AND (due_at IS NULL OR due_at < {soon}) \
         AND ticket_id IN (SELECT id FROM tickets WHERE status IN {OPEN_STATUSES})",
        due = open_due_sql(Rule::Overdue),
        soon = now + DUE_FROM,
    );
    let mut tx = store.begin().await.unwrap();
    let reset = sqlx::query(AssertSqlSafe(sql))
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    sqlx::query("DELETE FROM outbox")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    i64::try_from(reset).unwrap()
}

async fn claim_plan(store: &Store) -> Vec<String> {
    let mut conn = store.pool().acquire().await.unwrap();
    let rows = sqlx::query(AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {}",
        guichet::store::jobs::CLAIM_SQLITE
    )))
    .bind(now_ms() + 2 * MINUTE)
    .bind("bench:0")
    .bind(now_ms())
    .bind(200_i64)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut depth: HashMap<i64, usize> = HashMap::new();
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get(0).unwrap();
            let parent: i64 = row.try_get(1).unwrap();
            let detail: String = row.try_get(3).unwrap();
            let d = depth.get(&parent).map_or(0, |d| d + 1);
            depth.insert(id, d);
            format!("{}{detail}", "  ".repeat(d))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

/// Reuses the database at `path` if it holds the tickets; else seeds it, into a
/// side file renamed at the end, so an interrupted seeding leaves nothing behind.
async fn prepare_database(path: &Path) {
    if path.exists() {
        let store = guichet::app::prepare_store(&config_for(path))
            .await
            .expect("database");
        let tickets = count(&store, "SELECT COUNT(*) FROM tickets").await;
        store.close().await;
        assert_eq!(
            tickets,
            TICKETS,
            "{} holds {} tickets, not {}: delete it, or name another file with GUICHET_BENCH_DB",
            path.display(),
            thousands(tickets),
            thousands(TICKETS)
        );
        println!(
            "  reused: {} already holds {} tickets; {}",
            path.display(),
            thousands(tickets),
            size_of(path)
        );
        return;
    }
    let side = PathBuf::from(format!("{}.seeding", path.display()));
    remove_with_logs(&side);
    let start = Instant::now();
    let config = config_for(&side);
    let store = guichet::app::prepare_store(&config)
        .await
        .expect("database");
    let seeded = seed(&store, &config).await;
    {
        let mut conn = store.pool().acquire().await.unwrap();
        sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    store.close().await;
    remove_with_logs(path);
    std::fs::rename(&side, path).expect("rename the seeded database");
    remove_with_logs(&side);
    println!(
        "  seeded in {:.1} s: {} users, {} tickets ({} open, {} resolved, {} closed), {} threads, {} jobs ({} live with a due time, none due); {}",
        start.elapsed().as_secs_f64(),
        thousands(seeded.users),
        thousands(seeded.tickets),
        thousands(seeded.open),
        thousands(seeded.resolved),
        thousands(seeded.closed),
        thousands(seeded.threads),
        thousands(seeded.jobs),
        thousands(seeded.due_jobs),
        size_of(path)
    );
}

fn remove_with_logs(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file).expect("remove an old file");
        }
    }
}

fn size_of(path: &Path) -> String {
    let mut bytes = 0;
    for suffix in ["", "-wal"] {
        if let Ok(meta) = std::fs::metadata(format!("{}{suffix}", path.display())) {
            bytes += meta.len();
        }
    }
    format!("{:.0} MiB on disk", bytes as f64 / (1024.0 * 1024.0))
}

#[derive(Default)]
struct Seeded {
    users: i64,
    tickets: i64,
    open: i64,
    resolved: i64,
    closed: i64,
    threads: i64,
    jobs: i64,
    due_jobs: i64,
}

/// A reproducible stream of numbers (SplitMix64), one per ticket or person.
struct Draws(u64);

impl Draws {
    fn new(seed: u64) -> Draws {
        Draws(seed.wrapping_mul(0x2545_F491_4F6C_DD1D))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: i64) -> i64 {
        (self.next() % n.unsigned_abs()) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as i64) as usize]
    }
}

fn kind_number(rule: Rule) -> i64 {
    Rule::ALL.iter().position(|r| *r == rule).unwrap() as i64
}

/// When a live job of an open ticket is due: in the future, spread over a month.
fn open_due(ticket: i64, rule: Rule) -> i64 {
    now_ms() + DUE_FROM + (ticket * 2_654_435_761 + kind_number(rule) * 40_503) % DUE_SPREAD
}

/// The same, in SQL over `jobs.ticket_id`.
fn open_due_sql(rule: Rule) -> String {
    format!(
        "({} + {DUE_FROM} + (ticket_id * 2654435761 + {} * 40503) % {DUE_SPREAD})",
        now_ms(),
        kind_number(rule)
    )
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

const SUBJECTS: [&str; 12] = [
    "Écran noir au démarrage",
    "Imprimante du 2e étage hors service",
    "Accès VPN refusé depuis ce matin",
    "Mot de passe expiré",
    "Excel plante à l'ouverture du fichier",
    "Le wifi coupe toutes les dix minutes",
    "Note de frais du déplacement à Lyon",
    "Hôtel pour la formation de mars",
    "Attestation employeur",
    "Question sur ma fiche de paie",
    "Installer une licence Visio",
    "Clavier qui ne répond plus",
];

const FIRST_NAMES: [&str; 10] = [
    "Sami", "Nour", "Yasmine", "Karim", "Lina", "Mehdi", "Salma", "Amine", "Rania", "Youssef",
];
const LAST_NAMES: [&str; 8] = [
    "Ben Ali", "Trabelsi", "Haddad", "Mansour", "Jebali", "Gharbi", "Chaabane", "Issaoui",
];

/// Where rows wait to be written, `ROWS_PER_INSERT` per statement.
struct Table {
    insert: &'static str,
    rows: Vec<String>,
    written: i64,
}

impl Table {
    fn new(insert: &'static str) -> Table {
        Table {
            insert,
            rows: Vec::new(),
            written: 0,
        }
    }

    async fn flush(&mut self, conn: &mut AnyConnection) {
        for chunk in self.rows.chunks(ROWS_PER_INSERT) {
            let sql = format!("{} VALUES {}", self.insert, chunk.join(","));
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", self.insert));
        }
        self.written += self.rows.len() as i64;
        self.rows.clear();
    }
}

/// What the tickets are drawn from.
struct World {
    tz: Tz,
    categories: Vec<Category>,
    staff: HashMap<TeamId, Vec<UserId>>,
    spaces: HashMap<TeamId, (Platform, String)>,
    employees: Vec<(UserId, Platform)>,
    /// First response and resolution targets, by priority, in milliseconds.
    sla: [(i64, i64); 4],
    overdue_after: i64,
    rating_reminder: i64,
    close_resolved: i64,
}

fn millis(d: guichet::config::HumanDuration) -> i64 {
    i64::try_from(d.0.as_millis()).unwrap()
}

fn priority_index(p: Priority) -> usize {
    match p {
        Priority::P0 => 0,
        Priority::P1 => 1,
        Priority::P2 => 2,
        Priority::P3 => 3,
    }
}

/// SLA escalation levels reached when the target took `took`: warn, missed, admins.
fn levels(took: i64, target: i64) -> i64 {
    if took * 100 >= target * 150 {
        3
    } else if took >= target {
        2
    } else if took * 100 >= target * 80 {
        1
    } else {
        0
    }
}

async fn seed(store: &Store, config: &Config) -> Seeded {
    let catalog = Arc::new(guichet::app::load_catalog(store).await.unwrap());
    let desk = Desk::new(Arc::new(ManualClock::new(now())), config, catalog.clone());
    let mut seeded = Seeded::default();

    // The agents and an admin, as `guichet user add` / `team add-member` would.
    let mut staff: HashMap<TeamId, Vec<UserId>> = HashMap::new();
    let mut tx = store.begin().await.unwrap();
    let mut n = 0;
    for (slug, agents, role, platform) in [
        ("it", 10, Role::Agent, "discord"),
        ("finance", 4, Role::Agent, "telegram"),
        ("hr", 3, Role::Hr, "discord"),
    ] {
        let team = desk.find_team(slug).unwrap();
        let expertise: Vec<Category> = catalog
            .categories()
            .filter(|c| c.team == team.id && c.active)
            .cloned()
            .collect();
        for k in 0..agents {
            n += 1;
            let new = NewUser {
                display_name: format!(
                    "{} {}",
                    FIRST_NAMES[n % FIRST_NAMES.len()],
                    LAST_NAMES[(n / 2) % LAST_NAMES.len()]
                ),
                email: Some(Email::parse(&format!("agent{n}@example.com")).unwrap()),
                language: Language::Fr,
                department: None,
                role,
            };
            let identity = format!("{platform}:{}", 1000 + n).parse().unwrap();
            let user = desk
                .add_user(&mut tx, None, &new, &[identity], Origin::Cli)
                .await
                .unwrap();
            desk.add_member(&mut tx, None, &team, user.id, k == 0, Origin::Cli)
                .await
                .unwrap();
            desk.set_expertise(&mut tx, None, user.id, &expertise, Origin::Cli)
                .await
                .unwrap();
            desk.set_agent_settings(&mut tx, None, user.id, Some(40), None, Origin::Cli)
                .await
                .unwrap();
            staff.entry(team.id).or_default().push(user.id);
            seeded.users += 1;
        }
    }
    let admin = NewUser {
        display_name: "Admin Guichet".into(),
        email: Some(Email::parse("admin@example.com").unwrap()),
        language: Language::Fr,
        department: None,
        role: Role::Admin,
    };
    desk.add_user(
        &mut tx,
        None,
        &admin,
        &["discord:999".parse().unwrap()],
        Origin::Cli,
    )
    .await
    .unwrap();
    seeded.users += 1;
    tx.commit().await.unwrap();

    let mut conn = store.pool().acquire().await.unwrap();
    // This connection only: a large page cache for the indexes, no waiting for the disk.
    sqlx::raw_sql("PRAGMA cache_size = -524288; PRAGMA synchronous = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();

    // The employees, in SQL.
    let start = now_ms() - DAYS * DAY - 30 * DAY;
    let mut users = Table::new(
        "INSERT INTO users (id, display_name, email, language, department, role, created_at, updated_at)",
    );
    let mut identities =
        Table::new("INSERT INTO identities (platform, external_id, user_id, created_at, dm_chat)");
    let first_employee: i64 = {
        let max: i64 = sqlx::query("SELECT MAX(id) FROM users")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        max + 1
    };
    let mut employees = Vec::new();
    for e in 0..EMPLOYEES {
        let id = first_employee + e;
        let mut r = Draws::new(u64::MAX - e as u64);
        let language = if r.below(5) == 0 { "en" } else { "fr" };
        let name = format!("{} {}", r.pick(&FIRST_NAMES), r.pick(&LAST_NAMES));
        let department = r.pick(&["Ventes", "Production", "Logistique", "Direction"]);
        users.rows.push(format!(
            "({id}, {}, 'employe{e}@example.com', '{language}', '{department}', 'employee', {start}, {start})",
            quoted(&name)
        ));
        let external = 500_000_000 + e;
        let (platform, chat) = if e % 3 == 0 {
            (Platform::Discord, format!("dm-{external}"))
        } else {
            (Platform::Telegram, external.to_string())
        };
        identities.rows.push(format!(
            "('{}', '{external}', {id}, {start}, '{chat}')",
            platform.as_str()
        ));
        employees.push((UserId(id), platform));
    }
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await.unwrap();
    users.flush(&mut conn).await;
    identities.flush(&mut conn).await;
    sqlx::raw_sql("COMMIT").execute(&mut *conn).await.unwrap();
    seeded.users += users.written;

    let sla = [Priority::P0, Priority::P1, Priority::P2, Priority::P3].map(|p| {
        let t = config.sla.target(p);
        (millis(t.first_response), millis(t.resolution))
    });
    let world = World {
        tz: config.company.time_zone,
        categories: catalog.categories().filter(|c| c.active).cloned().collect(),
        staff,
        spaces: catalog
            .teams()
            .filter_map(|t| t.staff_space.clone().map(|s| (t.id, s)))
            .collect(),
        employees,
        sla,
        overdue_after: millis(config.overdue.after[0]),
        rating_reminder: millis(config.follow_up.rating_reminder),
        close_resolved: millis(config.follow_up.close_resolved_after),
    };

    let mut tickets = Table::new(
        "INSERT INTO tickets (id, reference, subject, description, requester_id, category_id, \
         team_id, priority, status, assignee_id, resolution, created_at, updated_at, \
         first_response_at, last_requester_message_at, last_agent_message_at, resolved_at, \
         closed_at, origin_platform, first_response_due_at, resolution_due_at, \
         first_response_breached_at, resolution_breached_at)",
    );
    let mut threads = Table::new(
        "INSERT INTO ticket_threads (ticket_id, platform, space, thread, card_message, current, created_at)",
    );
    let mut jobs = Table::new(
        "INSERT INTO jobs (ticket_id, kind, anchor, step, live, due_at, claim, updated_at)",
    );
    let mut sequences: Vec<(String, u32)> = Vec::new();
    for i in 0..TICKETS {
        if i % TICKETS_PER_TX == 0 && i > 0 {
            write(&mut conn, [&mut tickets, &mut threads, &mut jobs]).await;
        }
        let t = draw(&world, i, &mut seeded);
        let day = TicketReference::day_of(
            DateTime::from_timestamp_millis(t.created).unwrap(),
            world.tz,
        );
        let key = TicketReference::day_key(day);
        match sequences.last_mut() {
            Some((last, value)) if *last == key => *value += 1,
            _ => sequences.push((key, 1)),
        }
        let sequence = sequences.last().unwrap().1;
        tickets
            .rows
            .push(t.row(&TicketReference::new(day, sequence).to_string()));
        if let Some((platform, space)) = world.spaces.get(&t.team) {
            threads.rows.push(format!(
                "({}, '{}', '{space}', 't{}', 'c{}', 1, {})",
                t.id,
                platform.as_str(),
                t.id,
                t.id,
                t.created
            ));
        }
        for job in &t.jobs {
            seeded.due_jobs += i64::from(job.due.is_some());
            jobs.rows.push(format!(
                "({}, '{}', {}, {}, {}, {}, NULL, {})",
                t.id,
                job.rule.as_str(),
                job.anchor,
                job.step,
                i64::from(job.live),
                opt(job.due),
                t.updated
            ));
        }
    }
    write(&mut conn, [&mut tickets, &mut threads, &mut jobs]).await;
    let mut days = Table::new("INSERT INTO ticket_sequences (day, last_value)");
    days.rows = sequences
        .iter()
        .map(|(day, value)| format!("('{day}', {value})"))
        .collect();
    write(&mut conn, [&mut days]).await;
    sqlx::raw_sql("PRAGMA synchronous = NORMAL")
        .execute(&mut *conn)
        .await
        .unwrap();
    seeded.tickets = tickets.written;
    seeded.threads = threads.written;
    seeded.jobs = jobs.written;
    seeded
}

/// Writes what the tables hold, in one transaction.
async fn write<const N: usize>(conn: &mut AnyConnection, tables: [&mut Table; N]) {
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await.unwrap();
    for table in tables {
        table.flush(conn).await;
    }
    sqlx::raw_sql("COMMIT").execute(&mut *conn).await.unwrap();
}

struct Job {
    rule: Rule,
    anchor: i64,
    step: i64,
    live: bool,
    due: Option<i64>,
}

struct Drawn {
    id: i64,
    subject: &'static str,
    requester: UserId,
    origin: Platform,
    category: i64,
    team: TeamId,
    priority: Priority,
    status: &'static str,
    assignee: Option<UserId>,
    created: i64,
    updated: i64,
    first_response: Option<i64>,
    last_requester: i64,
    last_agent: Option<i64>,
    resolved: Option<i64>,
    closed: Option<i64>,
    sla: (i64, i64),
    breached: (Option<i64>, Option<i64>),
    jobs: Vec<Job>,
}

impl Drawn {
    fn row(&self, reference: &str) -> String {
        let resolution = if self.resolved.is_some() {
            "'Réglé, merci de confirmer.'"
        } else {
            "NULL"
        };
        format!(
            "({}, '{reference}', {}, '', {}, {}, {}, '{}', '{}', {}, {resolution}, {}, {}, {}, {}, {}, {}, {}, '{}', {}, {}, {}, {})",
            self.id,
            quoted(self.subject),
            self.requester.0,
            self.category,
            self.team.0,
            self.priority.as_str(),
            self.status,
            opt(self.assignee.map(|u| u.0)),
            self.created,
            self.updated,
            opt(self.first_response),
            self.last_requester,
            opt(self.last_agent),
            opt(self.resolved),
            opt(self.closed),
            self.origin.as_str(),
            self.created + self.sla.0,
            self.created + self.sla.1,
            opt(self.breached.0),
            opt(self.breached.1),
        )
    }
}

/// Ticket number `i` (from 0), its times and its jobs, from arithmetic on `i`.
fn draw(world: &World, i: i64, seeded: &mut Seeded) -> Drawn {
    let now = now_ms();
    let id = i + 1;
    let mut r = Draws::new(id as u64);
    let step = DAYS * DAY / TICKETS;
    let created = now - DAYS * DAY + i * step + r.below(step);
    let age = now - created;
    // Durations are kept within half the ticket's age, so every time is in the past.
    let within = |d: i64| d.min(age / 2).max(1);
    let category = r.pick(&world.categories);
    let priority = match r.below(100) {
        0..=2 => Priority::P0,
        3..=14 => Priority::P1,
        90.. => Priority::P3,
        _ => category.default_priority,
    };
    let (requester, origin) = *r.pick(&world.employees);
    let agent = *r.pick(&world.staff[&category.team]);
    let sla = world.sla[priority_index(priority)];
    let first_response_delay = within(5 * MINUTE + r.below(8 * HOUR));
    let subject = *r.pick(&SUBJECTS);
    let mut t = Drawn {
        id,
        subject,
        requester,
        origin,
        category: category.id.0,
        team: category.team,
        priority,
        status: "closed",
        assignee: Some(agent),
        created,
        updated: created,
        first_response: None,
        last_requester: created,
        last_agent: None,
        resolved: None,
        closed: None,
        sla,
        breached: (None, None),
        jobs: Vec::new(),
    };
    let open = i >= TICKETS - RECENT && matches!(i % 5, 1 | 3);
    if open {
        seeded.open += 1;
        t.status = match r.below(100) {
            0..35 => "open",
            35..80 => "in_progress",
            _ => "waiting_on_user",
        };
        let assigned = t.status != "open" || r.below(100) >= 45;
        let answered = t.status != "open" || (assigned && r.below(2) == 0);
        if !assigned {
            t.assignee = None;
        }
        if answered {
            let at = created + first_response_delay;
            t.first_response = Some(at);
            t.last_agent = Some(at);
            t.updated = at;
        }
        let unanswered = t.status == "in_progress" && r.below(3) == 0;
        if let (true, Some(answer)) = (unanswered, t.first_response) {
            t.last_requester = answer + (now - answer) / 2;
            t.updated = t.last_requester;
        }
        if let (true, Some(answer)) = (t.status == "waiting_on_user", t.first_response) {
            t.updated = answer + (now - answer) / 3;
        }
        let live = |rule: Rule, anchor: i64| Job {
            rule,
            anchor,
            step: 0,
            live: true,
            due: Some(open_due(id, rule)),
        };
        t.jobs.push(live(Rule::Resolution, created));
        t.jobs.push(live(Rule::Overdue, created));
        if t.first_response.is_none() {
            t.jobs.push(live(Rule::FirstResponse, created));
        }
        if t.assignee.is_none() {
            t.jobs.push(live(Rule::Unassigned, created));
        }
        if t.status == "waiting_on_user" {
            t.jobs.push(live(Rule::Waiting, t.updated));
        }
        if unanswered {
            t.jobs.push(live(Rule::Unanswered, t.last_requester));
        }
        return t;
    }
    let resolve_delay = within(30 * MINUTE + r.below(96 * HOUR));
    let answer_delay = first_response_delay.min(resolve_delay / 2).max(1);
    let resolved = created + resolve_delay;
    t.first_response = Some(created + answer_delay);
    t.last_agent = Some(resolved);
    t.resolved = Some(resolved);
    t.updated = resolved;
    let close_delay = r.below(6 * DAY).min(world.close_resolved);
    if resolved + close_delay <= now {
        seeded.closed += 1;
        t.closed = Some(resolved + close_delay);
        t.updated = resolved + close_delay;
    } else {
        seeded.resolved += 1;
        t.status = "resolved";
    }
    t.breached = (
        (answer_delay >= sla.0).then_some(created + sla.0),
        (resolve_delay >= sla.1).then_some(created + sla.1),
    );
    let asleep = |rule: Rule, step: i64| Job {
        rule,
        anchor: created,
        step,
        live: false,
        due: None,
    };
    t.jobs
        .push(asleep(Rule::FirstResponse, levels(answer_delay, sla.0)));
    t.jobs
        .push(asleep(Rule::Resolution, levels(resolve_delay, sla.1)));
    t.jobs.push(asleep(
        Rule::Overdue,
        i64::from(resolve_delay >= world.overdue_after),
    ));
    if t.status == "resolved" {
        let reminder = resolved + world.rating_reminder;
        let reminded = reminder <= now;
        t.jobs.push(Job {
            rule: Rule::RatingReminder,
            anchor: resolved,
            step: i64::from(reminded),
            live: true,
            due: (!reminded).then_some(reminder),
        });
        t.jobs.push(Job {
            rule: Rule::CloseResolved,
            anchor: resolved,
            step: 0,
            live: true,
            due: Some(resolved + world.close_resolved),
        });
    }
    t
}
