//! axum's extractors, answering what they cannot read as [`ApiError`]s in the
//! reader's language instead of axum's English text: a body of the wrong media type
//! (415), too large (413), not well-formed (400) or not what the route takes (422),
//! a query string or a path segment that does not parse (400). The detail (serde's
//! words) goes to the log, never to the reader.

use axum::Json;
use axum::extract::rejection::{
    BytesRejection, FailedToBufferBody, FormRejection, JsonRejection, PathRejection, QueryRejection,
};
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::openapi::{RefOr, Schema};

use super::error::ApiError;

/// The largest body a request may carry (axum's default, named here so that the
/// 413 answer can say it).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Why a part of a request could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The body is not in the media type the route reads.
    MediaType { expected: &'static str },
    /// The body is larger than [`BODY_LIMIT`].
    TooLarge,
    /// The body ended before its announced length, or came in broken.
    Cut,
    /// The body is not well-formed JSON.
    Malformed,
    /// A field the route does not know.
    UnknownField { name: String, known: Vec<String> },
    /// Well-formed, but a field is missing or has the wrong type.
    Unfit,
    /// The query string does not parse.
    Query,
    /// A path segment does not parse.
    Path,
    /// The route itself is wrong (a defect): the reader gets the internal error.
    Defect,
}

impl From<Unreadable> for ApiError {
    fn from(why: Unreadable) -> Self {
        match why {
            Unreadable::MediaType { expected } => crate::api_error!(
                UNSUPPORTED_MEDIA_TYPE,
                "web-error-media-type",
                expected = expected
            ),
            Unreadable::TooLarge => {
                crate::api_error!(
                    PAYLOAD_TOO_LARGE,
                    "web-error-too-large",
                    kib = (BODY_LIMIT / 1024).to_string()
                )
            }
            Unreadable::Cut => ApiError::bad_request(key!("web-error-body-cut")),
            Unreadable::Malformed => ApiError::bad_request(key!("web-error-malformed-body")),
            Unreadable::UnknownField { name, known } => crate::api_error!(
                UNPROCESSABLE_ENTITY,
                "web-error-unknown-field",
                name = name,
                known = known.join(", ")
            ),
            Unreadable::Unfit => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                key!("web-error-unfit-body"),
            ),
            Unreadable::Query => ApiError::bad_request(key!("web-error-bad-query")),
            Unreadable::Path => ApiError::bad_request(key!("web-error-bad-path")),
            Unreadable::Defect => ApiError::internal(),
        }
    }
}

fn bytes(rejection: &BytesRejection) -> Unreadable {
    match rejection {
        BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
            Unreadable::TooLarge
        }
        _ => Unreadable::Cut,
    }
}

impl From<&JsonRejection> for Unreadable {
    fn from(rejection: &JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Unreadable::MediaType {
                expected: "application/json",
            },
            JsonRejection::JsonSyntaxError(_) => Unreadable::Malformed,
            JsonRejection::JsonDataError(_) => Unreadable::Unfit,
            JsonRejection::BytesRejection(e) => bytes(e),
            _ => Unreadable::Defect,
        }
    }
}

impl From<&FormRejection> for Unreadable {
    fn from(rejection: &FormRejection) -> Self {
        match rejection {
            FormRejection::InvalidFormContentType(_) => Unreadable::MediaType {
                expected: "application/x-www-form-urlencoded",
            },
            // A form read from the query string (GET).
            FormRejection::FailedToDeserializeForm(_) => Unreadable::Query,
            FormRejection::FailedToDeserializeFormBody(_) => Unreadable::Unfit,
            FormRejection::BytesRejection(e) => bytes(e),
            _ => Unreadable::Defect,
        }
    }
}

impl From<&QueryRejection> for Unreadable {
    fn from(_: &QueryRejection) -> Self {
        Unreadable::Query
    }
}

impl From<&PathRejection> for Unreadable {
    fn from(rejection: &PathRejection) -> Self {
        match rejection.status() {
            StatusCode::BAD_REQUEST => Unreadable::Path,
            _ => Unreadable::Defect,
        }
    }
}

/// Logs what axum said (serde's words, for the operator) and answers in the
/// reader's.
fn refused<R: std::fmt::Display>(rejection: R, why: Unreadable) -> ApiError {
    if why == Unreadable::Defect {
        tracing::error!(detail = %rejection, "web: a route cannot read its own request");
    } else {
        tracing::info!(detail = %rejection, ?why, "web: a request could not be read");
    }
    why.into()
}

/// A JSON body of type `T`. A field `T` does not know is named in the answer, from
/// `T`'s OpenAPI schema: the fields a route takes are the documented ones.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + utoipa::PartialSchema,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<Value>::from_request(request, state)
            .await
            .map_err(|e| {
                let why = Unreadable::from(&e);
                refused(e.body_text(), why)
            })?;
        T::deserialize(&value)
            .map(ApiJson)
            .map_err(|e| refused(e, unfit::<T>(&value)))
    }
}

/// Why `value` does not fit `T`: a field `T`'s schema does not list, else a field
/// missing or of the wrong type.
fn unfit<T: utoipa::PartialSchema>(value: &Value) -> Unreadable {
    let RefOr::T(Schema::Object(schema)) = T::schema() else {
        return Unreadable::Unfit;
    };
    let known: Vec<String> = schema.properties.keys().cloned().collect();
    let unknown = value
        .as_object()
        .and_then(|fields| fields.keys().find(|name| !known.contains(name)));
    match unknown {
        Some(name) => Unreadable::UnknownField {
            name: name.clone(),
            known,
        },
        None => Unreadable::Unfit,
    }
}

/// A form body (`application/x-www-form-urlencoded`) of type `T`.
pub struct ApiForm<T>(pub T);

impl<S, T> FromRequest<S> for ApiForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(form)) => Ok(ApiForm(form)),
            Err(e) => {
                let why = Unreadable::from(&e);
                Err(refused(e.body_text(), why))
            }
        }
    }
}

/// The query string, as `T`.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(query)) => Ok(ApiQuery(query)),
            Err(e) => {
                let why = Unreadable::from(&e);
                Err(refused(e.body_text(), why))
            }
        }
    }
}

/// The path's parameters, as `T`.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(path)) => Ok(ApiPath(path)),
            Err(e) => {
                let why = Unreadable::from(&e);
                Err(refused(e.body_text(), why))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;
    use utoipa::ToSchema;

    use super::*;

    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Change {
        team: Option<String>,
        assignee: Option<i64>,
    }

    #[test]
    fn a_field_the_schema_does_not_list_is_named_with_those_it_does() {
        assert_eq!(
            unfit::<Change>(&json!({ "team": "it", "colour": "red" })),
            Unreadable::UnknownField {
                name: "colour".into(),
                known: vec!["assignee".into(), "team".into()],
            }
        );
        assert_eq!(
            unfit::<Change>(&json!({ "assignee": "Sami" })),
            Unreadable::Unfit
        );
        assert_eq!(unfit::<Change>(&json!([1, 2])), Unreadable::Unfit);
    }
}
