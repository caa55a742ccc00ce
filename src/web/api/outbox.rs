//! `/api/v1/outbox` and `/api/v1/failed-events` (administrators): the dead letters
//! and the inbound events that failed for good, and their retry, as
//! `guichet outbox` does; audited with the caller (`delivery_retried`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{bad_parameter, time, time_opt};
use crate::engine::Handled;
use crate::retry::{self, By, RetryError, Which};
use crate::store;
use crate::store::audit::Origin;
use crate::store::dead_letters::DeadLetter;
use crate::store::failed_events::FailedEvent;
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// `GET /api/v1/outbox/dead-letters`: the latest to die first.
pub async fn dead_letters(
    State(state): State<WebState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let limit = limit_of(&params)?;
    let mut conn = state.store().pool().acquire().await?;
    let items: Vec<Value> = store::dead_letters::list(&mut conn, limit)
        .await?
        .iter()
        .map(dead_json)
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/outbox/{id}/retry`: the dead letter goes back to its
/// conversation; 409 when the row is not dead.
pub async fn retry_one(
    State(state): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
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
        Some(row) => dead_json(row),
        None => return Err(ApiError::internal()),
    };
    body["status"] = json!("pending");
    Ok(Json(body))
}

/// `POST /api/v1/outbox/dead-letters/retry`: every dead letter goes back.
pub async fn retry_all(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let revived = retry::retry_dead(state.store(), Which::All, by(&caller), state.desk().now())
        .await
        .map_err(api_error)?;
    let ids: Vec<i64> = revived.iter().map(|r| r.id).collect();
    Ok(Json(json!({ "retried": ids })))
}

/// `GET /api/v1/failed-events`: those not replayed, the latest first.
pub async fn failed_events(
    State(state): State<WebState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let limit = limit_of(&params)?;
    let mut conn = state.store().pool().acquire().await?;
    let items: Vec<Value> = store::failed_events::latest_unreplayed(&mut conn, limit)
        .await?
        .iter()
        .map(failed_json)
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/failed-events/{id}/replay`: handed to the engine again; 409 when
/// replayed already or when it fails again (it stays set aside).
pub async fn replay_one(
    State(state): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let id: i64 = id.parse().map_err(|_| bad_parameter("id", &id))?;
    let handled = retry::replay_failed(state.engine(), id, by(&caller))
        .await
        .map_err(api_error)?;
    Ok(Json(json!({ "id": id, "outcome": outcome(handled) })))
}

/// `POST /api/v1/failed-events/replay`: every failed event not replayed, oldest
/// first; each one's outcome.
pub async fn replay_all(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let outcomes = retry::replay_all(state.engine(), by(&caller)).await?;
    let items: Vec<Value> = outcomes
        .into_iter()
        .map(|(id, result)| match result {
            Ok(handled) => json!({ "id": id, "outcome": outcome(handled) }),
            Err(e) => {
                tracing::warn!(id, error = %e, "web: a failed event could not be replayed");
                json!({ "id": id, "outcome": "failed" })
            }
        })
        .collect();
    Ok(Json(json!({ "items": items })))
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
            ApiError::new(StatusCode::CONFLICT, "web-error-not-dead-letter")
                .with("id", id.to_string())
                .with("status", status.as_str())
        }
        RetryError::AlreadyReplayed(id) => {
            ApiError::new(StatusCode::CONFLICT, "web-error-already-replayed")
                .with("id", id.to_string())
        }
        RetryError::FailedAgain { id, .. } | RetryError::Unreadable { id, .. } => {
            // The cause may hold SQL or data: the log has it, the body does not.
            tracing::warn!(id, error = %e, "web: a failed event could not be replayed");
            ApiError::new(StatusCode::CONFLICT, "web-error-replay-failed")
                .with("id", id.to_string())
        }
        RetryError::Store(e) => e.into(),
    }
}

fn limit_of(params: &HashMap<String, String>) -> ApiResult<u32> {
    if let Some(unknown) = params.keys().find(|k| *k != "limit" && *k != "lang") {
        return Err(ApiError::bad_request("web-error-unknown-parameter")
            .with("name", unknown.clone())
            .with("known", "limit"));
    }
    match params.get("limit").map(|v| v.trim()) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => Ok(n as u32),
            Ok(n) => Err(ApiError::bad_request("web-error-bad-limit")
                .with("value", n.to_string())
                .with("max", MAX_LIMIT.to_string())),
            Err(_) => Err(bad_parameter("limit", v)),
        },
    }
}

fn dead_json(row: &DeadLetter) -> Value {
    json!({
        "id": row.id,
        "channel": row.channel.as_str(),
        "kind": row.kind,
        "conversation": row.conversation,
        "ticket": row.reference,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "died_at": time(row.died_at),
        "status": "dead",
    })
}

fn failed_json(event: &FailedEvent) -> Value {
    json!({
        "id": event.id,
        "platform": event.platform.as_str(),
        "event_id": event.event_id,
        "event": serde_json::from_str::<Value>(&event.payload).unwrap_or(Value::Null),
        "error": event.error,
        "failed_at": time(event.failed_at),
        "replayed_at": time_opt(event.replayed_at),
    })
}
