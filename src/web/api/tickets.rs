//! `/api/v1/tickets`: the list (filters, cursor), one ticket with its messages and
//! audit trail, and changes (team, priority, assignee, status) made through the
//! engine, so that the chat sees them as it sees a command.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::openapi::schema::ObjectBuilder;
use utoipa::{IntoParams, ToSchema};

use super::ticket_body::{
    TicketBody, TicketDetail, TicketPage, audit_entry, message_body, priorities, statuses,
    ticket_body,
};
use super::{Names, bad_parameter, one_of};
use crate::domain::{Decision, Ticket, TicketReference, UserId};
use crate::engine::TicketChange;
use crate::permissions::Action;
use crate::store::audit::Origin;
use crate::store::tickets::{TicketFilter, Viewer};
use crate::store::{self, Conn};
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{ApiJson, ApiPath, ApiQuery};
use crate::web::openapi::{BadParameter, Changes, Conflict, JsonBody, NeedsCaller, NotFound, tags};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// What the list filters on; every parameter may be left out.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// open, in_progress, waiting_on_user, resolved, closed.
    status: Option<String>,
    /// A team's slug.
    team: Option<String>,
    /// P0, P1, P2 or P3.
    priority: Option<String>,
    /// A category's slug.
    category: Option<String>,
    /// A user id.
    #[param(value_type = Option<i64>)]
    assignee: Option<String>,
    /// A user id.
    #[param(value_type = Option<i64>)]
    requester: Option<String>,
    /// Words in the reference, subject or description.
    q: Option<String>,
    /// 1 to 200; 50 by default.
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Any other parameter, refused by name (`lang` aside).
    #[serde(flatten)]
    #[param(ignore)]
    others: BTreeMap<String, String>,
}

const PARAMETERS: [&str; 9] = [
    "status",
    "team",
    "priority",
    "category",
    "assignee",
    "requester",
    "q",
    "limit",
    "cursor",
];

/// Tickets the caller may see, newest first.
#[utoipa::path(get, path = "/tickets", tag = tags::TICKETS, params(ListQuery),
    responses((status = 200, description = "A page of tickets.", body = TicketPage),
        NeedsCaller, BadParameter))]
pub async fn list(
    State(state): State<WebState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<TicketPage>> {
    let filter = filter_of(&state, &query)?;
    let mut conn = state.store().pool().acquire().await?;
    // One more than asked tells whether there is a next page.
    let mut found = store::tickets::list(
        &mut conn,
        &TicketFilter {
            limit: filter.limit + 1,
            ..filter.clone()
        },
        Viewer::User(&caller.actor),
    )
    .await?;
    let next = (found.len() > filter.limit as usize).then(|| {
        found.truncate(filter.limit as usize);
        found.last().map(|t| t.id.0.to_string())
    });
    let mut names = Names::default();
    let mut items = Vec::with_capacity(found.len());
    for t in &found {
        items.push(ticket_body(&state, &mut conn, &mut names, t).await?);
    }
    Ok(Json(TicketPage {
        items,
        next_cursor: next.flatten(),
    }))
}

fn filter_of(state: &WebState, query: &ListQuery) -> ApiResult<TicketFilter> {
    if let Some(unknown) = query.others.keys().find(|k| *k != "lang") {
        return Err(crate::api_error!(
            BAD_REQUEST,
            "web-error-unknown-parameter",
            name = unknown.clone(),
            known = PARAMETERS.join(", ")
        ));
    }
    let catalog = state.desk().catalog();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let number = |name: &str, v: &Option<String>| -> ApiResult<Option<i64>> {
        given(v)
            .map(|v| v.parse::<i64>().map_err(|_| bad_parameter(name, &v)))
            .transpose()
    };
    let limit = match number("limit", &query.limit)? {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
        Some(n) => {
            return Err(crate::api_error!(
                BAD_REQUEST,
                "web-error-bad-limit",
                value = n.to_string(),
                max = MAX_LIMIT.to_string()
            ));
        }
    };
    Ok(TicketFilter {
        status: given(&query.status)
            .map(|v| v.parse().map_err(|_| bad_parameter("status", &v)))
            .transpose()?,
        team: given(&query.team)
            .map(|v| {
                catalog
                    .team_by_slug(&v)
                    .map(|t| t.id)
                    .ok_or_else(|| bad_parameter("team", &v))
            })
            .transpose()?,
        priority: given(&query.priority)
            .map(|v| v.parse().map_err(|_| bad_parameter("priority", &v)))
            .transpose()?,
        category: given(&query.category)
            .map(|v| {
                catalog
                    .category_by_slug(&v)
                    .map(|c| c.id)
                    .ok_or_else(|| bad_parameter("category", &v))
            })
            .transpose()?,
        assignee: number("assignee", &query.assignee)?.map(UserId),
        requester: number("requester", &query.requester)?.map(UserId),
        text: given(&query.q),
        before: number("cursor", &query.cursor)?.map(crate::domain::TicketId),
        limit,
    })
}

/// One ticket with its messages and, for its team, its audit trail.
///
/// Internal notes are shown to the ticket's team only.
#[utoipa::path(get, path = "/tickets/{reference}", tag = tags::TICKETS,
    params(("reference" = String, Path, example = "TCK-20250214-002")),
    responses((status = 200, description = "The ticket.", body = TicketDetail),
        NeedsCaller, BadParameter, NotFound))]
