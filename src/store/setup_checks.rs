//! The last finding of each setup check (`crate::doctor`): what every instance's
//! dashboard and `/readyz` show, and what the engine consults before telling an
//! employee their team was told.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Conn, Result, millis, time};

/// How a finding compares with the one recorded before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// As before (or a first check that passed): nothing to say.
    Same,
    /// A problem appeared, changed, or went away.
    Changed,
}

/// A recorded finding that is a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub subject: String,
    /// The finding as JSON (`doctor::Finding`).
    pub problem: String,
    /// Since when it is so.
    pub since: DateTime<Utc>,
}

/// Records the finding for `subject` (`problem`: its JSON, `None` when it passed).
/// Decided by the rows each statement changes, so that of several instances
/// recording the same change at once, one only is told it changed.
pub async fn record(
    conn: &mut Conn,
    subject: &str,
    problem: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Change> {
    let inserted = sqlx::query(
        "INSERT INTO setup_checks (subject, problem, changed_at, checked_at) \
         VALUES ($1, $2, $3, $3) ON CONFLICT (subject) DO NOTHING",
    )
    .bind(subject)
    .bind(problem)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted > 0 {
        return Ok(if problem.is_some() {
            Change::Changed
        } else {
            Change::Same
        });
    }
    // A finding's JSON is never empty: '' stands for none on both sides.
    let changed = sqlx::query(
        "UPDATE setup_checks SET problem = $2, changed_at = $3, checked_at = $3 \
         WHERE subject = $1 AND COALESCE(problem, '') <> COALESCE($2, '')",
    )
    .bind(subject)
    .bind(problem)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed > 0 {
        return Ok(Change::Changed);
    }
    sqlx::query("UPDATE setup_checks SET checked_at = $2 WHERE subject = $1")
        .bind(subject)
        .bind(millis(at))
        .execute(&mut *conn)
        .await?;
    Ok(Change::Same)
}

/// Forgets the subjects no longer checked (a team removed, a member gone), so
/// that their old problems are not shown for ever.
pub async fn keep_only(conn: &mut Conn, subjects: &[String]) -> Result<u64> {
    let recorded: Vec<String> = sqlx::query("SELECT subject FROM setup_checks")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("subject"))
        .collect::<std::result::Result<_, _>>()?;
    let mut gone = 0;
    for subject in recorded.iter().filter(|s| !subjects.contains(s)) {
        gone += sqlx::query("DELETE FROM setup_checks WHERE subject = $1")
            .bind(subject)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(gone)
}

/// The problems recorded now, oldest first.
pub async fn failing(conn: &mut Conn) -> Result<Vec<Failing>> {
    sqlx::query(
        "SELECT subject, problem, changed_at FROM setup_checks \
         WHERE problem IS NOT NULL ORDER BY changed_at, subject",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Failing {
            subject: row.try_get("subject")?,
            problem: row.try_get("problem")?,
            since: time(row, "changed_at")?,
        })
    })
    .collect()
}

/// Whether the last check of `subject` found a problem.
pub async fn is_failing(conn: &mut Conn, subject: &str) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS failing FROM setup_checks WHERE subject = $1 AND problem IS NOT NULL",
    )
    .bind(subject)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// The problem recorded for `subject`, if any (its JSON).
pub async fn problem(conn: &mut Conn, subject: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query("SELECT problem FROM setup_checks WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get::<Option<String>, _>("problem"))
            .transpose()?
            .flatten(),
    )
}
