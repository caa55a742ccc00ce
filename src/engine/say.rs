//! Everything the engine says goes through here, into the outbox: to a user, in a
//! ticket's thread, on its card, in answer to an interaction.

use guichet_chat::{Button, Event, Interaction, Place};

use super::{Engine, Refusal, Result, Who};
use crate::domain::{Platform, Ticket, TicketId, UserId};
use crate::i18n::arg;
use crate::outbox::{self, Envelope};
use crate::store::{self, Conn};

impl Engine {
    /// The platform to reach `user` on: `prefer` when they have an account there,
    /// else any of theirs. `None`: they have no chat account (created from the CLI).
    pub(crate) async fn reach(
        &self,
        conn: &mut Conn,
        user: UserId,
        prefer: Option<Platform>,
    ) -> Result<Option<Platform>> {
        let mut order: Vec<Platform> = prefer.into_iter().collect();
        order.extend(Platform::ALL.into_iter().filter(|p| Some(*p) != prefer));
        for platform in order {
            if store::users::identity_on(conn, user, platform)
                .await?
                .is_some()
            {
                return Ok(Some(platform));
            }
        }
        tracing::warn!(%user, "no chat account to reach this user on");
        Ok(None)
    }

    /// A direct message to a user.
    pub(crate) async fn tell(
        &self,
        conn: &mut Conn,
        user: UserId,
        prefer: Option<Platform>,
        text: String,
        buttons: Vec<Vec<Button>>,
        about: Option<TicketId>,
    ) -> Result<()> {
        self.direct(conn, user, prefer, text, buttons, Vec::new(), about, false)
            .await
    }

    /// A notification (new assignment…) to a user, on the staff platform if they
    /// have an account there.
    pub(crate) async fn notify(
        &self,
        conn: &mut Conn,
        user: UserId,
        prefer: Option<Platform>,
        text: String,
        about: Option<TicketId>,
    ) -> Result<()> {
        self.direct(
            conn,
            user,
            prefer,
            text,
            Vec::new(),
            Vec::new(),
            about,
            true,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn direct(
        &self,
        conn: &mut Conn,
        user: UserId,
        prefer: Option<Platform>,
        text: String,
        buttons: Vec<Vec<Button>>,
        files: Vec<i64>,
        about: Option<TicketId>,
        notify: bool,
    ) -> Result<()> {
        let Some(platform) = self.reach(conn, user, prefer).await? else {
            return Ok(());
        };
        let envelope = Envelope::Direct {
            user: user.0,
            text,
            buttons,
            files,
            about: about.map(|t| t.0),
            notify,
        };
        outbox::enqueue(conn, platform, &envelope, self.desk().now()).await?;
        Ok(())
    }

    /// A message to the ticket's requester, where they opened it.
    pub(crate) async fn tell_requester(
        &self,
        conn: &mut Conn,
        ticket: &Ticket,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        self.direct(
            conn,
            ticket.requester,
            ticket.origin,
            text,
            Vec::new(),
            files,
            Some(ticket.id),
            false,
        )
        .await
    }

    /// The five stars, sent to the requester of a resolved ticket.
    pub(crate) async fn ask_rating(&self, conn: &mut Conn, ticket: &Ticket) -> Result<()> {
        let Some(platform) = self.reach(conn, ticket.requester, ticket.origin).await? else {
            return Ok(());
        };
        let language = self.language_of(conn, ticket.requester).await?;
        let text = self.t(
            language,
            "rating-prompt",
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

    pub(crate) async fn language_of(
        &self,
        conn: &mut Conn,
        user: UserId,
    ) -> Result<crate::domain::Language> {
        Ok(store::users::get(conn, user)
            .await?
            .map_or(self.config().company.default_language, |u| u.language))
    }

    /// Plans the ticket's thread in its team's staff space, if the team has one.
    pub(crate) async fn open_thread(&self, conn: &mut Conn, ticket: &Ticket) -> Result<()> {
        let Some(team) = store::catalog::team(conn, ticket.team).await? else {
            return Ok(());
        };
        let Some((platform, space)) = team.staff_space else {
            tracing::warn!(team = %team.slug, "the team has no staff space: its tickets get no thread");
            return Ok(());
        };
        let now = self.desk().now();
        store::conversations::plan_thread(conn, ticket.id, platform, &space, now).await?;
        outbox::enqueue(
            conn,
            platform,
            &Envelope::OpenThread {
                ticket: ticket.id.0,
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// Enqueues a thread envelope on the platform of the ticket's thread, if it has one.
    async fn to_thread(&self, conn: &mut Conn, ticket: TicketId, envelope: Envelope) -> Result<()> {
        let Some(thread) = store::conversations::thread_of(conn, ticket).await? else {
            return Ok(());
        };
        outbox::enqueue(conn, thread.platform, &envelope, self.desk().now()).await?;
        Ok(())
    }

    pub(crate) async fn post_in_thread(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
        text: String,
        files: Vec<i64>,
    ) -> Result<()> {
        self.to_thread(
            conn,
            ticket,
            Envelope::ThreadPost {
                ticket: ticket.0,
                text,
                files,
                thread: None,
            },
        )
        .await
    }

    pub(crate) async fn refresh_card(&self, conn: &mut Conn, ticket: TicketId) -> Result<()> {
        self.to_thread(conn, ticket, Envelope::UpdateCard { ticket: ticket.0 })
            .await
    }

    pub(crate) async fn set_thread_open(
        &self,
        conn: &mut Conn,
        ticket: TicketId,
        open: bool,
    ) -> Result<()> {
        self.to_thread(
            conn,
            ticket,
            Envelope::SetThreadOpen {
                ticket: ticket.0,
                open,
                thread: None,
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
    // Statuses are named in the reader's language.
    let language = match event {
        Event::ThreadMessage { .. } => engine.staff_language(),
        _ => who.language(),
    };
    let args: Vec<_> = refusal
        .args
        .iter()
        .map(|(k, v)| match v.parse::<crate::domain::Status>() {
            Ok(status) if matches!(*k, "from" | "to") => {
                arg(k, engine.status_label(language, status))
            }
            _ => arg(k, v.clone()),
        })
        .collect();
    let interaction = match event {
        Event::Button { interaction, .. } | Event::Command { interaction, .. } => {
            interaction.as_ref()
        }
        _ => None,
    };
    let place = match event {
        Event::Button { place, .. }
        | Event::Command { place, .. }
        | Event::Reaction { place, .. } => place.clone(),
        Event::DirectMessage { chat, .. } => Place::Direct { chat: chat.clone() },
        Event::ThreadMessage { thread, .. } => Place::Thread(thread.clone()),
    };
    if let Some(interaction) = interaction {
        let text = engine.t(who.language(), refusal.key, &args);
        return engine
            .answer(conn, who.platform, Some(interaction), text)
            .await;
    }
    match place {
        Place::Thread(thread) => {
            // Staff spaces read the company's language.
            let text = format!(
                "⚠️ {}",
                engine.t(engine.staff_language(), refusal.key, &args)
            );
            if let Some(ticket) =
                store::conversations::ticket_of_thread(conn, who.platform, &thread).await?
            {
                engine
                    .post_in_thread(conn, ticket, text, Vec::new())
                    .await?;
            }
            Ok(())
        }
        Place::Direct { .. } => {
            let text = format!("⚠️ {}", engine.t(who.language(), refusal.key, &args));
            engine
                .tell(
                    conn,
                    who.user.id,
                    Some(who.platform),
                    text,
                    Vec::new(),
                    None,
                )
                .await
        }
    }
}
