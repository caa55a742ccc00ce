//! `/profil`: what the helpdesk knows of the person (e-mail address, language,
//! department, accounts), and setting it. `/lier`: joining their accounts on the
//! two platforms with a one-time code, so their tickets, language and address
//! follow them. Both in a private chat only.

use guichet_chat::Place;

use super::{Engine, Refusal, Result, Who, labels};
use crate::desk::UserRef;
use crate::domain::{Email, Identity, Language, User};
use crate::i18n::arg;
use crate::store::{self, Conn, audit::Origin};

pub(super) async fn profile(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    place: &Place,
    args: &str,
) -> Result<String> {
    if !matches!(place, Place::Direct { .. }) {
        return Err(Refusal::invalid("error-dm-only").into());
    }
    let (field, value) = args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((args.trim(), ""));
    let value = value.trim();
    let desk = engine.desk();
    let user = match field.to_lowercase().as_str() {
        "" => who.user.clone(),
        "email" | "e-mail" | "mail" | "adresse" => {
            let email = Email::parse(value).map_err(|e| labels::invalid(&e))?;
            desk.set_own_profile(conn, &who.actor, Some(&email), None, Origin::Chat)
                .await?
        }
        "service" | "departement" | "département" | "department" => {
            desk.set_own_profile(conn, &who.actor, None, Some(value), Origin::Chat)
                .await?
        }
        "langue" | "language" | "lang" => {
            let chosen: Language = value.parse().map_err(|e| labels::invalid(&e))?;
            store::users::set_language(conn, who.user.id, chosen, true, desk.now()).await?;
            desk.find_user(conn, &UserRef::Id(who.user.id)).await?
        }
        _ => {
            let language = who.language();
            return Err(Refusal::invalid("error-usage")
                .with("usage", engine.t(language, "usage-profile", &[]))
                .into());
        }
    };
    describe(engine, conn, &user).await
}

async fn describe(engine: &Engine, conn: &mut Conn, user: &User) -> Result<String> {
    let language = user.language;
    let none = || engine.t(language, "profile-none", &[]);
    let accounts: Vec<String> = store::users::identities(conn, user.id)
        .await?
        .iter()
        .map(Identity::to_string)
        .collect();
    Ok(engine.t(
        language,
        "profile-show",
        &[
            arg("name", user.display_name.clone()),
            arg(
                "email",
                user.email.as_ref().map_or_else(none, |e| e.to_string()),
            ),
            arg(
                "language",
                engine.t(language, &format!("language-{language}"), &[]),
            ),
            arg("department", user.department.clone().unwrap_or_else(none)),
            arg("accounts", accounts.join(", ")),
        ],
    ))
}

/// Answers itself: once the accounts are joined, the answer goes to the joined
/// user (the author's own user no longer has an account to write to).
pub(super) async fn link(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    place: &Place,
    args: &str,
) -> Result<()> {
    if !matches!(place, Place::Direct { .. }) {
        return Err(Refusal::invalid("error-dm-only").into());
    }
    let desk = engine.desk();
    let language = who.language();
    if args.trim().is_empty() {
        let code = desk.new_link_code(conn, &who.actor).await?;
        let minutes = crate::desk::LINK_CODE_LIFETIME.num_minutes();
        let text = engine.t(
            language,
            "answer-link-code",
            &[arg("code", code), arg("minutes", minutes)],
        );
        return engine.tell_here(conn, who, text, Vec::new(), None).await;
    }
    let (external, _) = store::users::identity_on(conn, who.user.id, who.platform)
        .await?
        .ok_or_else(|| Refusal::invalid("error-link-code"))?;
    let identity = Identity::new(who.platform, external);
    let user = desk
        .link_with_code(conn, &who.actor, &identity, args, Origin::Chat)
        .await?;
    let accounts: Vec<String> = store::users::identities(conn, user.id)
        .await?
        .iter()
        .map(Identity::to_string)
        .collect();
    let text = engine.t(
        user.language,
        "answer-linked",
        &[arg("accounts", accounts.join(", "))],
    );
    let to = engine.contact(conn, user.id, Some(who.platform)).await?;
    engine
        .send_to(conn, &to, text, Vec::new(), None, false)
        .await
}
