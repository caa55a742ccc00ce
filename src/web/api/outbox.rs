//! `/api/v1/outbox` and `/api/v1/failed-events` (administrators): the dead letters
//! and the inbound events that failed for good, and their retry, as
//! `guichet outbox` does; audited with the caller (`delivery_retried`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::ObjectBuilder;
use utoipa::{IntoParams, ToSchema};

use super::{Time, bad_parameter, one_of, time, time_opt};
use crate::engine::Handled;
use crate::retry::{self, By, RetryError, Which};
use crate::store;
use crate::store::audit::Origin;
use crate::store::dead_letters::DeadLetter;
use crate::store::failed_events::FailedEvent;
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{ApiPath, ApiQuery};
use crate::web::openapi::{
    BadParameter, Changes, Conflict, NeedsCaller, NotFound, Restricted, tags,
};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// How many rows a list gives.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// 1 to 200; 50 by default.
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// Any other parameter, refused by name (`lang` aside).
    #[serde(flatten)]
    #[param(ignore)]
    others: BTreeMap<String, String>,
}

/// A delivery given up, as an operator looks at it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DeadLetter)]
pub struct DeadLetterBody {
    id: i64,
    #[schema(schema_with = channels)]
    channel: &'static str,
    kind: String,
    conversation: String,
    /// The ticket's reference, when the row is about one.
    ticket: Option<String>,
    attempts: u32,
    last_error: Option<String>,
    died_at: Time,
    /// `pending` once sent back.
    #[schema(schema_with = dead_or_pending)]
    status: &'static str,
}

fn channels() -> ObjectBuilder {
    one_of(["discord", "telegram", "email"])
}

fn dead_or_pending() -> ObjectBuilder {
    one_of(["dead", "pending"])
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetters {
    items: Vec<DeadLetterBody>,
}

/// Deliveries given up (dead letters), the latest to die first (administrators).
#[utoipa::path(get, path = "/outbox/dead-letters", tag = tags::DELIVERY, params(LimitQuery),
    responses((status = 200, description = "Dead letters.", body = DeadLetters),
        NeedsCaller, Restricted, BadParameter))]
pub async fn dead_letters(
    State(state): State<WebState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<LimitQuery>,
) -> ApiResult<Json<DeadLetters>> {
    caller.require_admin()?;
    let limit = limit_of(&query)?;
    let mut conn = state.store().pool().acquire().await?;
    let items = store::dead_letters::list(&mut conn, limit)
        .await?
        .iter()
        .map(dead_body)
        .collect();
    Ok(Json(DeadLetters { items }))
}

/// Sends one dead letter back to its conversation (administrators).
///
/// In its place, to be delivered once; audited as delivery_retried.
#[utoipa::path(post, path = "/outbox/{id}/retry", tag = tags::DELIVERY,
    params(("id" = i64, Path, description = "The outbox row.")),
    responses((status = 200, description = "The row, now pending.", body = DeadLetterBody),
        NeedsCaller, Restricted, Changes, BadParameter, NotFound, Conflict))]
pub async fn retry_one(
    State(state): State<WebState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<DeadLetterBody>> {
    caller.require_admin()?;
    let id: i64 = id.parse().map_err(|_| bad_parameter("id", &id))?;
    let revived = retry::retry_dead(
        state.store(),
        Which::Ids(&[id]),
        by(&caller),
        state.desk().now(),
    )
    .await
    .map_err(api_error)?;
    let mut body = match revived.first() {
        Some(row) => dead_body(row),
        None => return Err(ApiError::internal()),
    };
    body.status = "pending";
    Ok(Json(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Retried {
    /// The ids sent back.
    retried: Vec<i64>,
}

/// Sends every dead letter back to its conversation (administrators).
///
/// Audited as delivery_retried.
#[utoipa::path(post, path = "/outbox/dead-letters/retry", tag = tags::DELIVERY,
    responses((status = 200, description = "The ids sent back.", body = Retried),
        NeedsCaller, Restricted, Changes))]
pub async fn retry_all(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Retried>> {
    caller.require_admin()?;
    let revived = retry::retry_dead(state.store(), Which::All, by(&caller), state.desk().now())
        .await
        .map_err(api_error)?;
    let retried = revived.iter().map(|r| r.id).collect();
    Ok(Json(Retried { retried }))
}

/// An inbound event that failed for good and was set aside.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FailedEvent)]
pub struct FailedEventBody {
    id: i64,
    platform: &'static str,
    event_id: String,
    /// The event as the adapter handed it.
    event: Value,
    error: String,
    failed_at: Time,
    replayed_at: Option<Time>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FailedEvents {
    items: Vec<FailedEventBody>,
}

/// Inbound events set aside after failing for good, not replayed yet (administrators).
///
/// The latest first.
#[utoipa::path(get, path = "/failed-events", tag = tags::DELIVERY, params(LimitQuery),
    responses((status = 200, description = "Failed events.", body = FailedEvents),
        NeedsCaller, Restricted, BadParameter))]
pub async fn failed_events(
    State(state): State<WebState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<LimitQuery>,
) -> ApiResult<Json<FailedEvents>> {
    caller.require_admin()?;
    let limit = limit_of(&query)?;
    let mut conn = state.store().pool().acquire().await?;
    let items = store::failed_events::latest_unreplayed(&mut conn, limit)
        .await?
        .iter()
        .map(failed_body)
        .collect();
    Ok(Json(FailedEvents { items }))
}

/// What became of a failed event handed to the helpdesk again.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replay {
    id: i64,
    /// seen_before: it had been taken since it failed (marked replayed).
    #[schema(schema_with = outcomes)]
    outcome: &'static str,
}

fn outcomes() -> ObjectBuilder {
    one_of(["replayed", "seen_before", "failed"])
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Replays {
    items: Vec<Replay>,
}

/// Hands one failed event to the helpdesk again (administrators).
///
/// Marked replayed when taken. 409 when replayed already, or when it fails again (it
/// stays set aside).
#[utoipa::path(post, path = "/failed-events/{id}/replay", tag = tags::DELIVERY,
    params(("id" = i64, Path, description = "The failed event.")),
    responses((status = 200, description = "Its outcome.", body = Replay),
        NeedsCaller, Restricted, Changes, BadParameter, NotFound, Conflict))]
