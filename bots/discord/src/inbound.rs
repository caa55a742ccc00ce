//! What happens on Discord, handed to the helpdesk: private messages, messages in
//! the staff channels' threads, slash commands, button presses, select menus and
//! forms sent back.
//!
//! serenity runs each gateway event in its own task: two messages of one chat sent
//! within the same instant may reach the helpdesk in either order (the helpdesk
//! handles one user's events one at a time).
//!
//! Each READY (a new session) starts a catch-up in the background (`catch_up`):
//! what was written while the gateway was away is read from the channels' history
//! and handed over the same way.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use guichet_chat::{
    Author, Connected, Event, Inbound, InboundSink, IncomingFile, Interaction as Answerable, Place,
    Platform, ResumePoint, ThreadRef,
};
use serenity::all::{
    ActionRowComponent, ChannelId, ChannelType, ClientBuilder, CommandDataOptionValue,
    CommandInteraction, ComponentInteraction, ConnectionStage, Context, CreateInteractionResponse,
    CreateInteractionResponseMessage, EventHandler, GuildId, Http, Interaction, InteractionId,
    Message, ModalInteraction, PartialChannel, Ready, ShardStageUpdateEvent, User,
};
use serenity::async_trait;
use tokio::task::JoinHandle;

use crate::commands::{self, OPTION, SlashCommand};
use crate::outlet::DiscordOutlet;
use crate::shared::Shared;

/// Discord wants an answer to an interaction within 3 seconds: past this, it is
/// acknowledged first and answered with a follow-up.
const DEFER_AFTER: Duration = Duration::from_millis(1500);

/// A running connection: the outlet for the outbox, the gateway's task, which ends
/// once the shutdown future resolved and the shard closed, and whether the gateway
/// is connected now.
pub struct Connection {
    pub outlet: Arc<DiscordOutlet>,
    pub task: JoinHandle<()>,
    pub connected: Connected,
}

/// An outlet that sends and inspects without a gateway session (what `guichet
/// doctor` needs): nothing is received.
pub fn outlet(http: Http, guild: Option<u64>, commands: &[SlashCommand]) -> Arc<DiscordOutlet> {
    Arc::new(DiscordOutlet::new(
        Arc::new(http),
        Arc::new(Shared::default()),
        guild.filter(|id| *id != 0).map(GuildId::new),
        commands::names(commands),
    ))
}

/// Connects to Discord's gateway (in the background) and registers the slash
/// commands in the server `guild` once connected.
pub async fn connect(
    http: Http,
    guild: Option<u64>,
    commands: Vec<SlashCommand>,
    sink: Arc<dyn InboundSink>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> serenity::Result<Connection> {
    let shared = Arc::new(Shared::default());
    let guild = guild.filter(|id| *id != 0).map(GuildId::new);
    let names = commands::names(&commands);
    let connected = Connected::default();
    // Asked before the gateway connects, so that no message of the new session can
    // be committed first and hide what was missed before it.
    let first_points = crate::catch_up::ask(&*sink).await;
    let handler = Handler {
        first_points: Mutex::new(first_points),
        sink,
        connected: connected.clone(),
        shared: shared.clone(),
        guild,
        commands,
    };
    let mut client = ClientBuilder::new_with_http(http, crate::intents())
        .event_handler(handler)
        .await?;
    let outlet = Arc::new(DiscordOutlet::new(
        client.http.clone(),
        shared,
        guild,
        names,
    ));
    let shards = client.shard_manager.clone();
    let task = tokio::spawn(async move {
        tokio::select! {
            result = client.start() => {
                if let Err(e) = result {
                    tracing::error!(error = %e, "Discord: the gateway connection ended");
                }
            }
            () = shutdown => {
                shards.shutdown_all().await;
                tracing::info!("Discord: disconnected");
            }
        }
    });
    Ok(Connection {
        outlet,
        task,
        connected,
    })
}

struct Handler {
    sink: Arc<dyn InboundSink>,
    /// Where to catch up from at the first READY, asked before connecting; later
    /// READYs ask again.
    first_points: Mutex<Option<Vec<ResumePoint>>>,
    connected: Connected,
    shared: Arc<Shared>,
    guild: Option<GuildId>,
    commands: Vec<SlashCommand>,
}

#[async_trait]
impl EventHandler for Handler {
    /// A new session. serenity 0.12.5 calls this for READY only, which Discord sends
    /// after an IDENTIFY; a RESUME ends with RESUMED (`FullEvent::Resume`, see
    /// `client/dispatch.rs`), after Discord replayed the missed events. So this is
    /// exactly when events may have been lost, and the catch-up starts here.
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(bot = %ready.user.name, "Discord: connected");
        self.connected.set(true);
        let points = self
            .first_points
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        // Reading the history takes a request per chat: off the gateway's task.
        tokio::spawn(crate::catch_up::run(
            ctx.http.clone(),
            self.sink.clone(),
            self.shared.clone(),
            points,
        ));
        if let Some(guild) = self.guild
            && let Err(e) = commands::register(&ctx.http, guild, &self.commands).await
        {
            tracing::warn!(error = %e, %guild, "Discord: the slash commands were not registered");
        }
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        self.connected.set(event.new == ConnectionStage::Connected);
    }

    async fn message(&self, ctx: Context, message: Message) {
        if message.author.bot {
            return;
        }
        let chat = match message.guild_id {
            None => Chat::Direct,
            Some(_) => {
                // Only threads concern the helpdesk; the rest of the server does not.
                let Some(parent) = self.parent(&ctx.http, message.channel_id).await else {
                    return;
                };
                Chat::Thread { parent }
            }
        };
        if let Some(inbound) = inbound_of(&message, chat) {
            hand_over(&*self.sink, inbound).await;
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Some((inbound, answer)) = self.to_inbound(&interaction) else {
            return;
        };
        let id = interaction.id();
        let handled = hand_over(&*self.sink, inbound);
        tokio::pin!(handled);
        tokio::select! {
            () = &mut handled => return,
            () = tokio::time::sleep(DEFER_AFTER) => {}
        }
        // Slow: acknowledge now; the answer follows as a follow-up message.
        self.shared.deferred(id);
        let defer = match answer {
            Answer::Update => CreateInteractionResponse::Acknowledge,
            Answer::Message => CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        };
        if let Err(e) = ctx
            .http
            .create_interaction_response(id, interaction.token(), &defer, Vec::new())
            .await
        {
            tracing::debug!(error = %e, "Discord: deferring an interaction failed (answered meanwhile?)");
        }
        handled.await;
    }
}

/// How a deferred interaction is acknowledged: a press on a message updates it;
/// a command or a form waits for a message.
enum Answer {
    Update,
    Message,
}

/// What every kind of interaction tells alike.
struct Common<'a> {
    id: InteractionId,
    token: &'a str,
    user: &'a User,
    locale: &'a str,
    channel: ChannelId,
    partial: Option<&'a PartialChannel>,
    guild: Option<GuildId>,
}

