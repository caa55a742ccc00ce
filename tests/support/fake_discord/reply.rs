//! What a route answers: JSON, no content, and Discord's error bodies.

use super::*;

/// What a route answers.
pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) body: Payload,
    pub(super) headers: Vec<(&'static str, String)>,
}

pub(super) enum Payload {
    Json(Value),
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
    Empty,
}

impl Reply {
    pub(super) fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body: Payload::Json(body),
            headers: Vec::new(),
        }
    }

    pub(super) fn ok(body: Value) -> Reply {
        Reply::json(StatusCode::OK, body)
    }

    pub(super) fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: Payload::Empty,
            headers: Vec::new(),
        }
    }

    /// Discord's error body: `{"message", "code"}`.
    pub(super) fn error(status: StatusCode, code: u64, message: &str) -> Reply {
        Reply::json(status, json!({ "message": message, "code": code }))
    }

    pub(super) fn not_found(code: u64, what: &str) -> Reply {
        Reply::error(StatusCode::NOT_FOUND, code, what)
    }

    /// 400 Invalid Form Body, with the offending field as Discord reports it.
    pub(super) fn invalid_form(field: &str, error_code: &str, message: &str) -> Reply {
        Reply::json(
            StatusCode::BAD_REQUEST,
            json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": { field: { "_errors": [{ "code": error_code, "message": message }] } }
            }),
        )
    }

    pub(super) fn failure(failure: Failure) -> Reply {
        match failure {
            Failure::TooMany { retry_after_secs } => {
                let reset = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |now| now.as_secs_f64())
                    + retry_after_secs;
                let mut reply = Reply::json(
                    StatusCode::TOO_MANY_REQUESTS,
                    json!({
                        "message": "You are being rate limited.",
                        "retry_after": retry_after_secs,
                        "global": false
                    }),
                );
                reply.headers = vec![
                    ("retry-after", format!("{}", retry_after_secs.ceil() as u64)),
                    ("x-ratelimit-scope", "user".to_owned()),
                    ("x-ratelimit-limit", "5".to_owned()),
                    ("x-ratelimit-remaining", "0".to_owned()),
                    ("x-ratelimit-reset", format!("{reset:.3}")),
                    ("x-ratelimit-reset-after", format!("{retry_after_secs:.3}")),
                    ("x-ratelimit-bucket", "fakebucket".to_owned()),
                ];
                reply
            }
            Failure::Broken => Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                0,
                "500: Internal Server Error",
            ),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Payload::Json(body) => (self.status, axum::Json(body)).into_response(),
            Payload::Bytes {
                content_type,
                bytes,
            } => (
                self.status,
                [(header::CONTENT_TYPE, content_type)],
                Bytes::from(bytes),
            )
                .into_response(),
            Payload::Empty => self.status.into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}
