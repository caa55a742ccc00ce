//! Named leases: one instance at a time holds a name (`telegram`: the instance that
//! polls the bot and sends through it). The holder renews before `until`; when it
//! dies, another instance takes the name once `until` has passed.

use chrono::{DateTime, Utc};

use super::{Conn, Result, millis};

/// Takes `name` for `owner` until `until`, or renews it: succeeds when nobody holds
/// it, when `owner` already does, or when the holder's lease ran out before `now`.
/// Returns whether `owner` holds it now.
pub async fn take(
    conn: &mut Conn,
    name: &str,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    let held = sqlx::query(
        "INSERT INTO leases (name, owner, until) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until \
         WHERE leases.owner = excluded.owner OR leases.until <= $4 \
         RETURNING owner",
    )
    .bind(name)
    .bind(owner)
    .bind(millis(until))
    .bind(millis(now))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(held.is_some())
}

/// Gives `name` up, if `owner` holds it, so another instance may take it at once.
pub async fn release(conn: &mut Conn, name: &str, owner: &str) -> Result<()> {
    sqlx::query("UPDATE leases SET until = 0 WHERE name = $1 AND owner = $2")
        .bind(name)
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
