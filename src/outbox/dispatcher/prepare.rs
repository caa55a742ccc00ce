//! Turning an outbox row into the platform's action: resolving the helpdesk's ids
//! into the platform's, drawing cards, fetching files from the other platform.

use guichet_chat::{
    Button, DeliveryError, FileContent, Outbound, OutgoingFile, Recipient, ThreadRef,
};

use super::{Envelope, Inner, card};
use crate::domain::{Platform, TicketId, UserId};
use crate::present::card::{Drawn, draw};
use crate::present::rating_payloads;
use crate::store::outbox::Claimed;
use crate::store::{self, Conn, StoreError};

/// What a row turned into.
pub(super) enum Prepared {
    Send(Box<Outbound>),
    /// Nothing to send any more (a superseded card, a thread forgotten after a transfer).
    Skip,
}

fn send(action: Outbound) -> Prepared {
    Prepared::Send(Box::new(action))
}

/// Why a row cannot be sent now: the platform's kind of answer, decided before
/// asking the platform.
pub(super) type Prepare = Result<Prepared, DeliveryError>;

/// A private message's parts, as its envelope holds them.
struct Direct<'a> {
    user: UserId,
    text: &'a str,
    buttons: &'a [Vec<Button>],
    files: &'a [i64],
    notify: bool,
}

impl Inner {
    /// Turns an envelope into the platform's action, resolving ids and drawing cards.
    pub(super) async fn prepare(
        &self,
        conn: &mut Conn,
        platform: Platform,
        row: &Claimed,
        envelope: &Envelope,
    ) -> Result<Prepare, StoreError> {
        match envelope {
            Envelope::Direct {
                user,
                text,
                buttons,
                files,
                notify,
                ..
            } => {
                let message = Direct {
                    user: UserId(*user),
                    text,
                    buttons,
                    files,
                    notify: *notify,
                };
                self.direct(conn, platform, message).await
            }
            Envelope::RatingPrompt { user, ticket, text } => {
                rating_prompt(conn, platform, UserId(*user), TicketId(*ticket), text).await
            }
            Envelope::OpenThread { ticket, plan, .. } => {
                self.open_thread(conn, platform, TicketId(*ticket), *plan)
                    .await
            }
            Envelope::ThreadPost {
                plan, text, files, ..
            } => self.thread_post(conn, platform, *plan, text, files).await,
            Envelope::UpdateCard { ticket, plan } => {
                self.update_card(conn, platform, row, TicketId(*ticket), *plan)
                    .await
            }
            Envelope::SetThreadOpen { plan, open, .. } => {
                Ok(created_thread(conn, *plan).await?.map(|created| {
                    send(Outbound::SetThreadOpen {
                        thread: created.thread,
                        open: *open,
                    })
                }))
            }
            Envelope::InteractionReply {
                interaction,
                text,
                ephemeral,
            } => Ok(Ok(send(Outbound::InteractionReply {
                interaction: interaction.clone(),
                text: text.clone(),
                ephemeral: *ephemeral,
            }))),
            Envelope::OpenForm { interaction, form } => Ok(Ok(send(Outbound::OpenForm {
                interaction: interaction.clone(),
                form: form.clone(),
            }))),
            Envelope::ChannelPost {
                channel,
                text,
                buttons,
            } => Ok(Ok(send(Outbound::PostInChannel {
                channel: channel.clone(),
                text: text.clone(),
                buttons: buttons.clone(),
            }))),
            // The dispatcher sends e-mails itself.
            Envelope::Mail { .. } => {
                Ok(Err(DeliveryError::refused("an e-mail on a chat platform")))
            }
        }
    }

    /// A private message, as a notification when it is only words.
    async fn direct(
        &self,
        conn: &mut Conn,
        platform: Platform,
        message: Direct<'_>,
    ) -> Result<Prepare, StoreError> {
        let to = match recipient(conn, message.user, platform).await? {
            Ok(to) => to,
            Err(e) => return Ok(Err(e)),
        };
        let text = message.text.to_owned();
        let (files, text) = match self.files(conn, platform, message.files, text).await? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        Ok(Ok(send(
            if message.notify && message.buttons.is_empty() && files.is_empty() {
                Outbound::Notify { to, text }
            } else {
                Outbound::DirectMessage {
                    to,
                    text,
                    buttons: message.buttons.to_vec(),
                    files,
                }
            },
        )))
    }

    /// A ticket's thread with its card, or only the card when the thread was opened
    /// but its card did not go.
    async fn open_thread(
        &self,
        conn: &mut Conn,
        platform: Platform,
        ticket: TicketId,
        plan: i64,
    ) -> Result<Prepare, StoreError> {
        let Some(planned) = store::conversations::plan(conn, plan).await? else {
            return Ok(Ok(Prepared::Skip));
        };
        let Some(drawn) = self.card(conn, ticket).await? else {
            return Ok(Ok(Prepared::Skip));
        };
        let members = members(conn, drawn.assignee, platform).await?;
        Ok(Ok(match (planned.thread_ref(), planned.card_message) {
            // Opened, card and all.
            (Some(_), Some(_)) => Prepared::Skip,
            // Opened, but its card did not go: the card is owed still.
            (Some(thread), None) => send(Outbound::UpdateCard {
                thread,
                card_message: None,
                members,
                title: drawn.title,
                card: drawn.card,
            }),
            (None, _) => send(Outbound::OpenThread {
                space: planned.space,
                members,
                title: drawn.title,
                card: drawn.card,
            }),
        }))
    }

