//! `/api/v1/stats`: the figures of a period, limited to the teams the caller works
//! for (admins: every team). Employees have no statistics.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::{NaiveDate, TimeDelta};
use serde_json::{Value, json};

use super::{bad_parameter, time};
use crate::store::stats::{Durations, Period, Rate, Scope};
use crate::store::{self};
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};

/// The longest period one request may ask for.
pub const MAX_DAYS: i64 = 366 * 2;

pub async fn stats(
    State(state): State<WebState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let scope = scope_of(&state, &caller)?;
    let period = period_of(&state, &params)?;
    let s = store::stats::summary(
        state.store().pool(),
        period,
        &scope,
        state.desk().time_zone(),
    )
    .await?;
    let catalog = state.desk().catalog();
    let team = |id| catalog.team(id).map(|t| t.slug.clone());
    let counts = |v: Vec<(String, u64)>| -> Value {
        v.into_iter()
            .map(|(k, n)| (k, json!(n)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    Ok(Json(json!({
        "period": { "from": time(s.period.from), "to": time(s.period.to) },
        "opened": s.opened,
        "resolved": s.resolved,
        "first_response": durations(s.first_response),
        "resolution": durations(s.resolution),
        "satisfaction": {
            "count": s.satisfaction.count,
            "average": s.satisfaction.average,
            "distribution": s.satisfaction.distribution,
        },
        "by_status": counts(s.by_status.iter().map(|(k, n)| (k.as_str().to_owned(), *n)).collect()),
        "by_category": counts(s.by_category.iter().filter_map(|(k, n)| Some((catalog.category(*k)?.slug.clone(), *n))).collect()),
        "by_priority": counts(s.by_priority.iter().map(|(k, n)| (k.as_str().to_owned(), *n)).collect()),
        "by_team": counts(s.by_team.iter().filter_map(|(k, n)| Some((team(*k)?, *n))).collect()),
        "backlog": counts(s.backlog.iter().map(|(k, n)| (k.as_str().to_owned(), *n)).collect()),
        "sla_breached": rate(s.sla_breached),
        "first_contact_resolution": rate(s.first_contact_resolution),
        "per_day": s.per_day.iter().map(|d| json!({
            "day": d.day.to_string(), "opened": d.opened, "resolved": d.resolved,
        })).collect::<Vec<_>>(),
        "leaderboard": s.leaderboard.iter().map(|r| json!({
            "agent": { "id": r.agent.0, "name": r.name },
            "points": r.points, "resolved": r.resolved, "rating": r.rating,
        })).collect::<Vec<_>>(),
    })))
}

fn durations(d: Durations) -> Value {
    json!({ "count": d.count, "mean_seconds": d.mean_secs, "median_seconds": d.median_secs })
}

fn rate(r: Rate) -> Value {
    json!({ "part": r.part, "whole": r.whole, "percent": r.percent() })
}

/// Whose tickets the caller's figures count: all for admins, their teams for staff
/// (a confidential team for `hr` only, as the permission matrix says).
pub fn scope_of(state: &WebState, caller: &Caller) -> ApiResult<Scope> {
    if caller.is_admin() {
        return Ok(Scope::All);
    }
    caller.require_staff()?;
    let teams = state
        .desk()
        .catalog()
        .teams()
        .filter(|t| caller.actor.is_staff_of(t.id, t.confidential))
        .map(|t| t.id)
        .collect();
    Ok(Scope::Teams(teams))
}

/// The last `days` company-local days, today included.
pub fn last_days(state: &WebState, days: u32) -> Period {
    let tz = state.desk().time_zone();
    let today = state.desk().now().with_timezone(&tz).date_naive();
    let first = today - TimeDelta::days(i64::from(days.max(1)) - 1);
    local_days(state, first, today)
}

/// From the start of `first` to the end of `last`, company-local days.
fn local_days(state: &WebState, first: NaiveDate, last: NaiveDate) -> Period {
    let tz = state.desk().time_zone();
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(tz).earliest())
            .map(|t| t.to_utc())
            .unwrap_or_else(|| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    };
    Period {
        from: start(first),
        to: start(last + TimeDelta::days(1)),
    }
}

/// `?days=N` (default 30), or `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both days included.
fn period_of(state: &WebState, params: &HashMap<String, String>) -> ApiResult<Period> {
    let date = |name: &str| -> ApiResult<Option<NaiveDate>> {
        params
            .get(name)
            .map(|v| {
                NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| bad_parameter(name, v))
            })
            .transpose()
    };
    match (date("from")?, date("to")?, params.get("days")) {
        (Some(from), Some(to), None) => {
            if to < from || (to - from).num_days() >= MAX_DAYS {
                return Err(
                    ApiError::bad_request("web-error-bad-period").with("max", MAX_DAYS.to_string())
                );
            }
            Ok(local_days(state, from, to))
        }
        (None, None, days) => {
            let days = match days {
                None => 30,
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=MAX_DAYS as u32).contains(d))
                    .ok_or_else(|| bad_parameter("days", v))?,
            };
            Ok(last_days(state, days))
        }
        _ => Err(ApiError::bad_request("web-error-bad-period").with("max", MAX_DAYS.to_string())),
    }
}
