//! The database both SQLite benchmarks run on: 1,000,000 tickets over a year, with
//! what the scheduler planned for them and what the statistics read.
//!
//! `target/bench-data/seed-1m-v2.db` (another file: `GUICHET_BENCH_DB=path`) is
//! seeded by the first run and reused by later ones; delete it to seed it again.
//! The seeding is reproducible: every value is arithmetic on the ticket's number
//! and the clock is fixed (`now`). It writes a few hundred people (the agents
//! through the desk, the employees in SQL) and 1,000,000 tickets spread over a year
//! by working hours (`draw::Busy`), 100,000 of the most recent ones still open,
//! with: their staff threads; the `jobs` rows the scheduler would have planned
//! (live ones due in the future for the open tickets, asleep ones for the others);
//! first responses, resolutions and missed SLA targets; the conversations (the
//! requester's first message, one to three public answers, a few internal notes);
//! ratings of two resolved tickets in five; and the points ledger (resolutions,
//! fast answers, good ratings, a few reversals after a reopening).
//!
//! Also the few helpers both benchmarks print with.

#![allow(dead_code)] // each benchmark uses its own part

pub mod draw;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use guichet::app::App;
use guichet::clock::ManualClock;
use guichet::config::{Config, StaffSpace};
use guichet::domain::{
    Category, Email, Language, NewUser, Platform, Priority, Role, TeamId, TicketReference, UserId,
};
use guichet::store::Store;
use guichet::store::audit::Origin;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use self::draw::{Busy, Draws, FIRST_NAMES, LAST_NAMES, World, draw, opt, quoted};

/// The file's name says what it holds: a file seeded by an older version of this
/// module is not reused.
const FILE_NAME: &str = "seed-1m-v2.db";

pub const TICKETS: i64 = 1_000_000;
pub const OPEN: i64 = 100_000;
/// The open tickets are two in five of the most recent ones.
pub const RECENT: i64 = OPEN * 5 / 2;
const EMPLOYEES: i64 = 400;
/// The tickets' creation spans this many days before `now()`.
pub const DAYS: i64 = 365;
const TICKETS_PER_TX: i64 = 50_000;
const ROWS_PER_INSERT: usize = 500;
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
/// The live jobs of open tickets fall due between one hour and thirty days after `now()`.
pub const DUE_FROM: i64 = HOUR;
pub const DUE_SPREAD: i64 = 30 * DAY;
pub const OPEN_STATUSES: &str = "('open', 'in_progress', 'waiting_on_user')";

/// The benchmark's clock: the seeding's "now", and the scheduler's.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn now_ms() -> i64 {
    now().timestamp_millis()
}

/// `target/bench-data/seed-1m-v2.db`, or the file `GUICHET_BENCH_DB` names.
pub fn database_path() -> PathBuf {
    std::env::var("GUICHET_BENCH_DB")
        .ok()
        .filter(|p| !p.is_empty())
        .map_or_else(
            || {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("target/bench-data")
                    .join(FILE_NAME)
            },
            PathBuf::from,
        )
}

/// The committed configuration on the file at `path`, with the teams' staff spaces.
pub fn config_for(path: &Path) -> Config {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/guichet.toml");
    let mut config = Config::load(&file).expect("config");
    config.database.url = format!("sqlite://{}", path.display());
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

pub fn thousands(n: i64) -> String {
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

pub async fn count(store: &Store, sql: &str) -> i64 {
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query(AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn median(sorted: &[Duration]) -> Duration {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

/// Reuses the database at `path` if it holds the tickets; else seeds it, into a
/// side file renamed at the end, so an interrupted seeding leaves nothing behind.
pub async fn prepare_database(path: &Path) {
    if path.exists() {
        let app = App::build(config_for(path)).await.expect("database");
        let tickets = count(&app.store, "SELECT COUNT(*) FROM tickets").await;
        app.store.close().await;
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
    let app = App::build_at(config_for(&side), Arc::new(ManualClock::new(now())))
        .await
        .expect("database");
    let store = app.store.clone();
    let seeded = seed(&app).await;
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
        "  seeded in {:.1} s: {} users, {} tickets ({} open, {} resolved, {} closed), {} threads, {} jobs ({} live with a due time, none due), {} messages, {} ratings, {} points entries; {}",
        start.elapsed().as_secs_f64(),
        thousands(seeded.users),
        thousands(seeded.tickets),
        thousands(seeded.open),
        thousands(seeded.resolved),
        thousands(seeded.closed),
        thousands(seeded.threads),
        thousands(seeded.jobs),
        thousands(seeded.due_jobs),
        thousands(seeded.messages),
        thousands(seeded.ratings),
        thousands(seeded.points),
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

pub fn size_of(path: &Path) -> String {
    let mut bytes = 0;
    for suffix in ["", "-wal"] {
        if let Ok(meta) = std::fs::metadata(format!("{}{suffix}", path.display())) {
            bytes += meta.len();
        }
    }
    format!("{:.0} MiB on disk", bytes as f64 / (1024.0 * 1024.0))
}

#[derive(Default)]
pub struct Seeded {
    users: i64,
    tickets: i64,
    open: i64,
    resolved: i64,
    closed: i64,
    threads: i64,
    jobs: i64,
    due_jobs: i64,
    messages: i64,
    ratings: i64,
    points: i64,
}

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

fn millis(d: guichet::config::HumanDuration) -> i64 {
    i64::try_from(d.0.as_millis()).unwrap()
}

async fn seed(app: &App) -> Seeded {
    let (store, config, desk) = (&app.store, &*app.config, &app.desk);
    let catalog = desk.catalog();
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
    let tz = config.company.time_zone;
    let world = World {
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
        busy: Busy::new(tz),
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
    let mut messages = Table::new(
        "INSERT INTO ticket_messages (ticket_id, author_id, internal, body, platform, \
         platform_message_id, created_at)",
    );
    let mut ratings =
        Table::new("INSERT INTO ratings (ticket_id, stars, comment, rated_by, created_at)");
    let mut points = Table::new(
        "INSERT INTO points_ledger (agent_id, ticket_id, reason, points, event_key, at)",
    );
    let mut sequences: Vec<(String, u32)> = Vec::new();
    for i in 0..TICKETS {
        if i % TICKETS_PER_TX == 0 && i > 0 {
            write(
                &mut conn,
                [
                    &mut tickets,
                    &mut threads,
                    &mut jobs,
                    &mut messages,
                    &mut ratings,
                    &mut points,
                ],
            )
            .await;
        }
        let t = draw(&world, i, &mut seeded);
        let day = TicketReference::day_of(DateTime::from_timestamp_millis(t.created).unwrap(), tz);
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
        messages.rows.extend(t.message_rows());
        ratings.rows.extend(t.rating_row());
        points.rows.extend(t.points_rows());
    }
    write(
        &mut conn,
        [
            &mut tickets,
            &mut threads,
            &mut jobs,
            &mut messages,
            &mut ratings,
            &mut points,
        ],
    )
    .await;
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
    seeded.messages = messages.written;
    seeded.ratings = ratings.written;
    seeded.points = points.written;
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

/// The rows of SQLite's `EXPLAIN QUERY PLAN`, indented as the tree they are.
pub fn plan_tree(rows: &[sqlx::any::AnyRow]) -> Vec<String> {
    use sqlx::Row;
    let mut depth: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
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
