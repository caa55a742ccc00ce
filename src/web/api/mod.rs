//! The JSON API under `/api/v1`. Times are RFC 3339 in UTC; teams and categories
//! are named by their slugs, people by id and name. Every answer is a type of its
//! own, from which the OpenAPI document describes it.

pub mod outbox;
pub mod people;
pub mod stats;
mod stats_body;
mod ticket_body;
pub mod tickets;

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::WebState;
use super::auth::{Caller, Via};
use super::error::{ApiError, ApiResult};
use super::openapi::{NeedsCaller, tags};
use crate::domain::{User, UserId};
use crate::store::{self, Conn};

/// The caller, with the CSRF token of their session (null with a token).
#[utoipa::path(get, path = "/me", tag = tags::PEOPLE,
    responses((status = 200, description = "The caller.", body = Me), NeedsCaller))]
pub async fn me(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Me>> {
    let mut conn = state.store().pool().acquire().await?;
    let user = people::user_body(&state, &mut conn, &caller.user).await?;
    let csrf_token = match caller.via {
        Via::Session { csrf, .. } => Some(csrf),
        Via::Token => None,
    };
    Ok(Json(Me { user, csrf_token }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    user: people::UserBody,
    /// What the session's requests that change something carry in X-CSRF-Token.
    csrf_token: Option<String>,
}

/// A moment, written RFC 3339 in UTC to the second: `2025-02-14T09:30:00Z`.
#[derive(Debug, Clone, Copy, ToSchema)]
#[schema(value_type = String, format = DateTime)]
pub struct Time(DateTime<Utc>);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

pub(super) fn time(t: DateTime<Utc>) -> Time {
    Time(t)
}

pub(super) fn time_opt(t: Option<DateTime<Utc>>) -> Option<Time> {
    t.map(Time)
}

/// Someone named in an answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    id: i64,
    /// None when the account is gone.
    name: Option<String>,
}

/// People's names, read once each per request.
#[derive(Default)]
pub(super) struct Names(HashMap<UserId, Option<String>>);

impl Names {
    pub async fn person(&mut self, conn: &mut Conn, id: UserId) -> ApiResult<Person> {
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
        Ok(Person { id: id.0, name })
    }

    pub async fn maybe(
        &mut self,
        conn: &mut Conn,
        id: Option<UserId>,
    ) -> ApiResult<Option<Person>> {
        match id {
            Some(id) => Ok(Some(self.person(conn, id).await?)),
            None => Ok(None),
        }
    }
}

/// A query parameter that did not parse.
pub(super) fn bad_parameter(name: &str, value: &str) -> ApiError {
    crate::api_error!(
        BAD_REQUEST,
        "web-error-bad-parameter",
        name = name.to_owned(),
        value = value.to_owned()
    )
}

/// The schema of a string that is one of `values`: the API's words for the
/// domain's enumerations, listed from the domain so that they cannot drift.
pub(super) fn one_of(values: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
}
