//! The employee's side: requests, questions, their own tickets, ratings, mistakes.

use super::*;

on_both_backends!(crate::support::chat::ChatDesk:
    an_employee_opens_a_ticket_by_dm,
    an_unclear_request_asks_category_and_priority,
    employees_cannot_touch_someone_elses_ticket,
    resolve_then_rating_prompt_then_four_stars,
    a_second_star_press_keeps_the_rating_and_says_so,
    the_same_event_twice_makes_one_ticket,
    a_resolved_ticket_reopens_then_later_links_a_new_one,
    a_message_with_several_open_tickets_asks_which,
    mistakes_get_a_translated_answer_and_change_nothing,
);

async fn an_employee_opens_a_ticket_by_dm(c: ChatDesk) {
    let sami = sami(&c).await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;

    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(t.subject, "Mon écran ne s'allume plus");
    assert!(t.description.starts_with("J'ai essayé"));
    assert_eq!(
        t.assignee,
        Some(sami.user),
        "routed to IT and assigned to its hardware expert"
    );
    assert_eq!(t.origin, Some(Telegram));

    c.deliver().await;
    let threads = c.discord.threads();
    assert_eq!(threads.len(), 1);
    let (thread, title) = &threads[0];
    assert_eq!(thread.space, IT_SPACE);
    assert_eq!(title, "TCK-20250214-001 · Mon écran ne s'allume plus");
    let card = c.discord.delivered().into_iter().find_map(|a| match a {
        Outbound::OpenThread { card, .. } => Some(card),
        _ => None,
    });
    let card = card.unwrap();
    let field = |name: &str| {
        card.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.clone())
    };
    assert_eq!(field("Responsable").as_deref(), Some("Sami Ben Ali"));
    assert_eq!(field("Priorité").as_deref(), Some("P2 Normal"));
    assert_eq!(
        field("Catégorie").as_deref(),
        Some("Problème matériel informatique")
    );
    assert!(
        card.buttons
            .concat()
            .iter()
            .any(|b| b.payload == format!("resolve:{}", t.id.0))
    );

    // The card carries the request, and says who asked: the thread does not
    // repeat it.
    assert_eq!(field("Demandeur").as_deref(), Some("Iheb Issaoui"));
    assert!(
        card.description.contains("vérifier les branchements"),
        "{}",
        card.description
    );
    assert_eq!(c.discord.posts_in(thread), Vec::<String>::new());
    let to_sami = c.discord.texts_to(SAMI);
    assert_eq!(to_sami.len(), 1);
    assert!(to_sami[0].contains("TCK-20250214-001"), "{to_sami:?}");
    let to_iheb = c.telegram.texts_to(IHEB);
    assert_eq!(to_iheb.len(), 1, "one answer, no spam: {to_iheb:?}");
    assert!(
        to_iheb[0].starts_with("✅ Votre ticket TCK-20250214-001 est créé."),
        "{to_iheb:?}"
    );
    assert!(to_iheb[0].contains("Service Informatique"));
    assert_eq!(
        c.backlog().await,
        Backlog {
            pending: 0,
            delivered: 3,
            dead: 0
        }
    );
}

async fn an_unclear_request_asks_category_and_priority(c: ChatDesk) {
    let karim = c.d.agent("Karim", "finance", &["finance_travel"]).await;
    c.d.link(&karim, "telegram:3001").await;
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "Bonjour, pouvez-vous m'aider ?",
    )
    .await;
    c.deliver().await;
    assert_eq!(
        ticket_count(&c).await,
        0,
        "nothing is filed before the category is known"
    );
    let asked = c.telegram.delivered().into_iter().find_map(|a| match a {
        Outbound::DirectMessage { buttons, text, .. } if !buttons.is_empty() => {
            Some((text, buttons))
        }
        _ => None,
    });
    let (text, buttons) = asked.expect("category buttons");
    assert!(text.contains("De quel type de demande"), "{text}");
    let travel = buttons
        .concat()
        .into_iter()
        .find(|b| b.label == "Prise en charge financière & hébergement")
        .expect("the finance category is offered");

    let chose = c
        .press(Telegram, AKREM, dm_place(AKREM), &travel.payload)
        .await;
    // What the employee writes meanwhile is kept with the request.
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "Déplacement à Paris du 20 au 25 mars 2025, hôtel et transport.",
    )
    .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &chose).as_deref(),
        Some("Catégorie : Prise en charge financière & hébergement")
    );
    let urgent = c
        .press(Telegram, AKREM, dm_place(AKREM), "newprio:P1")
        .await;
    c.deliver().await;
    assert!(
        answered(&c.telegram, &urgent).is_some(),
        "the button is answered"
    );

    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(t.subject, "Bonjour, pouvez-vous m'aider ?");
    assert!(
        t.description.contains("du 20 au 25 mars"),
        "{}",
        t.description
    );
    assert_eq!(t.priority, guichet::domain::Priority::P1);
    assert_eq!(t.assignee, Some(karim.user));
    let (thread, _) = c
        .telegram
        .threads()
        .pop()
        .expect("a topic in the finance supergroup");
    assert_eq!(thread.space, FINANCE_SPACE);
    // The stale category button now changes nothing and says so.
    let again = c
        .press(Telegram, AKREM, dm_place(AKREM), &travel.payload)
        .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &again).as_deref(),
        Some("Ce bouton n'est plus valable : la demande a déjà été traitée.")
    );
    assert_eq!(ticket_count(&c).await, 1);
}

