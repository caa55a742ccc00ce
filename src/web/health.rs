//! `/healthz` (the process answers), `/readyz` (it can do its work) and `/metrics`
//! (Prometheus text format). The first two need no login and say nothing internal.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sqlx::Row;

use super::WebState;
use super::auth::Caller;
use super::error::ApiResult;
use super::openapi::{NeedsCaller, Restricted};
use crate::metrics::{self, Stock};
use crate::store;

/// The process answers.
#[utoipa::path(get, path = "/healthz", tag = super::openapi::tags::HEALTH, security(()),
    responses((status = 200, description = "Alive.", body = Object)))]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// What `/readyz?part=…` asks about.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadyQuery {
    /// web (default), discord, telegram (the adapter is connected) or setup (no setup
    /// check failing).
    part: Option<String>,
}

/// Whether the part asked about is ready, and every part's checks.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    status: &'static str,
    part: String,
    /// Each check's state: `ok`, `unreachable`, `pending`, `connected`, `disconnected`,
    /// `problems`, `unknown`.
    #[schema(value_type = Object)]
    checks: serde_json::Map<String, Value>,
    /// The setup checks failing: the kind of check and of each trouble, no names.
    #[schema(value_type = Vec<Object>)]
    problems: Vec<Value>,
}

/// A part `/readyz` does not know, and those it does.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UnknownPart {
    /// `unknown_part`.
    status: &'static str,
    parts: Vec<String>,
}

/// Readiness, part by part.
///
/// The status code answers for the part asked: without
/// `part`, the web endpoint (the database answers and every migration is applied),
/// so that a load balancer never takes the dashboard away because a chat platform
/// is down or a team's space is misconfigured: that is where operators read it.
/// `?part=discord` / `?part=telegram`: that adapter's connection (for a supervisor
/// that restarts a stuck instance); `?part=setup`: no setup check failing. The body
/// always details every part; it names problems by subject and kind, without names.
#[utoipa::path(get, path = "/readyz", tag = super::openapi::tags::HEALTH, security(()),
    params(ReadyQuery),
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 400, description = "No such part; `parts` lists them.", body = UnknownPart),
        (status = 503, description = "Not ready; `checks` and `problems` say what fails.",
            body = Readiness)))]
pub async fn readyz(State(state): State<WebState>, query: Query<ReadyQuery>) -> Response {
    let database = sqlx::query("SELECT 1")
        .execute(state.store().pool())
        .await
        .is_ok();
    let migrations = database && matches!(state.store().pending_migrations().await, Ok(0));
    let mut checks = serde_json::Map::new();
    checks.insert(
        "database".into(),
        json!(if database { "ok" } else { "unreachable" }),
    );
    checks.insert(
        "migrations".into(),
        json!(if migrations { "ok" } else { "pending" }),
    );
    let web = database && migrations;
    let mut parts = vec![("web".to_owned(), web)];
    for (platform, connected) in &state.inner.bots {
        let up = connected.get();
        parts.push((platform.as_str().to_owned(), up));
        checks.insert(
            platform.as_str().into(),
            json!(if up { "connected" } else { "disconnected" }),
        );
    }
    let problems = if database {
        setup_problems(&state).await
    } else {
        None
    };
    parts.push((
        "setup".to_owned(),
        problems.as_ref().is_some_and(Vec::is_empty),
    ));
    checks.insert(
        "setup".into(),
        json!(match &problems {
            Some(p) if p.is_empty() => "ok",
            Some(_) => "problems",
            None => "unknown",
        }),
    );
    let problems = problems.unwrap_or_default();
    let asked = query.part.as_deref().unwrap_or("web");
    let Some(ready) = parts
        .iter()
        .find(|(name, _)| name == asked)
        .map(|(_, up)| *up)
    else {
        let body = UnknownPart {
            status: "unknown_part",
            parts: parts.into_iter().map(|(name, _)| name).collect(),
        };
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Readiness {
        status: if ready { "ready" } else { "not_ready" },
        part: asked.to_owned(),
        checks,
        problems,
    };
    (status, Json(body)).into_response()
}

/// The setup checks failing now (any instance's): the kind of check and of each
/// trouble, nothing more (no names, ids or error texts: this needs no login).
/// `None` when they cannot be read.
async fn setup_problems(state: &WebState) -> Option<Vec<Value>> {
    let recorded = match crate::doctor::watch::recorded(state.store()).await {
        Ok(recorded) => recorded,
        Err(e) => {
            tracing::warn!(error = %e, "readyz: cannot read the setup checks");
            return None;
        }
    };
    let kind = |value: serde_json::Result<Value>, tag: &str| {
        value
            .ok()
            .and_then(|v| v.get(tag).cloned())
            .unwrap_or(Value::Null)
    };
    Some(
        recorded
            .into_iter()
            .map(|recorded| {
                let troubles: Vec<Value> = recorded
                    .finding
                    .troubles
                    .iter()
                    .map(|t| match serde_json::to_value(t) {
                        // A space's problem says which right, which is no secret.
                        Ok(Value::Object(mut o)) => {
                            o.remove("error");
                            Value::Object(o)
                        }
                        _ => Value::Null,
                    })
                    .collect();
                json!({
                    "check": kind(serde_json::to_value(&recorded.finding.check), "check"),
                    "since": recorded.since.to_rfc3339(),
                    "troubles": troubles,
                })
            })
            .collect(),
    )
}

/// For administrators (Prometheus sends an API token as a bearer).
#[utoipa::path(get, path = "/metrics", tag = super::openapi::tags::HEALTH,
    responses((status = 200, description = "Counters and latency histograms, OpenMetrics text.",
        body = String, content_type = "application/openmetrics-text"), NeedsCaller, Restricted))]
pub async fn metrics(State(state): State<WebState>, caller: Caller) -> ApiResult<Response> {
    caller.require_admin()?;
    let mut conn = state.store().pool().acquire().await?;
    let catalog = state.desk().catalog();
    let mut tickets = Vec::new();
    for row in
        sqlx::query("SELECT status, team_id, COUNT(*) AS n FROM tickets GROUP BY status, team_id")
            .fetch_all(&mut *conn)
            .await?
    {
        let team = catalog
            .team(crate::domain::TeamId(row.try_get("team_id")?))
            .map_or_else(|| "unknown".to_owned(), |t| t.slug.clone());
        tickets.push((row.try_get("status")?, team, row.try_get("n")?));
    }
    let backlog = store::outbox::backlog(&mut conn).await?;
    let now = state.desk().now();
    let (due, oldest) = store::jobs::due(&mut conn, now).await?;
    let stock = Stock {
        tickets,
        outbox_pending: backlog.pending,
        outbox_dead: backlog.dead,
        setup_problems: store::setup_checks::failing(&mut conn).await?.len() as u64,
        due_jobs: due,
        scheduler_lag: oldest
            .and_then(|t| (now - t).to_std().ok())
            .unwrap_or_default(),
    };
    Ok((
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        state.inner.metrics.render(&stock),
    )
        .into_response())
}
