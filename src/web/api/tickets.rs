//! `/api/v1/tickets`: the list (filters, cursor), one ticket with its messages and
//! audit trail, and changes (team, priority, assignee, status) made through the
//! engine, so that the chat sees them as it sees a command.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Names, bad_parameter, time, time_opt};
use crate::domain::{Ticket, TicketReference, UserId, Visibility};
use crate::engine::TicketChange;
use crate::permissions::Action;
use crate::store::audit::Origin;
use crate::store::tickets::{TicketFilter, Viewer};
use crate::store::{self, Conn};
use crate::web::WebState;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
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

/// `GET /api/v1/tickets`: newest first, what the caller may see.
pub async fn list(
    State(state): State<WebState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let filter = filter_of(&state, &params)?;
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
        items.push(ticket_json(&state, &mut conn, &mut names, t).await?);
    }
    Ok(Json(
        json!({ "items": items, "next_cursor": next.flatten() }),
    ))
}

fn filter_of(state: &WebState, params: &HashMap<String, String>) -> ApiResult<TicketFilter> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !PARAMETERS.contains(&k.as_str()) && *k != "lang")
    {
        return Err(ApiError::bad_request("web-error-unknown-parameter")
            .with("name", unknown.clone())
            .with("known", PARAMETERS.join(", ")));
    }
    let catalog = state.desk().catalog();
    let get = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let parse = |name: &str| -> ApiResult<Option<i64>> {
        get(name)
            .map(|v| v.parse::<i64>().map_err(|_| bad_parameter(name, v)))
            .transpose()
    };
    let limit = match parse("limit")? {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
        Some(n) => {
            return Err(ApiError::bad_request("web-error-bad-limit")
                .with("value", n.to_string())
                .with("max", MAX_LIMIT.to_string()));
        }
    };
    Ok(TicketFilter {
        status: get("status")
            .map(|v| v.parse().map_err(|_| bad_parameter("status", v)))
            .transpose()?,
        team: get("team")
            .map(|v| {
                catalog
                    .team_by_slug(v)
                    .map(|t| t.id)
                    .ok_or_else(|| bad_parameter("team", v))
            })
            .transpose()?,
        priority: get("priority")
            .map(|v| v.parse().map_err(|_| bad_parameter("priority", v)))
            .transpose()?,
        category: get("category")
            .map(|v| {
                catalog
                    .category_by_slug(v)
                    .map(|c| c.id)
                    .ok_or_else(|| bad_parameter("category", v))
            })
            .transpose()?,
        assignee: parse("assignee")?.map(UserId),
        requester: parse("requester")?.map(UserId),
        text: get("q").map(str::to_owned),
        before: parse("cursor")?.map(crate::domain::TicketId),
        limit,
    })
}

/// `GET /api/v1/tickets/{reference}`: the ticket, its messages (internal notes for
/// the team only) and, for the team, its audit trail.
pub async fn detail(
    State(state): State<WebState>,
    caller: Caller,
    Path(reference): Path<String>,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store().pool().acquire().await?;
    let ticket = visible(&state, &mut conn, &caller, &reference).await?;
    let scope = state.desk().scope_of(&ticket)?;
    let internal = caller.actor.may(Action::ReadInternal, &scope);
    let mut names = Names::default();
    let mut body = ticket_json(&state, &mut conn, &mut names, &ticket).await?;
    let mut messages = Vec::new();
    for m in store::messages::for_ticket(&mut conn, ticket.id, internal).await? {
        messages.push(json!({
            "id": m.id,
            "author": names.person(&mut conn, m.author).await?,
            "internal": m.visibility == Visibility::Internal,
            "body": m.body,
            "platform": m.origin.as_ref().map(|(p, _)| p.as_str()),
            "created_at": time(m.created_at),
            "attachments": m.attachments.iter().map(|a| json!({
                "file_name": a.file.file_name,
                "content_type": a.file.content_type,
                "size_bytes": a.file.size_bytes,
            })).collect::<Vec<_>>(),
        }));
    }
    body["messages"] = json!(messages);
    body["audit"] = if internal {
        let mut events = Vec::new();
        for e in store::audit::for_ticket(&mut conn, ticket.id).await? {
            events.push(json!({
                "action": e.action,
                "actor": names.person(&mut conn, e.actor).await?,
                "old_value": e.old_value,
                "new_value": e.new_value,
                "origin": e.origin,
                "at": time(e.at),
            }));
        }
        json!(events)
    } else {
        Value::Null
    };
    Ok(Json(body))
}

