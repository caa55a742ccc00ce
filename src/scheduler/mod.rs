//! The scheduler's runner: keeps tickets moving with reminders, SLA escalation, the
//! overdue e-mail, the rating reminder and closing.
//!
//! Its work lives in the `jobs` table, one row per ticket and [`Rule`], planned in
//! the transaction of every change to the ticket (see [`crate::planning::plan`]). A tick claims the
//! rows due (one statement: `FOR UPDATE SKIP LOCKED` on PostgreSQL), then carries
//! out each one in a transaction of its own that locks the ticket, checks that the
//! claim still holds, records the step as done and writes what to say to the
//! outbox. A step is therefore done once, whatever the number of instances; an
//! instance that dies lets its claims go when their lease ends; a restart picks up
//! what is due. The cost of a tick follows the number of rows due, not of tickets.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use tracing::Instrument;

use crate::config::SchedulerConfig;
use crate::domain::JobKind;
use crate::engine::{Engine, EngineError};
use crate::metrics::Metrics;
use crate::planning::Rule;
use crate::store::jobs::{self, Claimed, JobState};
use crate::store::{self, Conn, Store, StoreError};

/// How many rows one claim takes at most.
const BATCH: u32 = 200;
/// A tick claims again while rows are due, up to this many times.
const MAX_ROUNDS: usize = 50;

/// The rule a claimed step runs, as `/metrics` labels it.
fn rule_label(job: &Claimed) -> &'static str {
    match (job.ticket, &job.kind) {
        (None, _) => "housekeeping",
        (Some(_), JobKind::Rule(rule)) => rule.as_str(),
        (Some(_), JobKind::Retention | JobKind::Unknown(_)) => "unknown",
    }
}

/// An engine step's outcome for the scheduler: a refusal there is a defect.
fn engine_step<T>(outcome: Result<T, EngineError>, rule: Rule) -> Result<T, StoreError> {
    outcome.map_err(|e| e.refusal_is_a_defect(&format!("the {} step", rule.as_str())))
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    /// Rows claimed.
    pub claimed: usize,
    /// Steps carried out.
    pub done: usize,
    /// Rows whose claim was lost to a change of their ticket, or no longer due.
    pub passed: usize,
    /// Steps that failed; they are tried again when their lease ends.
    pub failed: usize,
}

#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    engine: Engine,
    config: SchedulerConfig,
    /// How long each step took, by rule, for `/metrics`.
    metrics: Arc<Metrics>,
    /// Whether the housekeeping rows were made sure of, once per process.
    housekeeping: AtomicBool,
    /// Names this instance's claims; a counter makes each claim unique.
    owner: String,
    claims: AtomicU64,
}

impl Scheduler {
    pub fn new(
        store: Store,
        engine: Engine,
        config: SchedulerConfig,
        metrics: Arc<Metrics>,
    ) -> Self {
        let owner = format!("{}-{}", std::process::id(), rand::rng().random::<u32>());
        Scheduler {
            inner: Arc::new(Inner {
                store,
                engine,
                config,
                metrics,
                housekeeping: AtomicBool::new(false),
                owner,
                claims: AtomicU64::new(0),
            }),
        }
    }

