//! The team's side: answers, notes, confidentiality, assignment, transfers.

use super::*;
use guichet::domain::AuditAction;

on_both_backends!(crate::support::chat::ChatDesk:
    the_agents_reply_reaches_the_employee_and_notes_do_not,
    an_it_agent_cannot_see_an_hr_ticket,
    someone_outside_the_team_is_told_so_in_its_thread,
    transfer_moves_the_ticket_to_the_other_teams_space,
    agents_assign_prioritise_and_wait_from_the_thread,
    asking_for_what_already_is_says_nothing_twice,
    a_message_queued_before_a_transfer_reaches_the_old_thread,
    handing_a_ticket_back_to_the_queue_frees_it,
);

async fn the_agents_reply_reaches_the_employee_and_notes_do_not(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.d.clock.advance(TimeDelta::minutes(12));
    c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        "Je passe à votre bureau à 14h.",
    )
    .await;
    c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        "// câble HDMI probablement à changer",
    )
    .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/note vérifier la garantie")
        .await;
    c.deliver().await;

    let to_iheb = c.telegram.texts_to(IHEB);
    assert_eq!(to_iheb.len(), 2, "{to_iheb:?}");
    assert_eq!(
        to_iheb[1],
        "💬 Sami Ben Ali (Service Informatique) · TCK-20250214-001\nJe passe à votre bureau à 14h."
    );
    assert!(
        !to_iheb
            .iter()
            .any(|t| t.contains("HDMI") || t.contains("garantie"))
    );
    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(
        t.times.first_response,
        Some(t.times.created.unwrap() + TimeDelta::minutes(12))
    );
    assert_eq!(t.status, Status::InProgress);
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let messages = store::messages::for_ticket(&mut conn, t.id, true)
        .await
        .unwrap();
    let notes: Vec<_> = messages
        .iter()
        .filter(|m| m.visibility == Visibility::Internal)
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(
        notes,
        ["câble HDMI probablement à changer", "vérifier la garantie"]
    );
    // The card follows the status.
    assert!(
        c.discord
            .delivered()
            .iter()
            .any(|a| matches!(a, Outbound::UpdateCard { card, .. }
        if card.fields.iter().any(|f| f.value == "En cours de traitement")))
    );
}

async fn an_it_agent_cannot_see_an_hr_ticket(c: ChatDesk) {
    sami(&c).await;
    let leila = c.d.agent("Leila", "hr", &[]).await;
    c.d.link(&leila, &format!("discord:{LEILA}")).await;
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "J'ai besoin d'une attestation de salaire pour ma banque",
    )
    .await;
    c.deliver().await;
    let t = ticket(&c, "TCK-20250214-001").await;
    let (thread, _) = c.discord.threads().pop().unwrap();
    assert_eq!(thread.space, HR_SPACE);
    assert_eq!(
        t.assignee, None,
        "Leila is not expert in hr_request: the HR queue"
    );

    c.dm(Discord, SAMI, "Sami", "/prendre TCK-20250214-001")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "Je regarde ça")
        .await;
    c.deliver().await;
    assert_eq!(
        c.discord.texts_to(SAMI).last().map(String::as_str),
        Some("⚠️ Je ne trouve pas le ticket TCK-20250214-001, ou vous n'y avez pas accès.")
    );
    assert!(
        c.discord
            .posts_in(&thread)
            .iter()
            .any(|p| p.contains("ne faites pas partie de l'équipe"))
    );
    assert!(
        !c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|t| t.contains("Je regarde")),
        "nothing relayed"
    );

    let claim = c
        .press(
            Discord,
            LEILA,
            Place::Thread(thread.clone()),
            &format!("claim:{}", t.id.0),
        )
        .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.discord, &claim).as_deref(),
        Some("Vous prenez en charge TCK-20250214-001.")
    );
    assert_eq!(
        ticket(&c, "TCK-20250214-001").await.assignee,
        Some(leila.user)
    );
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|t| t.contains("Leila (Ressources humaines) s'occupe"))
    );
}

