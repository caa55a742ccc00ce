//! The agents' points: earned in the transaction of the change, once per event,
//! taken back when a resolution does not hold; `/classement` shows them.

use super::*;
use guichet::store::points;

on_both_backends!(crate::support::chat::ChatDesk:
    a_resolution_earns_once_and_a_reopening_takes_it_back,
    a_fast_first_answer_and_a_good_rating_earn,
    the_leaderboard_is_for_staff,
);

/// `(reason, points)` of the ledger, oldest first.
async fn ledger(c: &ChatDesk) -> Vec<(String, i64)> {
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    sqlx::query_as("SELECT reason, points FROM points_ledger ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

async fn a_resolution_earns_once_and_a_reopening_takes_it_back(c: ChatDesk) {
    let sami = sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/prendre")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/priorite P1")
        .await;
    c.d.clock.advance(TimeDelta::hours(5));
    // The resolution, then the very same event delivered again by the platform.
    let resolve = c.inbound(
        Discord,
        SAMI,
        "Sami",
        Event::ThreadMessage {
            thread: thread.clone(),
            message_id: "m-resolve".into(),
            text: "/resoudre câble HDMI remplacé".into(),
            files: Vec::new(),
        },
    );
    c.send(resolve.clone()).await;
    c.send(resolve).await;
    assert_eq!(ledger(&c).await, [("resolved".to_owned(), 20)]);
    // The requester writes again: reopened, the points are taken back.
    c.d.clock.advance(TimeDelta::hours(1));
    c.dm(Telegram, IHEB, "Iheb Issaoui", "L'écran s'éteint encore.")
        .await;
    assert_eq!(
        ticket(&c, "TCK-20250214-001").await.status,
        Status::InProgress
    );
    assert_eq!(
        ledger(&c).await,
        [("resolved".to_owned(), 20), ("reopened".to_owned(), -20)]
    );
    // Resolved again for good: earned again, once.
    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre écran changé")
        .await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let since = c.d.desk.now() - TimeDelta::days(1);
    assert_eq!(
        points::total_since(&mut conn, sami.user, since)
            .await
            .unwrap(),
        20
    );
    assert_eq!(ledger(&c).await.len(), 3);
}

async fn a_fast_first_answer_and_a_good_rating_earn(c: ChatDesk) {
    let sami = sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // P2: a first answer within 4 hours earns 5.
    c.d.clock.advance(TimeDelta::minutes(12));
    c.in_thread(Discord, SAMI, "Sami", &thread, "Je passe à 14h.")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "Et j'apporte un câble.")
        .await;
    assert_eq!(ledger(&c).await, [("fast_first_response".to_owned(), 5)]);
    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre")
        .await;
    // Five stars earn the assignee 5 more; rating again earns nothing more.
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/noter TCK-20250214-001 5 merci !",
    )
    .await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/noter TCK-20250214-001 4")
        .await;
    let reasons: Vec<(String, i64)> = ledger(&c).await;
    assert_eq!(
        reasons,
        [
            ("fast_first_response".to_owned(), 5),
            ("resolved".to_owned(), 10),
            ("good_rating".to_owned(), 5),
        ]
    );
    // A second ticket answered after its target earns nothing for the answer.
    c.dm(
        Telegram,
        "2002",
        "Akrem Grayaa",
        "Mon clavier ne répond plus",
    )
    .await;
    c.deliver().await;
    let second = c.discord.threads().last().unwrap().0.clone();
    c.d.clock.advance(TimeDelta::days(3));
    c.in_thread(Discord, SAMI, "Sami", &second, "Désolé pour l'attente.")
        .await;
    assert_eq!(ledger(&c).await.len(), 3);
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let since = c.d.desk.now() - TimeDelta::days(30);
    assert_eq!(
        points::total_since(&mut conn, sami.user, since)
            .await
            .unwrap(),
        20
    );
}

async fn the_leaderboard_is_for_staff(c: ChatDesk) {
    sami(&c).await;
    let nour = c.d.agent("Nour Trabelsi", "it", &[]).await;
    c.d.link(&nour, "discord:1002").await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/prendre")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre")
        .await;
    c.in_thread(Discord, "1002", "Nour", &thread, "/classement")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/classement mois")
        .await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/classement").await;
    c.deliver().await;
    // Friday 14 February 2025: the week began on Monday the 10th.
    let to_nour = c.discord.texts_to("1002");
    assert!(
        to_nour.iter().any(|t| t
            == "🏆 Classement de la semaine (depuis le 10/02/2025)\n🥇 1. Sami Ben Ali — 10 pts\nVous : 0 pts"),
        "{to_nour:?}"
    );
    let to_sami = c.discord.texts_to(SAMI);
    assert!(
        to_sami
            .iter()
            .any(|t| t
                == "🏆 Classement du mois (depuis le 01/02/2025)\n🥇 1. Sami Ben Ali — 10 pts"),
        "{to_sami:?}"
    );
    let to_iheb = c.telegram.texts_to(IHEB);
    assert!(
        to_iheb
            .iter()
            .any(|t| t.contains("réservé aux équipes support")),
        "{to_iheb:?}"
    );
    // Nothing about it went to the ticket's thread.
    assert!(
        !c.discord
            .posts_in(&thread)
            .iter()
            .any(|p| p.contains("Classement"))
    );
}
