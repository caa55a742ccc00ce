//! Telegram updates as the chat port's events, received by teloxide's dispatcher
//! (long polling) and handed to the helpdesk.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use guichet_chat::{
    Author, Event, Inbound, InboundSink, IncomingFile, Interaction, Place, Platform, ThreadRef,
};
use teloxide::dispatching::{Dispatcher, UpdateFilterExt};
use teloxide::dptree;
use teloxide::types::{AllowedUpdate, Message, Update, UpdateKind, User, UserId};
use teloxide::update_listeners::Polling;

/// The updates the helpdesk reads: messages and button presses (reactions are
/// asked for too, the port carries them).
pub const ALLOWED_UPDATES: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MessageReaction,
];

/// How long a shutting-down dispatcher may take to finish the update in hand.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Receives updates by long polling until `shutdown` resolves, handing each to
/// `sink`. The engine stores an update before this returns, so an update is lost
/// only if the engine refuses it for good (then it is logged).
pub async fn run_polling(
    bot: teloxide::Bot,
    sink: Arc<dyn InboundSink>,
    shutdown: impl Future<Output = ()>,
) {
    use teloxide::prelude::Requester;
    let me = match bot.get_me().await {
        Ok(me) => me.user.id,
        Err(e) => {
            let error = crate::text::redact_token(&e.to_string());
            tracing::error!(%error, "Telegram: cannot read the bot's own account; not receiving");
            return;
        }
    };
    let handler = dptree::entry()
        .branch(Update::filter_message().endpoint(handle))
        .branch(Update::filter_callback_query().endpoint(handle));
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler)
        .dependencies(dptree::deps![sink, me])
        .default_handler(|_| async {})
        .build();
    let token = dispatcher.shutdown_token();
    let listener = Polling::builder(bot)
        // Short enough for a prompt stop, long enough not to hammer the Bot API.
        .timeout(Duration::from_secs(10))
        .allowed_updates(ALLOWED_UPDATES.to_vec())
        .build();
    let error_handler =
        teloxide::error_handlers::LoggingErrorHandler::with_custom_text("Telegram polling");
    let mut running = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(listener, error_handler)
            .await;
    });
    tokio::select! {
        _ = &mut running => return,
        () = shutdown => {}
    }
    // Asked, not awaited: awaiting a dispatcher that already stopped never returns.
    if token.shutdown().is_err() {
        running.abort();
    }
    if tokio::time::timeout(STOP_GRACE, running).await.is_err() {
        tracing::warn!("Telegram: the dispatcher did not stop in time");
    }
    tracing::info!("Telegram: stopped receiving");
}

/// Hands one update to the helpdesk, retrying while it says the failure is passing.
async fn handle(
    update: Update,
    me: UserId,
    sink: Arc<dyn InboundSink>,
) -> Result<(), std::convert::Infallible> {
    let Some(event) = to_inbound(&update, me) else {
        return Ok(());
    };
    let mut wait = Duration::from_millis(200);
    for attempt in 1..=6 {
        match sink.handle(event.clone()).await {
            Ok(()) => return Ok(()),
            Err(e) if e.retryable && attempt < 6 => {
                tracing::warn!(update = update.id.0, attempt, error = %e, "Telegram: update not taken; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(update = update.id.0, error = %e, "Telegram: update dropped");
                return Ok(());
            }
        }
    }
    Ok(())
}

/// What an update means for the helpdesk, or `None` when nothing (the bot's own
/// messages, service messages, messages outside topics).
pub fn to_inbound(update: &Update, me: UserId) -> Option<Inbound> {
    let event_id = format!("u{}", update.id.0);
    match &update.kind {
        UpdateKind::Message(message) => {
            let from = message.from.as_ref().filter(|u| u.id != me)?;
            let text = message
                .text()
                .or(message.caption())
                .unwrap_or_default()
                .to_owned();
            let files = files(message);
            if text.is_empty() && files.is_empty() {
                return None;
            }
            let chat = message.chat.id.0.to_string();
            let message_id = message.id.0.to_string();
            let event = if message.chat.is_private() {
                Event::DirectMessage {
                    chat,
                    message_id,
                    text,
                    files,
                    reply_to: message.reply_to_message().map(|m| m.id.0.to_string()),
                }
            } else {
                let thread = message.thread_id.filter(|_| message.is_topic_message)?;
                Event::ThreadMessage {
                    thread: ThreadRef {
                        space: chat,
                        thread: thread.0.0.to_string(),
                    },
                    message_id,
                    text,
                    files,
                }
            };
            Some(inbound(event_id, from, event))
        }
        UpdateKind::CallbackQuery(query) => {
            let payload = query.data.clone()?;
            let message = query.regular_message()?;
            let chat = message.chat.id.0.to_string();
            let place = if message.chat.is_private() {
                Place::Direct { chat }
            } else {
                let thread = message.thread_id?;
                Place::Thread(ThreadRef {
                    space: chat,
                    thread: thread.0.0.to_string(),
                })
            };
            let interaction = Interaction {
                id: query.id.0.clone(),
                token: String::new(),
            };
            Some(inbound(
                event_id,
                &query.from,
                Event::Button {
                    place,
                    payload,
                    interaction: Some(interaction),
                },
            ))
        }
        _ => None,
    }
}

fn inbound(event_id: String, from: &User, event: Event) -> Inbound {
    Inbound {
        platform: Platform::Telegram,
        event_id,
        author: Author {
            id: from.id.0.to_string(),
            display_name: from.full_name(),
            locale: from.language_code.clone(),
        },
        event,
    }
}

/// A photo (its largest size) or a document, by Telegram's file id.
fn files(message: &Message) -> Vec<IncomingFile> {
    let mut files = Vec::new();
    if let Some(photo) = message
        .photo()
        .and_then(|sizes| sizes.iter().max_by_key(|p| p.width * p.height))
    {
        files.push(IncomingFile {
            name: "photo.jpg".into(),
            content_type: Some("image/jpeg".into()),
            size: Some(u64::from(photo.file.size)),
            reference: photo.file.id.0.clone(),
            url: None,
        });
    }
    if let Some(document) = message.document() {
        files.push(IncomingFile {
            name: document
                .file_name
                .clone()
                .unwrap_or_else(|| "document".into()),
            content_type: document.mime_type.as_ref().map(ToString::to_string),
            size: Some(u64::from(document.file.size)),
            reference: document.file.id.0.clone(),
            url: None,
        });
    }
    files
}
