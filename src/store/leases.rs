//! Named leases: one instance at a time holds a name (`telegram`: the instance that
//! polls the bot and sends through it). The holder renews before `until`; when it
//! dies, another instance takes the name once `until` has passed.

use std::time::Duration;

use super::{Conn, Result};

/// Takes `name` for `owner` for `term`, or renews it: succeeds when nobody holds
/// it, when `owner` already does, or when the holder's term has run out. Time is
/// the database's, so that instances whose clocks disagree still agree on who holds
/// it. Returns whether `owner` holds it now.
pub async fn take(conn: &mut Conn, name: &str, owner: &str, term: Duration) -> Result<bool> {
    macro_rules! take_sql {
        ($now:literal) => {
            concat!(
                "INSERT INTO leases (name, owner, until) VALUES ($1, $2, ",
                $now,
                " + $3) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, \
                 until = excluded.until \
                 WHERE leases.owner = excluded.owner OR leases.until <= ",
                $now,
                " RETURNING owner"
            )
        };
    }
    let query = if conn.backend_name() == "PostgreSQL" {
        sqlx::query(take_sql!(
            "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        ))
    } else {
        sqlx::query(take_sql!(
            "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
        ))
    };
    let held = query
        .bind(name)
        .bind(owner)
        .bind(i64::try_from(term.as_millis()).unwrap_or(i64::MAX))
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
