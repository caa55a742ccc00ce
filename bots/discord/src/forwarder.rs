//! The local hop between serenity and `discord.api_url` that keeps a 429's
//! `retry_after`.
//!
//! With its own rate limiter off (the only way serenity honours a proxy), serenity
//! 0.12 turns a 429 into an `ErrorResponse` that keeps the status but neither the
//! body's `retry_after` nor the `Retry-After`/`X-RateLimit-Reset-After` headers, and
//! Discord's 429 body has no `code`, so serenity cannot even decode it. serenity
//! offers no hook on responses in that mode (`HttpBuilder::client` takes a reqwest
//! client, which has none; `Ratelimiter::set_ratelimit_callback` belongs to the
//! limiter that ignores the proxy). So serenity talks to this forwarder on
//! 127.0.0.1, which passes every request on to `api_url` unchanged and, on a 429
//! only, rewrites the body into one serenity keeps: a `code` and the wait as an
//! entry of `errors` under [`RETRY_AFTER_FIELD`], read back by the outlet. The wait
//! travels with its own response, so concurrent requests cannot mix theirs up.

use std::net::TcpListener as StdListener;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use serenity::http::DiscordJsonError;

/// Where the forwarder puts a 429's wait in the error body serenity keeps.
pub(crate) const RETRY_AFTER_FIELD: &str = "guichet_retry_after";

/// The longest wait taken from a 429; beyond it (a ban of the token, a broken
/// header) the outbox's own backoff decides.
const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// Headers that concern one connection, not the message (RFC 9110 §7.6.1).
const HOP_BY_HOP: &[HeaderName] = &[
    header::CONNECTION,
    header::HOST,
    header::TRANSFER_ENCODING,
    header::CONTENT_LENGTH,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
];

struct Upstream {
    /// `api_url` without its trailing slash; serenity's paths (`/api/v10/…`) follow.
    base: String,
    client: reqwest::Client,
}

/// Starts the forwarder for `upstream` on a free port of 127.0.0.1 and returns its
/// address, for `HttpBuilder::proxy`. It runs on the current tokio runtime, for
/// as long as that runtime does.
pub(crate) fn start(upstream: &str) -> std::io::Result<String> {
    let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
    let listener = StdListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let address = format!("http://{}", listener.local_addr()?);
    let upstream = Arc::new(Upstream {
        base: upstream.trim_end_matches('/').to_owned(),
        client: reqwest::Client::new(),
    });
    let app = Router::new()
        .fallback(forward)
        .layer(DefaultBodyLimit::disable())
        .with_state(upstream);
    runtime.spawn(async move {
        let served = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => axum::serve(listener, app).await,
            Err(e) => Err(e),
        };
        if let Err(error) = served {
            tracing::error!(%error, "Discord: the forwarder to api_url stopped");
        }
    });
    Ok(address)
}

/// The wait a 429 asked for, as the forwarder left it in serenity's error.
pub(crate) fn retry_after(error: &DiscordJsonError) -> Option<Duration> {
    error
        .errors
        .iter()
        .find(|e| e.path == RETRY_AFTER_FIELD)
        .and_then(|e| e.message.parse::<f64>().ok())
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .filter(|wait| *wait <= LONGEST_WAIT)
}

async fn forward(State(upstream): State<Arc<Upstream>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(e) => return bad_gateway(&format!("reading the request: {e}")),
    };
    let answer = upstream
        .client
        .request(parts.method, format!("{}{path}", upstream.base))
        .headers(end_to_end(parts.headers))
        .body(body)
        .send()
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        // Not the address: interaction and webhook paths carry a token.
        Err(e) => return bad_gateway(&format!("api_url unreachable: {}", e.without_url())),
    };
    let status = answer.status();
    let headers = end_to_end(answer.headers().clone());
    let bytes = match answer.bytes().await {
        Ok(bytes) => bytes,
        Err(e) => return bad_gateway(&format!("reading the answer: {}", e.without_url())),
    };
    let bytes = if status == StatusCode::TOO_MANY_REQUESTS {
        rate_limited(&headers, &bytes)
    } else {
        bytes
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn end_to_end(mut headers: HeaderMap) -> HeaderMap {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    headers
}

/// A 429's body as serenity can decode it, carrying the wait: the body's
/// `retry_after` (seconds, with decimals), else `X-RateLimit-Reset-After`, else
/// `Retry-After` (whole seconds).
fn rate_limited(headers: &HeaderMap, body: &[u8]) -> Bytes {
    let mut error = serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({ "message": "You are being rate limited." }));
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    let seconds = error["retry_after"]
        .as_f64()
        .or_else(|| header("x-ratelimit-reset-after"))
        .or_else(|| header("retry-after"));
    // serenity needs both to decode the body at all.
    if !error["code"].is_i64() {
        error["code"] = json!(0);
    }
    if !error["message"].is_string() {
        error["message"] = json!("You are being rate limited.");
    }
    if let Some(seconds) = seconds {
        if !error["errors"].is_object() {
            error["errors"] = json!({});
        }
        error["errors"][RETRY_AFTER_FIELD] = json!({
            "_errors": [{ "code": "RATE_LIMITED", "message": seconds.to_string() }]
        });
    }
    Bytes::from(error.to_string())
}

/// What a proxy answers when the server behind it could not be reached.
fn bad_gateway(reason: &str) -> Response {
    let body = json!({ "message": reason, "code": 0 });
    (StatusCode::BAD_GATEWAY, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> DiscordJsonError {
        serde_json::from_slice(bytes).expect("serenity decodes the rewritten body")
    }

    #[test]
    fn discords_429_body_gives_its_retry_after_with_decimals() {
        let body = br#"{"message":"You are being rate limited.","retry_after":6.5,"global":false}"#;
        let error = decoded(&rate_limited(&HeaderMap::new(), body));
        assert_eq!(retry_after(&error), Some(Duration::from_millis(6500)));
        assert_eq!(error.message, "You are being rate limited.");
    }

    #[test]
    fn without_a_body_the_headers_give_the_wait() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        let error = decoded(&rate_limited(&headers, b"<html>slow down</html>"));
        assert_eq!(retry_after(&error), Some(Duration::from_secs(7)));
        headers.insert("x-ratelimit-reset-after", "6.250".parse().unwrap());
        let error = decoded(&rate_limited(&headers, b""));
        assert_eq!(retry_after(&error), Some(Duration::from_millis(6250)));
    }

    #[test]
    fn a_429_without_any_wait_has_none() {
        let error = decoded(&rate_limited(&HeaderMap::new(), b"{}"));
        assert_eq!(retry_after(&error), None);
    }
}
