//! The database the service keeps its state in: which backend a URL names, and the URL
//! with its password hidden for logs.

use std::fmt;

use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// `sqlite://data/guichet.db` or `postgres://…`; a URL with a password must come
    /// from `GUICHET__DATABASE__URL`.
    pub url: String,
    pub max_connections: u32,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL of a scheme the service does not speak (its password hidden).
#[derive(Debug, thiserror::Error)]
#[error("unsupported database URL {0:?}: expected sqlite://path/to/file.db or postgres://…")]
pub struct UnsupportedUrl(String);

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend, UnsupportedUrl> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(UnsupportedUrl(redact_url(url)))
        }
    }
}

/// The URL with its password replaced, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_come_from_the_url_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/g.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::of_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::of_url("mysql://u:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn passwords_never_reach_a_message() {
        let shown = redact_url("postgres://guichet:hunter2@db.internal:5432/guichet");
        assert_eq!(shown, "postgres://guichet:***@db.internal:5432/guichet");
    }
}
