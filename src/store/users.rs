//! Users, their platform identities and their agent settings.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, Result, StoreError, flag, millis, parsed, time, time_opt};
use crate::domain::{Email, Identity, Language, NewUser, Platform, Role, TeamId, User, UserId};

fn user(row: &AnyRow) -> Result<User> {
    let email: Option<String> = row.try_get("email")?;
    let capacity: i64 = row.try_get("capacity")?;
    Ok(User {
        id: UserId(row.try_get("id")?),
        display_name: row.try_get("display_name")?,
        email: email
            .map(|e| {
                Email::parse(&e).map_err(|_| StoreError::Corrupt {
                    column: "users.email",
                    value: e,
                })
            })
            .transpose()?,
        language: parsed(row, "language")?,
        department: row.try_get("department")?,
        role: parsed(row, "role")?,
        capacity: u32::try_from(capacity).unwrap_or(0),
        available: flag(row, "available")?,
        last_assigned_at: time_opt(row, "last_assigned_at")?,
        created_at: time(row, "created_at")?,
    })
}

// `sqlx::query` takes `&'static str`: the column list is spelled out in each query.
macro_rules! select_users {
    ($tail:literal) => {
        concat!(
            "SELECT id, display_name, email, language, department, role, capacity, \
             available, last_assigned_at, created_at FROM users ",
            $tail
        )
    };
}

/// Creates a user and returns them as stored (with the database's defaults).
pub async fn insert(conn: &mut Conn, new: &NewUser, now: DateTime<Utc>) -> Result<User> {
    let row = sqlx::query(
        "INSERT INTO users (display_name, email, language, department, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id, display_name, email, language, \
         department, role, capacity, available, last_assigned_at, created_at",
    )
    .bind(&new.display_name)
    .bind(new.email.as_ref().map(Email::as_str))
    .bind(new.language.as_str())
    .bind(new.department.as_deref())
    .bind(new.role.as_str())
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?;
    user(&row)
}

