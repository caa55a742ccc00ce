//! The chat port's actions, carried out through the Bot API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use guichet_chat::{
    BoxFuture, Button, Card, Delivered, DeliveryError, FileContent, MessageRef, Outbound,
    OutgoingFile, Outlet, Platform, Recipient, SpaceProblem, ThreadRef,
};
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::payloads::{EditMessageTextSetters, SendDocumentSetters, SendMessageSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, FileId, InputFile, MessageId, ThreadId};

use crate::card::{draw, keyboard};
use crate::inbound::FileKind;
use crate::limits::{Limiter, Limits};
use crate::refusal::classify;
use crate::text::{
    CAPTION_MAX_CHARS, MESSAGE_MAX_CHARS, TOPIC_NAME_MAX_CHARS, clip, redact_token, split,
};

/// Sends what the helpdesk asks, on Telegram.
#[derive(Clone)]
pub struct TelegramOutlet {
    bot: teloxide::Bot,
    /// Every request that posts into a chat waits for its turn here.
    limiter: Limiter,
    /// The bot's own id, from `getMe`, to ask what it may do in a group.
    me: Arc<tokio::sync::OnceCell<teloxide::types::UserId>>,
    /// What this process last wrote in each card and topic name. Telegram refuses
    /// an edit that changes nothing, and the refusal still costs a request from the
    /// group's budget of twenty a minute: an unchanged card or name is not sent.
    written: Arc<Mutex<Written>>,
}

#[derive(Default)]
struct Written {
    /// (chat, card message) → the card's text and keyboard, as last sent.
    cards: HashMap<(i64, i32), String>,
    /// (chat, topic) → the topic's name, as last set.
    names: HashMap<(i64, i32), String>,
}

impl TelegramOutlet {
    /// With Telegram's documented limits.
    pub fn new(bot: teloxide::Bot) -> Self {
        Self::with_limits(bot, Limits::default())
    }

    pub fn with_limits(bot: teloxide::Bot, limits: Limits) -> Self {
        TelegramOutlet {
            bot,
            limiter: Limiter::new(limits),
            me: Arc::default(),
            written: Arc::default(),
        }
    }

    /// Sends a request into `chat` in its turn; a 429 holds the chat as long as
    /// Telegram asks, for every sender of this bot.
    ///
    /// A turn further off than a few seconds is not waited for: the row goes back to
    /// the outbox until then, without counting as a failed attempt, so a busy group
    /// holds neither the delivery round nor its lease.
    async fn limited<F, T>(&self, chat: ChatId, request: F) -> Result<T, Sending>
    where
        F: std::future::IntoFuture<Output = Result<T, RequestError>>,
    {
        let counted = self
            .limiter
            .turn_within(chat.0, PATIENCE)
            .await
            .map_err(Sending::Later)?;
        let result = request.await;
        self.limiter.sent(chat.0, counted).await;
        if let Err(RequestError::RetryAfter(wait)) = &result {
            self.limiter.hold(chat.0, wait.duration()).await;
        }
        result.map_err(Sending::Failed)
    }

    async fn act(&self, action: &Outbound) -> Result<Delivered, DeliveryError> {
        match action {
            Outbound::DirectMessage {
                to,
                text,
                buttons,
                files,
            } => {
                let chat = private_chat(to)?;
                let message = self.send(chat, None, text, buttons, files).await?;
                Ok(sent(chat, message))
            }
            Outbound::Notify { to, text } => {
                let chat = private_chat(to)?;
                let message = self.send(chat, None, text, &[], &[]).await?;
                Ok(sent(chat, message))
            }
            Outbound::RatingPrompt { to, text, payloads } => {
                let chat = private_chat(to)?;
                let message = self.send(chat, None, text, &stars(payloads), &[]).await?;
                Ok(sent(chat, message))
            }
            Outbound::OpenThread {
                space, title, card, ..
            } => self.open_topic(space, title, card).await,
            Outbound::PostInThread {
                thread,
                text,
                files,
            } => {
                let (chat, topic) = topic(thread)?;
                let message = self.send(chat, Some(topic), text, &[], files).await?;
                Ok(sent(chat, message))
            }
            Outbound::UpdateCard {
                thread,
                card_message,
                title,
                card,
                ..
            } => {
                self.update_card(thread, card_message.as_deref(), title, card)
                    .await
            }
            Outbound::SetThreadOpen { thread, open } => self.set_topic_open(thread, *open).await,
            Outbound::PostInChannel {
                channel,
                text,
                buttons,
            } => {
                let chat = chat_id(channel)?;
                let message = self.send(chat, None, text, buttons, &[]).await?;
                Ok(sent(chat, message))
            }
            // Telegram has no forms: the interaction is answered with the fallback.
            Outbound::OpenForm { interaction, form } => {
                self.answer_callback(interaction, &form.fallback).await
            }
            Outbound::InteractionReply {
                interaction, text, ..
            } => self.answer_callback(interaction, text).await,
        }
    }

