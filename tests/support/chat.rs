//! A helpdesk wired to two fake chat platforms: the engine takes events as the
//! adapters would hand them over, the dispatcher delivers to the fakes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use guichet::engine::Engine;
use guichet::i18n::Texts;
use guichet::outbox::dispatcher::Dispatcher;
use guichet::store;
use guichet_chat::{Author, Event, Inbound, Interaction, Outlet, Place, Platform, ThreadRef};

use super::fake_chat::FakeChat;
use super::{Harness, TestDb, TestDesk};
use guichet::config::{Config, StaffSpace};

/// IT works on Discord, Finance on Telegram, HR on Discord.
pub const IT_SPACE: &str = "it-staff";
pub const FINANCE_SPACE: &str = "-1002000";
pub const HR_SPACE: &str = "hr-staff";

pub struct ChatDesk {
    pub d: TestDesk,
    pub engine: Engine,
    pub discord: Arc<FakeChat>,
    pub telegram: Arc<FakeChat>,
    pub texts: Arc<Texts>,
    events: AtomicU64,
    /// The SMTP server the dispatcher sends e-mails through, when a test sets one.
    pub mailer: Option<Arc<guichet::mail::Mailer>>,
    /// What the dispatchers count, as `/metrics` shows it.
    pub metrics: Arc<guichet::metrics::Metrics>,
}

impl Harness for ChatDesk {
    async fn sqlite() -> Self {
        Self::on(TestDb::sqlite()).await
    }

    async fn postgres() -> Option<Self> {
        Some(Self::on(TestDb::postgres().await?).await)
    }
}

impl ChatDesk {
    pub async fn on(db: TestDb) -> ChatDesk {
        Self::configured(db, |_| {}).await
    }

    /// With the usual staff spaces, then `change` made to the configuration.
    pub async fn configured(db: TestDb, change: impl FnOnce(&mut Config)) -> ChatDesk {
        let d = TestDesk::configured(db, |config| {
            for (team, platform, space) in [
                ("it", Platform::Discord, IT_SPACE),
                ("finance", Platform::Telegram, FINANCE_SPACE),
                ("hr", Platform::Discord, HR_SPACE),
            ] {
                config.teams.get_mut(team).unwrap().staff = Some(StaffSpace {
                    platform,
                    space: space.into(),
                });
            }
            change(config);
        })
        .await;
        ChatDesk {
            engine: d.app.engine.clone(),
            texts: d.app.texts.clone(),
            metrics: d.app.metrics.clone(),
            d,
            discord: FakeChat::new(Platform::Discord),
            telegram: FakeChat::new(Platform::Telegram),
            events: AtomicU64::new(0),
            mailer: None,
        }
    }

    /// A dispatcher, as a freshly started process would have.
    pub fn dispatcher(&self) -> Dispatcher {
        self.dispatcher_with(vec![self.discord.clone(), self.telegram.clone()])
    }

    /// A dispatcher delivering through the given adapters.
    pub fn dispatcher_with(&self, outlets: Vec<Arc<dyn Outlet>>) -> Dispatcher {
        self.instance(&self.d.config.outbox.instance, outlets)
    }

    /// The dispatcher of another instance, named `name`, sharing the database.
    pub fn instance(&self, name: &str, outlets: Vec<Arc<dyn Outlet>>) -> Dispatcher {
        let mut parts = self.d.app.dispatcher_parts(outlets, self.mailer.clone());
        parts.config.instance = name.to_owned();
        Dispatcher::new(parts)
    }

    /// Delivers everything due now.
    pub async fn deliver(&self) {
        Self::drain(&self.dispatcher()).await;
    }

    /// Runs `dispatcher` until nothing more is due now.
    pub async fn drain(dispatcher: &Dispatcher) {
        for _ in 0..50 {
            if dispatcher.run_once().await.unwrap().claimed == 0 {
                return;
            }
        }
        panic!("the outbox does not drain");
    }

    fn next_id(&self) -> String {
        format!("ev-{}", self.events.fetch_add(1, Ordering::Relaxed))
    }

    /// Hands an event to the engine as an adapter would.
    pub async fn send(&self, event: Inbound) {
        self.engine
            .handle(event)
            .await
            .expect("the engine takes the event");
    }

    pub fn inbound(&self, platform: Platform, user: &str, name: &str, event: Event) -> Inbound {
        Inbound {
            platform,
            event_id: self.next_id(),
            author: Author {
                id: user.into(),
                display_name: name.into(),
                locale: None,
            },
            event,
        }
    }

    /// A private message to the bot; returns the event so a test can send it again.
    pub async fn dm(&self, platform: Platform, user: &str, name: &str, text: &str) -> Inbound {
        let message_id = self.next_id();
        // A Telegram private chat has the user's id; Discord's DM channels have their own.
        let chat = match platform {
            Platform::Telegram => user.to_owned(),
            Platform::Discord => format!("dm-{user}"),
        };
        let event = self.inbound(
            platform,
            user,
            name,
            Event::DirectMessage {
                chat,
                message_id,
                text: text.into(),
                files: Vec::new(),
                reply_to: None,
            },
        );
        self.send(event.clone()).await;
        event
    }

    /// A message in a staff thread.
    pub async fn in_thread(
        &self,
        platform: Platform,
        user: &str,
        name: &str,
        thread: &ThreadRef,
        text: &str,
    ) {
        let event = self.inbound(
            platform,
            user,
            name,
            Event::ThreadMessage {
                thread: thread.clone(),
                message_id: self.next_id(),
                text: text.into(),
                files: Vec::new(),
            },
        );
        self.send(event).await;
    }

    /// Presses a button; returns the interaction, whose answer the test can look for.
    pub async fn press(
        &self,
        platform: Platform,
        user: &str,
        place: Place,
        payload: &str,
    ) -> Interaction {
        let interaction = Interaction {
            id: self.next_id(),
            token: "token".into(),
        };
        let event = self.inbound(
            platform,
            user,
            user,
            Event::Button {
                place,
                payload: payload.into(),
                interaction: Some(interaction.clone()),
            },
        );
        self.send(event).await;
        interaction
    }

    pub async fn backlog(&self) -> store::outbox::Backlog {
        let mut conn = self.d.store.pool().acquire().await.unwrap();
        store::outbox::backlog(&mut conn).await.unwrap()
    }

    pub fn fake(&self, platform: Platform) -> &FakeChat {
        match platform {
            Platform::Discord => &self.discord,
            Platform::Telegram => &self.telegram,
        }
    }
}
