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
mod health;
mod login;
mod openapi;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use guichet_chat::{Connected, Platform};
use tracing::Instrument;

pub use auth::{MIN_PASSWORD_CHARS, hash_password, new_secret, secret_hash};
pub use error::ApiError;

use crate::config::Config;
use crate::desk::Desk;
use crate::domain::Language;
use crate::engine::Engine;
use crate::i18n::Texts;
use crate::metrics::{Metrics, RequestKey};
use crate::store::Store;

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

/// Remembers the language a reader picked with `?lang=`.
const LANGUAGE_COOKIE: &str = "guichet_lang";

/// The language a response is written in, settled while the request is served:
/// `?lang=`, else the one picked earlier, else the caller's own, else `Accept-Language`, else the company's.
#[derive(Clone)]
struct ReaderLanguage {
    chosen: Arc<OnceLock<Language>>,
    /// `Accept-Language`, else the company's.
    fallback: Language,
}

impl ReaderLanguage {
    /// The first choice made stands: `?lang=` is set before the caller is known.
    fn set(&self, language: Language) {
        let _ = self.chosen.set(language);
    }

    fn get(&self) -> Language {
        self.chosen.get().copied().unwrap_or(self.fallback)
    }
}

/// Every route the endpoint serves. `tests/web` reads this function's source to
/// check that the OpenAPI document lists each `/api/v1` route.
pub fn router(state: WebState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/me", get(api::me))
        .route("/tickets", get(api::tickets::list))
        .route(
            "/tickets/{reference}",
            get(api::tickets::detail).patch(api::tickets::update),
        )
        .route("/users", get(api::people::users))
        .route("/users/{id}", get(api::people::user))
        .route("/teams", get(api::people::teams))
        .route("/categories", get(api::people::categories))
        .route("/stats", get(api::stats::stats))
        .route("/outbox/dead-letters", get(api::outbox::dead_letters))
        .route("/outbox/dead-letters/retry", post(api::outbox::retry_all))
        .route("/outbox/{id}/retry", post(api::outbox::retry_one))
        .route("/failed-events", get(api::outbox::failed_events))
        .route("/failed-events/replay", post(api::outbox::replay_all))
        .route("/failed-events/{id}/replay", post(api::outbox::replay_one));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/", get(login::home))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/dashboard", get(login::dashboard))
        .nest("/api/v1", api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), finish))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "web-error-method",
    )
}

/// Around every request: settles the reader's language, writes error bodies in
/// it, adds the security headers and counts the request for `/metrics`.
async fn finish(State(state): State<WebState>, mut request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let asked = request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| v.parse::<Language>().ok())
    });
    let accepted = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|tag| Language::from_locale(tag.split(';').next().unwrap_or("").trim()))
                .next()
        });
    let reader = ReaderLanguage {
        chosen: Arc::default(),
        fallback: accepted.unwrap_or(state.config().company.default_language),
    };
    // A language chosen on a page (`?lang=`) stays chosen, in a cookie.
    let kept = auth::cookie(request.headers(), LANGUAGE_COOKIE).and_then(|v| v.parse().ok());
    if let Some(language) = asked.or(kept) {
        reader.set(language);
    }
    request.extensions_mut().insert(reader.clone());
    let request_id = request_id(request.headers());
    let span = tracing::info_span!("http", %method, %route, %request_id);
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let language = reader.get();
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let args: Vec<_> = error
            .args
            .iter()
            .map(|(k, v)| crate::i18n::arg(k, v.clone()))
            .collect();
        let body = serde_json::json!({
            "error": {
                "code": error.code,
                "message": state.texts().t(language, error.key, &args),
                "request_id": request_id,
            }
        });
        let mut json = (error.status, axum::Json(body)).into_response();
        json.headers_mut().extend(response.headers().clone());
        json.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response = json;
    }
    let headers = response.headers_mut();
    if let Some(language) = asked.filter(|l| Some(*l) != kept) {
        let cookie =
            format!("{LANGUAGE_COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID, value);
    }
    let status = response.status().as_u16();
    let took = started.elapsed();
    let elapsed_ms = took.as_millis() as u64;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, elapsed_ms, "request failed");
        } else {
            tracing::debug!(status, elapsed_ms, "request");
        }
    });
    state.inner.metrics.request(
        RequestKey {
            method,
            route,
            status: response.status().as_u16(),
        },
        took,
    );
    response
}

/// The header that carries a request's id, both ways.
const REQUEST_ID: &str = "x-request-id";

/// The request's id: the one a proxy in front gave (`X-Request-Id`, when it is a
/// short token), else one drawn now. It is in the request's span, so in every log
/// line of the request, in the response's header and in error bodies.
fn request_id(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map_or_else(|| format!("{:016x}", rand::random::<u64>()), str::to_owned)
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
