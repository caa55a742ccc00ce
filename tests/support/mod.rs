//! Shared by the end-to-end tests: a fresh database per test on either backend, and
//! a helpdesk seeded from the committed configuration with a clock the test moves.
//!
//! PostgreSQL: `scripts/test` starts a throwaway cluster and exports its admin URL
//! in `GUICHET_TEST_PG_URL`; each test creates its own database there. Without that
//! variable the PostgreSQL half of a test is skipped loudly on a developer's machine
//! and fails under `CI=true`.

#![allow(dead_code)] // each test binary uses its own part of the support

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use guichet::app::App;
use guichet::clock::ManualClock;
use guichet::config::Config;
use guichet::desk::{Desk, TicketDraft};
use guichet::domain::{Language, NewUser, Role, Ticket};
use guichet::permissions::Actor;
use guichet::store::audit::Origin;
use guichet::store::{self, Store};
use sqlx::Executor;

pub const PG_URL_VAR: &str = "GUICHET_TEST_PG_URL";

pub mod chat;
pub mod fake_chat;
pub mod fake_discord;
pub mod fake_telegram;
pub mod smtp;

/// What a story runs on: built on a fresh database of either backend.
pub trait Harness: Sized {
    async fn sqlite() -> Self;
    /// `None` when there is no PostgreSQL and this is not CI (skipped loudly).
    async fn postgres() -> Option<Self>;
}

/// Runs each named `async fn(H)` once on SQLite and once on PostgreSQL, as the
/// tests `<name>::sqlite` and `<name>::postgres`. `H` is [`TestDesk`] unless named
/// first, as a path from the crate root: `on_both_backends!(crate::support::chat::ChatDesk: …)`.
#[macro_export]
macro_rules! on_both_backends {
    ($harness:ty: $($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::support::Harness as _;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(<$harness>::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(harness) = <$harness>::postgres().await {
                    super::$name(harness).await
                }
            }
        }
    )*};
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!($crate::support::TestDesk: $($name),*);
    };
}

pub fn committed_config_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/guichet.toml")
}

pub fn committed_config() -> Config {
    Config::load(&committed_config_path()).expect("committed config loads")
}

/// 14 February 2025, 09:00 in Paris: the day of the specification's example tickets.
pub fn valentines_morning() -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2025, 2, 14, 9, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A database of its own for one test. SQLite lives in a temporary directory removed
/// on drop; a PostgreSQL database is left to the throwaway cluster.
pub enum TestDb {
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        url: String,
    },
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("guichet.db").display());
        TestDb::Sqlite { url, _dir: dir }
    }

    /// A new database in the test cluster, or `None` (skipped loudly) where there is
    /// no cluster and this is not CI.
    pub async fn postgres() -> Option<TestDb> {
        let Some(admin_url) = std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty()) else {
            let on_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !on_ci,
                "{PG_URL_VAR} is not set under CI=true: run the suite with scripts/test"
            );
            eprintln!(
                "SKIPPED (PostgreSQL half): {PG_URL_VAR} is not set; run scripts/test to include it"
            );
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "guichet_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_micros()
        );
        sqlx::any::install_default_drivers();
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("the test cluster accepts connections");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create the test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        Some(TestDb::Postgres {
            url: format!("{base}/{name}"),
        })
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url } => url,
        }
    }

    /// The committed configuration, pointed at this database.
    pub fn config(&self) -> Config {
        let mut config = committed_config();
        config.database.url = self.url().to_owned();
        config
    }
}

/// A migrated database with the committed teams and categories, and a desk whose
/// clock stands still until the test moves it.
pub struct TestDesk {
    pub db: TestDb,
    /// The application as `guichet serve` builds it, on the test's clock.
    pub app: App,
    pub config: Config,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub desk: Desk,
}

impl Harness for TestDesk {
    async fn sqlite() -> TestDesk {
        Self::on(TestDb::sqlite()).await
    }

    async fn postgres() -> Option<TestDesk> {
        Some(Self::on(TestDb::postgres().await?).await)
    }
}

impl TestDesk {
    pub async fn on(db: TestDb) -> TestDesk {
        Self::configured(db, |_| {}).await
    }

    /// On `db`, with the committed configuration changed by `change`.
    pub async fn configured(db: TestDb, change: impl FnOnce(&mut Config)) -> TestDesk {
        let mut config = db.config();
        change(&mut config);
        let clock = Arc::new(ManualClock::new(valentines_morning()));
        let app = App::build_at(config.clone(), clock.clone())
            .await
            .expect("the test database is prepared");
        TestDesk {
            db,
            store: app.store.clone(),
            desk: app.desk.clone(),
            app,
            config,
            clock,
        }
    }

    /// Creates a user; staff join `team` and are experts in `categories`.
    pub async fn person(
        &self,
        name: &str,
        role: Role,
        team: Option<&str>,
        categories: &[&str],
    ) -> Actor {
        let mut tx = self.store.begin().await.unwrap();
        let new = NewUser {
            display_name: name.to_owned(),
            email: None,
            language: Language::Fr,
            department: None,
            role,
        };
        let user = self
            .desk
            .add_user(&mut tx, None, &new, &[], Origin::Cli)
            .await
            .unwrap();
        if let Some(slug) = team {
            let team = self.desk.find_team(slug).unwrap();
            self.desk
                .add_member(&mut tx, None, &team, user.id, false, Origin::Cli)
                .await
                .unwrap();
            let mut cats = Vec::new();
            for slug in categories {
                cats.push(self.desk.find_category(slug).unwrap());
            }
            self.desk
                .set_expertise(&mut tx, None, user.id, &cats, Origin::Cli)
                .await
                .unwrap();
        }
        let actor = self.desk.actor(&mut tx, user.id).await.unwrap();
        tx.commit().await.unwrap();
        actor
    }

    pub async fn employee(&self, name: &str) -> Actor {
        self.person(name, Role::Employee, None, &[]).await
    }

    /// An agent of `team`, expert in `categories`.
    pub async fn agent(&self, name: &str, team: &str, categories: &[&str]) -> Actor {
        let role = if team == "hr" { Role::Hr } else { Role::Agent };
        self.person(name, role, Some(team), categories).await
    }

    /// Opens a ticket in its own transaction.
    pub async fn open(&self, requester: &Actor, subject: &str, category: &str) -> Ticket {
        let mut tx = self.store.begin().await.unwrap();
        let category = self.desk.find_category(category).unwrap();
        let draft = TicketDraft {
            subject: subject.to_owned(),
            description: String::new(),
            category: category.id,
            priority: None,
            previous: None,
            origin: None,
            first_message: None,
        };
        let ticket = self
            .desk
            .open_ticket(&mut tx, requester, &draft, Origin::Chat)
            .await
            .unwrap()
            .ticket;
        tx.commit().await.unwrap();
        ticket
    }

    /// Gives a user an account on a platform.
    pub async fn link(&self, who: &Actor, identity: &str) {
        let mut tx = self.store.begin().await.unwrap();
        let identity = identity.parse().unwrap();
        self.desk
            .link_identity(&mut tx, None, who.user, &identity, Origin::Cli)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    pub async fn reload(&self, ticket: &Ticket) -> Ticket {
        let mut conn = self.store.pool().acquire().await.unwrap();
        store::tickets::get(&mut conn, ticket.id)
            .await
            .unwrap()
            .unwrap()
    }
}