    /// Ticks every `scheduler.tick` until `shutdown` resolves.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.tick().await {
                Ok(tick) if tick.claimed > 0 => tracing::info!(?tick, "scheduler tick"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "scheduler tick failed"),
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(self.inner.config.tick.0) => {}
            }
        }
        tracing::info!("scheduler stopped");
    }

    /// Carries out everything due now.
    pub async fn tick(&self) -> Result<Tick, StoreError> {
        let me = &self.inner;
        let mut tick = Tick::default();
        if !me.housekeeping.load(Ordering::Relaxed) {
            self.ensure_housekeeping().await?;
            me.housekeeping.store(true, Ordering::Relaxed);
        }
        for _ in 0..MAX_ROUNDS {
            let now = me.engine.desk().now();
            let claim = format!("{}:{}", me.owner, me.claims.fetch_add(1, Ordering::Relaxed));
            let lease = TimeDelta::from_std(me.config.lease.0).unwrap_or(TimeDelta::minutes(2));
            let claimed = {
                let mut tx = me.store.begin().await?;
                let claimed = jobs::claim(&mut tx, &claim, now, now + lease, BATCH).await?;
                tx.commit().await?;
                claimed
            };
            if claimed.is_empty() {
                break;
            }
            tick.claimed += claimed.len();
            for job in &claimed {
                let span = tracing::info_span!(
                    "job",
                    id = job.id,
                    rule = %job.kind,
                    ticket = job.ticket.map(|t| t.0),
                );
                let started = std::time::Instant::now();
                let outcome = self.carry_out(job, &claim, now).instrument(span).await;
                me.metrics.job(rule_label(job), started.elapsed());
                match outcome {
                    Ok(true) => tick.done += 1,
                    Ok(false) => tick.passed += 1,
                    Err(e) => {
                        tick.failed += 1;
                        tracing::error!(job = job.id, kind = %job.kind, ticket = ?job.ticket, error = %e,
                            "a scheduled step failed; it will be tried again when its lease ends");
                    }
                }
            }
        }
        if tick.done > 0 {
            me.engine.wake_dispatcher();
        }
        Ok(tick)
    }

    async fn ensure_housekeeping(&self) -> Result<(), StoreError> {
        let me = &self.inner;
        let mut tx = me.store.begin().await?;
        jobs::ensure_housekeeping(&mut tx, &JobKind::Retention, me.engine.desk().now()).await?;
        tx.commit().await
    }

    /// One claimed row, in one transaction. `Ok(false)`: nothing to do after all.
    async fn carry_out(
        &self,
        job: &Claimed,
        claim: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let me = &self.inner;
        let mut tx = me.store.begin().await?;
        let Some(ticket_id) = job.ticket else {
            let Some(row) = jobs::held(&mut tx, job.id, claim).await? else {
                return Ok(false);
            };
            self.housekeeping(&mut tx, &row.kind, now).await?;
            let next = JobState {
                anchor: now,
                step: row.state.step.saturating_add(1),
                live: true,
                due: Some(now + TimeDelta::days(1)),
            };
            jobs::advance(&mut tx, row.id, &next, now).await?;
            tx.commit().await?;
            return Ok(true);
        };
        // The ticket first, as every change does, then the row: no deadlock.
        let ticket = store::tickets::get_for_update(&mut tx, ticket_id).await?;
        let Some(row) = jobs::held(&mut tx, job.id, claim).await? else {
            return Ok(false);
        };
        let (Some(ticket), &JobKind::Rule(rule)) = (ticket, &row.kind) else {
            tracing::warn!(job = row.id, kind = %row.kind, "a job of an unknown kind or ticket: dropped");
            let done = JobState {
                due: None,
                live: false,
                ..row.state
            };
            jobs::advance(&mut tx, row.id, &done, now).await?;
            tx.commit().await?;
            return Ok(false);
        };
        let policy = me.engine.desk().policy();
        let Some(step) = policy.step_to_run(rule, &ticket, &row.state, now) else {
            // Not due by the rule: the queue was offered again (a change of the
            // team's people, `jobs::offer_queue`), or the configuration changed.
            // Planned again, and an unassigned ticket is given a chance.
            let planned = policy
                .plan(rule, &ticket, Some(&row.state), now)
                .unwrap_or(JobState {
                    live: false,
                    due: None,
                    ..row.state
                });
            jobs::advance(&mut tx, row.id, &planned, now).await?;
            let assigned = rule == Rule::Unassigned
                && engine_step(me.engine.offered(&mut tx, ticket).await, rule)?;
            tx.commit().await?;
            return Ok(assigned);
        };
        let mut next = JobState {
            step: step + 1,
            ..row.state
        };
        if rule == Rule::Waiting && step == 0 {
            // Closing counts from the warning.
            next.anchor = now;
        }
        // A step carried out more than two ticks after it was due says so: the
        // service was stopped, or busy, meanwhile.
        let late = policy
            .due(rule, &ticket, row.state.anchor, step)
            .filter(|due| now - *due > self.grace());
        next.due = policy.due(rule, &ticket, next.anchor, next.step);
        jobs::advance(&mut tx, row.id, &next, now).await?;
        let scheduled = me.engine.scheduled(&mut tx, rule, step, ticket, late).await;
        engine_step(scheduled, rule)?;
        tx.commit().await?;
        Ok(true)
    }

    /// How late a step may come and still be on time: two ticks.
    fn grace(&self) -> TimeDelta {
        TimeDelta::from_std(self.inner.config.tick.0).unwrap_or(TimeDelta::seconds(15)) * 2
    }

    async fn housekeeping(
        &self,
        conn: &mut Conn,
        kind: &JobKind,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let JobKind::Retention = kind else {
            tracing::warn!(%kind, "an unknown housekeeping task: skipped");
            return Ok(());
        };
        let retention = &self.inner.engine.config().retention;
        let before = |d: Duration| now - TimeDelta::from_std(d).unwrap_or(TimeDelta::days(30));
        let sent = store::outbox::purge(conn, before(retention.sent_messages.0)).await?;
        let events =
            store::conversations::forget_events(conn, before(retention.inbound_events.0)).await?;
        // Failed logins matter for the rate-limit window only.
        let login_window = self.inner.engine.config().web.login_window.0;
        let logins = store::accounts::purge(conn, now, before(login_window)).await?;
        tracing::info!(
            sent,
            events,
            logins,
            "retention: old sent messages, event ids, expired sessions and failed logins deleted"
        );
        Ok(())
    }
}