async fn someone_outside_the_team_is_told_so_in_its_thread(c: ChatDesk) {
    sami(&c).await;
    let leila = c.d.agent("Leila", "hr", &[]).await;
    c.d.link(&leila, &format!("discord:{LEILA}")).await;
    let thread = open_screen_ticket(&c).await;
    let before = c.telegram.texts_to(IHEB).len();

    // Leila, of the HR team, writes in the IT ticket's thread: an answer, a note.
    c.in_thread(Discord, LEILA, "Leila", &thread, "Je m'en occupe")
        .await;
    c.in_thread(Discord, LEILA, "Leila", &thread, "// à voir avec l'IT")
        .await;
    c.deliver().await;

    let not_staff = "⚠️ Vous ne faites pas partie de l'équipe de ce ticket : votre message n'a pas été transmis. Demandez à un administrateur de vous y ajouter.";
    let told = c
        .discord
        .posts_in(&thread)
        .iter()
        .filter(|p| *p == not_staff)
        .count();
    assert_eq!(told, 2, "once for the answer, once for the note");
    assert_eq!(
        c.telegram.texts_to(IHEB).len(),
        before,
        "nothing reached the requester"
    );
    let t = ticket(&c, "TCK-20250214-001").await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let messages = store::messages::for_ticket(&mut conn, t.id, true)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1, "only the request itself is kept");
}

async fn transfer_moves_the_ticket_to_the_other_teams_space(c: ChatDesk) {
    sami(&c).await;
    let karim = c.d.agent("Karim", "finance", &["hardware"]).await;
    c.d.link(&karim, "telegram:3001").await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/transferer finance")
        .await;
    c.deliver().await;
    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(t.assignee, Some(karim.user));
    assert!(
        c.discord
            .posts_in(&thread)
            .last()
            .unwrap()
            .contains("transfère le ticket à : Service Financier")
    );
    assert!(
        c.discord.delivered().iter().any(
            |a| matches!(a, Outbound::SetThreadOpen { thread: t, open: false } if *t == thread)
        )
    );
    let (topic, title) = c
        .telegram
        .threads()
        .pop()
        .expect("a topic in the finance supergroup");
    assert_eq!(
        (topic.space.as_str(), title.as_str()),
        (
            FINANCE_SPACE,
            "TCK-20250214-001 · Mon écran ne s'allume plus"
        )
    );
    assert!(
        c.telegram
            .texts_to("3001")
            .iter()
            .any(|m| m.contains("TCK-20250214-001")),
        "Karim is told"
    );
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|m| m == "➡️ Votre ticket TCK-20250214-001 est transmis à : Service Financier.")
    );
    // Karim's answer in the new topic reaches Iheb.
    c.in_thread(Telegram, "3001", "Karim", &topic, "Je m'en occupe.")
        .await;
    c.deliver().await;
    assert!(
        c.telegram
            .texts_to(IHEB)
            .last()
            .unwrap()
            .ends_with("Je m'en occupe.")
    );
}

async fn agents_assign_prioritise_and_wait_from_the_thread(c: ChatDesk) {
    let sami = sami(&c).await;
    let nour = c.d.agent("Nour Trabelsi", "it", &[]).await;
    c.d.link(&nour, "discord:1002").await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/priorite P1")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/assigner <@1002>")
        .await;
    // French words for statuses, as the French help shows them.
    c.in_thread(Discord, "1002", "Nour", &thread, "/statut en attente")
        .await;
    c.in_thread(Discord, "1002", "Nour", &thread, "/priorite P9")
        .await;
    c.deliver().await;

    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(
        (t.priority, t.assignee, t.status),
        (
            guichet::domain::Priority::P1,
            Some(nour.user),
            Status::WaitingOnUser
        )
    );
    let posts = c.discord.posts_in(&thread);
    for expected in [
        "⚡ Sami Ben Ali passe la priorité à P1 Urgent.",
        "👤 Sami Ben Ali confie le ticket à Nour Trabelsi.",
        "🔁 Nour Trabelsi passe le statut à « En attente du demandeur ».",
        "⚠️ « P9 » n'est pas une priorité : P0, P1, P2 ou P3.",
    ] {
        assert!(
            posts.iter().any(|p| p == expected),
            "{expected:?} not in {posts:?}"
        );
    }
    assert!(
        c.discord
            .texts_to("1002")
            .iter()
            .any(|m| m.starts_with("📌 Nouveau ticket pour vous : TCK-20250214-001"))
    );
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|m| m.contains("L'équipe attend votre réponse sur le ticket TCK-20250214-001"))
    );
    // The employee's answer ends the wait.
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "Oui, l'écran est branché sur la prise murale.",
    )
    .await;
    assert_eq!(
        ticket(&c, "TCK-20250214-001").await.status,
        Status::InProgress
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let trail: Vec<(String, Option<i64>)> = store::audit::for_ticket(&mut conn, t.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action.to_string(), e.actor.map(|u| u.0)))
        .collect();
    for (action, actor) in [
        ("priority_changed", sami.user.0),
        ("assigned", sami.user.0),
        ("status_changed", nour.user.0),
    ] {
        assert!(
            trail.contains(&(action.to_owned(), Some(actor))),
            "{action} by {actor} in {trail:?}"
        );
    }
}