pub async fn detail(
    State(state): State<WebState>,
    caller: Caller,
    ApiPath(reference): ApiPath<String>,
) -> ApiResult<Json<TicketDetail>> {
    let mut conn = state.store().pool().acquire().await?;
    let ticket = visible(&state, &mut conn, &caller, &reference).await?;
    let scope = state.desk().scope_of(&ticket)?;
    let internal = caller.actor.may(Action::ReadInternal, &scope);
    let mut names = Names::default();
    let body = ticket_body(&state, &mut conn, &mut names, &ticket).await?;
    let mut messages = Vec::new();
    for m in store::messages::for_ticket(&mut conn, ticket.id, internal).await? {
        messages.push(message_body(&mut conn, &mut names, m).await?);
    }
    let audit = if internal {
        let mut events = Vec::new();
        for e in store::audit::for_ticket(&mut conn, ticket.id).await? {
            events.push(audit_entry(&mut conn, &mut names, e).await?);
        }
        Some(events)
    } else {
        None
    };
    Ok(Json(TicketDetail {
        ticket: body,
        messages,
        audit,
    }))
}

/// What a change accepts; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// A team's slug: transfers the ticket.
    team: Option<String>,
    #[schema(schema_with = priorities)]
    priority: Option<String>,
    /// A member of the ticket's team.
    assignee: Option<i64>,
    #[schema(schema_with = statuses)]
    status: Option<String>,
    /// On a request that needs approval (finance & travel): approve resolves,
    /// ask_info sends decision_text to the requester and waits on them, refuse
    /// resolves and needs decision_text.
    #[schema(schema_with = decisions)]
    decision: Option<String>,
    /// The approval's note, the question, or the refusal's justification.
    decision_text: Option<String>,
}

fn decisions() -> ObjectBuilder {
    one_of(Decision::ALL.map(Decision::as_str))
}

impl Update {
    /// The changes asked for, in the order the engine makes them.
    fn changes(self) -> ApiResult<Vec<TicketChange>> {
        let mut changes = Vec::new();
        if let Some(team) = self.team {
            changes.push(TicketChange::Team(team));
        }
        if let Some(p) = self.priority {
            let p = p.parse().map_err(|_| bad_parameter("priority", &p))?;
            changes.push(TicketChange::Priority(p));
        }
        if let Some(id) = self.assignee {
            changes.push(TicketChange::Assign(UserId(id)));
        }
        if let Some(s) = self.status {
            let s = s.parse().map_err(|_| bad_parameter("status", &s))?;
            changes.push(TicketChange::Status(s));
        }
        if let Some(d) = self.decision {
            let d = d.parse().map_err(|_| bad_parameter("decision", &d))?;
            changes.push(TicketChange::Decide(
                d,
                self.decision_text.unwrap_or_default(),
            ));
        } else if self.decision_text.is_some() {
            return Err(ApiError::bad_request(key!("web-error-decision-text-alone")));
        }
        if changes.is_empty() {
            return Err(ApiError::bad_request(key!("web-error-nothing-to-change")));
        }
        Ok(changes)
    }
}

/// Changes a ticket, or decides on a request that needs approval.
///
/// The team, priority, assignee or status, as the chat commands do: the thread, the
/// card and the requester are told.
#[utoipa::path(patch, path = "/tickets/{reference}", tag = tags::TICKETS,
    params(("reference" = String, Path, example = "TCK-20250214-002")),
    request_body = Update,
    responses((status = 200, description = "The ticket as changed.", body = TicketBody),
        NeedsCaller, Changes, BadParameter, NotFound, Conflict, JsonBody))]
pub async fn update(
    State(state): State<WebState>,
    caller: Caller,
    ApiPath(reference): ApiPath<String>,
    ApiJson(update): ApiJson<Update>,
) -> ApiResult<Json<TicketBody>> {
    let changes = update.changes()?;
    let id = {
        let mut conn = state.store().pool().acquire().await?;
        visible(&state, &mut conn, &caller, &reference).await?.id
    };
    let ticket = state
        .engine()
        .change_ticket(caller.user.id, id, &changes, Origin::Web)
        .await?;
    let mut conn = state.store().pool().acquire().await?;
    let body = ticket_body(&state, &mut conn, &mut Names::default(), &ticket).await?;
    Ok(Json(body))
}

/// The ticket named by `reference`, if the caller may see it; unknown otherwise.
async fn visible(
    state: &WebState,
    conn: &mut Conn,
    caller: &Caller,
    reference: &str,
) -> ApiResult<Ticket> {
    let parsed: TicketReference = reference
        .parse()
        .map_err(|e| ApiError::from(crate::desk::DeskError::Invalid(e)))?;
    Ok(state
        .desk()
        .ticket_by_reference(conn, &caller.actor, &parsed)
        .await?)
}
