//! The command line: `guichet serve`, `migrate`, and the operator's tools for
//! people, teams and tickets. Errors reach `main` as one line.

mod doctor;
mod outbox;
pub mod serve;
mod table;
mod team;
mod ticket;
mod token;
mod user;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::config::{self, Config};

#[derive(Debug, Parser)]
#[command(
    name = "guichet",
    version,
    about = "A helpdesk that lives in Discord and Telegram"
)]
pub struct Cli {
    /// The configuration file [default: $GUICHET_CONFIG, then config/guichet.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the helpdesk until Ctrl-C or SIGTERM.
    Serve,
    /// Apply the database migrations and load teams and categories from the
    /// configuration (also done by `serve` at start-up).
    Migrate,
    /// Manage users: accounts, roles, platform identities.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage team membership and agents' expertise, capacity and availability.
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// Look at tickets.
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// Manage the web API's tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Check the setup: the database, the mail server, every team's staff space and
    /// every staff member's private chat; one line per check with the fix.
    Doctor(doctor::DoctorArgs),
    /// See and retry what was not delivered, and the events that failed for good.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
}

impl Command {
    /// `serve` logs its progress; the other commands print results and only warnings.
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Command::Serve | Command::Migrate => "info",
            _ => "warn",
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let path = config::path_from(cli.config);
    let config = Config::load(&path)?;
    let command = match cli.command {
        Command::Serve => return serve::run(config).await,
        Command::Doctor(args) => return doctor::run(config, args).await,
        command => command,
    };
    // What every command works with: the application, built once.
    let app = App::build(config)
        .await
        .context("cannot prepare the database")?;
    let result = match command {
        Command::Serve | Command::Doctor(_) => unreachable!("handled above"),
        Command::Migrate => {
            println!("The database is up to date; teams and categories are loaded.");
            Ok(())
        }
        Command::User(command) => user::run(&app, command).await,
        Command::Team(command) => team::run(&app, command).await,
        Command::Ticket(command) => ticket::run(&app, command).await,
        Command::Token(command) => token::run(&app, command).await,
        Command::Outbox(command) => outbox::run(&app, command).await,
    };
    app.store.close().await;
    result
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
