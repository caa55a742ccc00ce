//! What the end of an attempt writes: a delivery acknowledged with what the
//! platform created, a failure scheduled for its next try, a dead letter.

use chrono::TimeDelta;
use guichet_chat::{Delivered, DeliveryError, Refusal};

use super::{Envelope, Inner, Outcome};
use crate::domain::{AuditAction, TicketId, UserId};
use crate::outbox::backoff::backoff;
use crate::store::audit::{Origin, Record};
use crate::store::outbox::{Channel, Claimed};
use crate::store::{self, Conn, StoreError, Tx};

impl Inner {
    /// Records what the platform created and marks the row delivered, in one transaction.
    pub(super) async fn acknowledge(
        &self,
        row: &Claimed,
        envelope: &Envelope,
        delivered: Option<Delivered>,
    ) -> Result<Outcome, StoreError> {
        let mut tx = self.store.begin().await?;
        if let Some(delivered) = &delivered {
            if let Channel::Chat(platform) = row.channel
                && !delivered.left_out.is_empty()
            {
                self.tell_left_out(&mut tx, platform, envelope, &delivered.left_out)
                    .await?;
            }
            match envelope {
                Envelope::OpenThread { plan, .. } => {
                    let card_owed = self.thread_opened(&mut tx, row, *plan, delivered).await?;
                    if card_owed {
                        return self.card_to_follow(tx, row).await;
                    }
                }
                Envelope::Direct {
                    about: Some(ticket),
                    ..
                }
                | Envelope::RatingPrompt { ticket, .. } => {
                    link_private(&mut tx, row, TicketId(*ticket), delivered).await?;
                }
                _ => {}
            }
        }
        self.learn_reachable(&mut tx, row, envelope).await?;
        let ours = store::outbox::delivered(&mut tx, row.id, &self.owner, self.desk.now()).await?;
        tx.commit().await?;
        if !ours {
            tracing::warn!(
                id = row.id,
                "delivered a row whose lease had passed to another instance"
            );
        }
        Ok(Outcome::Delivered)
    }

    /// A ticket's thread, opened: records it, or the card owed to a thread opened
    /// earlier. Returns whether the card is still owed.
    async fn thread_opened(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        plan: i64,
        delivered: &Delivered,
    ) -> Result<bool, StoreError> {
        let card = delivered.message.as_ref().map(|m| m.message.as_str());
        match (&delivered.thread, card) {
            (Some(thread), _) => {
                self.space_works(conn, row, plan).await?;
                if !store::conversations::thread_created(conn, plan, &thread.thread, card).await? {
                    tracing::warn!(plan, thread = %thread.thread, "a second thread was opened for one plan; it is left unused");
                }
            }
            // The card owed to a thread opened earlier.
            (None, Some(card)) => {
                store::conversations::card_posted(conn, plan, card).await?;
            }
            (None, None) => {
                tracing::error!(plan, "the platform opened a thread but returned no id")
            }
        }
        Ok(card.is_none())
    }

    /// The thread is there, its card not yet: the row stays, and posts the card at
    /// its next turn, before the thread's posts.
    async fn card_to_follow(&self, mut tx: Tx, row: &Claimed) -> Result<Outcome, StoreError> {
        let next = self.desk.now()
            + TimeDelta::from_std(self.config.first_retry.0).unwrap_or(TimeDelta::seconds(2));
        store::outbox::later(&mut tx, row.id, &self.owner, next).await?;
        tx.commit().await?;
        tracing::warn!(
            id = row.id,
            "a thread opened without its card; the card will follow"
        );
        Ok(Outcome::Retry)
    }

    /// A private message that went: the person can be written to there.
    async fn learn_reachable(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        envelope: &Envelope,
    ) -> Result<(), StoreError> {
        if let (
            Envelope::Direct { user, .. } | Envelope::RatingPrompt { user, .. },
            Channel::Chat(platform),
        ) = (envelope, row.channel)
        {
            store::reach::learn(conn, UserId(*user), platform, true, self.desk.now()).await?;
        }
        Ok(())
    }