    /// Opens a forum topic in `space` and posts the ticket's card in it.
    async fn open_topic(
        &self,
        space: &str,
        title: &str,
        card: &Card,
    ) -> Result<Delivered, DeliveryError> {
        let chat = chat_id(space)?;
        let name = clip(title, TOPIC_NAME_MAX_CHARS);
        let topic = self
            .limited(chat, self.bot.create_forum_topic(chat, name.clone()))
            .await
            .map_err(DeliveryError::from)?;
        let thread = topic.thread_id;
        self.remember(|w| &mut w.names, (chat.0, thread.0.0), name);
        // The topic exists now: failing the whole action would open another
        // one on retry. A card that did not go is reported and left out.
        let message = match self.post_card(chat, thread, card).await {
            Ok(message) => Some(MessageRef {
                chat: space.to_owned(),
                message: message.id.0.to_string(),
            }),
            Err(e) => {
                let error = DeliveryError::from(e);
                tracing::warn!(%error, topic = thread.0.0, "Telegram: topic opened without its card");
                None
            }
        };
        Ok(Delivered {
            thread: Some(ThreadRef {
                space: space.to_owned(),
                thread: thread.0.0.to_string(),
            }),
            message,
            ..Delivered::default()
        })
    }

    /// Brings a topic's card and name up to date; a card that never went is
    /// posted now.
    async fn update_card(
        &self,
        thread: &ThreadRef,
        card_message: Option<&str>,
        title: &str,
        card: &Card,
    ) -> Result<Delivered, DeliveryError> {
        let (chat, topic) = topic(thread)?;
        let Some(card_message) = card_message else {
            // The topic's card never went: post it now.
            let message = self.post_card(chat, topic, card).await?;
            return Ok(sent(chat, message.id));
        };
        self.edit_card(chat, card_message, card).await?;
        self.rename(chat, topic, title).await?;
        Ok(Delivered::default())
    }

    /// Edits a topic's card, unless it already shows `card`.
    async fn edit_card(
        &self,
        chat: ChatId,
        card_message: &str,
        card: &Card,
    ) -> Result<(), DeliveryError> {
        let id = MessageId(
            card_message
                .parse()
                .map_err(|_| invalid("card message id", card_message))?,
        );
        let (text, keyboard, drawn) = draw(card);
        if self.changed(|w| &mut w.cards, (chat.0, id.0), &drawn) {
            let edit = self
                .bot
                .edit_message_text(chat, id, text)
                .reply_markup(keyboard);
            let edited = self.limited(chat, edit).await;
            unchanged_is_fine(edited.map(drop)).map_err(DeliveryError::from)?;
            self.remember(|w| &mut w.cards, (chat.0, id.0), drawn);
        }
        Ok(())
    }

    /// Names a topic after `title`, unless it already is.
    async fn rename(
        &self,
        chat: ChatId,
        topic: ThreadId,
        title: &str,
    ) -> Result<(), DeliveryError> {
        let name = clip(title, TOPIC_NAME_MAX_CHARS);
        if self.changed(|w| &mut w.names, (chat.0, topic.0.0), &name) {
            use teloxide::payloads::EditForumTopicSetters;
            let rename = self.bot.edit_forum_topic(chat, topic).name(name.clone());
            let renamed = self.limited(chat, rename).await;
            unchanged_is_fine(renamed.map(drop)).map_err(DeliveryError::from)?;
            self.remember(|w| &mut w.names, (chat.0, topic.0.0), name);
        }
        Ok(())
    }

