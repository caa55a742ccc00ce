//! `/api/v1/stats`: the figures of a period, limited to the teams the caller works
//! for (admins: every team). Employees have no statistics.

use axum::Json;
use axum::extract::State;
use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;
use utoipa::IntoParams;

use super::bad_parameter;
use super::stats_body::StatsBody;
use crate::store::stats::{Period, Scope};
use crate::store::{self};
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::ApiResult;
use crate::web::extract::ApiQuery;
use crate::web::openapi::{BadParameter, NeedsCaller, Restricted, tags};

/// The longest period one request may ask for.
pub const MAX_DAYS: i64 = 366 * 2;

/// The period: `days`, or `from` and `to`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The last N company-local days, today included (default 30).
    #[param(value_type = Option<u32>)]
    days: Option<String>,
    /// First day, YYYY-MM-DD (with `to`).
    #[param(format = Date)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD (with `from`).
    #[param(format = Date)]
    to: Option<String>,
}

/// The figures of a period, for the caller's teams (administrators: all).
#[utoipa::path(get, path = "/stats", tag = tags::FIGURES, params(PeriodQuery),
    responses((status = 200, description = "Figures.", body = StatsBody),
        NeedsCaller, Restricted, BadParameter))]
pub async fn stats(
    State(state): State<WebState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<StatsBody>> {
    let scope = scope_of(&state, &caller)?;
    let period = period_of(&state, &query)?;
    let s = store::stats::summary(
        state.store().pool(),
        period,
        &scope,
        state.desk().time_zone(),
    )
    .await?;
    Ok(Json(StatsBody::of(s, state.desk().catalog())))
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
fn period_of(state: &WebState, query: &PeriodQuery) -> ApiResult<Period> {
    let date = |name: &str, value: &Option<String>| -> ApiResult<Option<NaiveDate>> {
        value
            .as_deref()
            .map(|v| {
                NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| bad_parameter(name, v))
            })
            .transpose()
    };
    let bad_period = || {
        crate::api_error!(
            BAD_REQUEST,
            "web-error-bad-period",
            max = MAX_DAYS.to_string()
        )
    };
    match (
        date("from", &query.from)?,
        date("to", &query.to)?,
        &query.days,
    ) {
        (Some(from), Some(to), None) => {
            if to < from || (to - from).num_days() >= MAX_DAYS {
                return Err(bad_period());
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
        _ => Err(bad_period()),
    }
}
