//! The JSON API under `/api/v1`. Times are RFC 3339 in UTC; teams and categories
//! are named by their slugs, people by id and name.

pub mod outbox;
pub mod people;
pub mod stats;
pub mod tickets;

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::WebState;
use super::auth::{Caller, Via};
use super::error::{ApiError, ApiResult};
use crate::domain::{User, UserId};
use crate::store::{self, Conn};

/// `GET /api/v1/me`: the caller, and the CSRF token their session's requests carry.
pub async fn me(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Value>> {
    let mut conn = state.store().pool().acquire().await?;
    let mut body = people::user_json(&state, &mut conn, &caller.user).await?;
    body["csrf_token"] = match &caller.via {
        Via::Session { csrf, .. } => json!(csrf),
        Via::Token => Value::Null,
    };
    Ok(Json(body))
}

pub(super) fn time(t: DateTime<Utc>) -> Value {
    json!(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

pub(super) fn time_opt(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, time)
}

/// `{id, name}` of people, read once each per request.
#[derive(Default)]
pub(super) struct Names(HashMap<UserId, Option<String>>);

impl Names {
    pub async fn person(&mut self, conn: &mut Conn, id: Option<UserId>) -> ApiResult<Value> {
        let Some(id) = id else {
            return Ok(Value::Null);
        };
        let name = match self.0.get(&id) {
            Some(name) => name.clone(),
            None => {
                let name = store::users::get(conn, id)
                    .await?
                    .map(|u: User| u.display_name);
                self.0.insert(id, name.clone());
                name
            }
        };
        Ok(json!({ "id": id.0, "name": name }))
    }
}

/// A query parameter that did not parse.
pub(super) fn bad_parameter(name: &str, value: &str) -> ApiError {
    ApiError::bad_request("web-error-bad-parameter")
        .with("name", name.to_owned())
        .with("value", value.to_owned())
}
