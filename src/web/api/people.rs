//! `/api/v1/users`, `/api/v1/teams`, `/api/v1/categories`. People are listed for
//! admins; anyone may read their own record, the teams and the categories; team
//! members are shown to staff.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::{bad_parameter, time};
use crate::domain::{Language, User, UserId};
use crate::store::{self, Conn};
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};

pub async fn users(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let mut conn = state.store().pool().acquire().await?;
    let mut items = Vec::new();
    for user in store::users::list(&mut conn).await? {
        items.push(user_json(&state, &mut conn, &user).await?);
    }
    Ok(Json(json!({ "items": items })))
}

pub async fn user(
    State(state): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = UserId(id.parse().map_err(|_| bad_parameter("id", &id))?);
    if id != caller.user.id {
        caller.require_admin()?;
    }
    let mut conn = state.store().pool().acquire().await?;
    let user = store::users::get(&mut conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(user_json(&state, &mut conn, &user).await?))
}

pub(super) async fn user_json(state: &WebState, conn: &mut Conn, user: &User) -> ApiResult<Value> {
    let catalog = state.desk().catalog();
    let teams: Vec<_> = store::users::teams_of(conn, user.id)
        .await?
        .into_iter()
        .filter_map(|id| catalog.team(id).map(|t| t.slug.clone()))
        .collect();
    let identities: Vec<_> = store::users::identities(conn, user.id)
        .await?
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(json!({
        "id": user.id.0,
        "name": user.display_name,
        "email": user.email.as_ref().map(|e| e.as_str()),
        "role": user.role.as_str(),
        "language": user.language.as_str(),
        "department": user.department,
        "teams": teams,
        "identities": identities,
        "capacity": user.capacity,
        "available": user.available,
        "created_at": time(user.created_at),
    }))
}

pub async fn teams(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Value>> {
    let mut conn = state.store().pool().acquire().await?;
    let mut items = Vec::new();
    for team in state.desk().catalog().teams().filter(|t| t.active) {
        let mut item = json!({
            "slug": team.slug,
            "name": names(|l| team.name.get(l).to_owned()),
            "email": team.email.as_ref().map(|e| e.as_str()),
            "confidential": team.confidential,
        });
        if caller.user.role.is_staff() || caller.is_admin() {
            let mut members = Vec::new();
            for m in store::catalog::members(&mut conn, team.id).await? {
                let name = store::users::get(&mut conn, m.user)
                    .await?
                    .map(|u| u.display_name);
                members.push(json!({ "id": m.user.0, "name": name, "lead": m.lead }));
            }
            item["members"] = json!(members);
        }
        items.push(item);
    }
    Ok(Json(json!({ "items": items })))
}

pub async fn categories(State(state): State<WebState>, _caller: Caller) -> ApiResult<Json<Value>> {
    let catalog = state.desk().catalog();
    let items: Vec<_> = catalog
        .categories()
        .filter(|c| c.active)
        .map(|c| {
            json!({
                "slug": c.slug,
                "name": names(|l| c.name.get(l).to_owned()),
                "team": catalog.team(c.team).map(|t| t.slug.clone()),
                "default_priority": c.default_priority.as_str(),
                "needs_approval": c.needs_approval,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `{"fr": …, "en": …}`.
fn names(name: impl Fn(Language) -> String) -> Value {
    Language::ALL
        .into_iter()
        .map(|l| (l.as_str().to_owned(), json!(name(l))))
        .collect::<serde_json::Map<_, _>>()
        .into()
}