    /// Closes a topic, or reopens it.
    async fn set_topic_open(
        &self,
        thread: &ThreadRef,
        open: bool,
    ) -> Result<Delivered, DeliveryError> {
        let (chat, topic) = topic(thread)?;
        let done = if open {
            self.limited(chat, self.bot.reopen_forum_topic(chat, topic))
                .await
        } else {
            self.limited(chat, self.bot.close_forum_topic(chat, topic))
                .await
        };
        unchanged_is_fine(done.map(drop)).map_err(DeliveryError::from)?;
        Ok(Delivered::default())
    }

    /// Posts a topic's card, and remembers what it shows.
    async fn post_card(
        &self,
        chat: ChatId,
        topic: ThreadId,
        card: &Card,
    ) -> Result<teloxide::types::Message, Sending> {
        let (text, keyboard, drawn) = draw(card);
        let post = self
            .bot
            .send_message(chat, text)
            .message_thread_id(topic)
            .reply_markup(keyboard);
        let message = self.limited(chat, post).await?;
        self.remember(|w| &mut w.cards, (chat.0, message.id.0), drawn);
        Ok(message)
    }

    /// Whether `value` differs from what this process last wrote at `key`.
    fn changed(
        &self,
        table: impl Fn(&mut Written) -> &mut HashMap<(i64, i32), String>,
        key: (i64, i32),
        value: &str,
    ) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        table(&mut written)
            .get(&key)
            .is_none_or(|last| last != value)
    }

    fn remember(
        &self,
        table: impl Fn(&mut Written) -> &mut HashMap<(i64, i32), String>,
        key: (i64, i32),
        value: String,
    ) {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        table(&mut written).insert(key, value);
    }

    async fn answer_callback(
        &self,
        interaction: &guichet_chat::Interaction,
        text: &str,
    ) -> Result<Delivered, DeliveryError> {
        use teloxide::payloads::AnswerCallbackQuerySetters;
        // Callback answers show at most 200 characters.
        self.bot
            .answer_callback_query(teloxide::types::CallbackQueryId(interaction.id.clone()))
            .text(clip(text, 200))
            .await
            .map_err(classify)?;
        Ok(Delivered::default())
    }

    /// Sends a text (split at Telegram's limit, the buttons on the last piece), then
    /// the files. Returns the id of the last message sent.
    async fn send(
        &self,
        chat: ChatId,
        topic: Option<ThreadId>,
        text: &str,
        buttons: &[Vec<Button>],
        files: &[OutgoingFile],
    ) -> Result<MessageId, DeliveryError> {
        let mut last = None;
        if !text.is_empty() || files.is_empty() {
            let pieces = split(text, MESSAGE_MAX_CHARS);
            let n = pieces.len();
            for (i, piece) in pieces.into_iter().enumerate() {
                let mut request = self.bot.send_message(chat, piece);
                if let Some(topic) = topic {
                    request = request.message_thread_id(topic);
                }
                if i + 1 == n && !buttons.is_empty() {
                    request = request.reply_markup(keyboard(buttons));
                }
                last = Some(
                    self.limited(chat, request)
                        .await
                        .map_err(DeliveryError::from)?
                        .id,
                );
            }
        }
        for file in files {
            let caption = clip(&file.name, CAPTION_MAX_CHARS);
            // A file Telegram holds goes back the way it came; bytes from the other
            // platform go as a document, which takes any type and size.
            let (kind, input) = match &file.content {
                FileContent::Reference(reference) => {
                    let (kind, id) = FileKind::of(reference);
                    (kind, InputFile::file_id(FileId(id.to_owned())))
                }
                FileContent::Bytes(bytes) => (
                    FileKind::Document,
                    InputFile::memory(bytes.clone()).file_name(file.name.clone()),
                ),
            };
            let sent = if kind == FileKind::Photo {
                use teloxide::payloads::SendPhotoSetters;
                let mut request = self.bot.send_photo(chat, input).caption(caption);
                if let Some(topic) = topic {
                    request = request.message_thread_id(topic);
                }
                self.limited(chat, request).await
            } else {
                let mut request = self.bot.send_document(chat, input).caption(caption);
                if let Some(topic) = topic {
                    request = request.message_thread_id(topic);
                }
                self.limited(chat, request).await
            };
            last = Some(sent.map_err(DeliveryError::from)?.id);
        }
        last.ok_or_else(|| invalid("message", "nothing to send"))
    }
}

