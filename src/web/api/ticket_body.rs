//! What the API says of a ticket: the ticket itself, its messages and its audit
//! trail.

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

use super::{Names, Person, Time, one_of, time, time_opt};
use crate::domain::{Message, Priority, Status, Ticket, Visibility};
use crate::store::Conn;
use crate::web::WebState;
use crate::web::error::ApiResult;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Ticket)]
pub struct TicketBody {
    /// `TCK-20250214-002`.
    reference: String,
    subject: String,
    description: String,
    #[schema(schema_with = statuses)]
    status: &'static str,
    #[schema(schema_with = priorities)]
    priority: &'static str,
    /// The category's slug.
    category: Option<String>,
    /// The team's slug.
    team: Option<String>,
    requester: Person,
    assignee: Option<Person>,
    created_at: Option<Time>,
    updated_at: Option<Time>,
    first_response_at: Option<Time>,
    resolved_at: Option<Time>,
    closed_at: Option<Time>,
    sla: Sla,
}

pub(super) fn statuses() -> ObjectBuilder {
    one_of(Status::ALL.map(Status::as_str))
}

pub(super) fn priorities() -> ObjectBuilder {
    one_of(Priority::ALL.map(Priority::as_str))
}

/// When the first response and the resolution are due, and when they were late.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sla {
    first_response_due_at: Option<Time>,
    resolution_due_at: Option<Time>,
    first_response_breached_at: Option<Time>,
    resolution_breached_at: Option<Time>,
}

/// A page of tickets, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketBody>,
    /// What `cursor` asks for the next page; null on the last one.
    pub next_cursor: Option<String>,
}

/// A ticket with its messages and, for its team, its audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: TicketBody,
    /// Internal notes only for its team.
    pub messages: Vec<MessageBody>,
    /// Null for the requester.
    pub audit: Option<Vec<AuditEntry>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageBody {
    id: i64,
    /// Null for what the helpdesk itself wrote.
    author: Option<Person>,
    internal: bool,
    body: String,
    /// Where it was written: `telegram`, `discord`; null on the web.
    platform: Option<&'static str>,
    created_at: Time,
    attachments: Vec<AttachmentBody>,
}

/// A file sent with a message; the file itself stays on the platform.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentBody {
    file_name: String,
    content_type: Option<String>,
    size_bytes: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// `created`, `assigned`, `status_changed`…
    action: String,
    actor: Option<Person>,
    old_value: Option<String>,
    new_value: Option<String>,
    /// Where the change came from: chat, web, cli or scheduler.
    origin: String,
    at: Time,
}

pub(super) async fn ticket_body(
    state: &WebState,
    conn: &mut Conn,
    names: &mut Names,
    t: &Ticket,
) -> ApiResult<TicketBody> {
    let catalog = state.desk().catalog();
    Ok(TicketBody {
        reference: t.reference.to_string(),
        subject: t.subject.clone(),
        description: t.description.clone(),
        status: t.status.as_str(),
        priority: t.priority.as_str(),
        category: catalog.category(t.category).map(|c| c.slug.clone()),
        team: catalog.team(t.team).map(|c| c.slug.clone()),
        requester: names.person(conn, t.requester).await?,
        assignee: names.maybe(conn, t.assignee).await?,
        created_at: time_opt(t.times.created),
        updated_at: time_opt(t.times.updated),
        first_response_at: time_opt(t.times.first_response),
        resolved_at: time_opt(t.times.resolved),
        closed_at: time_opt(t.times.closed),
        sla: Sla {
            first_response_due_at: time_opt(t.sla.first_response_due),
            resolution_due_at: time_opt(t.sla.resolution_due),
            first_response_breached_at: time_opt(t.sla.first_response_breached),
            resolution_breached_at: time_opt(t.sla.resolution_breached),
        },
    })
}

pub(super) async fn message_body(
    conn: &mut Conn,
    names: &mut Names,
    m: Message,
) -> ApiResult<MessageBody> {
    Ok(MessageBody {
        id: m.id,
        author: names.maybe(conn, m.author).await?,
        internal: m.visibility == Visibility::Internal,
        platform: m.origin.as_ref().map(|(p, _)| p.as_str()),
        created_at: time(m.created_at),
        attachments: m
            .attachments
            .into_iter()
            .map(|a| AttachmentBody {
                file_name: a.file.file_name,
                content_type: a.file.content_type,
                size_bytes: a.file.size_bytes,
            })
            .collect(),
        body: m.body,
    })
}

pub(super) async fn audit_entry(
    conn: &mut Conn,
    names: &mut Names,
    e: crate::domain::audit::AuditEvent,
) -> ApiResult<AuditEntry> {
    Ok(AuditEntry {
        actor: names.maybe(conn, e.actor).await?,
        action: e.action.to_string(),
        old_value: e.old_value,
        new_value: e.new_value,
        origin: e.origin,
        at: time(e.at),
    })
}
