//! The conversation engine as stories: events in as the adapters hand them over,
//! deliveries out through fake platforms. Every story runs on SQLite and PostgreSQL.

mod support;

use chrono::TimeDelta;
use guichet::clock::Clock;
use guichet::domain::{Status, TicketReference, Visibility};
use guichet::permissions::Actor;
use guichet::store::{self, outbox::Backlog};
use guichet_chat::{DeliveryError, Event, Outbound, Place, Platform};
use std::time::Duration;
use support::chat::{ChatDesk, FINANCE_SPACE, HR_SPACE, IT_SPACE};

use Platform::{Discord, Telegram};

on_both_backends!(crate::support::chat::ChatDesk:
    an_employee_opens_a_ticket_by_dm,
    an_unclear_request_asks_category_and_priority,
    the_agents_reply_reaches_the_employee_and_notes_do_not,
    employees_cannot_touch_someone_elses_ticket,
    an_it_agent_cannot_see_an_hr_ticket,
    resolve_then_rating_prompt_then_four_stars,
    the_same_event_twice_makes_one_ticket,
    a_crash_between_commit_and_delivery_delivers_once_after_restart,
    a_platform_failing_five_times_delivers_everything_in_order,
    a_refused_delivery_becomes_an_audited_dead_letter,
    a_resolved_ticket_reopens_then_later_links_a_new_one,
    a_message_with_several_open_tickets_asks_which,
    mistakes_get_a_translated_answer_and_change_nothing,
    transfer_moves_the_ticket_to_the_other_teams_space,
    photos_go_both_ways_across_platforms,
    agents_assign_prioritise_and_wait_from_the_thread,
    asking_for_what_already_is_says_nothing_twice,
    a_message_queued_before_a_transfer_reaches_the_old_thread,
    handing_a_ticket_back_to_the_queue_frees_it,
);

const IHEB: &str = "2001";
const AKREM: &str = "2002";
const SAMI: &str = "1001";
const LEILA: &str = "1003";
const SCREEN: &str =
    "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer et de vérifier les branchements.";

/// Sami, IT agent on Discord, expert in hardware and network.
async fn sami(c: &ChatDesk) -> Actor {
    let sami =
        c.d.agent("Sami Ben Ali", "it", &["hardware", "network"])
            .await;
    c.d.link(&sami, &format!("discord:{SAMI}")).await;
    sami
}

async fn ticket(c: &ChatDesk, reference: &str) -> guichet::domain::Ticket {
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let reference: TicketReference = reference.parse().unwrap();
    store::tickets::by_reference(&mut conn, &reference)
        .await
        .unwrap()
        .expect("the ticket exists")
}

async fn ticket_count(c: &ChatDesk) -> usize {
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let filter = store::tickets::TicketFilter {
        limit: 100,
        ..Default::default()
    };
    store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
        .await
        .unwrap()
        .len()
}

fn dm_place(user: &str) -> Place {
    Place::Direct {
        chat: format!("dm-{user}"),
    }
}

fn answered(
    fake: &support::fake_chat::FakeChat,
    interaction: &guichet_chat::Interaction,
) -> Option<String> {
    fake.delivered().into_iter().find_map(|a| match a {
        Outbound::InteractionReply {
            interaction: i,
            text,
            ..
        } if &i == interaction => Some(text),
        _ => None,
    })
}

/// Iheb opens the specification's screen ticket; everything is delivered.
async fn open_screen_ticket(c: &ChatDesk) -> guichet_chat::ThreadRef {
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    c.deliver().await;
    c.discord
        .threads()
        .last()
        .expect("a thread was opened")
        .0
        .clone()
}

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

    let posts = c.discord.posts_in(thread);
    assert!(
        posts[0].contains("Iheb Issaoui") && posts[0].contains("vérifier les branchements"),
        "{posts:?}"
    );
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
            delivered: 4,
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

async fn the_same_event_twice_makes_one_ticket(c: ChatDesk) {
    sami(&c).await;
    let event = c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    let before = c.backlog().await;
    c.send(event.clone()).await;
    c.send(event).await;
    assert_eq!(ticket_count(&c).await, 1);
    assert_eq!(c.backlog().await, before, "nothing more queued");
}

async fn a_crash_between_commit_and_delivery_delivers_once_after_restart(c: ChatDesk) {
    sami(&c).await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    // An instance claims everything, then dies before delivering.
    let mut tx = c.d.store.begin().await.unwrap();
    let now = c.d.clock.now();
    let claimed = store::outbox::claim(
        &mut tx,
        "crashed",
        &[Discord, Telegram],
        now,
        now + TimeDelta::minutes(2),
        64,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(!claimed.is_empty());

    // The restarted service waits for the dead instance's lease, then delivers.
    c.deliver().await;
    assert!(c.telegram.delivered().is_empty() && c.discord.delivered().is_empty());
    c.d.clock.advance(TimeDelta::minutes(3));
    c.deliver().await;
    c.deliver().await;
    assert_eq!(c.telegram.texts_to(IHEB).len(), 1, "the confirmation, once");
    assert_eq!(c.discord.threads().len(), 1, "one thread");
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 0));
    assert_eq!(
        backlog.delivered as usize,
        c.telegram.delivered().len() + c.discord.delivered().len()
    );
}

