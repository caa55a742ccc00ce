//! Webhook mode: Telegram posts each update to an address of ours instead of us
//! polling. Every request must carry the secret token given when the webhook was
//! set; anything else gets 401.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use guichet_chat::InboundSink;
use teloxide::payloads::SetWebhookSetters;
use teloxide::prelude::Requester;
use teloxide::types::{Update, UserId};

use crate::inbound::{ALLOWED_UPDATES, to_inbound};

/// Where the router answers.
pub const PATH: &str = "/telegram/webhook";
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    sink: Arc<dyn InboundSink>,
    me: UserId,
    secret: Arc<str>,
}

/// The webhook endpoint, to mount on the service's HTTP listener.
pub fn router(sink: Arc<dyn InboundSink>, me: UserId, secret: &str) -> Router {
    Router::new().route(PATH, post(receive)).with_state(Hook {
        sink,
        me,
        secret: secret.into(),
    })
}

/// Tells Telegram where to post updates, with the secret and the kinds wanted
/// (in webhook mode teloxide does not ask for them itself).
pub async fn register(
    bot: &teloxide::Bot,
    url: url::Url,
    secret: &str,
) -> Result<UserId, teloxide::RequestError> {
    bot.set_webhook(url)
        .secret_token(secret.to_owned())
        // One request at a time: updates of a chat stay in order, as with polling.
        .max_connections(1)
        .allowed_updates(ALLOWED_UPDATES.to_vec())
        .await?;
    Ok(bot.get_me().await?.user.id)
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
    if !given.is_some_and(|given| constant_time_eq(given.as_bytes(), hook.secret.as_bytes())) {
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(update) = serde_json::from_slice::<Update>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let Some(event) = to_inbound(&update, hook.me) else {
        return StatusCode::OK;
    };
    match hook.sink.handle(event).await {
        Ok(()) => StatusCode::OK,
        // Telegram delivers the update again later.
        Err(e) if e.retryable => StatusCode::SERVICE_UNAVAILABLE,
        Err(e) => {
            tracing::error!(update = update.id.0, error = %e, "Telegram: update dropped");
            StatusCode::OK
        }
    }
}

/// A fresh secret: Telegram accepts 1 to 256 of A-Z, a-z, 0-9, `_` and `-`.
pub fn new_secret() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 48)
}

/// Registers the webhook and serves it on `listen` until `stop`. Errors say what
/// failed, without the token.
pub async fn start(
    bot: &teloxide::Bot,
    url: url::Url,
    listen: std::net::SocketAddr,
    secret: &str,
    sink: Arc<dyn InboundSink>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let me = register(bot, url, secret).await.map_err(|e| {
        format!(
            "cannot set the Telegram webhook: {}",
            crate::text::redact_token(&e.to_string())
        )
    })?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen} for the Telegram webhook: {e}"))?;
    let router = router(sink, me, secret);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::error!(error = %e, "Telegram: the webhook listener failed");
        }
    }))
}

/// Compares without telling, by its duration, how much of the secret was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
