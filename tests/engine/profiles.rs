//! Profiles in the chat, and one person's accounts on both platforms joined with a
//! one-time code.

use super::*;
use guichet::domain::AuditAction;

on_both_backends!(crate::support::chat::ChatDesk:
    a_linked_user_sees_the_same_tickets_from_both_platforms,
    a_profile_is_seen_and_set_from_the_chat,
    link_codes_expire_and_staff_accounts_are_joined_by_an_admin,
);

/// The code in the bot's answer to `/lier`.
fn code_in(texts: &[String]) -> String {
    let answer = texts
        .iter()
        .rev()
        .find(|t| t.contains("/lier "))
        .unwrap_or_else(|| panic!("no code in {texts:?}"));
    answer
        .split("/lier ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

async fn a_linked_user_sees_the_same_tickets_from_both_platforms(c: ChatDesk) {
    sami(&c).await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/profil email iheb@example.com",
    )
    .await;
    c.d.clock.advance(TimeDelta::minutes(5));
    // The same person writes from Discord: a second account, a second ticket.
    c.dm(Discord, "5001", "Iheb", "Le wifi est coupé au 3e étage")
        .await;
    c.deliver().await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/lier").await;
    c.deliver().await;
    let code = code_in(&c.telegram.texts_to(IHEB));
    assert_eq!(code.len(), 9, "{code}");
    c.dm(
        Discord,
        "5001",
        "Iheb",
        &format!("/lier {}", code.to_lowercase()),
    )
    .await;
    c.deliver().await;
    let to_discord = c.discord.texts_to("5001");
    assert!(
        to_discord.iter().any(|t| t
            == &format!("🔗 Vos comptes sont reliés : discord:5001, telegram:{IHEB}. Vos tickets, votre langue et votre adresse vous suivent d'une plateforme à l'autre.")),
        "{to_discord:?}"
    );
    // Both tickets, from either platform; the address set on Telegram shows on Discord.
    c.dm(Discord, "5001", "Iheb", "/mestickets").await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/mestickets").await;
    c.dm(Discord, "5001", "Iheb", "/profil").await;
    c.deliver().await;
    for texts in [c.discord.texts_to("5001"), c.telegram.texts_to(IHEB)] {
        let list = texts
            .iter()
            .rev()
            .find(|t| t.contains("TCK-20250214-001") && t.contains("TCK-20250214-002"));
        assert!(list.is_some(), "{texts:?}");
    }
    let profile = c.discord.texts_to("5001");
    assert!(
        profile
            .iter()
            .any(|t| t.contains("E-mail : iheb@example.com") && t.contains("discord:5001")),
        "{profile:?}"
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let first = ticket(&c, "TCK-20250214-001").await;
    let second = ticket(&c, "TCK-20250214-002").await;
    assert_eq!(first.requester, second.requester);
    let trail = store::audit::for_user(&mut conn, first.requester)
        .await
        .unwrap();
    assert!(
        trail.iter().any(|e| e.action == AuditAction::IdentityLinked
            && e.new_value.as_deref() == Some("discord:5001")),
        "{trail:?}"
    );
    drop(conn);
    // A code works once.
    c.dm(Discord, "5002", "Someone", &format!("/lier {code}"))
        .await;
    c.deliver().await;
    assert!(
        c.discord
            .texts_to("5002")
            .iter()
            .any(|t| t.starts_with("⚠️ Ce code n'est pas valable")),
        "{:?}",
        c.discord.texts_to("5002")
    );
}

async fn a_profile_is_seen_and_set_from_the_chat(c: ChatDesk) {
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/profil service Comptabilité",
    )
    .await;
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/profil email pas-une-adresse",
    )
    .await;
    c.dm(
        Telegram,
        "2002",
        "Akrem Grayaa",
        "/profil email akrem@example.com",
    )
    .await;
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/profil email AKREM@example.com",
    )
    .await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/profil langue en")
        .await;
    c.deliver().await;
    let texts = c.telegram.texts_to(IHEB);
    assert!(
        texts[0].contains("Service : Comptabilité") && texts[0].contains("E-mail : —"),
        "{texts:?}"
    );
    assert!(texts[1].contains("pas-une-adresse"), "{texts:?}");
    assert!(texts[2].contains("est déjà utilisée"), "{texts:?}");
    assert!(
        texts[3].contains("Language: English") && texts[3].contains("Department: Comptabilité"),
        "{texts:?}"
    );
}

async fn link_codes_expire_and_staff_accounts_are_joined_by_an_admin(c: ChatDesk) {
    sami(&c).await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/lier").await;
    c.deliver().await;
    let code = code_in(&c.telegram.texts_to(IHEB));
    // An agent's account does not join by code.
    c.dm(Discord, SAMI, "Sami", &format!("/lier {code}")).await;
    c.deliver().await;
    assert!(
        c.discord
            .texts_to(SAMI)
            .iter()
            .any(|t| t.contains("reliés par un administrateur")),
        "{:?}",
        c.discord.texts_to(SAMI)
    );
    // A code is good for ten minutes.
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/lier").await;
    c.deliver().await;
    let code = code_in(&c.telegram.texts_to(IHEB));
    c.d.clock.advance(TimeDelta::minutes(11));
    c.dm(Discord, "5001", "Iheb", &format!("/lier {code}"))
        .await;
    c.deliver().await;
    assert!(
        c.discord
            .texts_to("5001")
            .iter()
            .any(|t| t.starts_with("⚠️ Ce code n'est pas valable")),
        "{:?}",
        c.discord.texts_to("5001")
    );
}
