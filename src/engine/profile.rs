//! `/profil`: what the helpdesk knows of the person (e-mail address, language,
//! department, accounts), and setting it. `/lier`: joining their accounts on the
//! two platforms with a one-time code, so their tickets, language and address
//! follow them. Both in a private chat only.

use super::{Ctx, Refusal, Result, refusal};
use crate::desk::UserRef;
use crate::domain::{Email, Identity, Language, User};
use crate::i18n::Key;
use crate::store::{self, audit::Origin};

/// What `/profil` asks: to see the profile, or to set one of its fields.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ProfileChange {
    Show,
    Email(Email),
    Department(String),
    Language(Language),
}

impl ProfileChange {
    /// `/profil [email <address> | langue fr|en | service <name>]`.
    pub(super) fn parse(args: &str) -> Result<ProfileChange, Refusal> {
        let (field, value) = args
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((args.trim(), ""));
        let value = value.trim();
        let invalid = |e| refusal::invalid(&e);
        Ok(match field.to_lowercase().as_str() {
            "" => ProfileChange::Show,
            "email" | "e-mail" | "mail" | "adresse" => {
                ProfileChange::Email(Email::parse(value).map_err(invalid)?)
            }
            "service" | "departement" | "département" | "department" => {
                ProfileChange::Department(value.to_owned())
            }
            "langue" | "language" | "lang" => {
                ProfileChange::Language(value.parse().map_err(invalid)?)
            }
            _ => return Err(Refusal::usage(key!("usage-profile"))),
        })
    }
}

/// Sets what `change` says, then shows the profile.
pub(super) async fn change(cx: &mut Ctx<'_>, change: ProfileChange) -> Result<String> {
    let (desk, who) = (cx.engine.desk(), cx.who);
    let user = match change {
        ProfileChange::Show => who.user.clone(),
        ProfileChange::Email(email) => {
            desk.set_own_profile(cx.conn, &who.actor, Some(&email), None, Origin::Chat)
                .await?
        }
        ProfileChange::Department(department) => {
            desk.set_own_profile(cx.conn, &who.actor, None, Some(&department), Origin::Chat)
                .await?
        }
        ProfileChange::Language(chosen) => {
            store::users::set_language(cx.conn, who.user.id, chosen, true, desk.now()).await?;
            desk.find_user(cx.conn, &UserRef::Id(who.user.id)).await?
        }
    };
    describe(cx, &user).await
}

async fn describe(cx: &mut Ctx<'_>, user: &User) -> Result<String> {
    let engine = cx.engine;
    let language = user.language;
    let none = || t!(engine, language, "profile-none");
    let accounts: Vec<String> = store::users::identities(cx.conn, user.id)
        .await?
        .iter()
        .map(Identity::to_string)
        .collect();
    Ok(t!(
        engine,
        language,
        "profile-show",
        name = user.display_name.clone(),
        email = user.email.as_ref().map_or_else(none, |e| e.to_string()),
        language = engine.t(language, language_name(language), &[]),
        department = user.department.clone().unwrap_or_else(none),
        accounts = accounts.join(", ")
    ))
}

/// Answers itself: once the accounts are joined, the answer goes to the joined
/// user (the author's own user no longer has an account to write to). Without a
/// code, gives one to type on the other platform.
pub(super) async fn link(cx: &mut Ctx<'_>, code: Option<&str>) -> Result<()> {
    let (engine, who) = (cx.engine, cx.who);
    let desk = engine.desk();
    let Some(code) = code else {
        let code = desk.new_link_code(cx.conn, &who.actor).await?;
        let minutes = crate::desk::LINK_CODE_LIFETIME.num_minutes();
        let text = t!(cx, "answer-link-code", code = code, minutes = minutes);
        return cx.tell(text, Vec::new(), None).await;
    };
    let (external, _) = store::users::identity_on(cx.conn, who.user.id, who.platform)
        .await?
        .ok_or_else(|| refusal!(Invalid, "error-link-code"))?;
    let identity = Identity::new(who.platform, external);
    let user = desk
        .link_with_code(cx.conn, &who.actor, &identity, code, Origin::Chat)
        .await?;
    let accounts: Vec<String> = store::users::identities(cx.conn, user.id)
        .await?
        .iter()
        .map(Identity::to_string)
        .collect();
    let text = t!(
        engine,
        user.language,
        "answer-linked",
        accounts = accounts.join(", ")
    );
    let to = engine.contact(cx.conn, user.id, Some(who.platform)).await?;
    engine
        .send_to(cx.conn, &to, text, Vec::new(), None, false)
        .await
}

/// A language's name, in the reader's language.
fn language_name(language: Language) -> Key {
    match language {
        Language::Fr => key!("language-fr"),
        Language::En => key!("language-en"),
    }
}