pub async fn get(conn: &mut Conn, id: UserId) -> Result<Option<User>> {
    sqlx::query(select_users!("WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(user)
        .transpose()
}

pub async fn find_by_email(conn: &mut Conn, email: &Email) -> Result<Option<User>> {
    sqlx::query(select_users!("WHERE lower(email) = lower($1)"))
        .bind(email.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(user)
        .transpose()
}

pub async fn find_by_identity(conn: &mut Conn, identity: &Identity) -> Result<Option<User>> {
    sqlx::query(select_users!(
        "WHERE id = (SELECT user_id FROM identities WHERE platform = $1 AND external_id = $2)"
    ))
    .bind(identity.platform.as_str())
    .bind(&identity.external_id)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(user)
    .transpose()
}

/// The user behind a platform account, with the private chat last seen for it.
pub async fn find_with_dm_chat(
    conn: &mut Conn,
    identity: &Identity,
) -> Result<Option<KnownAuthor>> {
    let row = sqlx::query(
        "SELECT u.id, u.display_name, u.email, u.language, u.department, u.role, u.capacity, \
         u.available, u.last_assigned_at, u.created_at, i.dm_chat, i.reachable FROM identities i \
         JOIN users u ON u.id = i.user_id WHERE i.platform = $1 AND i.external_id = $2",
    )
    .bind(identity.platform.as_str())
    .bind(&identity.external_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        let reachable: Option<i64> = row.try_get("reachable")?;
        Ok(KnownAuthor {
            user: user(&row)?,
            dm_chat: row.try_get("dm_chat")?,
            reachable: reachable.map(|r| r != 0),
        })
    })
    .transpose()
}

/// A person known by one of their platform accounts, with what is known of
/// writing to them privately there.
#[derive(Debug, Clone)]
pub struct KnownAuthor {
    pub user: User,
    /// Their private chat with the bot on that platform, once they wrote there.
    pub dm_chat: Option<String>,
    /// Whether the platform lets the bot write to them (`store::reach`).
    pub reachable: Option<bool>,
}

pub async fn list(conn: &mut Conn) -> Result<Vec<User>> {
    sqlx::query(select_users!("ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(user)
        .collect()
}

/// The users of a role, for instance the admins an escalation reaches.
pub async fn with_role(conn: &mut Conn, role: Role) -> Result<Vec<UserId>> {
    sqlx::query("SELECT id FROM users WHERE role = $1 ORDER BY id")
        .bind(role.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok(UserId(row.try_get("id")?)))
        .collect()
}

/// Attaches an identity to a user. Returns `false` when the account was already
/// linked (to this user or another): the caller finds out which.
pub async fn link_identity(
    conn: &mut Conn,
    user: UserId,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Result<bool> {
    let added = sqlx::query(
        "INSERT INTO identities (platform, external_id, user_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (platform, external_id) DO NOTHING",
    )
    .bind(identity.platform.as_str())
    .bind(&identity.external_id)
    .bind(user.0)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(added > 0)
}

pub async fn identities(conn: &mut Conn, user: UserId) -> Result<Vec<Identity>> {
    sqlx::query(
        "SELECT platform, external_id FROM identities WHERE user_id = $1 ORDER BY platform, external_id",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| Ok(Identity::new(parsed(row, "platform")?, row.try_get::<String, _>("external_id")?)))
    .collect()
}

pub async fn set_role(conn: &mut Conn, user: UserId, role: Role, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(millis(now))
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes the agent settings the assignment rule reads.
pub async fn set_agent_settings(
    conn: &mut Conn,
    user: UserId,
    capacity: u32,
    available: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE users SET capacity = $1, available = $2, updated_at = $3 WHERE id = $4")
        .bind(i64::from(capacity))
        .bind(i64::from(available))
        .bind(millis(now))
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn mark_assigned(conn: &mut Conn, user: UserId, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE users SET last_assigned_at = $1 WHERE id = $2")
        .bind(millis(at))
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The teams a user belongs to (a removed team's members still work its old
/// tickets, as the ticket list shows them).
pub async fn teams_of(conn: &mut Conn, user: UserId) -> Result<Vec<TeamId>> {
    teams(conn, user, false).await
}

/// The teams `user` is a member of, or only those they lead.
async fn teams(conn: &mut Conn, user: UserId, leads_only: bool) -> Result<Vec<TeamId>> {
    sqlx::query(
        "SELECT team_id FROM team_members WHERE user_id = $1 AND ($2 = 0 OR lead = 1) \
         ORDER BY team_id",
    )
    .bind(user.0)
    .bind(i64::from(leads_only))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| Ok(TeamId(row.try_get("team_id")?)))
    .collect()
}

/// A user's language and the platforms they have an account on (oldest first);
/// `None` for the language when the user does not exist.
pub async fn reachability(
    conn: &mut Conn,
    user: UserId,
) -> Result<(Option<Language>, Vec<Platform>)> {
    let rows = sqlx::query(
        "SELECT u.language, i.platform FROM users u LEFT JOIN identities i ON i.user_id = u.id \
         WHERE u.id = $1 ORDER BY i.created_at",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    let language = rows.first().map(|r| parsed(r, "language")).transpose()?;
    let platforms = rows
        .iter()
        .filter_map(|r| r.try_get::<Option<String>, _>("platform").ok().flatten())
        .filter_map(|p| p.parse().ok())
        .collect();
    Ok((language, platforms))
}

/// A user's account on a platform and their private chat with the bot there.
pub async fn identity_on(
    conn: &mut Conn,
    user: UserId,
    platform: crate::domain::Platform,
) -> Result<Option<(String, Option<String>)>> {
    let row = sqlx::query(
        "SELECT external_id, dm_chat FROM identities WHERE user_id = $1 AND platform = $2 \
         ORDER BY created_at LIMIT 1",
    )
    .bind(user.0)
    .bind(platform.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get("external_id")?, r.try_get("dm_chat")?)))
        .transpose()
}

/// Serialises the handling of one user's events across connections and instances
/// (PostgreSQL; SQLite transactions are serialised already): two messages of one
/// person must not both open a ticket or both answer the same question.
pub async fn lock(conn: &mut Conn, user: UserId) -> Result<()> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(user.0)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Remembers the private chat an identity writes from.
pub async fn set_dm_chat(conn: &mut Conn, identity: &Identity, chat: &str) -> Result<()> {
    sqlx::query("UPDATE identities SET dm_chat = $1 WHERE platform = $2 AND external_id = $3")
        .bind(chat)
        .bind(identity.platform.as_str())
        .bind(&identity.external_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets the language; `chosen` marks a choice the user made, which the platform's
/// locale no longer overrides.
pub async fn set_language(
    conn: &mut Conn,
    user: UserId,
    language: crate::domain::Language,
    chosen: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET language = $1, language_chosen = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(language.as_str())
    .bind(i64::from(chosen))
    .bind(millis(now))
    .bind(user.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn language_chosen(conn: &mut Conn, user: UserId) -> Result<bool> {
    let row = sqlx::query("SELECT language_chosen FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("language_chosen")? != 0)
}

/// The teams `user` leads.
pub async fn teams_led_by(conn: &mut Conn, user: UserId) -> Result<Vec<TeamId>> {
    teams(conn, user, true).await
}

/// Sets what a person says of themselves: `None` leaves a field as it is, and an
/// empty department clears it.
pub async fn set_profile(
    conn: &mut Conn,
    user: UserId,
    email: Option<&Email>,
    department: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET email = COALESCE($2, email), \
         department = CASE WHEN CAST($3 AS TEXT) IS NULL THEN department \
                           WHEN $3 = '' THEN NULL ELSE $3 END, updated_at = $4 WHERE id = $1",
    )
    .bind(user.0)
    .bind(email.map(Email::as_str))
    .bind(department)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
