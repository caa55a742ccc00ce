//! `/api/v1/users`, `/api/v1/teams`, `/api/v1/categories`. People are listed for
//! admins; anyone may read their own record, the teams and the categories; team
//! members are shown to staff.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

use super::{Time, bad_parameter, one_of, time};
use crate::domain::{Language, Priority, Role, User, UserId};
use crate::store::{self, Conn};
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::ApiPath;
use crate::web::openapi::{BadParameter, NeedsCaller, NotFound, Restricted, tags};

#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    id: i64,
    name: String,
    email: Option<String>,
    #[schema(schema_with = roles)]
    role: &'static str,
    #[schema(schema_with = languages)]
    language: &'static str,
    department: Option<String>,
    /// The slugs of the teams the user works for.
    teams: Vec<String>,
    /// Chat accounts: `telegram:…`, `discord:…`.
    identities: Vec<String>,
    /// How many open tickets automatic assignment gives them at most.
    capacity: u32,
    available: bool,
    created_at: Time,
}

fn roles() -> ObjectBuilder {
    one_of(Role::ALL.map(Role::as_str))
}

fn languages() -> ObjectBuilder {
    one_of(Language::ALL.map(Language::as_str))
}

fn priorities() -> ObjectBuilder {
    one_of(Priority::ALL.map(Priority::as_str))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Users {
    items: Vec<UserBody>,
}

/// Every user (administrators).
#[utoipa::path(get, path = "/users", tag = tags::PEOPLE,
    responses((status = 200, description = "Users.", body = Users), NeedsCaller, Restricted))]
pub async fn users(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Users>> {
    caller.require_admin()?;
    let mut conn = state.store().pool().acquire().await?;
    let mut items = Vec::new();
    for user in store::users::list(&mut conn).await? {
        items.push(user_body(&state, &mut conn, &user).await?);
    }
    Ok(Json(Users { items }))
}

/// One user (administrators, or oneself).
#[utoipa::path(get, path = "/users/{id}", tag = tags::PEOPLE,
    params(("id" = i64, Path, description = "The user's id.")),
    responses((status = 200, description = "The user.", body = UserBody),
        NeedsCaller, Restricted, BadParameter, NotFound))]
pub async fn user(
    State(state): State<WebState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<UserBody>> {
    let id = UserId(id.parse().map_err(|_| bad_parameter("id", &id))?);
    if id != caller.user.id {
        caller.require_admin()?;
    }
    let mut conn = state.store().pool().acquire().await?;
    let user = store::users::get(&mut conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(user_body(&state, &mut conn, &user).await?))
}

pub(super) async fn user_body(
    state: &WebState,
    conn: &mut Conn,
    user: &User,
) -> ApiResult<UserBody> {
    let catalog = state.desk().catalog();
    let teams = store::users::teams_of(conn, user.id)
        .await?
        .into_iter()
        .filter_map(|id| catalog.team(id).map(|t| t.slug.clone()))
        .collect();
    let identities = store::users::identities(conn, user.id)
        .await?
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(UserBody {
        id: user.id.0,
        name: user.display_name.clone(),
        email: user.email.as_ref().map(|e| e.as_str().to_owned()),
        role: user.role.as_str(),
        language: user.language.as_str(),
        department: user.department.clone(),
        teams,
        identities,
        capacity: user.capacity,
        available: user.available,
        created_at: time(user.created_at),
    })
}

/// A name in each language.
#[derive(Debug, Serialize, ToSchema)]
pub struct Localized {
    fr: String,
    en: String,
}

impl From<&crate::domain::team::Localized> for Localized {
    fn from(name: &crate::domain::team::Localized) -> Self {
        Localized {
            fr: name.get(Language::Fr).to_owned(),
            en: name.get(Language::En).to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamBody {
    slug: String,
    name: Localized,
    email: Option<String>,
    confidential: bool,
    /// For staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<Vec<Member>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    id: i64,
    name: Option<String>,
    lead: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Teams {
    items: Vec<TeamBody>,
}

/// The teams; their members for staff.
#[utoipa::path(get, path = "/teams", tag = tags::PEOPLE,
    responses((status = 200, description = "Teams.", body = Teams), NeedsCaller))]
pub async fn teams(State(state): State<WebState>, caller: Caller) -> ApiResult<Json<Teams>> {
    let mut conn = state.store().pool().acquire().await?;
    let sees_members = caller.user.role.is_staff() || caller.is_admin();
    let mut items = Vec::new();
    for team in state.desk().catalog().teams().filter(|t| t.active) {
        let members = if sees_members {
            let mut members = Vec::new();
            for m in store::catalog::members(&mut conn, team.id).await? {
                let name = store::users::get(&mut conn, m.user)
                    .await?
                    .map(|u| u.display_name);
                members.push(Member {
                    id: m.user.0,
                    name,
                    lead: m.lead,
                });
            }
            Some(members)
        } else {
            None
        };
        items.push(TeamBody {
            slug: team.slug.clone(),
            name: (&team.name).into(),
            email: team.email.as_ref().map(|e| e.as_str().to_owned()),
            confidential: team.confidential,
            members,
        });
    }
    Ok(Json(Teams { items }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryBody {
    slug: String,
    name: Localized,
    /// The slug of the team that handles it.
    team: Option<String>,
    #[schema(schema_with = priorities)]
    default_priority: &'static str,
    /// Whether its requests wait for a decision of the team (finance & travel).
    needs_approval: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Categories {
    items: Vec<CategoryBody>,
}

/// The categories and the team of each.
#[utoipa::path(get, path = "/categories", tag = tags::PEOPLE,
    responses((status = 200, description = "Categories.", body = Categories), NeedsCaller))]
pub async fn categories(
    State(state): State<WebState>,
    _caller: Caller,
) -> ApiResult<Json<Categories>> {
    let catalog = state.desk().catalog();
    let items = catalog
        .categories()
        .filter(|c| c.active)
        .map(|c| CategoryBody {
            slug: c.slug.clone(),
            name: (&c.name).into(),
            team: catalog.team(c.team).map(|t| t.slug.clone()),
            default_priority: c.default_priority.as_str(),
            needs_approval: c.needs_approval,
        })
        .collect();
    Ok(Json(Categories { items }))
}
