//! `guichet outbox …`: what was not delivered (dead letters) and what could not be
//! taken in (failed events), listed and retried. A running `serve` delivers a
//! revived row within a second (its dispatcher reads the outbox at least that
//! often); nothing here talks to a platform.

use anyhow::bail;
use clap::Subcommand;
use guichet_chat::{Event, Inbound};

use super::table;
use crate::app::App;
use crate::engine::Handled;
use crate::retry::{self, By, RetryError, Which};
use crate::store;
use crate::store::audit::Origin;

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List the dead letters (deliveries given up), the latest first; with
    /// --failed, the inbound events that failed for good and were set aside.
    List {
        /// The failed events instead of the dead letters.
        #[arg(long)]
        failed: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Send dead letters back to their conversations (delivered by `serve`), or,
    /// with --failed, hand failed events to the helpdesk again.
    Retry {
        /// Ids from `guichet outbox list` (with --failed: failed events' ids).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<i64>,
        /// Every dead letter (with --failed: every failed event not replayed).
        #[arg(long)]
        all: bool,
        /// Failed events instead of dead letters.
        #[arg(long)]
        failed: bool,
    },
}

/// The command line acts as no user: the audit trail says `cli`.
const BY_CLI: By = By {
    actor: None,
    origin: Origin::Cli,
};

pub async fn run(app: &App, command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::List {
            failed: false,
            limit,
        } => list_dead(app, limit).await,
        OutboxCommand::List {
            failed: true,
            limit,
        } => list_failed(app, limit).await,
        OutboxCommand::Retry {
            ids,
            all,
            failed: false,
        } => {
            let mut ids = ids;
            ids.sort_unstable();
            ids.dedup();
            let which = if all { Which::All } else { Which::Ids(&ids) };
            let revived = retry::retry_dead(&app.store, which, BY_CLI, app.desk.now()).await?;
            for row in &revived {
                println!(
                    "Dead letter {} ({} {}) is back in the outbox.",
                    row.id, row.channel, row.kind
                );
            }
            println!(
                "{} dead letter(s) sent back; a running `guichet serve` delivers them.",
                revived.len()
            );
            Ok(())
        }
        OutboxCommand::Retry {
            ids,
            all,
            failed: true,
        } => replay(app, ids, all).await,
    }
}

async fn list_dead(app: &App, limit: u32) -> anyhow::Result<()> {
    let mut conn = app.store.pool().acquire().await?;
    let tz = app.config.company.time_zone;
    let dead = store::dead_letters::list(&mut conn, limit.clamp(1, 1000)).await?;
    let mut out = table::new(&[
        "ID",
        "Channel",
        "Kind",
        "Conversation",
        "Ticket",
        "Attempts",
        "Died",
        "Last error",
    ]);
    for row in &dead {
        out.add_row(vec![
            row.id.to_string(),
            row.channel.to_string(),
            row.kind.clone(),
            row.conversation.clone(),
            row.reference.clone().unwrap_or_else(|| "—".into()),
            row.attempts.to_string(),
            table::when(Some(row.died_at), tz),
            table::clip(row.last_error.as_deref().unwrap_or("—"), 60),
        ]);
    }
    println!("{out}");
    println!("{} dead letter(s)", dead.len());
    Ok(())
}

async fn list_failed(app: &App, limit: u32) -> anyhow::Result<()> {
    let mut conn = app.store.pool().acquire().await?;
    let tz = app.config.company.time_zone;
    let failed = store::failed_events::latest_unreplayed(&mut conn, limit.clamp(1, 1000)).await?;
    let mut out = table::new(&["ID", "Platform", "Event", "What", "From", "Failed", "Error"]);
    for event in &failed {
        let (what, from) = match serde_json::from_str::<Inbound>(&event.payload) {
            Ok(inbound) => (what(&inbound.event), inbound.author.display_name),
            Err(_) => ("unreadable", "—".into()),
        };
        out.add_row(vec![
            event.id.to_string(),
            event.platform.to_string(),
            event.event_id.clone(),
            what.to_owned(),
            from,
            table::when(Some(event.failed_at), tz),
            table::clip(&event.error, 60),
        ]);
    }
    println!("{out}");
    println!("{} failed event(s) not replayed", failed.len());
    Ok(())
}

/// Replays failed events: the given ones (all checked first: an unknown or
/// replayed id changes nothing), or every one not replayed.
async fn replay(app: &App, ids: Vec<i64>, all: bool) -> anyhow::Result<()> {
    let engine = &app.engine;
    let outcomes = if all {
        retry::replay_all(engine, BY_CLI).await?
    } else {
        let mut conn = app.store.pool().acquire().await?;
        for &id in &ids {
            match store::failed_events::get(&mut conn, id).await? {
                None => return Err(RetryError::UnknownEvent(id).into()),
                Some(event) if event.replayed_at.is_some() => {
                    return Err(RetryError::AlreadyReplayed(id).into());
                }
                Some(_) => {}
            }
        }
        drop(conn);
        // Stops at the first failure: those before it were taken and stay so.
        for &id in &ids {
            let handled = retry::replay_failed(engine, id, BY_CLI).await?;
            say_replayed(id, handled);
        }
        println!("{} failed event(s) replayed", ids.len());
        return Ok(());
    };
    let mut failures = 0;
    for (id, outcome) in &outcomes {
        match outcome {
            Ok(handled) => say_replayed(*id, *handled),
            Err(e) => {
                failures += 1;
                println!("Failed event {id}: {e}");
            }
        }
    }
    if failures > 0 {
        bail!(
            "{failures} of {} failed event(s) could not be replayed",
            outcomes.len()
        );
    }
    println!("{} failed event(s) replayed", outcomes.len());
    Ok(())
}

fn say_replayed(id: i64, handled: Handled) {
    match handled {
        Handled::Now => println!("Failed event {id} replayed: the helpdesk took it."),
        Handled::SeenBefore => {
            println!("Failed event {id} had been taken since; marked replayed.")
        }
    }
}

/// What kind of event it was, for the operator.
fn what(event: &Event) -> &'static str {
    match event {
        Event::DirectMessage { .. } => "private message",
        Event::ThreadMessage { .. } => "thread message",
        Event::Command { .. } => "command",
        Event::Button { .. } => "button",
        Event::Form { .. } => "form",
        Event::Reaction { .. } => "reaction",
    }
}
