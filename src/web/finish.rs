//! The layer around every request: settles the reader's language, gives the
//! request its id and span, writes error bodies in the reader's language, adds the
//! security headers and counts the request for `/metrics`.

use std::time::Instant;

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::WebState;
use super::error::{ApiError, ErrorBody, ErrorDetail};
use super::language::LanguageChoice;
use crate::domain::Language;
use crate::metrics::RequestKey;

/// The header that carries a request's id, both ways.
const REQUEST_ID: &str = "x-request-id";

/// What every page and answer carries: nothing framed, sniffed, referred or cached;
/// nothing loaded from elsewhere.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
    (
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
];

pub async fn finish(State(state): State<WebState>, mut request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let choice = LanguageChoice::of(
        request.uri(),
        request.headers(),
        state.config().company.default_language,
    );
    request.extensions_mut().insert(choice.reader.clone());
    let request_id = request_id(request.headers());
    let span = tracing::info_span!("http", %method, %route, %request_id);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let body = error_body(&state, &error, choice.reader.get(), &request_id);
        response = in_json(error, body, response.headers());
    }
    let headers = response.headers_mut();
    choice.remember(headers);
    for (name, value) in SECURITY_HEADERS {
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
            status,
        },
        took,
    );
    response
}

fn error_body(
    state: &WebState,
    error: &ApiError,
    language: Language,
    request_id: &str,
) -> ErrorBody {
    let args: Vec<_> = error
        .args
        .iter()
        .map(|(k, v)| crate::i18n::arg(k, v.clone()))
        .collect();
    ErrorBody {
        error: ErrorDetail {
            code: error.code,
            message: state.texts().t(language, error.key, &args),
            request_id: request_id.to_owned(),
        },
    }
}

/// The error's answer: its status, the JSON body, and the headers the handler set
/// (`Retry-After`…).
fn in_json(error: ApiError, body: ErrorBody, headers: &HeaderMap) -> Response {
    let mut json = (error.status, Json(body)).into_response();
    json.headers_mut().extend(headers.clone());
    json.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    json
}

/// The request's id: the one a proxy in front gave (`X-Request-Id`, when it is a
/// short token), else one drawn now. It is in the request's span, so in every log
/// line of the request, in the response's header and in error bodies.
fn request_id(headers: &HeaderMap) -> String {
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
