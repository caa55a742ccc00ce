//! The admin web endpoint: health and metrics, the JSON API under `/api/v1`, the
//! dashboard page, and the login that guards them.
//!
//! Every route but `/healthz`, `/readyz` and the login page needs a caller (see
//! [`auth`]); what they see is what the permission matrix lets them see. Changes
//! go through the engine, as chat commands do.

mod api;
mod auth;
pub mod dashboard;
mod error;
mod extract;
mod finish;
mod health;
mod language;
mod login;
mod openapi;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::middleware;
use axum::{Extension, Router};
use guichet_chat::{Connected, Platform};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use auth::{MIN_PASSWORD_CHARS, hash_password, new_secret, secret_hash};
pub use error::ApiError;
pub use extract::BODY_LIMIT;

use crate::config::Config;
use crate::desk::Desk;
use crate::engine::Engine;
use crate::i18n::Texts;
use crate::metrics::Metrics;
use crate::store::Store;
use language::ReaderLanguage;

/// What every request handler may use; cheap to clone.
#[derive(Clone)]
pub struct WebState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    engine: Engine,
    texts: Arc<Texts>,
    config: Arc<Config>,
    metrics: Arc<Metrics>,
    /// The chat adapters started by this process, and whether each is connected.
    bots: Vec<(Platform, Connected)>,
}

impl WebState {
    pub fn new(
        store: Store,
        engine: Engine,
        texts: Arc<Texts>,
        config: Arc<Config>,
        metrics: Arc<Metrics>,
        bots: Vec<(Platform, Connected)>,
    ) -> Self {
        WebState {
            inner: Arc::new(Inner {
                store,
                engine,
                texts,
                config,
                metrics,
                bots,
            }),
        }
    }

    fn store(&self) -> &Store {
        &self.inner.store
    }

    fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    fn desk(&self) -> &Desk {
        self.inner.engine.desk()
    }

    fn config(&self) -> &Config {
        &self.inner.config
    }

    fn texts(&self) -> &Texts {
        &self.inner.texts
    }
}

/// Every route the endpoint serves, each registered with its OpenAPI description:
/// the router and the document come from this one registration.
pub fn routes() -> OpenApiRouter<WebState> {
    let api = OpenApiRouter::default()
        .routes(routes!(openapi::document))
        .routes(routes!(api::me))
        .routes(routes!(api::tickets::list))
        .routes(routes!(api::tickets::detail, api::tickets::update))
        .routes(routes!(api::people::users))
        .routes(routes!(api::people::user))
        .routes(routes!(api::people::teams))
        .routes(routes!(api::people::categories))
        .routes(routes!(api::stats::stats))
        .routes(routes!(api::outbox::dead_letters))
        .routes(routes!(api::outbox::retry_all))
        .routes(routes!(api::outbox::retry_one))
        .routes(routes!(api::outbox::failed_events))
        .routes(routes!(api::outbox::replay_all))
        .routes(routes!(api::outbox::replay_one));
    OpenApiRouter::with_openapi(openapi::Document::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(login::home))
        .routes(routes!(login::page, login::submit))
        .routes(routes!(login::logout))
        .routes(routes!(login::dashboard))
        .nest("/api/v1", api)
}

/// The endpoint: [`routes`], its document served at `/api/v1/openapi.json`, the
/// layer around every request (see [`finish`]).
pub fn router(state: WebState) -> Router {
    let (routes, document) = routes().split_for_parts();
    // Built from our own types: it cannot fail but by a defect, seen at start-up.
    let document = serde_json::to_value(&document).expect("the OpenAPI document is JSON");
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(openapi::Served(Arc::new(document))))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            finish::finish,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, key!("web-error-method"))
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
