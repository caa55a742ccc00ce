//! The Discord adapter end to end: the real serenity client against a local Discord
//! (REST and gateway), the engine, the outbox and SQLite.

#[path = "../support/mod.rs"]
mod support;

mod across;
mod catch_up;
mod delivery;
mod employee;
mod space;
mod team;

use std::sync::Arc;
use std::time::Duration;

use guichet::config::{HumanDuration, StaffSpace};
use guichet_chat::{InboundSink, Outlet, Platform};
use serde_json::Value;
use support::TestDb;
use support::chat::ChatDesk;
use support::fake_discord::{BOT_ID, Call, FakeDiscord, FakeUser, GUILD_ID};
use tokio::sync::watch;

/// Monday 14 February 2025, as the seeds' example tickets.
const FIRST: &str = "TCK-20250214-001";
const SCREEN: &str = "Mon écran ne s'allume plus\nDepuis ce matin l'écran reste noir.";

/// A helpdesk whose IT team works on Discord, connected to a local Discord.
struct Live {
    c: ChatDesk,
    fake: FakeDiscord,
    /// IT's staff channel, where tickets' threads open.
    it: String,
    /// A public channel for the help panel.
    help: String,
    /// An employee on Discord, writing in French.
    amel: FakeUser,
    /// An IT agent on Discord.
    iheb: FakeUser,
    /// The adapter's outlet, also handed to the dispatcher: stories ask it directly.
    outlet: Arc<guichet_discord::DiscordOutlet>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

async fn until(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

impl Live {
    async fn start() -> Live {
        Self::with(|_| {}, Vec::new()).await
    }

    /// Started with a change to the configuration and more outlets (another platform).
    async fn with(
        change: impl FnOnce(&mut guichet::config::Config),
        more: Vec<Arc<dyn Outlet>>,
    ) -> Live {
        let fake = FakeDiscord::start().await;
        let it = fake.create_text_channel("it-staff");
        let help = fake.create_text_channel("aide");
        let space = it.clone();
        let c = ChatDesk::configured(TestDb::sqlite(), move |config| {
            config.teams.get_mut("it").unwrap().staff = Some(StaffSpace {
                platform: Platform::Discord,
                space,
            });
            config.teams.get_mut("hr").unwrap().staff = None;
            config.discord.guild_id = GUILD_ID.into();
            // Retries come quickly: the tests wait for them.
            config.outbox.first_retry = HumanDuration(Duration::from_millis(50));
            config.outbox.max_retry = HumanDuration(Duration::from_millis(400));
            change(config);
        })
        .await;
        let amel = fake.user("amel.bensalem", "fr");
        let iheb = fake.user("iheb", "fr");
        let agent = c.d.agent("Iheb Ben Salem", "it", &[]).await;
        c.d.link(&agent, &format!("discord:{}", iheb.id)).await;

        let (stop, stopped) = watch::channel(false);
        let http = guichet_discord::http("TEST.TOKEN.discord", Some(&fake.api_url()));
        let commands = guichet::cli::serve::slash_commands(&c.texts, c.d.desk.catalog());
        let sink: Arc<dyn InboundSink> = Arc::new(c.engine.clone());
        let guild = GUILD_ID.parse().unwrap();
        let connection =
            guichet_discord::connect(http, Some(guild), commands, sink, until(stopped.clone()))
                .await
                .expect("serenity starts");
        fake.wait_ready().await;
        // What /readyz reads: the gateway session is up once READY is handled.
        for _ in 0..500 {
            if connection.connected.get() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(connection.connected.get(), "READY marks Discord connected");
        let outlet = connection.outlet.clone();
        let mut outlets: Vec<Arc<dyn Outlet>> = vec![connection.outlet];
        outlets.extend(more);
        let dispatcher = c.dispatcher_with(outlets);
        let delivering = tokio::spawn(dispatcher.run(until(stopped)));
        Live {
            c,
            fake,
            it,
            help,
            amel,
            iheb,
            outlet,
            stop,
            tasks: vec![connection.task, delivering],
        }
    }

    /// Stops the gateway and the dispatcher, as `serve` does on Ctrl-C.
    async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("everything stops")
                .unwrap();
        }
    }

    /// The ticket's thread under IT's channel, once opened.
    async fn thread(&self) -> String {
        self.fake
            .wait_until("the ticket's thread", |f| {
                f.threads_of(&self.it)
                    .first()
                    .and_then(|t| t["id"].as_str().map(str::to_owned))
            })
            .await
    }

    /// The card: the first message of the thread.
    async fn card(&self, thread: &str) -> Value {
        self.fake
            .wait_until("the card", |f| {
                f.messages_in(thread)
                    .into_iter()
                    .find(|m| m["embeds"].as_array().is_some_and(|e| !e.is_empty()))
            })
            .await
    }

    /// Texts of the messages in a user's private channel, in order.
    fn dm_texts(&self, user: &FakeUser) -> Vec<String> {
        texts(&self.fake.messages_in(&self.fake.dm_channel_of(&user.id)))
    }

    /// Waits for a private message to `user` containing `part`.
    async fn dm_with(&self, user: &FakeUser, part: &str) -> Value {
        let channel = self.fake.dm_channel_of(&user.id);
        self.fake
            .wait_until(&format!("a private message with {part:?}"), |f| {
                f.messages_in(&channel)
                    .into_iter()
                    .find(|m| m["content"].as_str().is_some_and(|t| t.contains(part)))
            })
            .await
    }

    /// How many messages the helpdesk has stored, all tickets together.
    async fn stored_messages(&self) -> i64 {
        let mut conn = self.c.d.store.pool().acquire().await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM ticket_messages")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }

    /// Waits for the interaction's answer.
    async fn answer(&self, interaction: &str) -> Value {
        self.fake
            .wait_until("the interaction's answer", |f| {
                f.interaction_responses(interaction).first().cloned()
            })
            .await
    }
}

fn texts(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The custom id of the card's button whose label contains `label`.
fn button(card: &Value, label: &str) -> String {
    card["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .find(|b| b["label"].as_str().is_some_and(|l| l.contains(label)))
        .and_then(|b| b["custom_id"].as_str())
        .unwrap_or_else(|| panic!("no {label} button on {card:#}"))
        .to_owned()
}

/// The value of the card's embed field named `name`.
fn field(card: &Value, name: &str) -> String {
    card["embeds"][0]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("no {name} field on {card:#}"))
        .to_owned()
}
