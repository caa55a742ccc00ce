//! The web endpoint's accounts: password hashes, browser sessions, API tokens and
//! failed logins. Secrets are stored as hashes only (see migration 0004_web); the
//! hashing itself is the web layer's.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis, time, time_opt};
use crate::domain::UserId;

pub async fn set_password(
    conn: &mut Conn,
    user: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(user.0)
        .bind(hash)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The user with this e-mail address (any case) and their password hash, if they
/// have one.
pub async fn password_of(conn: &mut Conn, email: &str) -> Result<Option<(UserId, String)>> {
    let row = sqlx::query(
        "SELECT id, password_hash FROM users \
         WHERE lower(email) = lower($1) AND password_hash IS NOT NULL",
    )
    .bind(email)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((UserId(r.try_get("id")?), r.try_get("password_hash")?)))
        .transpose()
}

/// A browser session found by its secret's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: UserId,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn open_session(
    conn: &mut Conn,
    secret_hash: &str,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO web_sessions (secret_hash, user_id, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secret_hash)
    .bind(session.user.0)
    .bind(&session.csrf)
    .bind(millis(now))
    .bind(millis(session.expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The session, unless it expired.
pub async fn session(
    conn: &mut Conn,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT user_id, csrf, expires_at FROM web_sessions \
         WHERE secret_hash = $1 AND expires_at > $2",
    )
    .bind(secret_hash)
    .bind(millis(now))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Session {
            user: UserId(r.try_get("user_id")?),
            csrf: r.try_get("csrf")?,
            expires_at: time(&r, "expires_at")?,
        })
    })
    .transpose()
}

pub async fn close_session(conn: &mut Conn, secret_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE secret_hash = $1")
        .bind(secret_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (their password changed).
pub async fn close_sessions_of(conn: &mut Conn, user: UserId) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: i64,
    pub user: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn create_token(
    conn: &mut Conn,
    user: UserId,
    name: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query(
        "INSERT INTO api_tokens (user_id, name, secret_hash, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(secret_hash)
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?)
}

/// A live token found by its secret's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveToken {
    pub id: i64,
    pub user: UserId,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn live_token(conn: &mut Conn, secret_hash: &str) -> Result<Option<LiveToken>> {
    let row = sqlx::query(
        "SELECT id, user_id, last_used_at FROM api_tokens \
         WHERE secret_hash = $1 AND revoked_at IS NULL",
    )
    .bind(secret_hash)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(LiveToken {
            id: r.try_get("id")?,
            user: UserId(r.try_get("user_id")?),
            last_used_at: time_opt(&r, "last_used_at")?,
        })
    })
    .transpose()
}

pub async fn token_used(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn tokens(conn: &mut Conn) -> Result<Vec<Token>> {
    sqlx::query(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Token {
            id: r.try_get("id")?,
            user: UserId(r.try_get("user_id")?),
            name: r.try_get("name")?,
            created_at: time(r, "created_at")?,
            last_used_at: time_opt(r, "last_used_at")?,
            revoked_at: time_opt(r, "revoked_at")?,
        })
    })
    .collect()
}

/// Returns whether a live token was revoked.
pub async fn revoke_token(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(millis(now))
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1,
    )
}

pub async fn login_failed(
    conn: &mut Conn,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)")
        .bind(email.to_lowercase())
        .bind(address)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Failed logins since `since`: for this account name, and from this address.
pub async fn failures_since(
    conn: &mut Conn,
    email: &str,
    address: &str,
    since: DateTime<Utc>,
) -> Result<(u64, u64)> {
    let row = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $3) AS by_email, \
           (SELECT COUNT(*) FROM login_failures WHERE address = $2 AND at >= $3) AS by_address",
    )
    .bind(email.to_lowercase())
    .bind(address)
    .bind(millis(since))
    .fetch_one(&mut *conn)
    .await?;
    let count = |c: &'static str| -> Result<u64> {
        Ok(u64::try_from(row.try_get::<i64, _>(c)?).unwrap_or(0))
    };
    Ok((count("by_email")?, count("by_address")?))
}

/// A successful login forgives the account's earlier failures.
pub async fn forget_failures(conn: &mut Conn, email: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email.to_lowercase())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Housekeeping: expired sessions and failures older than `before`.
pub async fn purge(conn: &mut Conn, now: DateTime<Utc>, before: DateTime<Utc>) -> Result<u64> {
    let sessions = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
        .bind(millis(now))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let failures = sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(millis(before))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(sessions + failures)
}