async fn asking_for_what_already_is_says_nothing_twice(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    let before_posts = c.discord.posts_in(&thread).len();
    let before_dms = c.telegram.texts_to(IHEB).len();
    c.in_thread(Discord, SAMI, "Sami", &thread, "/transferer it")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/priorite P2")
        .await;
    c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        &format!("/assigner discord:{SAMI}"),
    )
    .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/nouveau")
        .await;
    c.deliver().await;
    assert_eq!(c.discord.threads().len(), 1, "no second thread");
    let posts = c.discord.posts_in(&thread);
    assert_eq!(
        &posts[before_posts..],
        ["⚠️ Cette commande s'utilise en message privé avec le bot."],
        "only the refusal of /nouveau"
    );
    assert_eq!(
        c.telegram.texts_to(IHEB).len(),
        before_dms,
        "the requester is not bothered"
    );
    assert_eq!(
        c.discord.texts_to(SAMI).len(),
        1,
        "no second assignment notice"
    );
}

async fn a_message_queued_before_a_transfer_reaches_the_old_thread(c: ChatDesk) {
    sami(&c).await;
    let karim = c.d.agent("Karim", "finance", &["hardware"]).await;
    c.d.link(&karim, "telegram:3001").await;
    let thread = open_screen_ticket(&c).await;
    // The employee writes, and before it is delivered the ticket moves to Finance.
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "C'est peut-être la prise murale",
    )
    .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/transferer finance")
        .await;
    c.deliver().await;
    assert_eq!(c.backlog().await.dead, 0);
    let old_posts = c.discord.posts_in(&thread);
    let relayed = old_posts
        .iter()
        .position(|p| p.contains("la prise murale"))
        .expect("relayed to the thread it was written for");
    let moved = old_posts
        .iter()
        .position(|p| p.contains("transfère le ticket"))
        .unwrap();
    assert!(relayed < moved, "{old_posts:?}");
    let (topic, _) = c.telegram.threads().pop().expect("the finance topic");
    // Later messages go to the new topic only.
    c.dm(Telegram, IHEB, "Iheb Issaoui", "Merci Karim").await;
    c.deliver().await;
    assert!(
        c.telegram
            .posts_in(&topic)
            .iter()
            .any(|p| p.contains("Merci Karim"))
    );
    assert!(
        !c.discord
            .posts_in(&thread)
            .iter()
            .any(|p| p.contains("Merci Karim"))
    );
    // Writing in the old thread now reaches nobody.
    c.in_thread(Discord, SAMI, "Sami", &thread, "Encore là ?")
        .await;
    c.deliver().await;
    assert!(
        !c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|m| m.contains("Encore là"))
    );
}

async fn handing_a_ticket_back_to_the_queue_frees_it(c: ChatDesk) {
    let sami = sami(&c).await;
    let nour = c.d.agent("Nour Trabelsi", "it", &[]).await;
    c.d.link(&nour, "discord:1002").await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/prendre")
        .await;
    assert_eq!(
        ticket(&c, "TCK-20250214-001").await.status,
        Status::InProgress
    );
    c.in_thread(Discord, SAMI, "Sami", &thread, "/statut open")
        .await;
    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!((t.status, t.assignee), (Status::Open, None));
    c.in_thread(Discord, "1002", "Nour", &thread, "/prendre")
        .await;
    assert_eq!(
        ticket(&c, "TCK-20250214-001").await.assignee,
        Some(nour.user)
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let trail = store::audit::for_ticket(&mut conn, t.id).await.unwrap();
    let unassigned = trail
        .iter()
        .find(|e| e.action == AuditAction::Unassigned)
        .expect("audited");
    assert_eq!(unassigned.old_value, Some(sami.user.to_string()));
}
