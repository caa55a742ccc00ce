//! `guichet team …`

use clap::Subcommand;

use super::table;
use super::user::yes_no;
use crate::app::App;
use crate::desk::UserRef;
use crate::store::audit::Origin;
use crate::store::{self, Conn};

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// List the teams (they are declared in the configuration file).
    List,
    /// Show a team's members with their load, capacity and expertise.
    Show { team: String },
    /// Add a user to a team (again with --lead to make them a lead).
    AddMember {
        team: String,
        user: UserRef,
        /// Leads may redistribute the tickets of unavailable members
        #[arg(long)]
        lead: bool,
    },
    /// Remove a user from a team.
    RemoveMember { team: String, user: UserRef },
    /// Set the categories an agent is expert in (replaces the previous list).
    Expertise {
        user: UserRef,
        /// Category slugs, e.g. hardware network
        categories: Vec<String>,
    },
    /// Set the most open tickets automatic assignment gives an agent.
    Capacity { user: UserRef, capacity: u32 },
    /// Mark an agent available or not for new tickets.
    Availability {
        user: UserRef,
        /// on or off
        #[arg(value_parser = parse_on_off, action = clap::ArgAction::Set)]
        available: bool,
    },
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" | "available" => Ok(true),
        "off" | "no" | "false" | "unavailable" => Ok(false),
        _ => Err(format!("{s:?}: expected on or off")),
    }
}

pub async fn run(app: &App, command: TeamCommand) -> anyhow::Result<()> {
    let mut tx = app.store.begin().await?;
    match command {
        TeamCommand::List => list(app, &mut tx).await?,
        TeamCommand::Show { team } => show(app, &mut tx, &team).await?,
        TeamCommand::AddMember { team, user, lead } => {
            add_member(app, &mut tx, &team, &user, lead).await?
        }
        TeamCommand::RemoveMember { team, user } => {
            remove_member(app, &mut tx, &team, &user).await?
        }
        TeamCommand::Expertise { user, categories } => {
            set_expertise(app, &mut tx, &user, &categories).await?
        }
        TeamCommand::Capacity { user, capacity } => {
            set_capacity(app, &mut tx, &user, capacity).await?
        }
        TeamCommand::Availability { user, available } => {
            set_availability(app, &mut tx, &user, available).await?
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Every team with its number of members.
async fn list(app: &App, tx: &mut Conn) -> anyhow::Result<()> {
    let mut out = table::new(&["Team", "Nom", "Name", "Members", "Confidential", "E-mail"]);
    for team in app.desk.catalog().teams() {
        let members = store::catalog::members(tx, team.id).await?;
        out.add_row(vec![
            team.slug.clone(),
            team.name.fr.clone(),
            team.name.en.clone(),
            members.len().to_string(),
            yes_no(team.confidential).into(),
            team.email.as_ref().map_or("—".into(), |e| e.to_string()),
        ]);
    }
    println!("{out}");
    Ok(())
}

/// One team's members with their load, capacity and expertise.
async fn show(app: &App, tx: &mut Conn, team: &str) -> anyhow::Result<()> {
    let team = app.desk.find_team(team)?;
    let categories: Vec<_> = app.desk.catalog().categories().collect();
    let mut out = table::new(&[
        "ID",
        "Name",
        "Role",
        "Lead",
        "Available",
        "Open",
        "Capacity",
        "Expertise",
    ]);
    for member in store::catalog::members(tx, team.id).await? {
        let user = app.desk.find_user(tx, &UserRef::Id(member.user)).await?;
        let expertise: Vec<&str> = store::catalog::expertise(tx, user.id)
            .await?
            .iter()
            .filter_map(|id| categories.iter().find(|c| c.id == *id))
            .map(|c| c.slug.as_str())
            .collect();
        out.add_row(vec![
            user.id.to_string(),
            user.display_name.clone(),
            user.role.to_string(),
            yes_no(member.lead).into(),
            yes_no(user.available).into(),
            store::tickets::open_count(tx, user.id).await?.to_string(),
            user.capacity.to_string(),
            expertise.join(", "),
        ]);
    }
    println!(
        "{} — {}{}",
        team.slug,
        team.name.fr,
        if team.confidential {
            " (confidential)"
        } else {
            ""
        }
    );
    println!("{out}");
    Ok(())
}

async fn add_member(
    app: &App,
    tx: &mut Conn,
    team: &str,
    user: &UserRef,
    lead: bool,
) -> anyhow::Result<()> {
    let team = app.desk.find_team(team)?;
    let user = app.desk.find_user(tx, user).await?;
    app.desk
        .add_member(tx, None, &team, user.id, lead, Origin::Cli)
        .await?;
    println!(
        "{} is in team {}{}.",
        user.display_name,
        team.slug,
        if lead { " as a lead" } else { "" }
    );
    if !user.role.is_staff() && user.role != crate::domain::Role::Admin {
        println!(
            "Note: {} has the role {}; only agents (and hr for confidential teams) work the team's tickets.",
            user.display_name, user.role
        );
    }
    Ok(())
}

async fn remove_member(app: &App, tx: &mut Conn, team: &str, user: &UserRef) -> anyhow::Result<()> {
    let team = app.desk.find_team(team)?;
    let user = app.desk.find_user(tx, user).await?;
    if app
        .desk
        .remove_member(tx, None, &team, user.id, Origin::Cli)
        .await?
    {
        println!("{} left team {}.", user.display_name, team.slug);
    } else {
        anyhow::bail!(
            "{} is not a member of team {}",
            user.display_name,
            team.slug
        );
    }
    Ok(())
}

/// Replaces the agent's expertise with `categories` (slugs).
async fn set_expertise(
    app: &App,
    tx: &mut Conn,
    user: &UserRef,
    categories: &[String],
) -> anyhow::Result<()> {
    let user = app.desk.find_user(tx, user).await?;
    let mut found = Vec::new();
    for slug in categories {
        found.push(app.desk.find_category(slug)?);
    }
    app.desk
        .set_expertise(tx, None, user.id, &found, Origin::Cli)
        .await?;
    if categories.is_empty() {
        println!("{} is no longer expert in any category.", user.display_name);
    } else {
        println!(
            "{} is expert in: {}.",
            user.display_name,
            categories.join(", ")
        );
    }
    Ok(())
}

async fn set_capacity(
    app: &App,
    tx: &mut Conn,
    user: &UserRef,
    capacity: u32,
) -> anyhow::Result<()> {
    let user = app.desk.find_user(tx, user).await?;
    let user = app
        .desk
        .set_agent_settings(tx, None, user.id, Some(capacity), None, Origin::Cli)
        .await?;
    println!(
        "{} takes at most {} open ticket(s).",
        user.display_name, user.capacity
    );
    Ok(())
}

async fn set_availability(
    app: &App,
    tx: &mut Conn,
    user: &UserRef,
    available: bool,
) -> anyhow::Result<()> {
    let user = app.desk.find_user(tx, user).await?;
    let user = app
        .desk
        .set_agent_settings(tx, None, user.id, None, Some(available), Origin::Cli)
        .await?;
    println!(
        "{} is {} for new tickets.",
        user.display_name,
        if user.available {
            "available"
        } else {
            "unavailable"
        }
    );
    Ok(())
}