async fn a_platform_failing_five_times_delivers_everything_in_order(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.telegram.fail_next(
        5,
        DeliveryError::Retry {
            after: Some(Duration::from_secs(3)),
            reason: "429 Too Many Requests".into(),
        },
    );
    let lines = ["Première réponse", "Deuxième réponse", "Troisième réponse"];
    for line in lines {
        c.in_thread(Discord, SAMI, "Sami", &thread, line).await;
    }
    let before = c.telegram.delivered().len();
    for _ in 0..20 {
        c.deliver().await;
        if c.backlog().await.pending == 0 {
            break;
        }
        c.d.clock.advance(TimeDelta::minutes(11));
    }
    assert_eq!(c.backlog().await.pending, 0);
    let relayed: Vec<String> = c
        .telegram
        .texts_to(IHEB)
        .into_iter()
        .filter(|t| t.starts_with("💬"))
        .collect();
    let bodies: Vec<&str> = relayed.iter().map(|t| t.lines().last().unwrap()).collect();
    assert_eq!(bodies, lines, "all delivered, in order, once");
    assert_eq!(c.telegram.attempts(), c.telegram.delivered().len() + 5);
    assert_eq!(c.telegram.delivered().len(), before + 3);
}

async fn a_refused_delivery_becomes_an_audited_dead_letter(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.telegram.fail_next(
        1,
        DeliveryError::Permanent {
            reason: "Forbidden: bot was blocked by the user".into(),
        },
    );
    c.in_thread(Discord, SAMI, "Sami", &thread, "Êtes-vous là ?")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "Je repasse demain.")
        .await;
    c.deliver().await;
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 1));
    // The dead letter does not block the conversation.
    assert!(
        c.telegram
            .texts_to(IHEB)
            .last()
            .unwrap()
            .ends_with("Je repasse demain.")
    );
    let t = ticket(&c, "TCK-20250214-001").await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let trail = store::audit::for_ticket(&mut conn, t.id).await.unwrap();
    let dead = trail
        .iter()
        .find(|e| e.action == "delivery_abandoned")
        .expect("audited");
    assert_eq!(
        dead.new_value.as_deref(),
        Some("Forbidden: bot was blocked by the user")
    );
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
    let (new_thread, _) = c.discord.threads().pop().unwrap();
    assert!(
        c.discord
            .posts_in(&new_thread)
            .iter()
            .any(|p| p.contains("Suite du ticket TCK-20250214-001"))
    );
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

fn photo(reference: &str) -> guichet_chat::IncomingFile {
    guichet_chat::IncomingFile {
        name: "ecran.jpg".into(),
        content_type: Some("image/jpeg".into()),
        size: Some(48_213),
        reference: reference.into(),
        url: None,
    }
}

/// Files attached to a delivered action.
fn files_of(action: &Outbound) -> Vec<guichet_chat::OutgoingFile> {
    match action {
        Outbound::DirectMessage { files, .. } | Outbound::PostInThread { files, .. } => {
            files.clone()
        }
        _ => Vec::new(),
    }
}

async fn photos_go_both_ways_across_platforms(c: ChatDesk) {
    use guichet_chat::FileContent;
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // Iheb (Telegram) sends a photo: the IT thread (Discord) gets the file's bytes.
    let event = c.inbound(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        Event::DirectMessage {
            chat: format!("dm-{IHEB}"),
            message_id: "photo-1".into(),
            text: "Voici l'écran".into(),
            files: vec![photo("AgACAgQAAxkBAAIB")],
            reply_to: None,
        },
    );
    c.send(event).await;
    c.deliver().await;
    let posted = c
        .discord
        .delivered()
        .into_iter()
        .rev()
        .find(|a| matches!(a, Outbound::PostInThread { .. }))
        .unwrap();
    let files = files_of(&posted);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "ecran.jpg");
    assert_eq!(
        files[0].content,
        FileContent::Bytes(b"bytes of AgACAgQAAxkBAAIB".to_vec())
    );

    // Sami (Discord) answers with a screenshot: Iheb gets it on Telegram.
    let event = c.inbound(
        Discord,
        SAMI,
        "Sami",
        Event::ThreadMessage {
            thread: thread.clone(),
            message_id: "photo-2".into(),
            text: "Branchez ce câble-ci".into(),
            files: vec![photo("1180000000000000001")],
        },
    );
    c.send(event).await;
    c.deliver().await;
    let sent = c
        .telegram
        .delivered()
        .into_iter()
        .rev()
        .find(|a| matches!(a, Outbound::DirectMessage { .. }))
        .unwrap();
    assert_eq!(
        files_of(&sent)[0].content,
        FileContent::Bytes(b"bytes of 1180000000000000001".to_vec())
    );

    // Within one platform the file is passed by reference, nothing downloaded.
    let karim = c.d.agent("Karim", "finance", &["finance_travel"]).await;
    c.d.link(&karim, "telegram:3001").await;
    let event = c.inbound(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        Event::DirectMessage {
            chat: format!("dm-{AKREM}"),
            message_id: "photo-3".into(),
            text: "Remboursement hôtel Paris, facture jointe".into(),
            files: vec![photo("BQACAgQAAxkBAAIC")],
            reply_to: None,
        },
    );
    c.send(event).await;
    c.deliver().await;
    let posted = c
        .telegram
        .delivered()
        .into_iter()
        .rev()
        .find(|a| matches!(a, Outbound::PostInThread { .. }))
        .unwrap();
    assert_eq!(
        files_of(&posted)[0].content,
        FileContent::Reference("BQACAgQAAxkBAAIC".into())
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
    c.in_thread(Discord, "1002", "Nour", &thread, "/statut waiting_on_user")
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
        .map(|e| (e.action, e.actor.map(|u| u.0)))
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
        .find(|e| e.action == "unassigned")
        .expect("audited");
    assert_eq!(unassigned.old_value, Some(sami.user.to_string()));
}
