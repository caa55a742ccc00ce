//! `guichet user …`

use clap::{Args, Subcommand};

use super::table;
use crate::app::App;
use crate::desk::UserRef;
use crate::domain::{Email, Identity, Language, NewUser, Role, User};
use crate::store::audit::Origin;
use crate::store::{self, Conn};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add(AddUser),
    /// List every user.
    List,
    /// Show one user with their identities and teams.
    Show {
        /// An id, an e-mail address or platform:id
        user: UserRef,
    },
    /// Change a user's role.
    SetRole {
        user: UserRef,
        /// admin, agent, hr or employee
        role: Role,
    },
    /// Set a user's password for the web endpoint, read from standard input (they
    /// log in with their e-mail address). Their open sessions end.
    Password { user: UserRef },
    /// Attach a Discord or Telegram account to a user.
    Link {
        user: UserRef,
        /// discord:<id> or telegram:<id>
        identity: Identity,
    },
}

#[derive(Debug, Args)]
pub struct AddUser {
    /// Display name, as agents and reports show it
    #[arg(long)]
    name: String,
    #[arg(long, value_parser = |s: &str| Email::parse(s))]
    email: Option<Email>,
    /// admin, agent, hr or employee
    #[arg(long, default_value = "employee")]
    role: Role,
    /// fr or en [default: the company's default language]
    #[arg(long)]
    language: Option<Language>,
    #[arg(long)]
    department: Option<String>,
    /// A platform account, discord:<id> or telegram:<id>; repeat for several
    #[arg(long = "identity")]
    identities: Vec<Identity>,
    /// Read a password for the web endpoint from standard input (one line)
    #[arg(long)]
    password_stdin: bool,
}

pub async fn run(app: &App, command: UserCommand) -> anyhow::Result<()> {
    // Read and hashed before the transaction: nothing waits on the terminal.
    let password_hash = match &command {
        UserCommand::Add(AddUser {
            password_stdin: true,
            ..
        })
        | UserCommand::Password { .. } => Some(password_from_stdin()?),
        _ => None,
    };
    let mut tx = app.store.begin().await?;
    match command {
        UserCommand::Add(args) => add(app, &mut tx, args, password_hash.as_deref()).await?,
        UserCommand::List => list(&mut tx).await?,
        UserCommand::Show { user } => show(app, &mut tx, &user).await?,
        UserCommand::SetRole { user, role } => set_role(app, &mut tx, &user, role).await?,
        UserCommand::Password { user } => {
            let hash = password_hash.as_deref().unwrap_or_default();
            set_password(app, &mut tx, &user, hash).await?
        }
        UserCommand::Link { user, identity } => link(app, &mut tx, &user, &identity).await?,
    }
    tx.commit().await?;
    Ok(())
}

/// Creates the user; `password_hash` gives them a web login.
async fn add(
    app: &App,
    tx: &mut Conn,
    add: AddUser,
    password_hash: Option<&str>,
) -> anyhow::Result<()> {
    let new = NewUser {
        display_name: NewUser::validate_name(&add.name)?,
        email: add.email,
        language: add.language.unwrap_or(app.config.company.default_language),
        department: add
            .department
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        role: add.role,
    };
    if password_hash.is_some() && new.email.is_none() {
        anyhow::bail!("a web login needs an e-mail address: add --email");
    }
    let user = app
        .desk
        .add_user(tx, None, &new, &add.identities, Origin::Cli)
        .await?;
    if let Some(hash) = password_hash {
        store::accounts::set_password(tx, user.id, hash, app.desk.now()).await?;
    }
    println!(
        "Created user {} ({}), role {}.",
        user.id, user.display_name, user.role
    );
    if password_hash.is_none() && user.role == crate::domain::Role::Admin {
        println!(
            "No password: they cannot log in to the web endpoint until `guichet user password {}` is run.",
            user.id
        );
    }
    Ok(())
}

