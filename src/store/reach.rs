//! Whether a person can be written to privately on a platform, as the platform
//! showed it: they wrote to the bot privately or a private message reached them
//! (reachable), or the platform refused one because of them (not reachable).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis};
use crate::domain::{Platform, UserId};

/// Records what the platform showed of `user` on `platform`. Returns whether it
/// changed what was known (to say it once).
pub async fn learn(
    conn: &mut Conn,
    user: UserId,
    platform: Platform,
    reachable: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let flag = i64::from(reachable);
    let changed = sqlx::query(
        "UPDATE identities SET reachable = $3, reachable_at = $4 \
         WHERE user_id = $1 AND platform = $2 AND (reachable IS NULL OR reachable <> $3)",
    )
    .bind(user.0)
    .bind(platform.as_str())
    .bind(flag)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// The same, for the author of a private message, known by their platform id.
pub async fn wrote_privately(
    conn: &mut Conn,
    platform: Platform,
    external_id: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE identities SET reachable = 1, reachable_at = $3 \
         WHERE platform = $1 AND external_id = $2 AND (reachable IS NULL OR reachable <> 1)",
    )
    .bind(platform.as_str())
    .bind(external_id)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// A member of a team's staff and what is known of reaching them privately on the
/// platform of that team's space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReach {
    pub user: UserId,
    pub name: String,
    pub platform: Platform,
    /// `None`: not known yet.
    pub reachable: Option<bool>,
}

/// Every staff member (a member of a team, other than an employee) with an account
/// on `platform`, and whether they can be written to there. Each person once.
pub async fn staff_on(conn: &mut Conn, platform: Platform) -> Result<Vec<StaffReach>> {
    sqlx::query(
        "SELECT u.id, u.display_name, MAX(i.reachable) AS reachable \
         FROM users u JOIN identities i ON i.user_id = u.id AND i.platform = $1 \
         WHERE u.role <> 'employee' \
           AND EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id) \
         GROUP BY u.id, u.display_name ORDER BY u.display_name, u.id",
    )
    .bind(platform.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let reachable: Option<i64> = row.try_get("reachable")?;
        Ok(StaffReach {
            user: UserId(row.try_get("id")?),
            name: row.try_get("display_name")?,
            platform,
            reachable: reachable.map(|r| r != 0),
        })
    })
    .collect()
}
