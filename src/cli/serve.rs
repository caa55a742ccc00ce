//! `guichet serve`: prepares the database, starts the long-running parts and stops
//! them cleanly on Ctrl-C or SIGTERM.

use anyhow::Context;
use tracing::info;

use crate::app;
use crate::config::Config;
use crate::store::redact_url;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let store = app::prepare_store(&config)
        .await
        .context("cannot prepare the database")?;
    info!(
        database = %redact_url(&config.database.url),
        teams = config.teams.len(),
        categories = config.categories.len(),
        "guichet is ready"
    );
    for (name, var) in [
        ("Discord", "DISCORD_BOT_TOKEN"),
        ("Telegram", "TELEGRAM_BOT_TOKEN"),
    ] {
        if std::env::var_os(var).is_none() {
            info!("{name} is off: set {var} to connect it");
        }
    }
    shutdown_signal().await;
    info!("shutting down");
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
