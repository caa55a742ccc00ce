//! Durable state on SQLite (the embedded default) or PostgreSQL (shared by several
//! instances), through sqlx's `Any` driver and one SQL codebase.
//!
//! Each submodule holds the queries of one table family as functions taking a
//! connection, so a caller composes several of them in one transaction. Times are
//! stored as epoch milliseconds and flags as 0/1, the types both backends map alike.

pub mod accounts;
pub mod audit;
pub mod catalog;
pub mod catch_up;
pub mod conversations;
pub mod dead_letters;
pub mod failed_events;
pub mod jobs;
pub mod leases;
pub mod links;
pub mod messages;
pub mod outbox;
pub mod points;
pub mod ratings;
pub mod reach;
pub mod setup_checks;
pub mod stats;
pub mod tickets;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row, Transaction};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// Which database a URL names, and the URL fit for logs: the configuration parses them.
pub use crate::config::{Backend, UnsupportedUrl, redact_url};

/// A transaction; every multi-step change runs in one. It reads as a connection
/// (`&mut tx` where a `&mut Conn` is expected) and ends with `commit` or `rollback`
/// (dropped: rolled back).
pub struct Tx {
    inner: Transaction<'static, Any>,
    /// SQLite has one writer at a time: transactions of this process queue here, in
    /// order, instead of polling SQLite's lock with sleeps (which made tail latency
    /// jump by whole milliseconds under load).
    _writer: Option<OwnedSemaphorePermit>,
    /// Rung after a commit on SQLite, so the log is checkpointed after writes.
    written: Option<Arc<Notify>>,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        if let Some(written) = self.written {
            written.notify_one();
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        Ok(self.inner.rollback().await?)
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}
/// What the query functions take: a transaction or a plain connection.
pub type Conn = AnyConnection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    UnsupportedUrl(#[from] UnsupportedUrl),
    #[error("an in-memory SQLite database would give each connection its own database: use a file")]
    InMemorySqlite,
    #[error("cannot create the directory {path}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
    /// A value in the database that the code does not know: a newer schema, or a row
    /// changed by hand.
    #[error("unexpected value {value:?} in column {column}")]
    Corrupt { column: &'static str, value: String },
    /// A state the code holds impossible; a defect to report, not a user's mistake.
    #[error("unexpected: {0}")]
    Unexpected(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Whether the same work may pass if tried again: the database unreachable,
    /// busy, out of connections, or a transaction chosen as a deadlock's victim. A
    /// violated constraint, corrupt data or a defect fails the same way every time.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Connect(_) => true,
            StoreError::Query(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::BeginFailed => true,
                sqlx::Error::Database(db) => transient_database_error(db.as_ref()),
                _ => false,
            },
            StoreError::UnsupportedUrl(_)
            | StoreError::InMemorySqlite
            | StoreError::CreateDir { .. }
            | StoreError::Migrate(_)
            | StoreError::Corrupt { .. }
            | StoreError::Unexpected(_) => false,
        }
    }
}

/// A database's own word that trying again may pass: SQLite busy or locked
/// (result codes 5 and 6 and their extended forms); PostgreSQL's classes 08
/// (connection), 40 (serialization failure, deadlock), 53 (insufficient
/// resources), 57 (operator intervention: shutting down) and 55P03 (lock not
/// available). Constraint violations never are.
fn transient_database_error(db: &dyn sqlx::error::DatabaseError) -> bool {
    if !matches!(db.kind(), sqlx::error::ErrorKind::Other) {
        return false;
    }
    let Some(code) = db.code() else {
        return false;
    };
    // PostgreSQL's SQLSTATE has five characters; SQLite's codes are shorter numbers.
    if code.len() == 5 {
        ["08", "40", "53", "57"]
            .iter()
            .any(|class| code.starts_with(class))
            || code == "55P03"
    } else {
        // SQLite: the primary result code is the low byte of an extended one.
        code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
    }
}

/// The database, shared by every part of the service.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite writer queue (see [`Tx`]); unused on PostgreSQL.
    writer: Arc<Semaphore>,
    /// Rung by each SQLite commit for the checkpoints (see [`checkpoints`]).
    written: Arc<Notify>,
}