/// What `PATCH /api/v1/tickets/{reference}` accepts; absent fields stay as they are.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    team: Option<String>,
    priority: Option<String>,
    assignee: Option<i64>,
    status: Option<String>,
    /// `approve`, `ask_info` or `refuse`, on a request that needs approval.
    decision: Option<String>,
    /// The decision's note, question or justification.
    decision_text: Option<String>,
}

pub async fn update(
    State(state): State<WebState>,
    caller: Caller,
    Path(reference): Path<String>,
    body: Result<Json<Update>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let Json(update) = body.map_err(|e| {
        ApiError::new(e.status(), "web-error-bad-body").with("detail", e.body_text())
    })?;
    let mut changes = Vec::new();
    if let Some(team) = update.team {
        changes.push(TicketChange::Team(team));
    }
    if let Some(p) = update.priority {
        let p = p.parse().map_err(|_| bad_parameter("priority", &p))?;
        changes.push(TicketChange::Priority(p));
    }
    if let Some(id) = update.assignee {
        changes.push(TicketChange::Assign(UserId(id)));
    }
    if let Some(s) = update.status {
        let s = s.parse().map_err(|_| bad_parameter("status", &s))?;
        changes.push(TicketChange::Status(s));
    }
    if let Some(d) = update.decision {
        let d = d.parse().map_err(|_| bad_parameter("decision", &d))?;
        changes.push(TicketChange::Decide(
            d,
            update.decision_text.unwrap_or_default(),
        ));
    } else if update.decision_text.is_some() {
        return Err(ApiError::bad_request("web-error-decision-text-alone"));
    }
    if changes.is_empty() {
        return Err(ApiError::bad_request("web-error-nothing-to-change"));
    }
    let id = {
        let mut conn = state.store().pool().acquire().await?;
        visible(&state, &mut conn, &caller, &reference).await?.id
    };
    let ticket = state
        .engine()
        .change_ticket(caller.user.id, id, &changes, Origin::Web)
        .await?;
    let mut conn = state.store().pool().acquire().await?;
    let body = ticket_json(&state, &mut conn, &mut Names::default(), &ticket).await?;
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

pub(super) async fn ticket_json(
    state: &WebState,
    conn: &mut Conn,
    names: &mut Names,
    t: &Ticket,
) -> ApiResult<Value> {
    let catalog = state.desk().catalog();
    Ok(json!({
        "reference": t.reference.to_string(),
        "subject": t.subject,
        "description": t.description,
        "status": t.status.as_str(),
        "priority": t.priority.as_str(),
        "category": catalog.category(t.category).map(|c| c.slug.clone()),
        "team": catalog.team(t.team).map(|c| c.slug.clone()),
        "requester": names.person(conn, Some(t.requester)).await?,
        "assignee": names.person(conn, t.assignee).await?,
        "created_at": time_opt(t.times.created),
        "updated_at": time_opt(t.times.updated),
        "first_response_at": time_opt(t.times.first_response),
        "resolved_at": time_opt(t.times.resolved),
        "closed_at": time_opt(t.times.closed),
        "sla": {
            "first_response_due_at": time_opt(t.sla.first_response_due),
            "resolution_due_at": time_opt(t.sla.resolution_due),
            "first_response_breached_at": time_opt(t.sla.first_response_breached),
            "resolution_breached_at": time_opt(t.sla.resolution_breached),
        },
    }))
}
