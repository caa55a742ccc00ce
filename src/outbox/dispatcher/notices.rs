//! What people are told when a delivery fails for good: the ticket's thread when a
//! private message could not reach someone, the author when their message could
//! not reach the thread, the requester when their team's thread cannot open. All
//! written in the transaction that records the failure.

use guichet_chat::{DeliveryError, Refusal};

use super::Inner;
use crate::doctor::{self, Check, Finding, Trouble};
use crate::domain::{Language, Platform, TicketId, UserId};
use crate::i18n::arg;
use crate::outbox::{self, Envelope};
use crate::store::outbox::{Channel, Claimed};
use crate::store::setup_checks::Change;
use crate::store::{self, Conn, StoreError};
use crate::text::shorten;

/// How much of an undelivered message the notice quotes.
const QUOTED: usize = 160;

impl Inner {
    /// A row set aside: whoever should know is told, once (a notice that fails in
    /// turn tells nobody).
    pub(super) async fn tell_undelivered(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        envelope: &Envelope,
        refusal: Option<Refusal>,
    ) -> Result<(), StoreError> {
        let Channel::Chat(platform) = row.channel else {
            return Ok(());
        };
        let (user, about, text) = match envelope {
            Envelope::Direct {
                user, about, text, ..
            } => (UserId(*user), about.map(TicketId), text),
            Envelope::RatingPrompt { user, ticket, text } => {
                (UserId(*user), Some(TicketId(*ticket)), text)
            }
            Envelope::ThreadPost {
                ticket,
                text,
                from: Some(author),
                ..
            } => {
                return self
                    .tell_author(conn, UserId(*author), TicketId(*ticket), text)
                    .await;
            }
            _ => return Ok(()),
        };
        if refusal == Some(Refusal::Unreachable)
            && store::reach::learn(conn, user, platform, false, self.desk.now()).await?
        {
            tracing::warn!(%user, %platform, "this person cannot be written to privately");
        }
        let Some(ticket) = about else {
            return Ok(());
        };
        // Said once per person and ticket: the thread needs no line for each
        // reminder that could not reach them either.
        if store::outbox::dead_before(conn, &row.conversation, ticket, row.id).await? {
            return Ok(());
        }
        self.tell_thread(conn, row, user, ticket, text, refusal)
            .await
    }

    /// A private message about a ticket did not reach `user`: the ticket's thread
    /// says so, with what to do.
    async fn tell_thread(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        user: UserId,
        ticket: TicketId,
        text: &str,
        refusal: Option<Refusal>,
    ) -> Result<(), StoreError> {
        let Channel::Chat(platform) = row.channel else {
            return Ok(());
        };
        let now = self.desk.now();
        let Some(thread) = store::conversations::thread_of(conn, ticket).await? else {
            return Ok(());
        };
        let name = store::users::get(conn, user)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let language = self.staff_language;
        let args = [
            arg("name", name),
            arg("id", row.id),
            arg("platform", platform.display_name()),
            arg("attempts", i64::from(self.config.max_attempts)),
        ];
        // What the platform's answer means, never its raw text: that is for the
        // log and the audit trail.
        let key = match (refusal, platform) {
            (Some(Refusal::Unreachable), Platform::Telegram) => {
                key!("delivery-undelivered-unreachable-telegram")
            }
            (Some(Refusal::Unreachable), Platform::Discord) => {
                key!("delivery-undelivered-unreachable-discord")
            }
            (Some(_), _) => key!("delivery-undelivered-refused"),
            (None, _) => key!("delivery-undelivered-gave-up"),
        };
        let mut notice = self.texts.t(language, key, &args);
        notice.push('\n');
        notice.push_str(&self.quote(language, text));
        let post = Envelope::ThreadPost {
            ticket: ticket.0,
            plan: thread.plan,
            text: notice,
            files: Vec::new(),
            from: None,
        };
        outbox::enqueue(conn, thread.platform, &post, now).await
    }

    /// `author`'s message did not reach the ticket's thread: they are told
    /// privately, in their language.
    async fn tell_author(
        &self,
        conn: &mut Conn,
        author: UserId,
        ticket: TicketId,
        text: &str,
    ) -> Result<(), StoreError> {
        let Some(ticket) = store::tickets::get(conn, ticket).await? else {
            return Ok(());
        };
        let Some((language, platform)) = self.reach(conn, author, ticket.origin).await? else {
            return Ok(());
        };
        let mut notice = t!(
            self.texts,
            language,
            "delivery-thread-undelivered",
            reference = ticket.reference.to_string()
        );
        notice.push('\n');
        notice.push_str(&self.quote(language, text));
        // About no ticket: a failure of this notice tells nobody again.
        let dm = Envelope::Direct {
            user: author.0,
            text: notice,
            buttons: Vec::new(),
            files: Vec::new(),
            about: None,
            notify: true,
        };
        outbox::enqueue(conn, platform, &dm, self.desk.now()).await
    }