impl Store {
    /// Connects; for SQLite, creates the file and its directory when missing and
    /// turns on WAL, foreign keys and a busy timeout on every connection.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(15))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Checkpoints run in the background (see `checkpoints`), not
                        // inside whichever commit fills the log.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA wal_autocheckpoint = 0;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(StoreError::Connect)?;
        let written = Arc::new(Notify::new());
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoints(pool.clone(), written.clone()));
        }
        Ok(Store {
            pool,
            backend,
            writer: Arc::new(Semaphore::new(1)),
            written,
        })
    }

    /// Applies the migrations not applied yet. Safe to run at every start-up and from
    /// several instances at once (sqlx takes a lock).
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// How many of this build's migrations the database has not applied (or saw
    /// fail): anything but 0 means the schema is not the one the code expects.
    pub async fn pending_migrations(&self) -> Result<usize> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await?;
        Ok(migrator
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads then writes cannot deadlock with another.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let permit = self.writer.clone().acquire_owned().await.ok();
                Tx {
                    inner: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _writer: permit,
                    written: Some(self.written.clone()),
                }
            }
            Backend::Postgres => Tx {
                inner: self.pool.begin().await?,
                _writer: None,
                written: None,
            },
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Copies the SQLite write-ahead log into the database after writes, at most ten
/// times a second, off the request path; it ends at the first write after the pool
/// closed, or with the runtime. Without writes, no checkpoint. A passive checkpoint
/// never waits for writers or readers, so it never slows a transaction down.
async fn checkpoints(pool: AnyPool, written: Arc<Notify>) {
    loop {
        written.notified().await;
        // Writes come in bursts: one checkpoint for the burst.
        tokio::time::sleep(Duration::from_millis(100)).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!(error = %e, "SQLite checkpoint failed; will try again");
            written.notify_one();
        }
    }
}

/// Turns `sqlite://data/guichet.db` into a URL that creates the file, after creating
/// its directory.
fn prepare_sqlite_url(url: &str) -> Result<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path.contains(":memory:") || query.contains("mode=memory") {
        return Err(StoreError::InMemorySqlite);
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    Ok(if query.contains("mode=") {
        url.to_owned()
    } else if query.is_empty() {
        format!("sqlite://{path}?mode=rwc")
    } else {
        format!("sqlite://{path}?{query}&mode=rwc")
    })
}

pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(column: &'static str, ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or(StoreError::Corrupt {
        column,
        value: ms.to_string(),
    })
}

/// Reads a nullable epoch-milliseconds column.
pub(crate) fn time_opt(row: &AnyRow, column: &'static str) -> Result<Option<DateTime<Utc>>> {
    row.try_get::<Option<i64>, _>(column)?
        .map(|ms| from_millis(column, ms))
        .transpose()
}

pub(crate) fn time(row: &AnyRow, column: &'static str) -> Result<DateTime<Utc>> {
    from_millis(column, row.try_get(column)?)
}

pub(crate) fn flag(row: &AnyRow, column: &'static str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// Reads a text column holding one of the domain's enumerations.
pub(crate) fn parsed<T: FromStr>(row: &AnyRow, column: &'static str) -> Result<T> {
    let text: String = row.try_get(column)?;
    text.parse().map_err(|_| StoreError::Corrupt {
        column,
        value: text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/guichet.db");
        let url = prepare_sqlite_url(&format!("sqlite://{}", path.display())).unwrap();
        assert!(url.ends_with("?mode=rwc"), "{url}");
        assert!(path.parent().unwrap().is_dir());
        assert!(matches!(
            prepare_sqlite_url("sqlite::memory:"),
            Err(StoreError::InMemorySqlite)
        ));
    }

    #[test]
    fn passing_failures_are_retried_defects_are_not() {
        assert!(StoreError::Query(sqlx::Error::PoolTimedOut).is_retryable());
        assert!(StoreError::Connect(sqlx::Error::PoolClosed).is_retryable());
        let corrupt = StoreError::Corrupt {
            column: "tickets.status",
            value: "lost".into(),
        };
        assert!(!corrupt.is_retryable());
        assert!(!StoreError::Query(sqlx::Error::RowNotFound).is_retryable());
    }
}
