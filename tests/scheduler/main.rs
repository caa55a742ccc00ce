//! The scheduler as stories driven by the test clock: reminders, escalation, the
//! overdue e-mail (through a real SMTP server), the rating reminder, closing, and
//! claims shared by two instances. Every story runs on SQLite and PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod claims;
mod follow_up;
mod mail;
mod owed;
mod reminders;

use chrono::TimeDelta;
use guichet::clock::Clock;
use guichet::config::Config;
use guichet::domain::{Language, NewUser, Role, Status, Ticket};
use guichet::permissions::Actor;
use guichet::scheduler::{Scheduler, Tick};
use guichet::store::audit::Origin;
use guichet::store::{self, Store};
use guichet_chat::{Outbound, Platform, ThreadRef};
use support::chat::ChatDesk;
use support::{Harness, TestDb};

use Platform::{Discord, Telegram};

const IHEB: &str = "2001";
const SAMI: &str = "1001";
const LEILA: &str = "1003";
const AKREM: &str = "1009";
const SCREEN: &str = "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer.";
const WIFI: &str = "Le wifi ne marche plus au 2e étage";

/// A fresh database; each story builds the helpdesk it needs on it.
struct Db(TestDb);

impl Harness for Db {
    async fn sqlite() -> Self {
        Db(TestDb::sqlite())
    }

    async fn postgres() -> Option<Self> {
        Some(Db(TestDb::postgres().await?))
    }
}

/// The helpdesk with its chat, and a scheduler as `guichet serve` starts it.
struct Sched {
    c: ChatDesk,
    scheduler: Scheduler,
}

impl Sched {
    async fn on(db: Db) -> Sched {
        Self::configured(db, |_| {}).await
    }

    async fn configured(db: Db, change: impl FnOnce(&mut Config)) -> Sched {
        let c = ChatDesk::configured(db.0, change).await;
        let scheduler = fresh_scheduler(&c);
        // As at start-up: the daily housekeeping runs first.
        scheduler.tick().await.unwrap();
        Sched { c, scheduler }
    }

    fn store(&self) -> &Store {
        &self.c.d.store
    }

    fn advance(&self, by: TimeDelta) {
        self.c.d.clock.advance(by);
    }

    /// One tick, then everything it queued is delivered.
    async fn tick(&self) -> Tick {
        let tick = self.scheduler.tick().await.expect("the tick runs");
        assert_eq!(tick.failed, 0, "{tick:?}");
        self.c.deliver().await;
        tick
    }

    /// Moves the clock by `by`, then one tick sees everything due.
    async fn after(&self, by: TimeDelta) -> Tick {
        self.advance(by);
        self.tick().await
    }

    /// A person with an e-mail address and a chat account (`discord:1001`).
    async fn person(
        &self,
        name: &str,
        role: Role,
        email: Option<&str>,
        language: Language,
        account: &str,
    ) -> Actor {
        let d = &self.c.d;
        let mut tx = d.store.begin().await.unwrap();
        let new = NewUser {
            display_name: name.to_owned(),
            email: email.map(|e| guichet::domain::Email::parse(e).unwrap()),
            language,
            department: None,
            role,
        };
        let identity = account.parse().unwrap();
        let user = d
            .desk
            .add_user(&mut tx, None, &new, &[identity], Origin::Cli)
            .await
            .unwrap();
        let actor = d.desk.actor(&mut tx, user.id).await.unwrap();
        tx.commit().await.unwrap();
        actor
    }

