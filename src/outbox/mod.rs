//! The durable outbox: what to send is written as rows in the same transaction as
//! the change that caused it; the [`dispatcher`] delivers them afterwards, in order
//! per conversation, with retries, backoff and dead letters. A crash or a platform
//! outage therefore loses nothing, and a row acknowledged is never sent again.

mod backoff;
pub mod dispatcher;

use chrono::{DateTime, Utc};
use guichet_chat::{Button, Form, Interaction};
use serde::{Deserialize, Serialize};

use crate::domain::{Platform, TicketId};
use crate::store::outbox::{Channel, NewRow};
use crate::store::{self, Conn, StoreError};

/// One thing to send, with its targets named by the helpdesk's ids: the dispatcher
/// turns them into platform ids when it delivers (a thread created meanwhile, a
/// ticket's current card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Envelope {
    /// A direct message to a user; `about` links it to a ticket so that a reply to it
    /// reaches that ticket. `notify` asks the platform to make it stand out.
    Direct {
        user: i64,
        text: String,
        #[serde(default)]
        buttons: Vec<Vec<Button>>,
        /// Attachment ids.
        #[serde(default)]
        files: Vec<i64>,
        about: Option<i64>,
        #[serde(default)]
        notify: bool,
    },
    /// The five star buttons for a resolved ticket.
    RatingPrompt {
        user: i64,
        ticket: i64,
        text: String,
    },
    /// Creates a planned thread (`plan`: its `ticket_threads` row) in its team's
    /// staff space, with the card.
    OpenThread {
        ticket: i64,
        plan: i64,
        /// The requester was told at once that the team could not be told yet (its
        /// space was known to fail): a refusal tells them nothing more.
        #[serde(default)]
        told: bool,
    },
    /// A post in a thread of the ticket: the one current when it was written, even
    /// if the ticket moved to another team since.
    ThreadPost {
        ticket: i64,
        plan: i64,
        text: String,
        #[serde(default)]
        files: Vec<i64>,
        /// Whose message this relays: told privately if it cannot be posted.
        #[serde(default)]
        from: Option<i64>,
    },
    /// Redraws the card from the ticket as it is at delivery.
    UpdateCard {
        ticket: i64,
        plan: i64,
    },
    SetThreadOpen {
        ticket: i64,
        plan: i64,
        open: bool,
    },
    /// The answer to a button press or a command interaction.
    InteractionReply {
        interaction: Interaction,
        text: String,
        ephemeral: bool,
    },
    /// A form, in answer to an interaction.
    OpenForm {
        interaction: Interaction,
        form: Form,
    },
    /// A message with buttons in a server channel (the help panel).
    ChannelPost {
        channel: String,
        text: String,
        buttons: Vec<Vec<Button>>,
    },
    /// An e-mail (plain text), about a ticket.
    Mail {
        to: String,
        subject: String,
        body: String,
        ticket: Option<i64>,
    },
}

impl Envelope {
    pub fn kind(&self) -> &'static str {
        match self {
            Envelope::Direct { .. } => "direct",
            Envelope::RatingPrompt { .. } => "rating_prompt",
            Envelope::OpenThread { .. } => "open_thread",
            Envelope::ThreadPost { .. } => "thread_post",
            Envelope::UpdateCard { .. } => "update_card",
            Envelope::SetThreadOpen { .. } => "set_thread_open",
            Envelope::InteractionReply { .. } => "interaction_reply",
            Envelope::OpenForm { .. } => "open_form",
            Envelope::ChannelPost { .. } => "channel_post",
            Envelope::Mail { .. } => "mail",
        }
    }

    /// Whether the row is a state owed until it exists (a ticket's thread and its
    /// card) rather than a message: refused, it is tried again, never abandoned.
    pub fn is_owed(&self) -> bool {
        matches!(self, Envelope::OpenThread { .. })
    }

    /// Rows of one conversation are delivered in order: a user's direct messages, a
    /// ticket's thread. Interaction replies wait for nothing.
    fn conversation(&self, platform: Channel) -> String {
        match self {
            Envelope::Direct { user, .. } | Envelope::RatingPrompt { user, .. } => {
                format!("dm:{platform}:{user}")
            }
            Envelope::OpenThread { ticket, .. }
            | Envelope::ThreadPost { ticket, .. }
            | Envelope::UpdateCard { ticket, .. }
            | Envelope::SetThreadOpen { ticket, .. } => thread_conversation(*ticket),
            Envelope::InteractionReply { interaction, .. }
            | Envelope::OpenForm { interaction, .. } => {
                format!("interaction:{platform}:{}", interaction.id)
            }
            Envelope::ChannelPost { channel, .. } => format!("channel:{platform}:{channel}"),
            // Each e-mail stands alone: one failing address holds no other back.
            Envelope::Mail { ticket, to, .. } => {
                format!("mail:{}:{to}", ticket.unwrap_or_default())
            }
        }
    }

    fn ticket(&self) -> Option<TicketId> {
        match self {
            Envelope::Direct { about, .. } => about.map(TicketId),
            Envelope::RatingPrompt { ticket, .. }
            | Envelope::OpenThread { ticket, .. }
            | Envelope::ThreadPost { ticket, .. }
            | Envelope::UpdateCard { ticket, .. }
            | Envelope::SetThreadOpen { ticket, .. } => Some(TicketId(*ticket)),
            Envelope::Mail { ticket, .. } => ticket.map(TicketId),
            Envelope::InteractionReply { .. }
            | Envelope::OpenForm { .. }
            | Envelope::ChannelPost { .. } => None,
        }
    }
}

