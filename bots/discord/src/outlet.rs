//! Carries out the chat port's actions on Discord.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use guichet_chat::text::{clip, split};
use guichet_chat::{
    BoxFuture, Button, ButtonStyle, Card, Delivered, DeliveryError, FileContent, Interaction,
    MessageRef, Outbound, OutgoingFile, Outlet, Platform, Recipient, Refusal, SetupProblem,
    SpaceProblem, ThreadRef,
};
use serenity::all::{
    AutoArchiveDuration, Builder, ChannelId, ChannelType, CreateAttachment,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateThread, EditMessage, EditThread, GuildId, Http, InteractionId, MessageId,
    Nonce, UserId,
};

use crate::refusal::{classify, error_code, permanent, retry};
use crate::render::{self, THREAD_NAME_MAX};
use crate::shared::Shared;
use crate::{MESSAGE_MAX_CHARS, no_pings};

/// Discord's error code for an interaction that was already answered.
const ALREADY_ACKNOWLEDGED: isize = 40060;
/// Longest `nonce` Discord accepts on a message, in characters.
const NONCE_MAX_CHARS: usize = 25;

pub struct DiscordOutlet {
    http: Arc<Http>,
    shared: Arc<Shared>,
    /// Private channels opened with users who never wrote first (a form, a notification).
    dm_channels: Mutex<HashMap<UserId, ChannelId>>,
    /// Users added to threads by this process: adding again is harmless but costs a request.
    members: Mutex<HashSet<(ChannelId, UserId)>>,
    /// Members Discord refused to add, already reported as left out.
    left_out: Mutex<HashSet<(ChannelId, UserId)>>,
    /// Threads' names as last set: Discord allows two renames per ten minutes.
    names: Mutex<HashMap<ChannelId, String>>,
    /// Downloads files from Discord's CDN, to send them on.
    files: reqwest::Client,
    /// The configured server: the staff channels must be in it, the commands
    /// registered there.
    guild: Option<GuildId>,
    /// The names of the slash commands the adapter registers, to check they are.
    commands: Vec<String>,
    /// The bot's own id, to compute its permissions in a channel.
    me: tokio::sync::OnceCell<UserId>,
}

impl DiscordOutlet {
    pub(crate) fn new(
        http: Arc<Http>,
        shared: Arc<Shared>,
        guild: Option<GuildId>,
        commands: Vec<String>,
    ) -> Self {
        DiscordOutlet {
            http,
            shared,
            dm_channels: Mutex::default(),
            members: Mutex::default(),
            left_out: Mutex::default(),
            names: Mutex::default(),
            files: reqwest::Client::new(),
            guild,
            commands,
            me: tokio::sync::OnceCell::new(),
        }
    }

    async fn act(&self, action: &Outbound, key: &str) -> Result<Delivered, DeliveryError> {
        match action {
            Outbound::DirectMessage {
                to,
                text,
                buttons,
                files,
            } => {
                let channel = self.dm_channel(to).await?;
                self.send(channel, key, text, buttons, files).await
            }
            Outbound::Notify { to, text } => {
                let channel = self.dm_channel(to).await?;
                self.send(channel, key, text, &[], &[]).await
            }
            Outbound::RatingPrompt { to, text, payloads } => {
                let stars = stars(payloads);
                let channel = self.dm_channel(to).await?;
                self.send(channel, key, text, &[stars], &[]).await
            }
            Outbound::OpenThread {
                space,
                title,
                card,
                members,
            } => self.open_thread(key, space, title, card, members).await,
            Outbound::PostInThread {
                thread,
                text,
                files,
            } => {
                let channel = id::<ChannelId>(&thread.thread)?;
                self.send(channel, key, text, &[], files).await
            }
            Outbound::UpdateCard {
                thread,
                card_message,
                title,
                card,
                members,
            } => {
                let channel = id::<ChannelId>(&thread.thread)?;
                let Some(card_message) = card_message else {
                    return self.post_missing_card(channel, key, card, members).await;
                };
                self.update_card(channel, card_message, title, card, members)
                    .await
            }
            Outbound::SetThreadOpen { thread, open } => self.set_thread_open(thread, *open).await,
            Outbound::PostInChannel {
                channel,
                text,
                buttons,
            } => {
                let channel = id::<ChannelId>(channel)?;
                self.send(channel, key, text, buttons, &[]).await
            }
            Outbound::OpenForm { interaction, form } => {
                let modal = CreateInteractionResponse::Modal(render::modal(form));
                // A deferred interaction can no longer show a form.
                self.respond(interaction, modal, &form.fallback, true).await
            }
            Outbound::InteractionReply {
                interaction,
                text,
                ephemeral,
            } => self.reply(interaction, text, *ephemeral).await,
        }
    }

