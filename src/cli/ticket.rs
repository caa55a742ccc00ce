//! `guichet ticket …`

use std::collections::HashMap;

use clap::{Args, Subcommand};

use super::table;
use crate::app::App;
use crate::desk::{DeskError, UserRef};
use crate::domain::{
    CategoryId, Priority, Status, TeamId, Ticket, TicketReference, UserId, Visibility,
};
use crate::store::tickets::{TicketFilter, Viewer};
use crate::store::{self, Conn};

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// List tickets, newest first.
    List(ListArgs),
    /// Show a ticket with its conversation (notes included) and audit trail.
    Show {
        /// TCK-YYYYMMDD-NNN
        reference: TicketReference,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// open, in_progress, waiting_on_user, resolved or closed
    #[arg(long)]
    status: Option<Status>,
    /// A team slug
    #[arg(long)]
    team: Option<String>,
    /// P0, P1, P2 or P3
    #[arg(long)]
    priority: Option<Priority>,
    /// A category slug
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    assignee: Option<UserRef>,
    #[arg(long)]
    requester: Option<UserRef>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

/// Display names, each read once.
#[derive(Default)]
struct Names(HashMap<UserId, String>);

impl Names {
    async fn of(&mut self, conn: &mut Conn, id: Option<UserId>) -> anyhow::Result<String> {
        let Some(id) = id else {
            return Ok("—".into());
        };
        if let Some(name) = self.0.get(&id) {
            return Ok(name.clone());
        }
        let name = store::users::get(conn, id)
            .await?
            .map_or_else(|| format!("#{id}"), |u| u.display_name);
        self.0.insert(id, name.clone());
        Ok(name)
    }
}

pub async fn run(app: &App, command: TicketCommand) -> anyhow::Result<()> {
    let mut conn = app.store.pool().acquire().await?;
    match command {
        TicketCommand::List(args) => list(app, &mut conn, &args).await,
        TicketCommand::Show { reference } => show(app, &mut conn, &reference).await,
    }
}

fn team_slug(app: &App, id: TeamId) -> &str {
    app.desk.catalog().team(id).map_or("?", |t| t.slug.as_str())
}

fn category_slug(app: &App, id: CategoryId) -> &str {
    app.desk
        .catalog()
        .category(id)
        .map_or("?", |c| c.slug.as_str())
}

/// The tickets the filters in `args` select, newest first.
async fn list(app: &App, conn: &mut Conn, args: &ListArgs) -> anyhow::Result<()> {
    let tz = app.config.company.time_zone;
    let mut names = Names::default();
    let mut filter = TicketFilter {
        status: args.status,
        priority: args.priority,
        limit: args.limit.clamp(1, 1000),
        ..Default::default()
    };
    if let Some(slug) = &args.team {
        filter.team = Some(app.desk.find_team(slug)?.id);
    }
    if let Some(slug) = &args.category {
        filter.category = Some(app.desk.find_category(slug)?.id);
    }
    if let Some(who) = &args.assignee {
        filter.assignee = Some(app.desk.find_user(conn, who).await?.id);
    }
    if let Some(who) = &args.requester {
        filter.requester = Some(app.desk.find_user(conn, who).await?.id);
    }
    let tickets = store::tickets::list(conn, &filter, Viewer::Operator).await?;
    let mut out = table::new(&[
        "Reference",
        "Status",
        "Prio",
        "Team",
        "Category",
        "Requester",
        "Assignee",
        "Created",
        "Subject",
    ]);
    for t in &tickets {
        out.add_row(vec![
            t.reference.to_string(),
            t.status.to_string(),
            t.priority.to_string(),
            team_slug(app, t.team).to_owned(),
            category_slug(app, t.category).to_owned(),
            names.of(conn, Some(t.requester)).await?,
            names.of(conn, t.assignee).await?,
            table::when(t.times.created, tz),
            table::clip(&t.subject, 48),
        ]);
    }
    println!("{out}");
    println!("{} ticket(s)", tickets.len());
    Ok(())
}

/// The ticket's fields and description, then its conversation and audit trail.
async fn show(app: &App, conn: &mut Conn, reference: &TicketReference) -> anyhow::Result<()> {
    let ticket = store::tickets::by_reference(conn, reference)
        .await?
        .ok_or_else(|| DeskError::UnknownTicket(reference.to_string()))?;
    let tz = app.config.company.time_zone;
    let mut names = Names::default();
    let mut out = table::new(&["Field", "Value"]);
    let times = &ticket.times;
    for (field, value) in [
        ("Reference", ticket.reference.to_string()),
        ("Subject", ticket.subject.clone()),
        ("Status", ticket.status.to_string()),
        (
            "Priority",
            format!("{} {}", ticket.priority, ticket.priority.name_fr()),
        ),
        ("Team", team_slug(app, ticket.team).to_owned()),
        ("Category", category_slug(app, ticket.category).to_owned()),
        ("Requester", names.of(conn, Some(ticket.requester)).await?),
        ("Assignee", names.of(conn, ticket.assignee).await?),
        ("Created", table::when(times.created, tz)),
        ("First response", table::when(times.first_response, tz)),
        ("Resolved", table::when(times.resolved, tz)),
        ("Closed", table::when(times.closed, tz)),
        (
            "Resolution",
            ticket.resolution.clone().unwrap_or_else(|| "—".into()),
        ),
    ] {
        out.add_row(vec![field.to_owned(), value]);
    }
    println!("{out}");
    if !ticket.description.is_empty() {
        println!("\n{}", ticket.description);
    }
    print_conversation(app, conn, &mut names, &ticket).await?;
    print_audit_trail(app, conn, &mut names, &ticket).await
}

/// Every message of the ticket, internal notes included; nothing when there is none.
async fn print_conversation(
    app: &App,
    conn: &mut Conn,
    names: &mut Names,
    ticket: &Ticket,
) -> anyhow::Result<()> {
    let tz = app.config.company.time_zone;
    let messages = store::messages::for_ticket(conn, ticket.id, true).await?;
    if messages.is_empty() {
        return Ok(());
    }
    let mut out = table::new(&["When", "Who", "Message"]);
    for m in &messages {
        let mut who = names.of(conn, m.author).await?;
        if m.visibility == Visibility::Internal {
            who.push_str(" (note)");
        }
        let mut body = m.body.clone();
        for a in &m.attachments {
            body.push_str(&format!("\n📎 {}", a.file.file_name));
        }
        out.add_row(vec![table::when(Some(m.created_at), tz), who, body]);
    }
    println!("\nConversation\n{out}");
    Ok(())
}

async fn print_audit_trail(
    app: &App,
    conn: &mut Conn,
    names: &mut Names,
    ticket: &Ticket,
) -> anyhow::Result<()> {
    let tz = app.config.company.time_zone;
    let mut out = table::new(&["When", "Who", "What", "From", "To", "Via"]);
    for e in store::audit::for_ticket(conn, ticket.id).await? {
        let who = match e.actor {
            Some(_) => names.of(conn, e.actor).await?,
            None => "guichet".into(),
        };
        out.add_row(vec![
            table::when(Some(e.at), tz),
            who,
            e.action.to_string(),
            e.old_value.unwrap_or_default(),
            e.new_value.unwrap_or_default(),
            e.origin,
        ]);
    }
    println!("\nAudit trail\n{out}");
    Ok(())
}