    async fn thread_post(
        &self,
        conn: &mut Conn,
        platform: Platform,
        plan: i64,
        text: &str,
        files: &[i64],
    ) -> Result<Prepare, StoreError> {
        let thread = match created_thread(conn, plan).await? {
            Ok(created) => created.thread,
            Err(e) => return Ok(Err(e)),
        };
        Ok(self
            .files(conn, platform, files, text.to_owned())
            .await?
            .map(|(files, text)| {
                send(Outbound::PostInThread {
                    thread,
                    text,
                    files,
                })
            }))
    }

    /// The card redrawn, unless a later update of it is queued.
    async fn update_card(
        &self,
        conn: &mut Conn,
        platform: Platform,
        row: &Claimed,
        ticket: TicketId,
        plan: i64,
    ) -> Result<Prepare, StoreError> {
        if store::outbox::superseded(conn, row).await? {
            return Ok(Ok(Prepared::Skip));
        }
        let created = match created_thread(conn, plan).await? {
            Ok(created) => created,
            Err(e) => return Ok(Err(e)),
        };
        // A thread without its card is still being opened: its opening row,
        // earlier in the conversation, posts the card as it is then.
        Ok(Ok(
            match (created.card_message, self.card(conn, ticket).await?) {
                (Some(card_message), Some(drawn)) => send(Outbound::UpdateCard {
                    thread: created.thread,
                    card_message: Some(card_message),
                    members: members(conn, drawn.assignee, platform).await?,
                    title: drawn.title,
                    card: drawn.card,
                }),
                _ => Prepared::Skip,
            },
        ))
    }

    /// The ticket's thread title and card, drawn now in the staff's language.
    async fn card(&self, conn: &mut Conn, ticket: TicketId) -> Result<Option<Drawn>, StoreError> {
        let catalog = self.desk.catalog();
        let Some(view) = card::read(conn, catalog, ticket).await? else {
            return Ok(None);
        };
        let time_zone = self.desk.time_zone();
        Ok(Some(draw(
            &self.texts,
            self.staff_language,
            time_zone,
            &view,
        )))
    }

    /// Attachments to send on `platform`: by reference on their own platform,
    /// fetched from the other one otherwise. A file that cannot be fetched because
    /// its platform is not connected here is named in the text instead.
    async fn files(
        &self,
        conn: &mut Conn,
        platform: Platform,
        ids: &[i64],
        mut text: String,
    ) -> Result<Result<(Vec<OutgoingFile>, String), DeliveryError>, StoreError> {
        let mut files = Vec::new();
        for id in ids {
            let Some(file) = store::messages::attachment(conn, *id).await? else {
                continue;
            };
            let content = if file.platform == platform {
                FileContent::Reference(file.platform_ref.clone())
            } else if let Some(source) = self.outlets.get(&file.platform) {
                match source.fetch_file(&file.platform_ref).await {
                    Ok(bytes) => FileContent::Bytes(bytes),
                    Err(e) => return Ok(Err(e)),
                }
            } else {
                text.push_str(&format!("\n📎 {}", file.file_name));
                continue;
            };
            files.push(OutgoingFile {
                name: file.file_name,
                content_type: file.content_type,
                content,
            });
        }
        Ok(Ok((files, text)))
    }
}

/// The five star buttons for a resolved ticket.
async fn rating_prompt(
    conn: &mut Conn,
    platform: Platform,
    user: UserId,
    ticket: TicketId,
    text: &str,
) -> Result<Prepare, StoreError> {
    Ok(recipient(conn, user, platform).await?.map(|to| {
        send(Outbound::RatingPrompt {
            to,
            text: text.to_owned(),
            payloads: rating_payloads(ticket),
        })
    }))
}

/// A thread the platform created, with its id. Rows of a ticket's conversation go
/// in order and the opening row is never abandoned, so by the time a post is due
/// its thread exists; one still missing belongs to a ticket opened before that rule
/// (its opening row a dead letter) and will never come.
struct CreatedThread {
    thread: ThreadRef,
    card_message: Option<String>,
}

async fn created_thread(
    conn: &mut Conn,
    plan: i64,
) -> Result<Result<CreatedThread, DeliveryError>, StoreError> {
    let planned = store::conversations::plan(conn, plan).await?;
    Ok(match planned.as_ref().and_then(|p| p.thread_ref()) {
        Some(thread) => Ok(CreatedThread {
            thread,
            card_message: planned.and_then(|p| p.card_message),
        }),
        None => Err(DeliveryError::refused(
            "the ticket's thread was never created",
        )),
    })
}

/// Who must be in a ticket's thread on `platform`: its assignee, when they have an
/// account there.
async fn members(
    conn: &mut Conn,
    assignee: Option<UserId>,
    platform: Platform,
) -> Result<Vec<String>, StoreError> {
    let Some(assignee) = assignee else {
        return Ok(Vec::new());
    };
    Ok(store::users::identity_on(conn, assignee, platform)
        .await?
        .map(|(id, _)| id)
        .into_iter()
        .collect())
}

/// Where to reach a user on a platform.
async fn recipient(
    conn: &mut Conn,
    user: UserId,
    platform: Platform,
) -> Result<Result<Recipient, DeliveryError>, StoreError> {
    Ok(
        match store::users::identity_on(conn, user, platform).await? {
            Some((id, chat)) => Ok(Recipient { user: id, chat }),
            None => Err(DeliveryError::refused(format!(
                "user {user} has no {platform} account"
            ))),
        },
    )
}
