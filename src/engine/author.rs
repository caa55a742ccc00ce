//! The author of an event: found by their chat account, or registered as an
//! employee on their first message.

use guichet_chat::{Author, Event, Inbound};

use super::{Acting, Engine, Who};
use crate::desk::DeskError;
use crate::domain::{Identity, Language, NewUser, Role, User};
use crate::store::audit::Origin;
use crate::store::{self, Conn, StoreError};

impl Engine {
    /// Finds the author, or registers them as an employee. Their platform's locale
    /// sets their language until they choose one.
    pub(super) async fn who(&self, conn: &mut Conn, event: &Inbound) -> Result<Who, StoreError> {
        let me = &self.inner;
        let identity = Identity::new(event.platform, event.author.id.clone());
        let locale = event
            .author
            .locale
            .as_deref()
            .and_then(Language::from_locale);
        let mut is_new = true;
        let (user, known_chat, reachable) =
            match store::users::find_with_dm_chat(conn, &identity).await? {
                Some(store::users::KnownAuthor {
                    mut user,
                    dm_chat,
                    reachable,
                }) => {
                    is_new = false;
                    if let Some(language) = locale.filter(|l| *l != user.language)
                        && !store::users::language_chosen(conn, user.id).await?
                    {
                        store::users::set_language(conn, user.id, language, false, me.desk.now())
                            .await?;
                        user.language = language;
                    }
                    (user, dm_chat, reachable)
                }
                None => {
                    let user = self
                        .register(conn, &event.author, &identity, locale)
                        .await?;
                    (user, None, None)
                }
            };
        // Where to write to them privately, learnt from their own messages; and
        // that the platform lets the bot write to them there.
        if let Event::DirectMessage { chat, .. } = &event.event {
            if known_chat.as_deref() != Some(chat.as_str()) {
                store::users::set_dm_chat(conn, &identity, chat).await?;
            }
            if reachable != Some(true) {
                store::reach::wrote_privately(
                    conn,
                    event.platform,
                    &identity.external_id,
                    me.desk.now(),
                )
                .await?;
            }
        }
        let actor = me.desk.actor_of(conn, &user).await.map_err(only_store)?;
        Ok(Who {
            by: Acting {
                user,
                actor,
                origin: Origin::Chat,
            },
            platform: event.platform,
            is_new,
        })
    }

    async fn register(
        &self,
        conn: &mut Conn,
        author: &Author,
        identity: &Identity,
        locale: Option<Language>,
    ) -> Result<User, StoreError> {
        let me = &self.inner;
        let name = NewUser::validate_name(&author.display_name)
            .unwrap_or_else(|_| format!("{} {}", identity.platform, identity.external_id));
        let new = NewUser {
            display_name: name,
            email: None,
            language: locale.unwrap_or(me.config.company.default_language),
            department: None,
            role: Role::Employee,
        };

        let user = me
            .desk
            .add_user(
                conn,
                None,
                &new,
                std::slice::from_ref(identity),
                Origin::Chat,
            )
            .await
            .map_err(only_store)?;
        tracing::info!(user = %user.id, %identity, "new user registered from chat");
        Ok(user)
    }
}

/// Finding or registering the author only fails in the store: anything else is a
/// defect, reported as such.
fn only_store(e: DeskError) -> StoreError {
    match e {
        DeskError::Store(e) => e,
        other => StoreError::Unexpected(format!("finding the author: {other}")),
    }
}