pub async fn replay_one(
    State(state): State<WebState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Replay>> {
    caller.require_admin()?;
    let id: i64 = id.parse().map_err(|_| bad_parameter("id", &id))?;
    let handled = retry::replay_failed(state.engine(), id, by(&caller))
        .await
        .map_err(api_error)?;
    Ok(Json(Replay {
        id,
        outcome: outcome(handled),
    }))
}

/// Hands every failed event not replayed to the helpdesk again (administrators).
///
/// The oldest first.
#[utoipa::path(post, path = "/failed-events/replay", tag = tags::DELIVERY,
    responses((status = 200, description = "Each event's outcome.", body = Replays),
        NeedsCaller, Restricted, Changes))]
pub async fn replay_all(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Replays>> {
    caller.require_admin()?;
    let outcomes = retry::replay_all(state.engine(), by(&caller)).await?;
    let items = outcomes
        .into_iter()
        .map(|(id, result)| match result {
            Ok(handled) => Replay {
                id,
                outcome: outcome(handled),
            },
            Err(e) => {
                tracing::warn!(id, error = %e, "web: a failed event could not be replayed");
                Replay {
                    id,
                    outcome: "failed",
                }
            }
        })
        .collect();
    Ok(Json(Replays { items }))
}

fn by(caller: &Caller) -> By {
    By {
        actor: Some(caller.user.id),
        origin: Origin::Web,
    }
}

fn outcome(handled: Handled) -> &'static str {
    match handled {
        Handled::Now => "replayed",
        Handled::SeenBefore => "seen_before",
    }
}

fn api_error(e: RetryError) -> ApiError {
    match e {
        RetryError::UnknownRow(_) | RetryError::UnknownEvent(_) => ApiError::not_found(),
        RetryError::NotDead { id, status } => {
            crate::api_error!(
                CONFLICT,
                "web-error-not-dead-letter",
                id = id.to_string(),
                status = status.as_str()
            )
        }
        RetryError::AlreadyReplayed(id) => {
            crate::api_error!(CONFLICT, "web-error-already-replayed", id = id.to_string())
        }
        RetryError::FailedAgain { id, .. } | RetryError::Unreadable { id, .. } => {
            // The cause may hold SQL or data: the log has it, the body does not.
            tracing::warn!(id, error = %e, "web: a failed event could not be replayed");
            crate::api_error!(CONFLICT, "web-error-replay-failed", id = id.to_string())
        }
        RetryError::Store(e) => e.into(),
    }
}

fn limit_of(query: &LimitQuery) -> ApiResult<u32> {
    if let Some(unknown) = query.others.keys().find(|k| *k != "lang") {
        return Err(crate::api_error!(
            BAD_REQUEST,
            "web-error-unknown-parameter",
            name = unknown.clone(),
            known = "limit"
        ));
    }
    match query.limit.as_deref().map(str::trim) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => Ok(n as u32),
            Ok(n) => Err(crate::api_error!(
                BAD_REQUEST,
                "web-error-bad-limit",
                value = n.to_string(),
                max = MAX_LIMIT.to_string()
            )),
            Err(_) => Err(bad_parameter("limit", v)),
        },
    }
}

fn dead_body(row: &DeadLetter) -> DeadLetterBody {
    DeadLetterBody {
        id: row.id,
        channel: row.channel.as_str(),
        kind: row.kind.clone(),
        conversation: row.conversation.clone(),
        ticket: row.reference.clone(),
        attempts: row.attempts,
        last_error: row.last_error.clone(),
        died_at: time(row.died_at),
        status: "dead",
    }
}

fn failed_body(event: &FailedEvent) -> FailedEventBody {
    FailedEventBody {
        id: event.id,
        platform: event.platform.as_str(),
        event_id: event.event_id.clone(),
        event: serde_json::from_str::<Value>(&event.payload).unwrap_or(Value::Null),
        error: event.error.clone(),
        failed_at: time(event.failed_at),
        replayed_at: time_opt(event.replayed_at),
    }
}
