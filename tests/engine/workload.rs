//! Spreading the work: away agents get nothing new, a lead hands an agent's
//! tickets to the others, late agents are passed over.

use super::*;
use guichet::domain::{AuditAction, Role};

on_both_backends!(crate::support::chat::ChatDesk:
    an_away_agent_receives_no_new_ticket,
    a_lead_shares_out_an_agents_tickets,
    an_agent_late_on_a_ticket_is_passed_over,
);

/// Karim, second IT agent on Discord, also a hardware expert.
async fn karim(c: &ChatDesk) -> Actor {
    let karim = c.d.agent("Karim Mansour", "it", &["hardware"]).await;
    c.d.link(&karim, "discord:1002").await;
    karim
}

/// A screen ticket from a new employee (one per employee: a second message of the
/// same employee would go to their open ticket).
async fn screen_ticket_from(c: &ChatDesk, employee: &str) -> guichet::domain::Ticket {
    c.dm(Telegram, employee, &format!("Employé {employee}"), SCREEN)
        .await;
    c.deliver().await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let filter = store::tickets::TicketFilter {
        limit: 1,
        ..Default::default()
    };
    store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
        .await
        .unwrap()
        .remove(0)
}

async fn an_away_agent_receives_no_new_ticket(c: ChatDesk) {
    let sami = sami(&c).await;
    let karim = karim(&c).await;
    let dm = |user: &str| Event::DirectMessage {
        chat: format!("dm-{user}"),
        message_id: format!("away-{user}"),
        text: "/indisponible".into(),
        files: Vec::new(),
        reply_to: None,
    };
    c.send(c.inbound(Discord, SAMI, "Sami", dm(SAMI))).await;
    c.deliver().await;
    assert!(
        c.discord
            .texts_to(SAMI)
            .iter()
            .any(|t| t.starts_with("🌴 C'est noté : vous ne recevez plus de nouveaux tickets")),
        "{:?}",
        c.discord.texts_to(SAMI)
    );
    // Sami has no ticket and Karim one, yet the new ticket goes to Karim.
    assert_eq!(
        screen_ticket_from(&c, "3001").await.assignee,
        Some(karim.user)
    );
    assert_eq!(
        screen_ticket_from(&c, "3002").await.assignee,
        Some(karim.user)
    );
    c.dm(Discord, SAMI, "Sami", "/disponible").await;
    assert_eq!(
        screen_ticket_from(&c, "3003").await.assignee,
        Some(sami.user)
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let trail = store::audit::for_user(&mut conn, sami.user).await.unwrap();
    let changes: Vec<_> = trail
        .iter()
        .filter(|e| e.action == AuditAction::AgentSettingsChanged && e.actor.is_some())
        .map(|e| (e.actor, e.new_value.clone()))
        .collect();
    assert_eq!(
        changes,
        [
            (Some(sami.user), Some("unavailable".to_owned())),
            (Some(sami.user), Some("available".to_owned())),
        ]
    );
    // An employee has nothing to be away from.
    c.dm(Telegram, IHEB, "Iheb Issaoui", "/indisponible").await;
    c.deliver().await;
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|t| t.contains("réservée aux équipes support"))
    );
}

async fn a_lead_shares_out_an_agents_tickets(c: ChatDesk) {
    let sami = sami(&c).await;
    let first = screen_ticket_from(&c, "3001").await;
    let second = screen_ticket_from(&c, "3002").await;
    assert_eq!(
        (first.assignee, second.assignee),
        (Some(sami.user), Some(sami.user))
    );
    let karim = karim(&c).await;
    // Leila leads IT; Karim is only a member.
    let leila = c.d.person("Leila Ben Salah", Role::Agent, None, &[]).await;
    c.d.link(&leila, "discord:1003").await;
    let mut tx = c.d.store.begin().await.unwrap();
    let it = c.d.desk.find_team("it").unwrap();
    store::catalog::add_member(&mut tx, it.id, leila.user, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    c.dm(Discord, "1002", "Karim", "/redistribuer <@1001>")
        .await;
    c.deliver().await;
    assert!(
        c.discord
            .texts_to("1002")
            .iter()
            .any(|t| t.contains("Seul un responsable de l'équipe")),
        "{:?}",
        c.discord.texts_to("1002")
    );
    assert_eq!(c.d.reload(&first).await.assignee, Some(sami.user));

    c.dm(Discord, "1003", "Leila", "/redistribuer <@1001>")
        .await;
    c.deliver().await;
    assert!(
        c.discord.texts_to("1003").iter().any(|t| t
            == "🔀 2 ticket(s) de Sami Ben Ali réparti(s), dont 0 remis dans la file faute d'expert disponible."),
        "{:?}",
        c.discord.texts_to("1003")
    );
    for t in [&first, &second] {
        assert_eq!(c.d.reload(t).await.assignee, Some(karim.user));
    }
    let threads = c.discord.threads();
    let posts = c.discord.posts_in(&threads[0].0);
    assert!(
        posts
            .iter()
            .any(|p| p == "🔀 Leila Ben Salah retire le ticket à Sami Ben Ali : Karim Mansour."),
        "{posts:?}"
    );
    let to_karim = c.discord.texts_to("1002");
    assert_eq!(
        to_karim
            .iter()
            .filter(|t| t.starts_with("📌 Nouveau ticket pour vous"))
            .count(),
        2
    );
    let to_sami = c.discord.texts_to(SAMI);
    assert!(
        to_sami.iter().any(|t| t.contains(&format!(
            "a confié votre ticket {} à un collègue",
            first.reference
        ))),
        "{to_sami:?}"
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let trail: Vec<(String, Option<i64>)> = store::audit::for_ticket(&mut conn, first.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action.to_string(), e.actor.map(|u| u.0)))
        .collect();
    for action in ["unassigned", "assigned"] {
        assert!(
            trail.contains(&(action.to_owned(), Some(leila.user.0))),
            "{action} by the lead in {trail:?}"
        );
    }
    drop(conn);
    // Karim's tickets go back to Sami; once Karim is away, Sami's go to the queue.
    c.dm(Discord, "1003", "Leila", "/redistribuer discord:1002")
        .await;
    assert_eq!(c.d.reload(&first).await.assignee, Some(sami.user));
    c.dm(Discord, "1002", "Karim", "/indisponible").await;
    c.dm(Discord, "1003", "Leila", "/redistribuer discord:1001")
        .await;
    let t = c.d.reload(&first).await;
    assert_eq!((t.assignee, t.status), (None, Status::Open));
}

async fn an_agent_late_on_a_ticket_is_passed_over(c: ChatDesk) {
    let sami = sami(&c).await;
    let late = screen_ticket_from(&c, "3001").await;
    assert_eq!(late.assignee, Some(sami.user));
    let karim = karim(&c).await;
    c.d.clock.advance(TimeDelta::days(10));
    assert!(c.d.reload(&late).await.sla.resolution_due.unwrap() < c.d.desk.now());
    // Without the rule, the tie at one ticket each would go to Sami (his turn came
    // longest ago), then Sami would have the fewest; being late, he gets none.
    for employee in ["3002", "3003", "3004"] {
        assert_eq!(
            screen_ticket_from(&c, employee).await.assignee,
            Some(karim.user),
            "{employee}"
        );
    }
    // Once the late ticket is resolved, Sami takes his turn again.
    let thread = c.discord.threads()[0].0.clone();
    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre")
        .await;
    assert_eq!(
        screen_ticket_from(&c, "3005").await.assignee,
        Some(sami.user)
    );
}