/// What an interaction asks, by kind.
enum Asked {
    Command {
        name: String,
        args: String,
    },
    Button {
        payload: String,
    },
    Form {
        payload: String,
        values: Vec<(String, String)>,
    },
}

impl Asked {
    /// The event the helpdesk handles, asked at `place`.
    fn into_event(self, place: Place, interaction: Answerable) -> Event {
        match self {
            Asked::Command { name, args } => Event::Command {
                place,
                name,
                args,
                interaction: Some(interaction),
            },
            Asked::Button { payload } => Event::Button {
                place,
                payload,
                interaction: Some(interaction),
            },
            Asked::Form { payload, values } => Event::Form {
                place,
                payload,
                values,
                interaction,
            },
        }
    }
}

/// What an interaction tells and asks, and how it is acknowledged when slow;
/// `None` for a kind the helpdesk does not take.
fn read(interaction: &Interaction) -> Option<(Common<'_>, Asked, Answer)> {
    macro_rules! common {
        ($i:expr) => {
            Common {
                id: $i.id,
                token: &$i.token,
                user: &$i.user,
                locale: &$i.locale,
                channel: $i.channel_id,
                partial: $i.channel.as_ref(),
                guild: $i.guild_id,
            }
        };
    }
    match interaction {
        Interaction::Command(c) => {
            let args = command_args(c);
            let name = c.data.name.clone();
            Some((common!(c), Asked::Command { name, args }, Answer::Message))
        }
        Interaction::Component(c) => {
            let payload = component_payload(c)?;
            Some((common!(c), Asked::Button { payload }, Answer::Update))
        }
        Interaction::Modal(m) => {
            let values = form_values(m);
            let payload = m.data.custom_id.clone();
            Some((common!(m), Asked::Form { payload, values }, Answer::Message))
        }
        _ => None,
    }
}

