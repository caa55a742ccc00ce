//! Everything the engine says goes through here, into the outbox: to a user, in a
//! ticket's thread, on its card, in answer to an interaction.

use guichet_chat::{Button, Event, Interaction, Place};

use super::{Engine, Refusal, RefusalArg, Result, Who};
use crate::doctor;
use crate::domain::{Language, Platform, Ticket, TicketId, UserId};
use crate::i18n::Key;
use crate::i18n::arg;
use crate::outbox::{self, Envelope};
use crate::store::{self, Conn};

/// One thread of a ticket, as envelopes name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ThreadPlan {
    pub ticket: TicketId,
    pub platform: Platform,
    pub plan: i64,
    /// Whether the platform has created the thread yet.
    pub opened: bool,
}

/// Whether a thread just planned is held back by a setup problem of its space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Held(pub bool);

/// Someone to write to privately: their language, and the platform to reach them
/// on (`None`: no chat account, e.g. created from the command line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Contact {
    pub user: UserId,
    pub language: Language,
    pub platform: Option<Platform>,
}

impl Engine {
    /// How to reach `user`: on `prefer` when they have an account there, else on any
    /// of theirs. One query.
    pub(crate) async fn contact(
        &self,
        conn: &mut Conn,
        user: UserId,
        prefer: Option<Platform>,
    ) -> Result<Contact> {
        let (language, platforms) = store::users::reachability(conn, user).await?;
        let platform = prefer
            .filter(|p| platforms.contains(p))
            .or_else(|| platforms.first().copied());
        if platform.is_none() {
            tracing::warn!(%user, "no chat account to reach this user on");
        }
        Ok(Contact {
            user,
            language: language.unwrap_or(self.config().company.default_language),
            platform,
        })
    }

    /// The requester of a ticket, on the platform they opened it from.
    pub(crate) async fn requester(&self, conn: &mut Conn, ticket: &Ticket) -> Result<Contact> {
        self.contact(conn, ticket.requester, ticket.origin).await
    }

    /// A private message; `about` links it to a ticket so that a reply reaches it,
    /// `notify` asks the platform to make it stand out.
    pub(crate) async fn send_to(
        &self,
        conn: &mut Conn,
        to: &Contact,
        text: String,
        files: Vec<i64>,
        about: Option<TicketId>,
        notify: bool,
    ) -> Result<()> {
        let Some(platform) = to.platform else {
            return Ok(());
        };
        let envelope = Envelope::Direct {
            user: to.user.0,
            text,
            buttons: Vec::new(),
            files,
            about: about.map(|t| t.0),
            notify,
        };
        outbox::enqueue(conn, platform, &envelope, self.desk().now()).await?;
        Ok(())
    }

    /// A private, stand-out message about the ticket to a member of staff, on the
    /// platform of their team's space when they have an account there.
    pub(crate) async fn alert(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        user: UserId,
        text: impl FnOnce(Language) -> String,
    ) -> Result<()> {
        let staff_platform = self
            .desk()
            .catalog()
            .team(ticket.team)
            .and_then(|t| t.staff_space.as_ref())
            .map(|(p, _)| *p);
        let to = self.contact(conn, user, staff_platform).await?;
        let text = text(to.language);
        self.send_to(conn, &to, text, Vec::new(), Some(ticket.id), true)
            .await
    }

    /// Tells an agent a ticket is now theirs, on their staff platform when they have one.
    pub(crate) async fn notify_assignee(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        assignee: UserId,
    ) -> Result<()> {
        self.alert(conn, ticket, assignee, |language| {
            t!(
                self,
                language,
                "notify-assigned",
                reference = ticket.reference.to_string(),
                subject = ticket.subject.clone(),
                priority = self.priority_label(language, ticket.priority)
            )
        })
        .await
    }