async fn list(tx: &mut Conn) -> anyhow::Result<()> {
    let users = store::users::list(tx).await?;
    let mut out = table::new(&[
        "ID",
        "Name",
        "Role",
        "Lang",
        "E-mail",
        "Department",
        "Identities",
    ]);
    for user in &users {
        let identities = identities_of(tx, user).await?;
        out.add_row(vec![
            user.id.to_string(),
            user.display_name.clone(),
            user.role.to_string(),
            user.language.to_string(),
            user.email.as_ref().map_or("—".into(), Email::to_string),
            user.department.clone().unwrap_or_else(|| "—".into()),
            identities,
        ]);
    }
    println!("{out}");
    println!("{} user(s)", users.len());
    Ok(())
}

/// One user with their identities and teams.
async fn show(app: &App, tx: &mut Conn, user: &UserRef) -> anyhow::Result<()> {
    let user = app.desk.find_user(tx, user).await?;
    let identities = identities_of(tx, &user).await?;
    let mut teams = Vec::new();
    for id in store::users::teams_of(tx, user.id).await? {
        if let Some(team) = app.desk.catalog().team(id) {
            teams.push(team.slug.clone());
        }
    }
    let tz = app.config.company.time_zone;
    let mut out = table::new(&["Field", "Value"]);
    for (field, value) in [
        ("ID", user.id.to_string()),
        ("Name", user.display_name.clone()),
        ("Role", user.role.to_string()),
        ("Language", user.language.to_string()),
        (
            "E-mail",
            user.email.as_ref().map_or("—".into(), Email::to_string),
        ),
        (
            "Department",
            user.department.clone().unwrap_or_else(|| "—".into()),
        ),
        ("Identities", identities),
        (
            "Teams",
            if teams.is_empty() {
                "—".into()
            } else {
                teams.join(", ")
            },
        ),
        ("Capacity", user.capacity.to_string()),
        ("Available", yes_no(user.available).into()),
        ("Created", table::when(Some(user.created_at), tz)),
    ] {
        out.add_row(vec![field.to_owned(), value]);
    }
    println!("{out}");
    Ok(())
}

async fn set_role(app: &App, tx: &mut Conn, user: &UserRef, role: Role) -> anyhow::Result<()> {
    let found = app.desk.find_user(tx, user).await?;
    let user = app
        .desk
        .set_role(tx, None, found.id, role, Origin::Cli)
        .await?;
    println!("{} ({}) is now {}.", user.display_name, user.id, user.role);
    Ok(())
}

/// Sets the web password (`hash`) and ends the user's open sessions.
async fn set_password(app: &App, tx: &mut Conn, user: &UserRef, hash: &str) -> anyhow::Result<()> {
    let found = app.desk.find_user(tx, user).await?;
    let Some(email) = &found.email else {
        anyhow::bail!(
            "{} has no e-mail address to log in with; set one first",
            found.display_name
        );
    };
    store::accounts::set_password(tx, found.id, hash, app.desk.now()).await?;
    let ended = store::accounts::close_sessions_of(tx, found.id).await?;
    println!(
        "{} ({}) logs in as {email}; {ended} open session(s) ended.",
        found.display_name, found.id
    );
    Ok(())
}

async fn link(app: &App, tx: &mut Conn, user: &UserRef, identity: &Identity) -> anyhow::Result<()> {
    let found = app.desk.find_user(tx, user).await?;
    app.desk
        .link_identity(tx, None, found.id, identity, Origin::Cli)
        .await?;
    println!(
        "{identity} now belongs to {} ({}).",
        found.display_name, found.id
    );
    Ok(())
}

/// One line of standard input, checked and hashed with argon2id.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']);
    let n = password.chars().count();
    if n < crate::web::MIN_PASSWORD_CHARS {
        anyhow::bail!(
            "the password read from standard input has {n} characters; at least {} are needed",
            crate::web::MIN_PASSWORD_CHARS
        );
    }
    crate::web::hash_password(password).map_err(anyhow::Error::msg)
}

async fn identities_of(conn: &mut Conn, user: &User) -> anyhow::Result<String> {
    let ids = store::users::identities(conn, user.id).await?;
    Ok(if ids.is_empty() {
        "—".into()
    } else {
        ids.iter()
            .map(Identity::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

pub fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}