    /// Opens a private thread in `space` with the ticket's card and members.
    async fn open_thread(
        &self,
        key: &str,
        space: &str,
        title: &str,
        card: &Card,
        members: &[String],
    ) -> Result<Delivered, DeliveryError> {
        let space_id = id::<ChannelId>(space)?;
        let name = clip(title, THREAD_NAME_MAX);
        let thread = space_id
            .create_thread(
                &self.http,
                CreateThread::new(name.clone())
                    .kind(ChannelType::PrivateThread)
                    .invitable(false)
                    .auto_archive_duration(AutoArchiveDuration::OneWeek),
            )
            .await
            .map_err(classify)?;
        self.shared.learn_parent(thread.id, Some(space_id));
        self.remember_name(thread.id, name);
        // The thread exists now: failing the action would open another one on
        // retry. What did not go is reported and left out.
        let card = match self.post_card(thread.id, key, card).await {
            Ok(posted) => Some(posted),
            Err(error) => {
                tracing::warn!(%error, thread = %thread.id, "Discord: thread opened without its card");
                None
            }
        };
        let left_out = self.add_members(thread.id, members).await;
        Ok(Delivered {
            thread: Some(ThreadRef {
                space: space.to_owned(),
                thread: thread.id.to_string(),
            }),
            message: card,
            left_out,
        })
    }

    /// The thread's card never went: posts it now, with the key (and so the nonce)
    /// of the first try.
    async fn post_missing_card(
        &self,
        channel: ChannelId,
        key: &str,
        card: &Card,
        members: &[String],
    ) -> Result<Delivered, DeliveryError> {
        let posted = self.post_card(channel, key, card).await?;
        let left_out = self.add_members(channel, members).await;
        Ok(Delivered {
            thread: None,
            message: Some(posted),
            left_out,
        })
    }

    /// Edits the thread's card, renames the thread to `title` and adds the members.
    async fn update_card(
        &self,
        channel: ChannelId,
        card_message: &str,
        title: &str,
        card: &Card,
        members: &[String],
    ) -> Result<Delivered, DeliveryError> {
        let (embed, rows) = render::card(card);
        let message = id::<MessageId>(card_message)?;
        channel
            .edit_message(
                &self.http,
                message,
                EditMessage::new()
                    .embed(embed)
                    .components(rows)
                    .allowed_mentions(no_pings()),
            )
            .await
            .map_err(classify)?;
        self.rename(channel, title).await?;
        let left_out = self.add_members(channel, members).await;
        Ok(Delivered {
            left_out,
            ..Delivered::default()
        })
    }

    /// Archives a thread, or takes it out of the archive.
    async fn set_thread_open(
        &self,
        thread: &ThreadRef,
        open: bool,
    ) -> Result<Delivered, DeliveryError> {
        let channel = id::<ChannelId>(&thread.thread)?;
        channel
            .edit_thread(&self.http, EditThread::new().archived(!open))
            .await
            .map_err(classify)?;
        Ok(Delivered::default())
    }