    /// A ticket's thread was refused (a missing right, a wrong space): the space's
    /// setup check records it at once unless a problem is known there already (the
    /// dashboard and `/readyz` show it before the next examination says exactly
    /// why), and the requester, at the first refusal and unless told already,
    /// learns that their request is kept but the team not told yet.
    pub(super) async fn thread_refused(
        &self,
        conn: &mut Conn,
        row: &Claimed,
        envelope: &Envelope,
        error: &DeliveryError,
    ) -> Result<(), StoreError> {
        let Envelope::OpenThread { ticket, plan, told } = envelope else {
            return Ok(());
        };
        let (Some(thread), Some(ticket)) = (
            store::conversations::plan(conn, *plan).await?,
            store::tickets::get(conn, TicketId(*ticket)).await?,
        ) else {
            return Ok(());
        };
        let team = self.desk.catalog().team(ticket.team);
        let finding = Finding {
            check: Check::Space {
                platform: thread.platform,
                team: team.map(|t| t.slug.clone()).unwrap_or_default(),
                space: thread.space.clone(),
            },
            troubles: vec![Trouble::Refused {
                error: error.to_string(),
            }],
        };
        let now = self.desk.now();
        let problem =
            serde_json::to_string(&finding).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        let subject = doctor::space_subject(thread.platform, &thread.space);
        // Known already (the doctor said exactly why): kept as it is said.
        let known = store::setup_checks::is_failing(conn, &subject).await?;
        if !known
            && store::setup_checks::record(conn, &subject, Some(&problem), now).await?
                == Change::Changed
        {
            tracing::error!(%subject, id = row.id, %error, "setup: the platform refused to open a ticket's thread");
        }
        // The requester is told at the first refusal only.
        if *told || row.attempts > 0 {
            return Ok(());
        }
        let Some((language, platform)) = self.reach(conn, ticket.requester, ticket.origin).await?
        else {
            return Ok(());
        };
        let notice = t!(
            self.texts,
            language,
            "delivery-team-not-told",
            reference = ticket.reference.to_string(),
            team = team
                .map(|t| t.name.get(language).to_owned())
                .unwrap_or_default()
        );
        let dm = Envelope::Direct {
            user: ticket.requester.0,
            text: notice,
            buttons: Vec::new(),
            files: Vec::new(),
            about: Some(ticket.id.0),
            notify: false,
        };
        outbox::enqueue(conn, platform, &dm, now).await
    }

    /// Members the platform refused to add to a ticket's private thread: the thread
    /// says who will not see it, and why.
    pub(super) async fn tell_left_out(
        &self,
        conn: &mut Conn,
        platform: Platform,
        envelope: &Envelope,
        left_out: &[String],
    ) -> Result<(), StoreError> {
        let (Envelope::OpenThread { ticket, plan, .. } | Envelope::UpdateCard { ticket, plan }) =
            envelope
        else {
            return Ok(());
        };
        let mut names = Vec::new();
        for member in left_out {
            let identity = crate::domain::Identity {
                platform,
                external_id: member.clone(),
            };
            let name = store::users::find_by_identity(conn, &identity)
                .await?
                .map_or_else(|| member.clone(), |u| u.display_name);
            names.push(name);
        }
        let notice = t!(
            self.texts,
            self.staff_language,
            "delivery-left-out",
            names = names.join(", "),
            count = names.len() as i64
        );
        let post = Envelope::ThreadPost {
            ticket: *ticket,
            plan: *plan,
            text: notice,
            files: Vec::new(),
            from: None,
        };
        outbox::enqueue(conn, platform, &post, self.desk.now()).await
    }

    /// A person's language and the platform to write to them on (`prefer` when
    /// they have an account there).
    async fn reach(
        &self,
        conn: &mut Conn,
        user: UserId,
        prefer: Option<Platform>,
    ) -> Result<Option<(Language, Platform)>, StoreError> {
        let (language, platforms) = store::users::reachability(conn, user).await?;
        let platform = prefer
            .filter(|p| platforms.contains(p))
            .or_else(|| platforms.first().copied());
        Ok(platform.map(|p| (language.unwrap_or(self.staff_language), p)))
    }

    fn quote(&self, language: Language, text: &str) -> String {
        t!(
            self.texts,
            language,
            "delivery-quote",
            text = shorten(text.trim(), QUOTED).replace('\n', " ")
        )
    }
}
