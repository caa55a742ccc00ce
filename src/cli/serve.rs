//! `guichet serve`: prepares the database, starts the long-running parts and stops
//! them cleanly on Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use guichet_chat::Outlet;
use tokio::sync::{Notify, watch};
use tracing::info;

use crate::app;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::desk::Desk;
use crate::engine::Engine;
use crate::i18n::Texts;
use crate::outbox::dispatcher::Dispatcher;
use crate::store::redact_url;

/// How long the parts get to finish what they are doing once asked to stop.
const GRACE: Duration = Duration::from_secs(10);

pub async fn run(config: Config) -> anyhow::Result<()> {
    let store = app::prepare_store(&config)
        .await
        .context("cannot prepare the database")?;
    let texts = Arc::new(Texts::load().map_err(anyhow::Error::msg)?);
    let clock: SharedClock = Arc::new(SystemClock);
    let wake = Arc::new(Notify::new());
    let config = Arc::new(config);
    let catalog = Arc::new(app::load_catalog(&store).await?);
    let desk = Desk::new(clock, config.company.time_zone, catalog);
    // The chat adapters take the engine as their inbound sink and give an outlet.
    let _engine = Engine::new(
        store.clone(),
        desk.clone(),
        config.clone(),
        texts.clone(),
        wake.clone(),
    );
    let outlets: Vec<Arc<dyn Outlet>> = Vec::new();
    let dispatcher = Dispatcher::new(
        store.clone(),
        outlets,
        desk,
        texts,
        config.company.default_language,
        config.outbox.clone(),
        wake,
    );
    let (stop, stopped) = watch::channel(false);
    let until_stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let dispatcher = tokio::spawn(dispatcher.run(until_stopped(stopped.clone())));
    info!(
        database = %redact_url(&config.database.url),
        teams = config.teams.len(),
        categories = config.categories.len(),
        "guichet is ready"
    );
    info!(
        "no chat adapter in this build yet: the engine and the outbox wait for Discord and Telegram"
    );
    shutdown_signal().await;
    info!("shutting down");
    let _ = stop.send(true);
    if tokio::time::timeout(GRACE, dispatcher).await.is_err() {
        tracing::warn!("the outbox dispatcher did not stop in time; pending messages stay queued");
    }
    store.close().await;
    info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what `systemctl stop` and `docker stop` send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
