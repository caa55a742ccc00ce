//! The composition root: the one place that builds the service's parts from a
//! configuration and wires them together. `guichet serve`, the CLI's commands, the
//! test harnesses and the benchmarks all start from [`App::build`]; what differs
//! between them (the clock, the chat outlets, the mailer) is handed in, never wired
//! again by hand.

use std::sync::Arc;

use guichet_chat::{Connected, Outlet, Platform};
use tokio::sync::Notify;

use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::desk::Desk;
use crate::doctor::Examiner;
use crate::domain::Catalog;
use crate::engine::Engine;
use crate::i18n::Texts;
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::outbox::dispatcher::{self, Dispatcher};
use crate::scheduler::Scheduler;
use crate::store::{self, Store, StoreError};
use crate::web::WebState;

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A catalog that does not parse: a build defect the tests catch.
    #[error("the built-in text catalogs do not load: {0}")]
    Texts(String),
}

/// The service's long-lived parts, sharing one database, one clock, one set of
/// texts and one set of metrics. Cloning is cheap: every part is shared.
#[derive(Clone)]
pub struct App {
    pub config: Arc<Config>,
    pub store: Store,
    pub clock: SharedClock,
    pub texts: Arc<Texts>,
    pub desk: Desk,
    pub engine: Engine,
    pub metrics: Arc<Metrics>,
    /// Rung by the engine when it commits rows for the dispatchers.
    pub wake: Arc<Notify>,
}

impl App {
    /// Connects to the configured database, migrates it, loads the teams and
    /// categories, and wires the desk and the engine, on the system's clock.
    pub async fn build(config: Config) -> Result<App, BuildError> {
        Self::build_at(config, Arc::new(SystemClock)).await
    }

    /// [`App::build`] on a given clock (tests and benchmarks move time themselves).
    pub async fn build_at(config: Config, clock: SharedClock) -> Result<App, BuildError> {
        let store = prepare_store(&config).await?;
        let catalog = Arc::new(load_catalog(&store).await?);
        let texts = Arc::new(Texts::load().map_err(BuildError::Texts)?);
        let config = Arc::new(config);
        let desk = Desk::new(clock.clone(), &config, catalog);
        let metrics = Arc::new(Metrics::default());
        let wake = Arc::new(Notify::new());
        let engine = Engine::new(
            store.clone(),
            desk.clone(),
            config.clone(),
            texts.clone(),
            wake.clone(),
            metrics.clone(),
        );
        Ok(App {
            config,
            store,
            clock,
            texts,
            desk,
            engine,
            metrics,
            wake,
        })
    }

    /// What a dispatcher delivering through `outlets` (and `mailer`) is made of;
    /// change a field (e.g. the instance's name) before [`Dispatcher::new`].
    pub fn dispatcher_parts(
        &self,
        outlets: Vec<Arc<dyn Outlet>>,
        mailer: Option<Arc<Mailer>>,
    ) -> dispatcher::Parts {
        dispatcher::Parts {
            store: self.store.clone(),
            outlets,
            mailer,
            desk: self.desk.clone(),
            texts: self.texts.clone(),
            staff_language: self.config.company.default_language,
            config: self.config.outbox.clone(),
            metrics: self.metrics.clone(),
            wake: self.wake.clone(),
        }
    }

    /// The outbox's dispatcher, delivering through `outlets` (and `mailer`).
    pub fn dispatcher(
        &self,
        outlets: Vec<Arc<dyn Outlet>>,
        mailer: Option<Arc<Mailer>>,
    ) -> Dispatcher {
        Dispatcher::new(self.dispatcher_parts(outlets, mailer))
    }

    /// The scheduler, running its steps through the engine.
    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(
            self.store.clone(),
            self.engine.clone(),
            self.config.scheduler.clone(),
            self.metrics.clone(),
        )
    }

    /// The web endpoint's state; `bots` are the connections `/readyz` reports on.
    pub fn web(&self, bots: Vec<(Platform, Connected)>) -> WebState {
        WebState::new(
            self.store.clone(),
            self.engine.clone(),
            self.texts.clone(),
            self.config.clone(),
            self.metrics.clone(),
            bots,
        )
    }

    /// The setup doctor, examining through `outlets` (and `mailer`).
    pub fn examiner(&self, outlets: Vec<Arc<dyn Outlet>>, mailer: Option<Arc<Mailer>>) -> Examiner {
        Examiner::new(
            self.store.clone(),
            self.config.clone(),
            self.desk.clone(),
            outlets,
            mailer,
        )
    }
}

/// Connects, applies pending migrations and synchronises teams and categories from
/// the configuration, in one transaction.
async fn prepare_store(config: &Config) -> Result<Store, StoreError> {
    let store = Store::connect(&config.database.url, config.database.max_connections).await?;
    store.migrate().await?;
    let mut tx = store.begin().await?;
    store::catalog::sync(&mut tx, &config.catalog_declaration()).await?;
    tx.commit().await?;
    Ok(store)
}

/// The teams and categories in force, read once after [`prepare_store`].
async fn load_catalog(store: &Store) -> Result<Catalog, StoreError> {
    let mut conn = store.pool().acquire().await?;
    store::catalog::load(&mut conn).await
}
