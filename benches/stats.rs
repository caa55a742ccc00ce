//! The dashboard's figures at scale, on SQLite: `store::stats::summary` over the
//! 1,000,000 tickets of the benchmark database, for the last 7, 30 and 365 days,
//! over every team and over one. Each statement reads an index range and sends back
//! aggregates, so the cost follows the tickets of the period, not the table. The
//! target is under 300 ms for the default period (30 days). Printed, never asserted.
//!
//! Run with `cargo bench --bench stats`. The first run seeds the database shared
//! with `benches/scheduler.rs` (`seed/mod.rs` says what it holds and where it
//! lives); later runs reuse it. The query plans follow the timings.

mod seed;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use guichet::domain::TeamId;
use guichet::store::Store;
use guichet::store::stats::{Period, Scope, Stats, statements, summary};
use sqlx::AssertSqlSafe;

use seed::{config_for, count, median, ms, now, now_ms, prepare_database, thousands};

/// Timed runs per period and scope, after one warm-up run.
const RUNS: usize = 15;
const TARGET_MS: f64 = 300.0;
const PERIODS: [i64; 3] = [30, 7, 365];
/// The team of the one-team scope: the largest.
const TEAM: &str = "it";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = seed::database_path();
    println!(
        "guichet statistics benchmark: SQLite, {} (clock fixed at {})",
        path.display(),
        now().format("%Y-%m-%d %H:%M UTC")
    );
    prepare_database(&path).await;
    let clock = std::sync::Arc::new(guichet::clock::ManualClock::new(now()));
    let app = guichet::app::App::build_at(config_for(&path), clock)
        .await
        .expect("database");
    let store = app.store.clone();
    let team = app
        .desk
        .catalog()
        .teams()
        .find(|t| t.slug == TEAM)
        .unwrap()
        .id;
    let tz = app.config.company.time_zone;
    println!(
        "  {} tickets ({} of team {TEAM}), {} messages, {} ratings, {} points entries",
        thousands(count(&store, "SELECT COUNT(*) FROM tickets").await),
        thousands(
            count(
                &store,
                &format!("SELECT COUNT(*) FROM tickets WHERE team_id = {}", team.0)
            )
            .await
        ),
        thousands(count(&store, "SELECT COUNT(*) FROM ticket_messages").await),
        thousands(count(&store, "SELECT COUNT(*) FROM ratings").await),
        thousands(count(&store, "SELECT COUNT(*) FROM points_ledger").await),
    );

    let scopes = [
        ("all teams".to_owned(), Scope::All),
        (format!("team {TEAM}"), Scope::Teams(vec![team])),
    ];
    let mut default_period = Vec::new();
    let mut created_in_30_days = 0;
    for days in PERIODS {
        let period = last_days(days);
        let created = count(
            &store,
            &format!(
                "SELECT COUNT(*) FROM tickets WHERE created_at >= {} AND created_at < {}",
                period.from.timestamp_millis(),
                period.to.timestamp_millis()
            ),
        )
        .await;
        if days == 30 {
            created_in_30_days = created;
        }
        for (name, scope) in &scopes {
            let (took, stats) = timed(&store, period, scope, tz).await;
            let med = median(&took);
            println!(
                "summary(), last {days} days ({} tickets created), {name}: median {} (min {}, max {}) over {RUNS} runs",
                thousands(created),
                ms(med),
                ms(took[0]),
                ms(took[took.len() - 1]),
            );
            println!("  {}", glance(&stats));
            if days == 30 {
                default_period.push((name.clone(), med));
            }
        }
    }

    for (name, scope) in &scopes {
        println!(
            "statements, last 30 days, {name}: median time over {RUNS} runs, and plan (EXPLAIN QUERY PLAN on SQLite):"
        );
        for statement in statements(scope) {
            let bind = |prefix: &str| {
                bound(
                    format!("{prefix}{}", statement.sql),
                    statement.params,
                    scope,
                    created_in_30_days / 2,
                )
            };
            let took = statement_time(&store, &bind).await;
            println!("  {} ({}):", statement.name, ms(took));
            for line in plan(&store, &bind).await {
                println!("    {line}");
            }
        }
    }

    let endpoint = endpoint_times(&app).await;

    for (name, med) in default_period {
        let verdict = if med.as_secs_f64() * 1000.0 < TARGET_MS {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "target: summary() for the last 30 days, {name}, under {TARGET_MS:.0} ms on SQLite: median {} — {verdict}",
            ms(med)
        );
    }
    for (what, med) in endpoint {
        let verdict = if med.as_secs_f64() * 1000.0 < TARGET_MS {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "target: GET {what} over HTTP, under {TARGET_MS:.0} ms on SQLite: median {} — {verdict}",
            ms(med)
        );
    }
    store.close().await;
}

