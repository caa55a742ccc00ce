//! The scheduler at scale, on SQLite: one tick over 1,000,000 tickets of which
//! 100,000 are open, with nothing due, then with 1,000 due jobs. A tick reads only
//! the rows due (the `jobs_due` index), so its cost must follow the due jobs, not the
//! tickets: the target is under 50 ms with nothing due. Printed, never asserted.
//!
//! Run with `cargo bench --bench scheduler`. The first run seeds the database shared
//! with `benches/stats.rs` (`seed/mod.rs` says what it holds and where it lives);
//! later runs reuse it.

mod seed;

use std::sync::Arc;
use std::time::{Duration, Instant};

use guichet::app::App;
use guichet::clock::ManualClock;
use guichet::planning::Rule;
use guichet::scheduler::{Scheduler, Tick};
use guichet::store::Store;
use sqlx::AssertSqlSafe;

use seed::draw::open_due_sql;
use seed::{
    DAY, DUE_FROM, MINUTE, OPEN_STATUSES, config_for, count, median, ms, now, now_ms,
    prepare_database, thousands,
};

/// Ticks measured with nothing due, after the warm-up.
const IDLE_TICKS: usize = 20;
const WARM_UP_TICKS: usize = 3;
const DUE: i64 = 1_000;
const DUE_ROUNDS: usize = 3;
const TARGET_MS: f64 = 50.0;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = seed::database_path();
    println!(
        "guichet scheduler benchmark: SQLite, {} (clock fixed at {})",
        path.display(),
        now().format("%Y-%m-%d %H:%M UTC")
    );
    prepare_database(&path).await;

    let app = App::build_at(config_for(&path), Arc::new(ManualClock::new(now())))
        .await
        .expect("database");
    let store = app.store.clone();
    let reset = reset_earlier_runs(&store).await;
    if reset > 0 {
        println!(
            "  {} overdue rows used by an earlier run set back to their seeded state",
            thousands(reset)
        );
    }
    let scheduler = app.scheduler();
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

fn show(tick: &Tick) -> String {
    format!(
        "claimed {}, done {}, passed {}, failed {}",
        tick.claimed, tick.done, tick.passed, tick.failed
    )
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
    seed::plan_tree(&rows)
}