    /// A direct message to the person who is acting, where they are: no need to look
    /// for their account.
    pub(crate) async fn tell_here(
        &self,
        conn: &mut Conn,
        who: &Who,
        text: String,
        buttons: Vec<Vec<Button>>,
        about: Option<TicketId>,
    ) -> Result<()> {
        let envelope = Envelope::Direct {
            user: who.user.id.0,
            text,
            buttons,
            files: Vec::new(),
            about: about.map(|t| t.0),
            notify: false,
        };
        outbox::enqueue(conn, who.platform, &envelope, self.desk().now()).await?;
        Ok(())
    }

    /// The five stars, sent to the requester of a resolved ticket, with the text
    /// `key` (the first prompt, or the reminder).
    pub(crate) async fn ask_rating(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        to: &Contact,
        key: Key,
    ) -> Result<()> {
        let Some(platform) = to.platform else {
            return Ok(());
        };
        let text = self.t(
            to.language,
            key,
            &[arg("reference", ticket.reference.to_string())],
        );
        let envelope = Envelope::RatingPrompt {
            user: ticket.requester.0,
            ticket: ticket.id.0,
            text,
        };
        outbox::enqueue(conn, platform, &envelope, self.desk().now()).await?;
        Ok(())
    }

    /// Plans a new thread for the ticket in its team's staff space, if the team has
    /// one. Returns where it will be, and whether threads cannot open in that space
    /// now (the last setup check says so). `telling` says whether the caller tells
    /// the requester so when held: then the thread's refusal tells them nothing
    /// more; otherwise it does.
    pub(crate) async fn open_thread(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        telling: bool,
    ) -> Result<Option<(ThreadPlan, Held)>> {
        let Some(team) = self.desk().catalog().team(ticket.team) else {
            return Ok(None);
        };
        let Some((platform, space)) = team.staff_space.clone() else {
            tracing::warn!(team = %team.slug, "the team has no staff space: its tickets get no thread");
            return Ok(None);
        };
        let now = self.desk().now();
        let held = doctor::holds_threads(conn, platform, &space).await?;
        let plan =
            store::conversations::plan_thread(conn, ticket.id, platform, &space, now).await?;
        let open = Envelope::OpenThread {
            ticket: ticket.id.0,
            plan,
            told: held && telling,
        };
        outbox::enqueue(conn, platform, &open, now).await?;
        let thread = ThreadPlan {
            ticket: ticket.id,
            platform,
            plan,
            opened: false,
        };
        Ok(Some((thread, Held(held))))
    }

    /// The ticket's current thread, if it has one.
    pub(crate) async fn thread_plan(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
    ) -> Result<Option<ThreadPlan>> {
        Ok(store::conversations::thread_of(conn, ticket)
            .await?
            .map(|t| ThreadPlan {
                ticket,
                platform: t.platform,
                plan: t.plan,
                opened: t.thread.is_some(),
            }))
    }

    /// Writes an envelope for a thread on its platform.
    pub(crate) async fn to_thread(
        &self,
        conn: &mut Conn,
        at: &ThreadPlan,
        envelope: Envelope,
    ) -> Result<()> {
        let now = self.desk().now();
        outbox::enqueue(conn, at.platform, &envelope, now).await?;
        if !at.opened {
            // News of a ticket whose thread could not be opened yet: try again now
            // (the cause may be fixed) rather than at the end of a long backoff.
            outbox::hasten_opening(conn, at.ticket, now).await?;
        }
        Ok(())
    }

    pub(crate) async fn post_in_thread(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        self.to_current_thread(conn, ticket, None, text, files)
            .await
    }

    /// A post in a given thread of the ticket.
    pub(crate) async fn post_on(
        &self,
        conn: &mut Conn,
        at: &ThreadPlan,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        self.relay_on(conn, at, None, text, files).await
    }

    /// Relays `from`'s message to the ticket's thread: if it cannot be posted, they
    /// are told.
    pub(crate) async fn relay_to_thread(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
        from: UserId,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        self.to_current_thread(conn, ticket, Some(from), text, files)
            .await
    }

    /// A post in the ticket's current thread, if it has one.
    async fn to_current_thread(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
        from: Option<UserId>,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        let Some(at) = self.thread_plan(conn, ticket).await? else {
            return Ok(());
        };
        self.relay_on(conn, &at, from, text, files).await
    }