    /// A member of `team` (a lead when `lead`), expert in `categories`.
    async fn staff(
        &self,
        name: &str,
        team: &str,
        lead: bool,
        categories: &[&str],
        email: Option<&str>,
        account: &str,
    ) -> Actor {
        self.staff_in(name, team, lead, categories, email, Language::Fr, account)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn staff_in(
        &self,
        name: &str,
        team: &str,
        lead: bool,
        categories: &[&str],
        email: Option<&str>,
        language: Language,
        account: &str,
    ) -> Actor {
        let role = if team == "hr" { Role::Hr } else { Role::Agent };
        let actor = self.person(name, role, email, language, account).await;
        let d = &self.c.d;
        let mut tx = d.store.begin().await.unwrap();
        let t = d.desk.find_team(team).unwrap();
        d.desk
            .add_member(&mut tx, None, &t, actor.user, lead, Origin::Cli)
            .await
            .unwrap();
        let cats: Vec<_> = categories
            .iter()
            .map(|c| d.desk.find_category(c).unwrap())
            .collect();
        d.desk
            .set_expertise(&mut tx, None, actor.user, &cats, Origin::Cli)
            .await
            .unwrap();
        let actor = d.desk.actor(&mut tx, actor.user).await.unwrap();
        tx.commit().await.unwrap();
        actor
    }

    /// Sami, IT agent on Discord, expert in hardware and network.
    async fn sami(&self) -> Actor {
        self.staff(
            "Sami Ben Ali",
            "it",
            false,
            &["hardware", "network"],
            Some("sami@example.com"),
            &format!("discord:{SAMI}"),
        )
        .await
    }

    /// Iheb writes `text` to the bot on Telegram: a new ticket, delivered.
    async fn iheb_asks(&self, text: &str) -> Ticket {
        self.asks(IHEB, "Iheb Issaoui", text).await
    }

    /// An employee without an open ticket writes to the bot on Telegram.
    async fn asks(&self, user: &str, name: &str, text: &str) -> Ticket {
        self.c.dm(Telegram, user, name, text).await;
        self.c.deliver().await;
        self.latest_ticket().await
    }

    async fn latest_ticket(&self) -> Ticket {
        let mut conn = self.store().pool().acquire().await.unwrap();
        let filter = store::tickets::TicketFilter {
            limit: 1,
            ..Default::default()
        };
        store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
            .await
            .unwrap()
            .pop()
            .expect("a ticket")
    }

    async fn reload(&self, t: &Ticket) -> Ticket {
        self.c.d.reload(t).await
    }

    /// The thread the ticket's card lives in, on Discord (the IT team's space).
    fn thread_of(&self, t: &Ticket) -> ThreadRef {
        self.c
            .discord
            .threads()
            .into_iter()
            .find(|(_, title)| title.starts_with(&t.reference.to_string()))
            .expect("the ticket has a thread")
            .0
    }

    /// Posts in `t`'s thread containing `needle`.
    fn posts(&self, t: &Ticket, needle: &str) -> usize {
        self.c
            .discord
            .posts_in(&self.thread_of(t))
            .iter()
            .filter(|p| p.contains(needle))
            .count()
    }

    /// Private texts to a platform user containing `needle`.
    fn told(&self, platform: Platform, user: &str, needle: &str) -> usize {
        self.c
            .fake(platform)
            .texts_to(user)
            .iter()
            .filter(|t| t.contains(needle))
            .count()
    }

    /// The audit trail of a ticket: (action, old, new).
    async fn audit(&self, t: &Ticket) -> Vec<(String, Option<String>, Option<String>)> {
        let mut conn = self.store().pool().acquire().await.unwrap();
        store::audit::for_ticket(&mut conn, t.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action.to_string(), e.old_value, e.new_value))
            .collect()
    }
}

fn fresh_scheduler(c: &ChatDesk) -> Scheduler {
    c.d.app.scheduler()
}

/// The cards drawn for a thread, latest last.
fn cards(c: &ChatDesk, thread: &ThreadRef) -> Vec<guichet_chat::Card> {
    c.discord
        .delivered()
        .into_iter()
        .filter_map(|a| match a {
            Outbound::UpdateCard {
                thread: t, card, ..
            } if &t == thread => Some(card),
            _ => None,
        })
        .collect()
}

fn now(s: &Sched) -> chrono::DateTime<chrono::Utc> {
    s.c.d.clock.now()
}
