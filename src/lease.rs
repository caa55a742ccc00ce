//! Electing the one instance that does a job only one may do at a time, through a
//! named lease in the database (`store::leases`).
//!
//! Telegram allows one `getUpdates` poller per bot (a second gets 409), and its
//! sending limits (20 messages a minute into a group, 30 a second overall) are the
//! bot's, whatever the number of processes. So the instance holding the lease
//! `telegram` polls the bot and sends through it, with its own limiter; the others
//! leave Telegram alone (in webhook mode they still receive, any of them). The
//! holder renews every [`RENEW`]; when it dies, another takes the name once its
//! lease ([`TERM`]) has run out: within `TERM + RENEW` of the death.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

use crate::store::{self, Store};

/// How long a taken lease lasts without renewal.
pub const TERM: Duration = Duration::from_secs(6);
/// How often the holder renews it, and the others try to take it.
pub const RENEW: Duration = Duration::from_secs(2);

/// Keeps trying to hold `name` for `owner` until `shutdown`, then gives it up.
/// `owner` must name this process alone (two processes under one name would both
/// hold it).
/// Returns whether this instance holds it, as it changes.
pub fn keep(
    store: Store,
    name: &'static str,
    owner: String,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> watch::Receiver<bool> {
    let (held, holds) = watch::channel(false);
    tokio::spawn(async move {
        tokio::pin!(shutdown);
        // Until when this instance surely holds the name, by its own clock.
        let mut sure_until = tokio::time::Instant::now();
        loop {
            let asked = tokio::time::Instant::now();
            match take(&store, name, &owner).await {
                Ok(true) => sure_until = asked + TERM - RENEW,
                Ok(false) => sure_until = asked,
                Err(e) => {
                    tracing::warn!(error = %e, name, "lease: cannot renew; held until it runs out")
                }
            }
            let holding = tokio::time::Instant::now() < sure_until;
            held.send_if_modified(|was| {
                let changed = *was != holding;
                if changed {
                    tracing::info!(name, instance = %owner, holding, "lease: {}", if holding { "taken" } else { "lost" });
                }
                *was = holding;
                changed
            });
            tokio::select! {
                () = tokio::time::sleep(RENEW) => {}
                () = shutdown.as_mut() => break,
            }
        }
        held.send_replace(false);
        if let Err(e) = release(&store, name, &owner).await {
            tracing::warn!(error = %e, name, "lease: cannot give it up; it runs out by itself");
        }
    });
    holds
}

async fn take(store: &Store, name: &str, owner: &str) -> Result<bool, store::StoreError> {
    let mut tx = store.begin().await?;
    let held = store::leases::take(&mut tx, name, owner, TERM).await?;
    tx.commit().await?;
    Ok(held)
}

async fn release(store: &Store, name: &str, owner: &str) -> Result<(), store::StoreError> {
    let mut tx = store.begin().await?;
    store::leases::release(&mut tx, name, owner).await?;
    tx.commit().await
}

/// Resolves once `held` is false (or its sender is gone).
pub async fn lost(mut held: watch::Receiver<bool>) {
    let _ = held.wait_for(|held| !*held).await;
}

/// Resolves once `held` is true; never if its sender is gone.
pub async fn taken(held: &mut watch::Receiver<bool>) {
    if held.wait_for(|held| *held).await.is_err() {
        std::future::pending::<()>().await;
    }
}
