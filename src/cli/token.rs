//! `guichet token …`: API tokens for scripts (and Prometheus). A token is shown
//! once, when created; the database keeps its hash only.

use clap::Subcommand;

use super::table;
use crate::app::App;
use crate::desk::UserRef;
use crate::store;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token acting as a user; it is printed once.
    Create {
        /// An id, an e-mail address or platform:id
        user: UserRef,
        /// What it is for, e.g. "prometheus" or "weekly report"
        #[arg(long)]
        name: String,
    },
    /// List the tokens (never their secrets).
    List,
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

pub async fn run(app: &App, command: TokenCommand) -> anyhow::Result<()> {
    let mut tx = app.store.begin().await?;
    let now = app.desk.now();
    match command {
        TokenCommand::Create { user, name } => {
            let name = name.trim();
            if name.is_empty() {
                anyhow::bail!("--name: say what the token is for");
            }
            let found = app.desk.find_user(&mut tx, &user).await?;
            let secret = crate::web::new_secret();
            let id = store::accounts::create_token(
                &mut tx,
                found.id,
                name,
                &crate::web::secret_hash(&secret),
                now,
            )
            .await?;
            tx.commit().await?;
            eprintln!(
                "Token {id} ({name}) acts as {} ({}, {}). It is shown once; send it as \"Authorization: Bearer <token>\":",
                found.display_name, found.id, found.role
            );
            println!("{secret}");
            return Ok(());
        }
        TokenCommand::List => {
            let tz = app.config.company.time_zone;
            let tokens = store::accounts::tokens(&mut tx).await?;
            let mut out = table::new(&["ID", "Name", "User", "Created", "Last used", "Revoked"]);
            for t in &tokens {
                out.add_row(vec![
                    t.id.to_string(),
                    t.name.clone(),
                    t.user.to_string(),
                    table::when(Some(t.created_at), tz),
                    table::when(t.last_used_at, tz),
                    table::when(t.revoked_at, tz),
                ]);
            }
            println!("{out}");
            println!("{} token(s)", tokens.len());
        }
        TokenCommand::Revoke { id } => {
            if !store::accounts::revoke_token(&mut tx, id, now).await? {
                anyhow::bail!("no live token has the id {id}; see `guichet token list`");
            }
            println!("Token {id} is revoked.");
        }
    }
    tx.commit().await?;
    Ok(())
}