async fn employees_cannot_touch_someone_elses_ticket(c: ChatDesk) {
    sami(&c).await;
    open_screen_ticket(&c).await;
    c.dm(Telegram, AKREM, "Akrem Grayaa", "/fermer TCK-20250214-001")
        .await;
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "/noter TCK-20250214-001 1 nul",
    )
    .await;
    c.deliver().await;
    let to_akrem = c.telegram.texts_to(AKREM);
    assert_eq!(to_akrem.len(), 2);
    for text in &to_akrem {
        assert_eq!(
            text,
            "⚠️ Je ne trouve pas le ticket TCK-20250214-001, ou vous n'y avez pas accès."
        );
    }
    assert_eq!(ticket(&c, "TCK-20250214-001").await.status, Status::Open);
}

async fn resolve_then_rating_prompt_then_four_stars(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        "/resoudre Câble d'alimentation remplacé",
    )
    .await;
    c.deliver().await;
    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(t.status, Status::Resolved);
    assert_eq!(
        t.resolution.as_deref(),
        Some("Câble d'alimentation remplacé")
    );
    let prompt = c.telegram.delivered().into_iter().find_map(|a| match a {
        Outbound::RatingPrompt { to, payloads, text } if to.user == IHEB => Some((payloads, text)),
        _ => None,
    });
    let (payloads, text) = prompt.expect("a rating prompt");
    assert_eq!(
        text,
        "Comment évaluez-vous la résolution du ticket TCK-20250214-001 ?"
    );
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|t| t.contains("résolu par Sami Ben Ali.\n> Câble d'alimentation remplacé"))
    );

    let rated = c.press(Telegram, IHEB, dm_place(IHEB), &payloads[3]).await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &rated).as_deref(),
        Some("Merci pour votre note ★★★★ !")
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let rating = store::ratings::get(&mut conn, t.id).await.unwrap().unwrap();
    assert_eq!((rating.stars.get(), rating.comment.as_deref()), (4, None));
    drop(conn);
    // A comment comes with the command, which may change the stars too.
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/noter TCK-20250214-001 5 Rapide et efficace",
    )
    .await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let rating = store::ratings::get(&mut conn, t.id).await.unwrap().unwrap();
    assert_eq!(
        (rating.stars.get(), rating.comment.as_deref()),
        (5, Some("Rapide et efficace"))
    );
}

/// Observed: a second press on the stars changed the stored rating (audit `rated
/// 4` then `rated 5`) and thanked again. The first press counts; a rating is
/// changed only on purpose, with the command.
async fn a_second_star_press_keeps_the_rating_and_says_so(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre Câble remplacé")
        .await;
    c.deliver().await;
    let t = ticket(&c, "TCK-20250214-001").await;
    let payloads = c
        .telegram
        .delivered()
        .into_iter()
        .find_map(|a| match a {
            Outbound::RatingPrompt { to, payloads, .. } if to.user == IHEB => Some(payloads),
            _ => None,
        })
        .expect("a rating prompt");

    let first = c.press(Telegram, IHEB, dm_place(IHEB), &payloads[3]).await;
    let again = c.press(Telegram, IHEB, dm_place(IHEB), &payloads[4]).await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &first).as_deref(),
        Some("Merci pour votre note ★★★★ !")
    );
    assert_eq!(
        answered(&c.telegram, &again).as_deref(),
        Some(
            "Vous avez déjà noté ce ticket : ★★★★. Votre note est gardée ; \
             pour la changer, utilisez la commande /noter."
        )
    );
    let thanks = c.telegram.texts_to(IHEB);
    assert_eq!(
        thanks.iter().filter(|t| t.starts_with("Merci !")).count(),
        1,
        "the comment hint comes once: {thanks:?}"
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let rating = store::ratings::get(&mut conn, t.id).await.unwrap().unwrap();
    assert_eq!(rating.stars.get(), 4);
    let rated: Vec<_> = store::audit::for_ticket(&mut conn, t.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == guichet::domain::AuditAction::Rated)
        .map(|e| e.new_value)
        .collect();
    assert_eq!(rated, [Some("4".to_owned())], "rated once");
}

async fn the_same_event_twice_makes_one_ticket(c: ChatDesk) {
    sami(&c).await;
    let event = c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    let before = c.backlog().await;
    c.send(event.clone()).await;
    c.send(event).await;
    assert_eq!(ticket_count(&c).await, 1);
    assert_eq!(c.backlog().await, before, "nothing more queued");
}