    /// Answers an interaction with a message.
    async fn reply(
        &self,
        interaction: &Interaction,
        text: &str,
        ephemeral: bool,
    ) -> Result<Delivered, DeliveryError> {
        let message = CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .content(clip(text, MESSAGE_MAX_CHARS))
                .allowed_mentions(no_pings())
                .ephemeral(ephemeral),
        );
        self.respond(interaction, message, text, ephemeral).await
    }

    /// Answers an interaction; once it was answered (deferred because the helpdesk
    /// took long), the answer becomes a follow-up message with `text`.
    async fn respond(
        &self,
        interaction: &Interaction,
        response: CreateInteractionResponse,
        text: &str,
        ephemeral: bool,
    ) -> Result<Delivered, DeliveryError> {
        let interaction_id = id::<InteractionId>(&interaction.id)?;
        let token = interaction.token.as_str();
        if !self.shared.take_deferred(interaction_id) {
            match response.execute(&self.http, (interaction_id, token)).await {
                Ok(()) => return Ok(Delivered::default()),
                Err(e) if error_code(&e) == Some(ALREADY_ACKNOWLEDGED) => {}
                Err(e) => return Err(classify(e)),
            }
        }
        CreateInteractionResponseFollowup::new()
            .content(clip(text, MESSAGE_MAX_CHARS))
            .allowed_mentions(no_pings())
            .ephemeral(ephemeral)
            .execute(&self.http, (None, token))
            .await
            .map_err(classify)?;
        Ok(Delivered::default())
    }

    /// The private channel with a user: known from their messages, or opened now.
    async fn dm_channel(&self, to: &Recipient) -> Result<ChannelId, DeliveryError> {
        if let Some(chat) = &to.chat {
            return id(chat);
        }
        let user = id::<UserId>(&to.user)?;
        if let Some(channel) = lock(&self.dm_channels).get(&user) {
            return Ok(*channel);
        }
        let channel = user
            .create_dm_channel(&self.http)
            .await
            .map_err(classify)?
            .id;
        lock(&self.dm_channels).insert(user, channel);
        Ok(channel)
    }

    /// Sends a text in pieces of at most 2000 characters, in order; the buttons and
    /// the files go with the last piece. Returns the last message. Each piece has
    /// its nonce, so an action retried after some pieces went (or after an answer
    /// that never came) adds no second copy of them.
    async fn send(
        &self,
        channel: ChannelId,
        key: &str,
        text: &str,
        buttons: &[Vec<Button>],
        files: &[OutgoingFile],
    ) -> Result<Delivered, DeliveryError> {
        let mut pieces = split(text, MESSAGE_MAX_CHARS);
        if text.is_empty() && !files.is_empty() {
            pieces.clear();
        }
        let mut attachments = Vec::with_capacity(files.len());
        for file in files {
            let bytes = match &file.content {
                FileContent::Bytes(bytes) => bytes.clone(),
                FileContent::Reference(reference) => self.download(reference).await?,
            };
            attachments.push(CreateAttachment::bytes(bytes, file.name.clone()));
        }
        let last = pieces.len().saturating_sub(1);
        let mut sent = None;
        for (i, piece) in pieces.iter().enumerate() {
            let mut message = create(key, i).content(piece.clone());
            if i == last {
                message = message
                    .components(render::buttons(buttons))
                    .add_files(std::mem::take(&mut attachments));
            }
            sent = Some(
                channel
                    .send_message(&self.http, message)
                    .await
                    .map_err(classify)?,
            );
        }
        if pieces.is_empty() {
            let message = create(key, 0)
                .components(render::buttons(buttons))
                .add_files(attachments);
            sent = Some(
                channel
                    .send_message(&self.http, message)
                    .await
                    .map_err(classify)?,
            );
        }
        Ok(Delivered {
            thread: None,
            message: sent.map(|m| MessageRef {
                chat: channel.to_string(),
                message: m.id.to_string(),
            }),
            ..Delivered::default()
        })
    }

    /// Downloads an attachment named `channel/message/attachment`. CDN links expire:
    /// the message is read again for a fresh one.
    async fn download(&self, reference: &str) -> Result<Vec<u8>, DeliveryError> {
        let mut parts = reference.split('/');
        let (Some(channel), Some(message), Some(attachment), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(permanent(format!(
                "not a Discord file reference: {reference}"
            )));
        };
        let channel = id::<ChannelId>(channel)?;
        let message = channel
            .message(&self.http, id::<MessageId>(message)?)
            .await
            .map_err(classify)?;
        let file = message
            .attachments
            .iter()
            .find(|a| a.id.to_string() == attachment)
            .ok_or_else(|| permanent(format!("attachment {reference} is gone")))?;
        // Not `Attachment::download`: it takes an error page for the file.
        let response = self
            .files
            .get(&file.url)
            .send()
            .await
            .map_err(|e| retry(format!("Discord's CDN unreachable: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            let reason = format!("Discord's CDN answered {status} for {}", file.filename);
            return Err(if status.is_server_error() {
                retry(reason)
            } else {
                permanent(reason)
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| retry(format!("downloading {}: {e}", file.filename)))?;
        Ok(bytes.to_vec())
    }

    async fn rename(&self, thread: ChannelId, title: &str) -> Result<(), DeliveryError> {
        let name = clip(title, THREAD_NAME_MAX);
        let known = lock(&self.names).get(&thread).cloned();
        let current = match known {
            Some(current) => current,
            None => match thread
                .to_channel(&self.http)
                .await
                .map_err(classify)?
                .guild()
            {
                Some(channel) => channel.name,
                None => return Ok(()),
            },
        };
        if current != name {
            thread
                .edit_thread(&self.http, EditThread::new().name(name.clone()))
                .await
                .map_err(classify)?;
        }
        self.remember_name(thread, name);
        Ok(())
    }

    fn remember_name(&self, thread: ChannelId, name: String) {
        lock(&self.names).insert(thread, name);
    }

    /// Posts a thread's card, with the nonce `{key}.card`.
    async fn post_card(
        &self,
        thread: ChannelId,
        key: &str,
        card: &guichet_chat::Card,
    ) -> Result<MessageRef, DeliveryError> {
        let (embed, rows) = render::card(card);
        let message = create(key, "card").embed(embed).components(rows);
        let posted = thread
            .send_message(&self.http, message)
            .await
            .map_err(classify)?;
        Ok(MessageRef {
            chat: thread.to_string(),
            message: posted.id.to_string(),
        })
    }

    /// Adds the members to a thread that exists now. A member Discord refuses (the
    /// bot lacks Manage Threads for a thread that is not invitable) is left out and
    /// returned, the first time only (in this process): failing the action would
    /// create its thread or card again, or hold the card back.
    async fn add_members(&self, thread: ChannelId, members: &[String]) -> Vec<String> {
        let mut left_out = Vec::new();
        for member in members {
            let Ok(user) = id::<UserId>(member) else {
                continue;
            };
            if lock(&self.members).contains(&(thread, user)) {
                continue;
            }
            match thread.add_thread_member(&self.http, user).await {
                Ok(()) => {
                    lock(&self.members).insert((thread, user));
                    lock(&self.left_out).remove(&(thread, user));
                }
                Err(e) => {
                    let error = classify(e);
                    // A refusal for want of a right is said once; anything else
                    // (a 5xx, a limit) is tried again at the next card update.
                    if error.refusal() != Some(Refusal::MissingRight) {
                        tracing::warn!(%error, %thread, %user, "Discord: a member could not be added to the thread; tried again at the next update");
                    } else if lock(&self.left_out).insert((thread, user)) {
                        tracing::warn!(%error, %thread, %user, "Discord: a member could not be added to the thread");
                        left_out.push(member.clone());
                    }
                }
            }
        }
        left_out
    }
}

impl Outlet for DiscordOutlet {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn deliver<'a>(
        &'a self,
        action: &'a Outbound,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>> {
        Box::pin(self.act(action, key))
    }

    fn inspect_space<'a>(
        &'a self,
        space: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SpaceProblem>, DeliveryError>> {
        Box::pin(crate::inspect::space(
            &self.http, &self.me, self.guild, space,
        ))
    }

    fn inspect_setup(&self) -> BoxFuture<'_, Result<Vec<SetupProblem>, DeliveryError>> {
        Box::pin(crate::inspect::setup(
            &self.http,
            self.guild,
            &self.commands,
        ))
    }

    fn fetch_file<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, DeliveryError>> {
        Box::pin(self.download(reference))
    }
}

/// A row of one to five stars, one button per rating.
fn stars(payloads: &[String; 5]) -> Vec<Button> {
    payloads
        .iter()
        .enumerate()
        .map(|(i, payload)| Button {
            label: "⭐".repeat(i + 1),
            payload: payload.clone(),
            style: ButtonStyle::Secondary,
        })
        .collect()
}

/// A message to create, made idempotent: Discord returns the message it already
/// created with this author and `nonce` in the past few minutes instead of a new one
/// (`enforce_nonce`). `part` tells the messages of one action apart (`g1234.0`,
/// `g1234.1`, `g1234.card`); the port keeps `key` short enough for both.
fn create(key: &str, part: impl std::fmt::Display) -> CreateMessage {
    CreateMessage::new()
        .nonce(Nonce::String(nonce(key, part)))
        .enforce_nonce(true)
        .allowed_mentions(no_pings())
}

/// `{key}.{part}`, within Discord's 25 characters: a longer key than the port
/// promises loses its start, the row's number being at its end.
fn nonce(key: &str, part: impl std::fmt::Display) -> String {
    let suffix = format!(".{part}");
    let room = NONCE_MAX_CHARS.saturating_sub(suffix.chars().count());
    let kept = key.chars().count().saturating_sub(room);
    key.chars()
        .skip(kept)
        .chain(suffix.chars())
        .take(NONCE_MAX_CHARS)
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A Discord id from the text the helpdesk keeps.
fn id<T: From<u64>>(text: &str) -> Result<T, DeliveryError> {
    u64::from_str(text.trim())
        .ok()
        .filter(|n| *n != 0)
        .map(T::from)
        .ok_or_else(|| permanent(format!("not a Discord id: {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::nonce;

    #[test]
    fn nonces_fit_discords_25_characters_and_keep_the_row() {
        assert_eq!(nonce("g1234", 0), "g1234.0");
        assert_eq!(
            nonce("g12345678901234567890", "card"),
            "12345678901234567890.card"
        );
        let long = nonce("abcdefghijklmnopqrstuvwxyz", 12);
        assert_eq!(long.len(), 25);
        assert!(long.ends_with("z.12"));
    }
}