impl Outlet for TelegramOutlet {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn deliver<'a>(
        &'a self,
        action: &'a Outbound,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>> {
        let _ = key; // Telegram has no idempotency key.
        Box::pin(self.act(action))
    }

    fn inspect_space<'a>(
        &'a self,
        space: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SpaceProblem>, DeliveryError>> {
        Box::pin(crate::inspect::space(&self.bot, &self.me, space))
    }

    fn fetch_file<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, DeliveryError>> {
        Box::pin(async move {
            use teloxide::net::Download;
            let (_, id) = FileKind::of(reference);
            let file = self
                .bot
                .get_file(FileId(id.to_owned()))
                .await
                .map_err(classify)?;
            let mut bytes = Vec::new();
            self.bot
                .download_file(&file.path, &mut bytes)
                .await
                .map_err(|e| DeliveryError::Retry {
                    after: None,
                    reason: format!("download failed: {}", redact_token(&e.to_string())),
                })?;
            Ok(bytes)
        })
    }
}

/// Five star buttons, one per rating. They do not fit on one phone-wide row:
/// 1-2-3, then 4-5.
fn stars(payloads: &[String; 5]) -> Vec<Vec<Button>> {
    let stars: Vec<Button> = payloads
        .iter()
        .enumerate()
        .map(|(i, payload)| Button {
            label: "⭐".repeat(i + 1),
            payload: payload.clone(),
            style: guichet_chat::ButtonStyle::Secondary,
        })
        .collect();
    vec![stars[..3].to_vec(), stars[3..].to_vec()]
}

/// Editing to what is already there is not a failure.
fn unchanged_is_fine(result: Result<(), Sending>) -> Result<(), Sending> {
    match result {
        Err(Sending::Failed(RequestError::Api(ApiError::MessageNotModified))) => Ok(()),
        Err(Sending::Failed(RequestError::Api(ApiError::Unknown(text))))
            if text.contains("NOT_MODIFIED") =>
        {
            Ok(())
        }
        other => other,
    }
}

/// How long a send may wait for its turn before going back to the outbox.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// Why a limited request did not go through.
enum Sending {
    /// Its turn is this far off.
    Later(std::time::Duration),
    Failed(RequestError),
}

impl From<Sending> for DeliveryError {
    fn from(sending: Sending) -> Self {
        match sending {
            Sending::Later(after) => DeliveryError::Later { after },
            Sending::Failed(error) => classify(error),
        }
    }
}

/// An id the helpdesk handed over that Telegram cannot mean: no retry will help.
fn invalid(what: &str, value: &str) -> DeliveryError {
    DeliveryError::refused(format!("invalid Telegram {what}: {value:?}"))
}

fn chat_id(text: &str) -> Result<ChatId, DeliveryError> {
    text.trim()
        .parse::<i64>()
        .map(ChatId)
        .map_err(|_| invalid("chat id", text))
}

/// A private chat's id is the user's id on Telegram.
fn private_chat(to: &Recipient) -> Result<ChatId, DeliveryError> {
    chat_id(to.chat.as_deref().unwrap_or(&to.user))
}

fn topic(thread: &ThreadRef) -> Result<(ChatId, ThreadId), DeliveryError> {
    let id: i32 = thread
        .thread
        .parse()
        .map_err(|_| invalid("topic id", &thread.thread))?;
    Ok((chat_id(&thread.space)?, ThreadId(MessageId(id))))
}

fn sent(chat: ChatId, message: MessageId) -> Delivered {
    Delivered {
        thread: None,
        message: Some(MessageRef {
            chat: chat.0.to_string(),
            message: message.0.to_string(),
        }),
        ..Delivered::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_chat::Refusal;

    #[test]
    fn retry_after_comes_back_later_and_refusals_are_final() {
        let retry = classify(RequestError::RetryAfter(
            teloxide::types::Seconds::from_seconds(7),
        ));
        assert!(matches!(retry, DeliveryError::Later { after } if after.as_secs() == 7));
        let blocked = classify(RequestError::Api(ApiError::BotBlocked));
        assert_eq!(blocked.refusal(), Some(Refusal::Unreachable));
        let no_rights = classify(RequestError::Api(ApiError::Unknown(
            "Bad Request: not enough rights to create a topic".into(),
        )));
        assert_eq!(no_rights.refusal(), Some(Refusal::MissingRight));
    }
}
