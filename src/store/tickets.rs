//! Tickets: references, reads, writes, the list with its visibility filter, and the
//! figures automatic assignment needs.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, Result, StoreError, flag, millis, parsed, time, time_opt};
use crate::assignment::Candidate;
use crate::domain::ticket::{SlaClock, TicketTimes};
use crate::domain::{
    CategoryId, Platform, Priority, Role, Status, TeamId, Ticket, TicketId, TicketReference, UserId,
};
use crate::permissions::Actor;

fn ticket(row: &AnyRow) -> Result<Ticket> {
    let assignee: Option<i64> = row.try_get("assignee_id")?;
    let previous: Option<i64> = row.try_get("previous_ticket_id")?;
    Ok(Ticket {
        id: TicketId(row.try_get("id")?),
        reference: parsed(row, "reference")?,
        subject: row.try_get("subject")?,
        description: row.try_get("description")?,
        requester: UserId(row.try_get("requester_id")?),
        category: CategoryId(row.try_get("category_id")?),
        team: TeamId(row.try_get("team_id")?),
        priority: parsed(row, "priority")?,
        status: parsed(row, "status")?,
        assignee: assignee.map(UserId),
        previous: previous.map(TicketId),
        resolution: row.try_get("resolution")?,
        origin: row
            .try_get::<Option<String>, _>("origin_platform")?
            .and_then(|p| p.parse().ok()),
        times: TicketTimes {
            created: Some(time(row, "created_at")?),
            updated: Some(time(row, "updated_at")?),
            first_response: time_opt(row, "first_response_at")?,
            last_requester_message: time_opt(row, "last_requester_message_at")?,
            last_agent_message: time_opt(row, "last_agent_message_at")?,
            resolved: time_opt(row, "resolved_at")?,
            closed: time_opt(row, "closed_at")?,
        },
        sla: SlaClock {
            first_response_due: time_opt(row, "first_response_due_at")?,
            resolution_due: time_opt(row, "resolution_due_at")?,
            first_response_breached: time_opt(row, "first_response_breached_at")?,
            resolution_breached: time_opt(row, "resolution_breached_at")?,
        },
    })
}

macro_rules! select_tickets {
    ($tail:literal) => {
        concat!(
            "SELECT t.id, t.reference, t.subject, t.description, t.requester_id, t.category_id, \
             t.team_id, t.priority, t.status, t.assignee_id, t.previous_ticket_id, t.resolution, \
             t.created_at, t.updated_at, t.first_response_at, t.last_requester_message_at, \
             t.last_agent_message_at, t.resolved_at, t.closed_at, t.origin_platform, \
             t.first_response_due_at, t.resolution_due_at, t.first_response_breached_at, \
             t.resolution_breached_at FROM tickets t ",
            $tail
        )
    };
}

fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// Hands out the next number of a company-local day. The upsert locks the day's row
/// until the transaction ends, so concurrent creations get distinct numbers and a
/// number is never given again once committed.
pub async fn next_sequence(conn: &mut Conn, day_key: &str) -> Result<u32> {
    let value: i64 = sqlx::query(
        "INSERT INTO ticket_sequences (day, last_value) VALUES ($1, 1) \
         ON CONFLICT (day) DO UPDATE SET last_value = ticket_sequences.last_value + 1 \
         RETURNING last_value",
    )
    .bind(day_key)
    .fetch_one(&mut *conn)
    .await?
    .try_get("last_value")?;
    u32::try_from(value).map_err(|_| StoreError::Corrupt {
        column: "ticket_sequences.last_value",
        value: value.to_string(),
    })
}

/// What a new ticket is made of; the store fills in the id.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub reference: &'a TicketReference,
    pub subject: &'a str,
    pub description: &'a str,
    pub requester: UserId,
    pub category: CategoryId,
    pub team: TeamId,
    pub priority: Priority,
    pub previous: Option<TicketId>,
    pub origin: Option<Platform>,
    pub assignee: Option<UserId>,
    /// Set when the ticket is filed with the requester's first message.
    pub last_requester_message: Option<DateTime<Utc>>,
    /// Its SLA targets.
    pub sla: SlaClock,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, new: &NewTicket<'_>) -> Result<TicketId> {
    let id: i64 = sqlx::query(
        "INSERT INTO tickets (reference, subject, description, requester_id, category_id, team_id, \
         priority, status, previous_ticket_id, created_at, updated_at, origin_platform, \
         assignee_id, last_requester_message_at, first_response_due_at, resolution_due_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(new.reference.to_string())
    .bind(new.subject)
    .bind(new.description)
    .bind(new.requester.0)
    .bind(new.category.0)
    .bind(new.team.0)
    .bind(new.priority.as_str())
    .bind(new.previous.map(|t| t.0))
    .bind(millis(new.created_at))
    .bind(new.origin.map(Platform::as_str))
    .bind(new.assignee.map(|u| u.0))
    .bind(new.last_requester_message.map(millis))
    .bind(new.sla.first_response_due.map(millis))
    .bind(new.sla.resolution_due.map(millis))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    Ok(TicketId(id))
}