    /// A thread opened in a space: a refusal recorded there is over, and the other
    /// threads owed to the space are tried now.
    async fn space_works(
        &self,
        conn: &mut crate::store::Conn,
        row: &Claimed,
        plan: i64,
    ) -> Result<(), StoreError> {
        let Some(thread) = store::conversations::plan(conn, plan).await? else {
            return Ok(());
        };
        let subject = crate::doctor::space_subject(thread.platform, &thread.space);
        let refused = store::setup_checks::problem(conn, &subject)
            .await?
            .and_then(|p| serde_json::from_str::<crate::doctor::Finding>(&p).ok())
            .is_some_and(|f| f.only_refused());
        if !refused {
            return Ok(());
        }
        let now = self.desk.now();
        store::setup_checks::record(conn, &subject, None, now).await?;
        let hastened =
            store::outbox::hasten_owed_in(conn, thread.platform, &thread.space, now).await?;
        tracing::info!(%subject, id = row.id, hastened, "setup: a thread opened there: the space works");
        Ok(())
    }

    /// A failed attempt. A ticket's thread and its card (`owed`) are owed until they
    /// exist: refused today (a missing permission, a wrong space), they are tried
    /// again, spaced by the longest backoff, and sooner when the ticket has news
    /// (`outbox::hasten_opening`).
    pub(super) async fn failed(
        &self,
        row: &Claimed,
        envelope: &Envelope,
        error: DeliveryError,
    ) -> Result<Outcome, StoreError> {
        let owed = envelope.is_owed();
        let after = match &error {
            DeliveryError::Permanent { reason, refusal } if !owed => {
                return self
                    .give_up(row, Some(envelope), Some(*refusal), reason)
                    .await;
            }
            DeliveryError::Permanent { .. } => Some(self.config.max_retry.0),
            DeliveryError::Retry { after, .. } => *after,
            DeliveryError::Later { after } => {
                let next =
                    self.desk.now() + TimeDelta::from_std(*after).unwrap_or(TimeDelta::minutes(1));
                let mut tx = self.store.begin().await?;
                store::outbox::later(&mut tx, row.id, &self.owner, next).await?;
                tx.commit().await?;
                return Ok(Outcome::Retry);
            }
        };
        let attempts = row.attempts + 1;
        if attempts >= self.config.max_attempts && !owed {
            return self
                .give_up(row, Some(envelope), error.refusal(), &error.to_string())
                .await;
        }
        let wait = backoff(&self.config, attempts, after);
        let next = self.desk.now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::minutes(10));
        tracing::warn!(id = row.id, channel = %row.channel, attempts, wait_ms = wait.as_millis() as u64, %error, "delivery failed; will retry");
        // Every write goes through the store's transactions (SQLite's writer queue).
        let mut tx = self.store.begin().await?;
        store::outbox::failed(
            &mut tx,
            row.id,
            &self.owner,
            &error.to_string(),
            next,
            false,
        )
        .await?;
        if owed && matches!(error, DeliveryError::Permanent { .. }) {
            self.thread_refused(&mut tx, row, envelope, &error).await?;
        }
        tx.commit().await?;
        Ok(Outcome::Retry)
    }

    /// Sets a row aside for good, with a line in the log and in the audit trail;
    /// whoever should know is told (`notices`).
    pub(super) async fn give_up(
        &self,
        row: &Claimed,
        envelope: Option<&Envelope>,
        refusal: Option<Refusal>,
        reason: &str,
    ) -> Result<Outcome, StoreError> {
        tracing::error!(id = row.id, channel = %row.channel, kind = %row.kind, reason, "delivery abandoned: dead letter");
        let mut tx = self.store.begin().await?;
        store::outbox::failed(&mut tx, row.id, &self.owner, reason, self.desk.now(), true).await?;
        let what = format!("{} {} #{}", row.channel, row.kind, row.id);
        let record = Record {
            ticket: row.ticket,
            actor: None,
            subject_user: None,
            action: AuditAction::DeliveryAbandoned,
            old_value: Some(&what),
            new_value: Some(reason),
            origin: Origin::System,
            at: self.desk.now(),
        };
        store::audit::append(&mut tx, &record).await?;
        if let Some(envelope) = envelope {
            self.tell_undelivered(&mut tx, row, envelope, refusal)
                .await?;
        }
        tx.commit().await?;
        Ok(Outcome::Dead)
    }
}

/// A private message about a ticket that went: an answer to it is about that ticket.
async fn link_private(
    conn: &mut Conn,
    row: &Claimed,
    ticket: TicketId,
    delivered: &Delivered,
) -> Result<(), StoreError> {
    if let (Some(message), Channel::Chat(platform)) = (&delivered.message, row.channel) {
        store::conversations::link_dm(conn, platform, &message.chat, &message.message, ticket)
            .await?;
    }
    Ok(())
}
