//! Every error the web endpoint answers: a status, a stable code for scripts and a
//! sentence from the catalogs. Handlers return [`ApiError`] without knowing the
//! reader's language; the `finish` layer (`finish.rs`) writes the body, an
//! [`ErrorBody`], in it.
//! Nothing internal (SQL, file names, stack) ever reaches the body: store failures
//! are logged and answered with `error-internal`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::desk::DeskError;
use crate::engine::{EngineError, Refusal, refusal_of};
use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// A stable word for scripts: `not_found`, `forbidden`, `bad_request`…
    pub code: &'static str,
    /// The catalog key of the sentence, and its arguments.
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Seconds, for 429 answers.
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The body of every error answer, in the reader's language.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable word for scripts: `not_found`, `unprocessable`…
    pub code: &'static str,
    /// What happened and what to do, for a person.
    pub message: String,
    /// The request's id, also in the X-Request-Id header and in the server's log.
    pub request_id: String,
}

impl ApiError {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        let code = match status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::UNAUTHORIZED => "unauthenticated",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::CONFLICT => "conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
            StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
            StatusCode::SERVICE_UNAVAILABLE => "unavailable",
            _ => "internal",
        };
        ApiError {
            status,
            code,
            key,
            args: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn bad_request(key: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, key)
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "web-error-unauthenticated")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "web-error-forbidden")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "web-error-not-found")
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
    }

    /// A refusal of the engine or the desk, with the status its kind calls for.
    pub fn refused(refusal: Refusal) -> Self {
        let status = match refusal.key {
            "error-unknown-ticket"
            | "error-unknown-user"
            | "error-unknown-team"
            | "error-unknown-category" => StatusCode::NOT_FOUND,
            "error-forbidden-staff"
            | "error-forbidden-note"
            | "error-forbidden-rate"
            | "error-forbidden-close"
            | "error-forbidden-decide"
            | "error-decision-own-request"
            | "error-admin-only"
            | "error-staff-only"
            | "error-not-lead"
            | "error-not-team-staff" => StatusCode::FORBIDDEN,
            "error-transition"
            | "error-already-assigned"
            | "error-not-resolved"
            | "error-decision-not-needed"
            | "error-decision-not-pending" => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError {
            args: refusal.args,
            ..Self::new(status, refusal.key)
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "web: a request failed in the store");
        ApiError::internal()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Query(e).into()
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Refused(r) => ApiError::refused(r),
            EngineError::Store(e) => e.into(),
        }
    }
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Store(e) => e.into(),
            other => ApiError::refused(refusal_of(&other)),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(self);
        response
    }
}