async fn a_resolved_ticket_reopens_then_later_links_a_new_one(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre Câble remplacé")
        .await;
    c.d.clock.advance(TimeDelta::days(2));
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "L'écran est de nouveau noir",
    )
    .await;
    c.deliver().await;
    let t = ticket(&c, "TCK-20250214-001").await;
    assert_eq!(
        t.status,
        Status::InProgress,
        "reopened, back with its assignee"
    );
    assert_eq!(t.times.resolved, None);
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|m| m.contains("TCK-20250214-001 est rouvert"))
    );
    assert!(
        c.discord
            .posts_in(&thread)
            .iter()
            .any(|p| p.contains("L'écran est de nouveau noir"))
    );

    c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre Écran remplacé")
        .await;
    c.d.clock.advance(TimeDelta::days(8));
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "Mon écran clignote maintenant",
    )
    .await;
    c.deliver().await;
    assert_eq!(
        ticket(&c, "TCK-20250214-001").await.status,
        Status::Resolved,
        "too late to reopen"
    );
    let new = ticket(&c, "TCK-20250224-001").await;
    assert_eq!(new.previous, Some(t.id));
    // The new ticket's card says which ticket it follows up.
    let follows_up = c.discord.delivered().into_iter().any(|action| {
        matches!(action, guichet_chat::Outbound::OpenThread { title, card, .. }
            if title.starts_with("TCK-20250224-001")
                && card.fields.iter().any(|f| f.name == "Suite du ticket"
                    && f.value == "TCK-20250214-001"))
    });
    assert!(follows_up, "the card names the ticket it follows up");
}

async fn a_message_with_several_open_tickets_asks_which(c: ChatDesk) {
    sami(&c).await;
    open_screen_ticket(&c).await;
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "/nouveau Le wifi est coupé dans la salle de réunion",
    )
    .await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "Merci de faire vite")
        .await;
    c.deliver().await;
    let wifi = ticket(&c, "TCK-20250214-002").await;
    let choice = c
        .telegram
        .delivered()
        .into_iter()
        .rev()
        .find_map(|a| match a {
            Outbound::DirectMessage { text, buttons, .. } if !buttons.is_empty() => {
                Some((text, buttons.concat()))
            }
            _ => None,
        });
    let (text, buttons) = choice.unwrap();
    assert_eq!(
        text,
        "Vous avez plusieurs tickets ouverts. Pour lequel est ce message ?"
    );
    assert_eq!(buttons.len(), 3, "two tickets and a new one: {buttons:?}");
    let pick = c
        .press(
            Telegram,
            IHEB,
            dm_place(IHEB),
            &format!("pick:{}", wifi.id.0),
        )
        .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &pick).as_deref(),
        Some("Message ajouté au ticket TCK-20250214-002.")
    );
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let bodies: Vec<String> = store::messages::for_ticket(&mut conn, wifi.id, false)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(
        bodies,
        [
            "Le wifi est coupé dans la salle de réunion",
            "Merci de faire vite"
        ]
    );
}

async fn mistakes_get_a_translated_answer_and_change_nothing(c: ChatDesk) {
    let english = |text: &str| {
        c.inbound(
            Telegram,
            "2005",
            "Jane Doe",
            Event::DirectMessage {
                chat: "dm-2005".into(),
                message_id: format!("m-{text}").chars().take(40).collect(),
                text: text.into(),
                files: Vec::new(),
                reply_to: None,
            },
        )
    };
    let with_locale = |mut e: guichet_chat::Inbound| {
        e.author.locale = Some("en-GB".into());
        e
    };
    c.send(with_locale(english("/frobnicate now"))).await;
    c.send(with_locale(english("/rate abc"))).await;
    c.send(with_locale(english("/language klingon"))).await;
    c.send(with_locale(english(&"a".repeat(16_001)))).await;
    c.send(with_locale(english("/close"))).await;
    c.deliver().await;
    assert_eq!(
        c.telegram.texts_to("2005"),
        [
            "⚠️ I don't know the command /frobnicate. Type /help for the list.",
            "⚠️ Usage: /rate TCK-YYYYMMDD-NNN 1-5 [comment]",
            "⚠️ “klingon” is not an available language: fr or en.",
            "⚠️ Your message is 16001 characters long; the limit is 16000. Split it into several messages.",
            "⚠️ You have no open ticket.",
        ]
    );
    assert_eq!(ticket_count(&c).await, 0);
    // The user exists, in English, and can switch to French.
    c.send(with_locale(english("/langue fr"))).await;
    c.send(with_locale(english("/tickets"))).await;
    c.deliver().await;
    let last = c.telegram.texts_to("2005");
    assert_eq!(
        &last[5..],
        [
            "D'accord, je vous parlerai en français.",
            "Vous n'avez aucun ticket. Écrivez-moi votre problème pour en ouvrir un."
        ]
    );
}