/// `GET /api/v1/stats` through the real router on a 127.0.0.1 port, as an admin's
/// token and as an IT agent's: what a dashboard or a script waits for, JSON
/// included. Returns the medians of the 30-day requests.
async fn endpoint_times(app: &guichet::app::App) -> Vec<(String, Duration)> {
    use guichet::domain::Role;
    let store = &app.store;
    let state = app.web(Vec::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(guichet::web::serve(
        listener,
        guichet::web::router(state),
        std::future::pending(),
    ));
    // A token for an admin and one for an agent of the team, kept for later runs.
    let mut tokens = Vec::new();
    for (label, role, team) in [
        ("admin", Role::Admin, None),
        ("agent it", Role::Agent, Some(TEAM)),
    ] {
        let secret = format!("bench-{}", label.replace(' ', "-"));
        let mut tx = store.begin().await.unwrap();
        let user: i64 = match team {
            None => {
                sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")
            }
            Some(_) => sqlx::query_scalar(
                "SELECT u.id FROM users u JOIN team_members m ON m.user_id = u.id \
                 JOIN teams t ON t.id = m.team_id WHERE u.role = 'agent' AND t.slug = 'it' \
                 ORDER BY u.id LIMIT 1",
            ),
        }
        .fetch_optional(&mut *tx)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the seeded database has no {label} ({role})"));
        sqlx::query("DELETE FROM api_tokens WHERE name = $1")
            .bind(label)
            .execute(&mut *tx)
            .await
            .unwrap();
        guichet::store::accounts::create_token(
            &mut tx,
            guichet::domain::UserId(user),
            label,
            &guichet::web::secret_hash(&secret),
            now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        tokens.push((label, secret));
    }
    let http = reqwest::Client::new();
    let mut medians = Vec::new();
    for days in [30, 7] {
        for (label, token) in &tokens {
            let url = format!("{base}/api/v1/stats?days={days}");
            let mut took = Vec::with_capacity(RUNS);
            let mut body = String::new();
            for run in 0..=RUNS {
                let start = Instant::now();
                let response = http.get(&url).bearer_auth(token).send().await.unwrap();
                assert!(
                    response.status().is_success(),
                    "{url}: {}",
                    response.status()
                );
                body = response.text().await.unwrap();
                if run > 0 {
                    took.push(start.elapsed());
                }
            }
            took.sort();
            let med = median(&took);
            println!(
                "GET /api/v1/stats?days={days} as {label}: median {} (min {}, max {}) over {RUNS} requests, {} bytes of JSON",
                ms(med),
                ms(took[0]),
                ms(took[took.len() - 1]),
                body.len()
            );
            if days == 30 {
                medians.push((format!("/api/v1/stats?days=30 as {label}"), med));
            }
        }
    }
    medians
}

/// The `days` days before the benchmark's clock.
fn last_days(days: i64) -> Period {
    Period {
        from: now() - TimeDelta::days(days),
        to: now(),
    }
}

/// One warm-up run, then `RUNS` timed ones, sorted; and the figures.
async fn timed(
    store: &Store,
    period: Period,
    scope: &Scope,
    tz: chrono_tz::Tz,
) -> (Vec<Duration>, Stats) {
    let mut stats = summary(store.pool(), period, scope, tz).await.unwrap();
    let mut took = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        stats = summary(store.pool(), period, scope, tz).await.unwrap();
        took.push(start.elapsed());
    }
    took.sort();
    (took, stats)
}

/// A few of the figures, to see they are real.
fn glance(s: &Stats) -> String {
    let secs = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{:.0} min", v / 60.0));
    let percent = |r: guichet::store::stats::Rate| {
        r.percent()
            .map_or_else(|| "-".into(), |p| format!("{p:.1} %"))
    };
    let backlog: u64 = s.backlog.iter().map(|(_, n)| n).sum();
    let leader = s
        .leaderboard
        .first()
        .map_or_else(|| "-".into(), |r| format!("{} ({} pts)", r.name, r.points));
    format!(
        "opened {}, resolved {}, first response mean {} median {}, resolution mean {} median {}, \
         {} ratings avg {:.2}, SLA missed {}, first contact {}, backlog {}, {} days, top {}",
        thousands(s.opened as i64),
        thousands(s.resolved as i64),
        secs(s.first_response.mean_secs),
        secs(s.first_response.median_secs),
        secs(s.resolution.mean_secs),
        secs(s.resolution.median_secs),
        thousands(s.satisfaction.count as i64),
        s.satisfaction.average.unwrap_or(0.0),
        percent(s.sla_breached),
        percent(s.first_contact_resolution),
        thousands(backlog as i64),
        s.per_day.len(),
        leader,
    )
}

type Query = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;

/// One statement with its parameters bound to the 30-day period (then, for a
/// median, the two rows from about the middle), then the scope's teams.
fn bound(sql: String, params: usize, scope: &Scope, middle: i64) -> Query {
    let period = last_days(30);
    let values = [period.from.timestamp_millis(), now_ms(), 2, middle];
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in &values[..params] {
        query = query.bind(*value);
    }
    if let Scope::Teams(teams) = scope {
        for TeamId(id) in teams {
            query = query.bind(*id);
        }
    }
    query
}

/// The median time of one statement alone, after a warm-up run. `bind` gives the
/// statement, bound, after the text it is given.
async fn statement_time(store: &Store, bind: &impl Fn(&str) -> Query) -> Duration {
    let mut conn = store.pool().acquire().await.unwrap();
    let mut took = Vec::with_capacity(RUNS);
    for k in 0..=RUNS {
        let start = Instant::now();
        bind("").fetch_all(&mut *conn).await.unwrap();
        if k > 0 {
            took.push(start.elapsed());
        }
    }
    took.sort();
    median(&took)
}

/// The plan of one statement, as a tree.
async fn plan(store: &Store, bind: &impl Fn(&str) -> Query) -> Vec<String> {
    let mut conn = store.pool().acquire().await.unwrap();
    let rows = bind("EXPLAIN QUERY PLAN ")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    seed::plan_tree(&rows)
}
