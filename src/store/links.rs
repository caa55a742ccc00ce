//! Joining one person's accounts: one-time link codes, and moving what an
//! employee's second account holds to the first.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis};
use crate::domain::UserId;

/// Keeps a new code for `user`; their earlier codes no longer work.
pub async fn new_code(
    conn: &mut Conn,
    user: UserId,
    code_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM link_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO link_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
        .bind(code_hash)
        .bind(user.0)
        .bind(millis(expires_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The user a live code was made for; the code is used up either way.
pub async fn use_code(
    conn: &mut Conn,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>> {
    let row =
        sqlx::query("DELETE FROM link_codes WHERE code_hash = $1 RETURNING user_id, expires_at")
            .bind(code_hash)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let expires: i64 = row.try_get("expires_at")?;
    let user: i64 = row.try_get("user_id")?;
    Ok((expires > millis(now)).then_some(UserId(user)))
}

/// Moves what `from` holds (their platform accounts, the tickets they asked for,
/// their messages and ratings) to `into`, with their e-mail address and
/// department where `into` has none. The audit trail and the points ledger are
/// append-only and keep naming `from`.
pub async fn merge(conn: &mut Conn, from: UserId, into: UserId) -> Result<()> {
    // The address moves without ever being on both users (it is unique).
    let row = sqlx::query("SELECT email, department FROM users WHERE id = $1")
        .bind(from.0)
        .fetch_one(&mut *conn)
        .await?;
    let email: Option<String> = row.try_get("email")?;
    let department: Option<String> = row.try_get("department")?;
    sqlx::query("UPDATE users SET email = NULL WHERE id = $1")
        .bind(from.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE users SET email = COALESCE(email, $2), department = COALESCE(department, $3) \
         WHERE id = $1",
    )
    .bind(into.0)
    .bind(email)
    .bind(department)
    .execute(&mut *conn)
    .await?;
    for sql in [
        "UPDATE identities SET user_id = $2 WHERE user_id = $1",
        "UPDATE tickets SET requester_id = $2 WHERE requester_id = $1",
        "UPDATE ticket_messages SET author_id = $2 WHERE author_id = $1",
        "UPDATE ratings SET rated_by = $2 WHERE rated_by = $1",
        "DELETE FROM dialogues WHERE user_id = $1",
    ] {
        sqlx::query(sql)
            .bind(from.0)
            .bind(into.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
