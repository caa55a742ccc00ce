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
use crate::i18n::Key;
use crate::store::StoreError;

/// An API error whose message and argument names are checked against the
/// catalogs at compile time: `api_error!(BAD_REQUEST, "web-error-bad-period", max = m)`.
#[macro_export]
macro_rules! api_error {
    ($status:ident, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::web::error::ApiError::new(
            ::axum::http::StatusCode::$status,
            $crate::key_taking!($id $(, $name)*),
        )
        $(.with(stringify!($name), $value))*
    };
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// A stable word for scripts: `not_found`, `forbidden`, `bad_request`…
    pub code: &'static str,
    /// The catalog key of the sentence, and its arguments.
    pub key: Key,
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
    pub fn new(status: StatusCode, key: Key) -> Self {
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

    pub fn bad_request(key: Key) -> Self {
        Self::new(StatusCode::BAD_REQUEST, key)
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, key!("web-error-unauthenticated"))
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, key!("web-error-forbidden"))
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, key!("web-error-not-found"))
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, key!("error-internal"))
    }

    /// A refusal of the engine or the desk, with the status its kind calls for.
    pub fn refused(refusal: Refusal) -> Self {
        use crate::engine::RefusalKind;
        let status = match refusal.kind {
            RefusalKind::NotFound => StatusCode::NOT_FOUND,
            RefusalKind::Forbidden => StatusCode::FORBIDDEN,
            RefusalKind::Conflict => StatusCode::CONFLICT,
            RefusalKind::Invalid => StatusCode::BAD_REQUEST,
        };
        let args = refusal
            .args
            .into_iter()
            .map(|(name, value)| (name, value.plain()))
            .collect();
        ApiError {
            args,
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
        match refusal_of(e) {
            Ok(refusal) => ApiError::refused(refusal),
            Err(e) => e.into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::{BlindReason, DecisionError};
    use crate::domain::{Email, Identity, ParseError, Platform, Status, UserId, ValueKind};
    use crate::permissions::Action;

    fn status_of(error: DeskError) -> StatusCode {
        ApiError::from(error).status
    }

    #[test]
    fn each_refusal_of_the_desk_answers_the_status_its_kind_calls_for() {
        use StatusCode as S;
        let lead = |reason| DeskError::BlindLead {
            name: "Amel".into(),
            team: "hr".into(),
            reason,
        };
        let cases = [
            (
                DeskError::UnknownTicket("TCK-20250214-001".into()),
                S::NOT_FOUND,
            ),
            (DeskError::UnseenTicket, S::NOT_FOUND),
            (DeskError::UnknownUser("42".into()), S::NOT_FOUND),
            (DeskError::UnknownTeam("financ".into()), S::NOT_FOUND),
            (DeskError::UnknownCategory("travel".into()), S::NOT_FOUND),
            (DeskError::Forbidden(Action::Claim), S::FORBIDDEN),
            (DeskError::Forbidden(Action::AddNote), S::FORBIDDEN),
            (DeskError::Forbidden(Action::Rate), S::FORBIDDEN),
            (DeskError::Forbidden(Action::Close), S::FORBIDDEN),
            (DeskError::Forbidden(Action::Decide), S::FORBIDDEN),
            (DeskError::AdminOnly, S::FORBIDDEN),
            (DeskError::StaffOnly, S::FORBIDDEN),
            (DeskError::NotLead, S::FORBIDDEN),
            (DeskError::NotTeamStaff(UserId(7)), S::FORBIDDEN),
            (DeskError::Decision(DecisionError::OwnRequest), S::FORBIDDEN),
            (
                DeskError::Transition {
                    from: Status::Closed,
                    to: Status::Open,
                },
                S::CONFLICT,
            ),
            (DeskError::AlreadyAssigned(UserId(7)), S::CONFLICT),
            (DeskError::NotResolved, S::CONFLICT),
            (
                DeskError::AlreadyRated(crate::domain::Stars::new(4).unwrap()),
                S::CONFLICT,
            ),
            (DeskError::Decision(DecisionError::NotNeeded), S::CONFLICT),
            (
                DeskError::Decision(DecisionError::NotPending(Status::Closed)),
                S::CONFLICT,
            ),
            (lead(BlindReason::Employee), S::BAD_REQUEST),
            (lead(BlindReason::NotHr), S::BAD_REQUEST),
            (lead(BlindReason::NotMember), S::BAD_REQUEST),
            (DeskError::BadLinkCode, S::BAD_REQUEST),
            (DeskError::LinkNotEmployee, S::BAD_REQUEST),
            (DeskError::PlatformTaken(Platform::Discord), S::BAD_REQUEST),
            (
                DeskError::IdentityTaken(Identity::new(Platform::Telegram, "2001")),
                S::BAD_REQUEST,
            ),
            (
                DeskError::EmailTaken(Email::parse("amel@example.com").unwrap()),
                S::BAD_REQUEST,
            ),
            (DeskError::EmptySubject, S::BAD_REQUEST),
            (DeskError::EmptyMessage, S::BAD_REQUEST),
            (
                DeskError::Decision(DecisionError::NoJustification),
                S::BAD_REQUEST,
            ),
            (
                DeskError::Decision(DecisionError::NoQuestion),
                S::BAD_REQUEST,
            ),
            (
                DeskError::Invalid(ParseError::new(ValueKind::Priority, "P9", "P0-P3")),
                S::BAD_REQUEST,
            ),
        ];
        for (error, status) in cases {
            let shown = format!("{error:?}");
            assert_eq!(status_of(error), status, "{shown}");
        }
    }

    #[test]
    fn a_refused_transition_names_the_statuses_by_their_names() {
        let error = ApiError::from(DeskError::Transition {
            from: Status::Closed,
            to: Status::InProgress,
        });
        assert_eq!(error.key, key!("error-transition"));
        assert_eq!(
            error.args,
            [
                ("from", "closed".to_owned()),
                ("to", "in_progress".to_owned())
            ]
        );
    }
}