    async fn relay_on(
        &self,
        conn: &mut Conn,
        at: &ThreadPlan,
        from: Option<UserId>,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        let envelope = Envelope::ThreadPost {
            ticket: at.ticket.0,
            plan: at.plan,
            text,
            files,
            from: from.map(|u| u.0),
        };
        self.to_thread(conn, at, envelope).await
    }

    pub(crate) async fn refresh_card(&self, conn: &mut Conn, ticket: TicketId) -> Result<()> {
        let Some(at) = self.thread_plan(conn, ticket).await? else {
            return Ok(());
        };
        self.to_thread(
            conn,
            &at,
            Envelope::UpdateCard {
                ticket: ticket.0,
                plan: at.plan,
            },
        )
        .await
    }

    pub(crate) async fn set_thread_open(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
        open: bool,
    ) -> Result<()> {
        let Some(at) = self.thread_plan(conn, ticket).await? else {
            return Ok(());
        };
        self.close_or_open(conn, &at, open).await
    }

    pub(crate) async fn close_or_open(
        &self,
        conn: &mut Conn,
        at: &ThreadPlan,
        open: bool,
    ) -> Result<()> {
        self.to_thread(
            conn,
            at,
            Envelope::SetThreadOpen {
                ticket: at.ticket.0,
                plan: at.plan,
                open,
            },
        )
        .await
    }

    pub(crate) async fn answer(
        &self,
        conn: &mut Conn,
        platform: Platform,
        interaction: Option<&Interaction>,
        text: String,
    ) -> Result<()> {
        let Some(interaction) = interaction else {
            return Ok(());
        };
        let envelope = Envelope::InteractionReply {
            interaction: interaction.clone(),
            text,
            ephemeral: true,
        };
        outbox::enqueue(conn, platform, &envelope, self.desk().now()).await?;
        Ok(())
    }
}

/// Tells the person why nothing happened, where they asked: in answer to their
/// interaction, in the thread they wrote in, or in their private chat.
pub(super) async fn refusal(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    event: &Event,
    refusal: &Refusal,
) -> Result<()> {
    let interaction = match event {
        Event::Button { interaction, .. } | Event::Command { interaction, .. } => {
            interaction.as_ref()
        }
        Event::Form { interaction, .. } => Some(interaction),
        _ => None,
    };
    let place = match event {
        Event::Button { place, .. }
        | Event::Command { place, .. }
        | Event::Form { place, .. }
        | Event::Reaction { place, .. } => place.clone(),
        Event::DirectMessage { chat, .. } => Place::Direct { chat: chat.clone() },
        Event::ThreadMessage { thread, .. } => Place::Thread(thread.clone()),
    };
    // An interaction is answered to the person alone, in their language; a thread is
    // read by the team, in the company's.
    let language = match (&place, interaction) {
        (Place::Thread(_), None) => engine.staff_language(),
        _ => who.language(),
    };
    let args: Vec<_> = refusal
        .args
        .iter()
        .map(|(k, v)| match v {
            RefusalArg::Status(status) => arg(k, engine.status_label(language, *status)),
            RefusalArg::Text(text) => arg(k, text.clone()),
            RefusalArg::Usage(key) => arg(k, engine.t(who.language(), *key, &[])),
        })
        .collect();
    let text = engine.t(language, refusal.key, &args);
    drop(args);
    if interaction.is_some() {
        return engine.answer(conn, who.platform, interaction, text).await;
    }
    let text = format!("⚠️ {text}");
    match place {
        Place::Thread(thread) => {
            if let Some(ticket) =
                store::conversations::ticket_of_thread(conn, who.platform, &thread).await?
            {
                engine
                    .post_in_thread(conn, ticket, text, Vec::new())
                    .await?;
            }
            Ok(())
        }
        Place::Direct { .. } => engine.tell_here(conn, who, text, Vec::new(), None).await,
        // Server channels are answered through interactions only.
        Place::Channel { .. } => Ok(()),
    }
}
