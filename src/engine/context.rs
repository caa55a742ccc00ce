//! What every handler works with: the engine, the event's transaction and who acts.

use std::ops::Deref;

use guichet_chat::{Button, IncomingFile, Interaction};

use super::{Engine, Result};
use crate::domain::{Language, NewAttachment, Platform, TicketId, User};
use crate::i18n::Arg;
use crate::i18n::Key;
use crate::permissions::Actor;
use crate::store::Conn;
use crate::store::audit::Origin;

/// Someone acting on a ticket, from the chat or the web.
pub(crate) struct Acting {
    pub user: User,
    pub actor: Actor,
    pub origin: Origin,
}

impl AsRef<Acting> for Acting {
    fn as_ref(&self) -> &Acting {
        self
    }
}

impl Acting {
    pub fn language(&self) -> Language {
        self.user.language
    }
}

/// The author of a chat event: someone acting from the chat, on one platform.
pub(crate) struct Who {
    pub by: Acting,
    pub platform: Platform,
    /// Registered by this very event: no tickets, no dialogue yet.
    pub is_new: bool,
}

/// A chat author is someone acting: `who.user`, `who.actor`, `who.language()`.
impl Deref for Who {
    type Target = Acting;

    fn deref(&self) -> &Acting {
        &self.by
    }
}

impl AsRef<Acting> for Who {
    fn as_ref(&self) -> &Acting {
        &self.by
    }
}

impl Who {
    /// Their files, as the desk stores them.
    pub fn attachments(&self, files: &[IncomingFile]) -> Vec<NewAttachment> {
        files
            .iter()
            .map(|f| NewAttachment {
                file_name: f.name.clone(),
                content_type: f.content_type.clone(),
                size_bytes: f.size,
                platform: self.platform,
                platform_ref: f.reference.clone(),
                url: f.url.clone(),
            })
            .collect()
    }
}

/// One handler's world: the engine, the transaction everything it does is part of,
/// and who acts (`Who` from the chat, `Acting` from any door).
pub(crate) struct Ctx<'a, W = Who> {
    pub engine: &'a Engine,
    pub conn: &'a mut Conn,
    pub who: &'a W,
}

impl<'a, W> Ctx<'a, W> {
    pub fn new(engine: &'a Engine, conn: &'a mut Conn, who: &'a W) -> Self {
        Ctx { engine, conn, who }
    }
}

impl<W: AsRef<Acting>> Ctx<'_, W> {
    /// A text in the language of who acts.
    pub fn t(&self, key: Key, args: &[Arg<'_>]) -> String {
        self.engine.t(self.who.as_ref().language(), key, args)
    }
}

impl Ctx<'_, Who> {
    /// The same transaction, for an action any door can take.
    pub fn acting(&mut self) -> Ctx<'_, Acting> {
        Ctx {
            engine: self.engine,
            conn: self.conn,
            who: &self.who.by,
        }
    }

    /// A private message to the author, where they are.
    pub async fn tell(
        &mut self,
        text: String,
        buttons: Vec<Vec<Button>>,
        about: Option<TicketId>,
    ) -> Result<()> {
        self.engine
            .tell_here(self.conn, self.who, text, buttons, about)
            .await
    }

    /// Answers the author's interaction, if there is one.
    pub async fn answer(&mut self, interaction: Option<&Interaction>, text: String) -> Result<()> {
        self.engine
            .answer(self.conn, self.who.platform, interaction, text)
            .await
    }
}