/// Writes an envelope to deliver on `platform`.
pub async fn enqueue(
    conn: &mut Conn,
    platform: Platform,
    envelope: &Envelope,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    write(conn, Channel::Chat(platform), envelope, at).await
}

/// Brings forward the retry of the ticket's thread opening, if it waits: the
/// ticket has news, and what refused the thread may have been fixed since.
pub async fn hasten_opening(
    conn: &mut Conn,
    ticket: TicketId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    store::outbox::hasten_owed(conn, &thread_conversation(ticket.0), at).await
}

/// A ticket's thread is one conversation, whatever its platform or team.
fn thread_conversation(ticket: i64) -> String {
    format!("thread:{ticket}")
}

/// Writes an e-mail to send.
pub async fn enqueue_mail(
    conn: &mut Conn,
    mail: &Envelope,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    write(conn, Channel::Email, mail, at).await
}

async fn write(
    conn: &mut Conn,
    channel: Channel,
    envelope: &Envelope,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let payload = serde_json::to_string(envelope).map_err(|e| StoreError::Corrupt {
        column: "outbox.payload",
        value: e.to_string(),
    })?;
    let conversation = envelope.conversation(channel);
    store::outbox::enqueue(
        conn,
        &NewRow {
            conversation: &conversation,
            channel,
            kind: envelope.kind(),
            payload: &payload,
            ticket: envelope.ticket(),
            at,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_survive_the_database() {
        let envelope = Envelope::ThreadPost {
            ticket: 7,
            plan: 9,
            text: "💬 Iheb : l'écran clignote".into(),
            files: vec![3],
            from: Some(4),
        };
        let json = serde_json::to_string(&envelope).unwrap();
        assert_eq!(serde_json::from_str::<Envelope>(&json).unwrap(), envelope);
        assert_eq!(
            envelope.conversation(Channel::Chat(Platform::Discord)),
            "thread:7"
        );
    }

    #[test]
    fn only_answers_to_interactions_take_the_answers_lane() {
        use crate::store::outbox::Lane;
        let interaction = Interaction {
            id: "1".into(),
            token: "t".into(),
        };
        let answers = [
            Envelope::InteractionReply {
                interaction: interaction.clone(),
                text: "ok".into(),
                ephemeral: true,
            },
            Envelope::OpenForm {
                interaction,
                form: Form {
                    payload: "p".into(),
                    title: "t".into(),
                    fields: Vec::new(),
                    fallback: "f".into(),
                },
            },
        ];
        let kinds: Vec<&str> = answers.iter().map(Envelope::kind).collect();
        assert_eq!(kinds, Lane::ANSWER_KINDS);
        let post = Envelope::ThreadPost {
            ticket: 1,
            plan: 1,
            text: "x".into(),
            files: vec![],
            from: None,
        };
        assert!(!Lane::ANSWER_KINDS.contains(&post.kind()));
    }

    #[test]
    fn each_user_has_one_conversation_per_platform() {
        let dm = Envelope::Direct {
            user: 3,
            text: "x".into(),
            buttons: vec![],
            files: vec![],
            about: None,
            notify: false,
        };
        assert_eq!(
            dm.conversation(Channel::Chat(Platform::Telegram)),
            "dm:telegram:3"
        );
    }
}