pub async fn get(conn: &mut Conn, id: TicketId) -> Result<Option<Ticket>> {
    sqlx::query(select_tickets!("WHERE t.id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(ticket)
        .transpose()
}

/// Reads a ticket that the caller is about to change, locking its row until the
/// transaction ends so two changes cannot overwrite each other. (SQLite transactions
/// already hold the database's write lock.)
pub async fn get_for_update(conn: &mut Conn, id: TicketId) -> Result<Option<Ticket>> {
    let query = if is_postgres(conn) {
        sqlx::query(select_tickets!("WHERE t.id = $1 FOR UPDATE"))
    } else {
        sqlx::query(select_tickets!("WHERE t.id = $1"))
    };
    query
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(ticket)
        .transpose()
}

pub async fn by_reference(conn: &mut Conn, reference: &TicketReference) -> Result<Option<Ticket>> {
    sqlx::query(select_tickets!("WHERE t.reference = $1"))
        .bind(reference.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(ticket)
        .transpose()
}

/// A requester's latest tickets, newest first: what their messages may be about.
pub async fn recent_of_requester(
    conn: &mut Conn,
    requester: UserId,
    limit: u32,
) -> Result<Vec<Ticket>> {
    sqlx::query(select_tickets!(
        "WHERE t.requester_id = $1 ORDER BY t.id DESC LIMIT $2"
    ))
    .bind(requester.0)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(ticket)
    .collect()
}

/// Writes every field of a ticket that can change after creation.
pub async fn update(conn: &mut Conn, t: &Ticket) -> Result<()> {
    let ms = |at: Option<DateTime<Utc>>| at.map(millis);
    sqlx::query(
        "UPDATE tickets SET subject = $1, description = $2, category_id = $3, team_id = $4, \
         priority = $5, status = $6, assignee_id = $7, resolution = $8, updated_at = $9, \
         first_response_at = $10, last_requester_message_at = $11, last_agent_message_at = $12, \
         resolved_at = $13, closed_at = $14, first_response_due_at = $15, resolution_due_at = $16, \
         first_response_breached_at = $17, resolution_breached_at = $18 WHERE id = $19",
    )
    .bind(&t.subject)
    .bind(&t.description)
    .bind(t.category.0)
    .bind(t.team.0)
    .bind(t.priority.as_str())
    .bind(t.status.as_str())
    .bind(t.assignee.map(|u| u.0))
    .bind(t.resolution.as_deref())
    .bind(ms(t.times.updated))
    .bind(ms(t.times.first_response))
    .bind(ms(t.times.last_requester_message))
    .bind(ms(t.times.last_agent_message))
    .bind(ms(t.times.resolved))
    .bind(ms(t.times.closed))
    .bind(ms(t.sla.first_response_due))
    .bind(ms(t.sla.resolution_due))
    .bind(ms(t.sla.first_response_breached))
    .bind(ms(t.sla.resolution_breached))
    .bind(t.id.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What to narrow a ticket list to; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<Status>,
    pub team: Option<TeamId>,
    pub priority: Option<Priority>,
    pub category: Option<CategoryId>,
    pub assignee: Option<UserId>,
    pub requester: Option<UserId>,
    /// Words found in the reference, the subject or the description (any case for
    /// ASCII letters).
    pub text: Option<String>,
    /// Only tickets with a smaller id: the cursor of the next page.
    pub before: Option<TicketId>,
    pub limit: u32,
}

/// Who is looking: the list shows what the permission matrix lets them view.
#[derive(Debug, Clone)]
pub enum Viewer<'a> {
    /// The command line on the server: everything.
    Operator,
    User(&'a Actor),
}

/// Tickets newest first, filtered, limited to what `viewer` may view. The condition
/// is the matrix's `View` row in SQL: admin, requester, or staff of the ticket's team
/// (`hr` only for a confidential team).
pub async fn list(
    conn: &mut Conn,
    filter: &TicketFilter,
    viewer: Viewer<'_>,
) -> Result<Vec<Ticket>> {
    let (everything, me, role) = match viewer {
        Viewer::Operator => (true, 0, Role::Admin),
        Viewer::User(actor) => (actor.role == Role::Admin, actor.user.0, actor.role),
    };
    sqlx::query(select_tickets!(
        "JOIN teams tm ON tm.id = t.team_id WHERE \
         ($1 = 1 OR t.requester_id = $2 OR (\
            t.team_id IN (SELECT m.team_id FROM team_members m WHERE m.user_id = $2) \
            AND ((tm.confidential = 0 AND $3 = 1) OR (tm.confidential = 1 AND $4 = 1)))) \
         AND (CAST($5 AS TEXT) IS NULL OR t.status = $5) \
         AND (CAST($6 AS BIGINT) IS NULL OR t.team_id = $6) \
         AND (CAST($7 AS TEXT) IS NULL OR t.priority = $7) \
         AND (CAST($8 AS BIGINT) IS NULL OR t.category_id = $8) \
         AND (CAST($9 AS BIGINT) IS NULL OR t.assignee_id = $9) \
         AND (CAST($10 AS BIGINT) IS NULL OR t.requester_id = $10) \
         AND (CAST($11 AS BIGINT) IS NULL OR t.id < $11) \
         AND (CAST($13 AS TEXT) IS NULL OR lower(t.reference) LIKE $13 ESCAPE '\\' \
              OR lower(t.subject) LIKE $13 ESCAPE '\\' OR lower(t.description) LIKE $13 ESCAPE '\\') \
         ORDER BY t.id DESC LIMIT $12"
    ))
    .bind(i64::from(everything))
    .bind(me)
    .bind(i64::from(role.is_staff()))
    .bind(i64::from(role == Role::Hr))
    .bind(filter.status.map(Status::as_str))
    .bind(filter.team.map(|t| t.0))
    .bind(filter.priority.map(Priority::as_str))
    .bind(filter.category.map(|c| c.0))
    .bind(filter.assignee.map(|u| u.0))
    .bind(filter.requester.map(|u| u.0))
    .bind(filter.before.map(|t| t.0))
    .bind(i64::from(filter.limit.max(1)))
    .bind(filter.text.as_deref().map(like_pattern))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(ticket)
    .collect()
}

/// `%words%`, with LIKE's own wildcards in `words` taken literally.
fn like_pattern(words: &str) -> String {
    let mut pattern = String::from("%");
    for c in words.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A team member with their role, as automatic assignment sees them.
#[derive(Debug, Clone)]
pub struct TeamCandidate {
    pub role: Role,
    pub candidate: Candidate,
}

/// The members of `team` with their load, whether they are experts in `category`
/// and whether the bot can write to them privately (`identities.reachable`). On PostgreSQL the team's row is locked first, so two tickets created
/// at once for the same team see each other's assignment.
pub async fn assignment_candidates(
    conn: &mut Conn,
    team: TeamId,
    category: CategoryId,
    now: DateTime<Utc>,
) -> Result<Vec<TeamCandidate>> {
    if is_postgres(conn) {
        sqlx::query("SELECT id FROM teams WHERE id = $1 FOR UPDATE")
            .bind(team.0)
            .fetch_optional(&mut *conn)
            .await?;
    }
    sqlx::query(
        "SELECT u.id, u.role, u.available, u.capacity, u.last_assigned_at, \
         (SELECT COUNT(*) FROM expertise e WHERE e.user_id = u.id AND e.category_id = $2) AS expert, \
         (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = u.id \
            AND t.status IN ('open', 'in_progress', 'waiting_on_user')) AS open_tickets, \
         (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = u.id \
            AND t.status IN ('open', 'in_progress', 'waiting_on_user') \
            AND t.resolution_due_at < $3) AS overdue_tickets, \
         CASE WHEN EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id) \
            AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id \
            AND (i.reachable IS NULL OR i.reachable <> 0)) THEN 1 ELSE 0 END AS unreachable \
         FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 ORDER BY u.id",
    )
    .bind(team.0)
    .bind(category.0)
    .bind(millis(now))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let count = |column: &'static str| -> Result<u32> {
            Ok(u32::try_from(row.try_get::<i64, _>(column)?).unwrap_or(u32::MAX))
        };
        Ok(TeamCandidate {
            role: parsed(row, "role")?,
            candidate: Candidate {
                user: UserId(row.try_get("id")?),
                available: row.try_get::<i64, _>("available")? != 0,
                expert: count("expert")? > 0,
                open_tickets: count("open_tickets")?,
                overdue_tickets: count("overdue_tickets")?,
                capacity: count("capacity")?,
                last_assigned_at: time_opt(row, "last_assigned_at")?,
                unreachable: flag(row, "unreachable")?,
            },
        })
    })
    .collect()
}

/// Active tickets assigned to a user: their workload.
pub async fn open_count(conn: &mut Conn, user: UserId) -> Result<u32> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM tickets WHERE assignee_id = $1 \
         AND status IN ('open', 'in_progress', 'waiting_on_user')",
    )
    .bind(user.0)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The tickets assigned to `user` that are still being worked, oldest first.
pub async fn active_of_assignee(conn: &mut Conn, user: UserId) -> Result<Vec<TicketId>> {
    sqlx::query(
        "SELECT id FROM tickets WHERE assignee_id = $1 \
         AND status IN ('open', 'in_progress', 'waiting_on_user') ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| Ok(TicketId(row.try_get("id")?)))
    .collect()
}