/// A slash command's text argument; empty when there is none.
fn command_args(command: &CommandInteraction) -> String {
    command
        .data
        .options
        .iter()
        .find(|o| o.name == OPTION)
        .and_then(|o| match &o.value {
            CommandDataOptionValue::String(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// What a pressed button or a picked choice carries; `None` for other components.
fn component_payload(component: &ComponentInteraction) -> Option<String> {
    use serenity::all::ComponentInteractionDataKind as Kind;
    match &component.data.kind {
        Kind::Button => Some(component.data.custom_id.clone()),
        Kind::StringSelect { values } => Some(values.first()?.clone()),
        _ => None,
    }
}

/// A form's fields as typed: (field id, value).
fn form_values(form: &ModalInteraction) -> Vec<(String, String)> {
    form.data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .filter_map(|component| match component {
            ActionRowComponent::InputText(input) => Some((
                input.custom_id.clone(),
                input.value.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

impl Handler {
    fn to_inbound(&self, interaction: &Interaction) -> Option<(Inbound, Answer)> {
        let (common, asked, answer) = read(interaction)?;
        let place = self.place(&common);
        let answerable = Answerable {
            id: common.id.to_string(),
            token: common.token.to_owned(),
        };
        let event = asked.into_event(place, answerable);
        let inbound = Inbound {
            platform: Platform::Discord,
            event_id: format!("i{}", common.id),
            author: author(common.user, Some(common.locale)),
            event,
        };
        Some((inbound, answer))
    }

    /// Where an interaction happened: a private chat, a thread (under its staff
    /// channel), or another channel of the server.
    fn place(&self, c: &Common<'_>) -> Place {
        if c.guild.is_none() {
            return Place::Direct {
                chat: c.channel.to_string(),
            };
        }
        match c
            .partial
            .filter(|p| is_thread(p.kind))
            .and_then(|p| p.parent_id)
        {
            Some(parent) => {
                self.shared.learn_parent(c.channel, Some(parent));
                Place::Thread(ThreadRef {
                    space: parent.to_string(),
                    thread: c.channel.to_string(),
                })
            }
            None => Place::Channel {
                channel: c.channel.to_string(),
            },
        }
    }

    /// The channel a thread is under; `None` for a channel that is not a thread.
    async fn parent(&self, http: &Http, channel: ChannelId) -> Option<ChannelId> {
        if let Some(known) = self.shared.parent_of(channel) {
            return known;
        }
        let parent = match channel.to_channel(http).await {
            Ok(found) => found
                .guild()
                .filter(|c| is_thread(c.kind))
                .and_then(|c| c.parent_id),
            Err(e) => {
                // Not remembered: the next message asks again.
                tracing::warn!(error = %e, %channel, "Discord: cannot tell whether a channel is a thread");
                return None;
            }
        };
        self.shared.learn_parent(channel, parent);
        parent
    }
}

/// Where a message was written, as the helpdesk sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chat {
    /// The private chat between its author and the bot.
    Direct,
    /// A thread under the staff channel `parent`.
    Thread { parent: ChannelId },
}

/// A message as the helpdesk takes it, live or read again after a new session (the
/// same event id, so that it is handled once); `None` for a bot's message, the
/// bot's own included.
pub(crate) fn inbound_of(message: &Message, chat: Chat) -> Option<Inbound> {
    if message.author.bot {
        return None;
    }
    let files = files(message);
    let event = match chat {
        Chat::Direct => Event::DirectMessage {
            chat: message.channel_id.to_string(),
            message_id: message.id.to_string(),
            text: message.content.clone(),
            files,
            reply_to: message
                .message_reference
                .as_ref()
                .and_then(|r| r.message_id)
                .map(|id| id.to_string()),
        },
        Chat::Thread { parent } => Event::ThreadMessage {
            thread: ThreadRef {
                space: parent.to_string(),
                thread: message.channel_id.to_string(),
            },
            message_id: message.id.to_string(),
            text: message.content.clone(),
            files,
        },
    };
    Some(Inbound {
        platform: Platform::Discord,
        event_id: format!("m{}", message.id),
        author: author(&message.author, None),
        event,
    })
}

fn is_thread(kind: ChannelType) -> bool {
    matches!(kind, ChannelType::PublicThread | ChannelType::PrivateThread)
}

fn author(user: &User, locale: Option<&str>) -> Author {
    Author {
        id: user.id.to_string(),
        display_name: user
            .global_name
            .clone()
            .unwrap_or_else(|| user.name.clone()),
        locale: locale.filter(|l| !l.is_empty()).map(str::to_owned),
    }
}

/// A message's files; each named `channel/message/attachment` so that it can be
/// downloaded later through a fresh link (CDN links expire).
fn files(message: &Message) -> Vec<IncomingFile> {
    message
        .attachments
        .iter()
        .map(|a| IncomingFile {
            name: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: Some(u64::from(a.size)),
            reference: format!("{}/{}/{}", message.channel_id, message.id, a.id),
            url: Some(a.url.clone()),
        })
        .collect()
}

/// Hands an event to the helpdesk. The gateway does not send an event twice: keep
/// trying while the helpdesk cannot take it (the database failing over) rather
/// than lose it.
pub(crate) async fn hand_over(sink: &dyn InboundSink, event: Inbound) {
    let mut wait = Duration::from_millis(200);
    loop {
        match sink.handle(event.clone()).await {
            Ok(()) => return,
            Err(e) if e.retryable => {
                tracing::warn!(event = %event.event_id, error = %e, "Discord: event not taken yet; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
            }
            Err(e) => {
                tracing::error!(event = %event.event_id, error = %e, "Discord: event refused");
                return;
            }
        }
    }
}
