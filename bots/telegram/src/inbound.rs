//! Telegram updates as the chat port's events (received by long polling, see
//! `polling`, or by the webhook).

use guichet_chat::{Author, Event, Inbound, IncomingFile, Interaction, Place, Platform, ThreadRef};
use teloxide::types::{AllowedUpdate, Message, Update, UpdateKind, User, UserId};

/// The updates the helpdesk reads: messages and button presses (reactions are
/// asked for too, the port carries them).
pub const ALLOWED_UPDATES: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MessageReaction,
];

/// What an update means for the helpdesk, or `None` when nothing (the bot's own
/// messages, service messages, messages outside topics).
pub fn to_inbound(update: &Update, me: UserId) -> Option<Inbound> {
    // Keys that stay unique: Telegram draws update ids anew after a quiet week.
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
            let event_id = format!("m{chat}:{message_id}");
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
                format!("cb{}", query.id.0),
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

/// How a file came, so it goes out the same way: Telegram refuses a document's
/// file id in `sendPhoto` (and the reverse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Photo,
    Document,
}

impl FileKind {
    /// The port's reference of a Telegram file: `photo:<file_id>`, `document:<file_id>`.
    pub fn reference(self, file_id: &str) -> String {
        match self {
            FileKind::Photo => format!("photo:{file_id}"),
            FileKind::Document => format!("document:{file_id}"),
        }
    }

    /// The kind and the file id of a reference (a bare id is a document).
    pub fn of(reference: &str) -> (FileKind, &str) {
        if let Some(id) = reference.strip_prefix("photo:") {
            (FileKind::Photo, id)
        } else {
            (
                FileKind::Document,
                reference.strip_prefix("document:").unwrap_or(reference),
            )
        }
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
            reference: FileKind::Photo.reference(&photo.file.id.0),
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
            reference: FileKind::Document.reference(&document.file.id.0),
            url: None,
        });
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An update as Telegram writes it (`update_id` first, as teloxide expects).
    fn update(kind: &str, body: serde_json::Value) -> Update {
        serde_json::from_str(&format!("{{\"update_id\":7,\"{kind}\":{body}}}")).unwrap()
    }

    fn from(id: i64) -> serde_json::Value {
        serde_json::json!({ "id": id, "is_bot": false, "first_name": "Iheb", "last_name": "Issaoui", "language_code": "fr" })
    }

    const ME: UserId = UserId(42);

    #[test]
    fn a_private_photo_is_a_direct_message_with_its_largest_size() {
        let event = to_inbound(
            &update("message", serde_json::json!({
                "message_id": 5, "date": 1_739_520_000, "from": from(2001),
                "chat": { "id": 2001, "type": "private", "first_name": "Iheb" },
                "caption": "Voici l'écran",
                "photo": [
                    { "file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 900 },
                    { "file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960, "file_size": 90000 }
                ]
            })),
            ME,
        )
        .unwrap();
        assert_eq!(event.event_id, "m2001:5");
        assert_eq!(
            (event.author.id.as_str(), event.author.display_name.as_str()),
            ("2001", "Iheb Issaoui")
        );
        let Event::DirectMessage {
            chat, text, files, ..
        } = event.event
        else {
            panic!("{:?}", event.event)
        };
        assert_eq!((chat.as_str(), text.as_str()), ("2001", "Voici l'écran"));
        assert_eq!(files.len(), 1);
        assert_eq!(
            (files[0].reference.as_str(), files[0].size),
            ("photo:large", Some(90000))
        );
    }

    #[test]
    fn topic_messages_belong_to_their_thread_and_the_bots_own_are_ignored() {
        let in_topic = |author: serde_json::Value| {
            to_inbound(
                &update(
                    "message",
                    serde_json::json!({
                        "message_id": 9, "date": 1_739_520_000, "from": author,
                        "chat": { "id": -1002000, "type": "supergroup", "title": "Finance", "is_forum": true },
                        "message_thread_id": 77, "is_topic_message": true, "text": "Je regarde"
                    }),
                ),
                ME,
            )
        };
        let event = in_topic(from(3001)).unwrap();
        let Event::ThreadMessage { thread, .. } = event.event else {
            panic!()
        };
        assert_eq!(
            (thread.space.as_str(), thread.thread.as_str()),
            ("-1002000", "77")
        );
        let own = serde_json::json!({ "id": 42, "is_bot": true, "first_name": "Guichet" });
        assert!(in_topic(own).is_none());
    }

    #[test]
    fn a_button_press_carries_its_payload_and_interaction() {
        let event = to_inbound(
            &update(
                "callback_query",
                serde_json::json!({
                    "id": "cb-1", "from": from(2001), "chat_instance": "1", "data": "rate:12:4",
                    "message": {
                        "message_id": 3, "date": 1_739_520_000,
                        "chat": { "id": 2001, "type": "private", "first_name": "Iheb" },
                        "from": { "id": 42, "is_bot": true, "first_name": "Guichet" }, "text": "?"
                    }
                }),
            ),
            ME,
        )
        .unwrap();
        let Event::Button {
            place,
            payload,
            interaction,
        } = event.event
        else {
            panic!()
        };
        assert_eq!(
            place,
            Place::Direct {
                chat: "2001".into()
            }
        );
        assert_eq!(payload, "rate:12:4");
        assert_eq!(interaction.unwrap().id, "cb-1");
    }
}
