//! Requests that need approval (finance & travel): the finance team approves, asks
//! for information or refuses with a reason, from the card, commands or forms.

use super::*;
use crate::support::{Harness, TestDb};
use guichet::config::{Config, StaffSpace};
use guichet::domain::{Role, Ticket};
use guichet_chat::{Card, Interaction};

on_both_backends!(crate::support::chat::ChatDesk:
    approving_from_the_card_resolves_and_tells_the_employee,
    a_refusal_needs_a_justification_and_tells_the_reason,
    an_english_speaking_employee_is_refused_in_english,
    asking_for_information_waits_on_the_employee_and_relays_the_answer,
    only_the_deciding_team_and_admins_decide,
    nobody_decides_on_their_own_request,
    a_request_without_approval_offers_no_decision,
);

on_both_backends!(crate::decisions::FinanceOnDiscord:
    on_discord_the_question_and_the_reason_come_in_forms,
);

/// Karim Mansour works the finance team's topics on Telegram.
const KARIM: &str = "3001";
const TRIP: &str = "Remboursement hôtel et train pour Paris du 20 au 25 mars";
const REFERENCE: &str = "TCK-20250214-001";

async fn karim(c: &ChatDesk, platform: Platform) -> Actor {
    let karim =
        c.d.agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    c.d.link(&karim, &format!("{platform}:{KARIM}")).await;
    karim
}

/// Akrem asks for his trip to be paid for; returns the ticket and its topic.
async fn open_trip_request(c: &ChatDesk, finance: Platform) -> (Ticket, guichet_chat::ThreadRef) {
    c.dm(Telegram, AKREM, "Akrem Grayaa", TRIP).await;
    c.deliver().await;
    let (thread, _) = c
        .fake(finance)
        .threads()
        .pop()
        .expect("a thread in the finance space");
    (ticket(c, REFERENCE).await, thread)
}

/// Every card drawn on `fake`, first to last.
fn cards(fake: &support::fake_chat::FakeChat) -> Vec<Card> {
    fake.delivered()
        .into_iter()
        .filter_map(|a| match a {
            Outbound::OpenThread { card, .. } | Outbound::UpdateCard { card, .. } => Some(card),
            _ => None,
        })
        .collect()
}

fn payloads(card: &Card) -> Vec<String> {
    card.buttons
        .concat()
        .into_iter()
        .map(|b| b.payload)
        .collect()
}

fn field<'a>(card: &'a Card, name: &str) -> Option<&'a str> {
    card.fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
}

/// The audit trail of a ticket as `(action, actor, new value)`.
async fn trail(c: &ChatDesk, t: &Ticket) -> Vec<(String, Option<i64>, Option<String>)> {
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    store::audit::for_ticket(&mut conn, t.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action.to_string(), e.actor.map(|u| u.0), e.new_value))
        .collect()
}

fn decisions_in(trail: &[(String, Option<i64>, Option<String>)]) -> usize {
    trail
        .iter()
        .filter(|(action, ..)| ["approved", "refused", "info_requested"].contains(&action.as_str()))
        .count()
}

async fn approving_from_the_card_resolves_and_tells_the_employee(c: ChatDesk) {
    let karim = karim(&c, Telegram).await;
    let (t, topic) = open_trip_request(&c, Telegram).await;
    assert_eq!(t.assignee, Some(karim.user));
    let id = t.id.0;
    let first = cards(&c.telegram).pop().expect("the card");
    let offered = payloads(&first);
    for payload in [
        format!("approve:{id}"),
        format!("ask:{id}"),
        format!("refuse:{id}"),
    ] {
        assert!(offered.contains(&payload), "{payload} not in {offered:?}");
    }
    assert!(
        !offered.contains(&format!("resolve:{id}")),
        "a decision, not a fix: {offered:?}"
    );

    c.in_thread(Telegram, KARIM, "Karim", &topic, "/aide").await;
    c.deliver().await;
    let help = c.telegram.posts_in(&topic).pop().unwrap();
    assert!(
        help.contains("/approuver [note]") && help.contains("/refuser <justification>"),
        "{help}"
    );

    c.d.clock.advance(TimeDelta::minutes(30));
    let approve = c
        .press(
            Telegram,
            KARIM,
            Place::Thread(topic.clone()),
            &format!("approve:{id}"),
        )
        .await;
    c.deliver().await;

    assert_eq!(
        answered(&c.telegram, &approve).as_deref(),
        Some("Demande TCK-20250214-001 approuvée.")
    );
    let t = ticket(&c, REFERENCE).await;
    assert_eq!(t.status, Status::Resolved);
    assert_eq!(t.times.resolved, Some(c.d.clock.now()));
    let to_akrem = c.telegram.texts_to(AKREM);
    assert!(
        to_akrem.contains(
            &"✅ Votre demande TCK-20250214-001 est approuvée par Karim Mansour (Service Financier)."
                .to_owned()
        ),
        "{to_akrem:?}"
    );
    assert_eq!(
        to_akrem.last().map(String::as_str),
        Some("Comment évaluez-vous la résolution du ticket TCK-20250214-001 ?"),
        "asked to rate, as after any resolution"
    );
    let trail = trail(&c, &t).await;
    assert!(
        trail.contains(&("approved".into(), Some(karim.user.0), None)),
        "{trail:?}"
    );
    assert!(
        trail.contains(&(
            "status_changed".into(),
            Some(karim.user.0),
            Some("resolved".into())
        )),
        "{trail:?}"
    );
    assert!(
        c.telegram
            .posts_in(&topic)
            .contains(&"✅ Karim Mansour approuve la demande.".to_owned())
    );
    let card = cards(&c.telegram).pop().unwrap();
    assert_eq!(field(&card, "Statut"), Some("Résolu"));
    assert_eq!(
        field(&card, "Décision"),
        Some("✅ Approuvée par Karim Mansour")
    );
    assert_eq!(payloads(&card), [format!("close:{id}")], "no decision left");

    // A decided request cannot be decided again.
    let late = c
        .press(
            Telegram,
            KARIM,
            Place::Thread(topic.clone()),
            &format!("refuse:{id}"),
        )
        .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &late).as_deref(),
        Some("Ce ticket est déjà résolu ou fermé : il n'y a plus de décision à prendre.")
    );
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::Resolved);
}

async fn a_refusal_needs_a_justification_and_tells_the_reason(c: ChatDesk) {
    let karim = karim(&c, Telegram).await;
    let (before, topic) = open_trip_request(&c, Telegram).await;
    let id = before.id.0;
    let told_before = c.telegram.texts_to(AKREM).len();

    c.in_thread(Telegram, KARIM, "Karim", &topic, "/refuser   ")
        .await;
    c.deliver().await;
    assert_eq!(
        c.telegram.posts_in(&topic).last().map(String::as_str),
        Some(
            "⚠️ Un refus doit être motivé : donnez la justification, par exemple /refuser Budget de déplacement épuisé."
        )
    );
    let unchanged = ticket(&c, REFERENCE).await;
    assert_eq!(unchanged.status, before.status);
    assert_eq!(unchanged.resolution, None);
    assert_eq!(decisions_in(&trail(&c, &unchanged).await), 0);
    assert_eq!(c.telegram.texts_to(AKREM).len(), told_before);

    // Telegram shows no forms: the button asks for the reason in the topic.
    let refuse = c
        .press(
            Telegram,
            KARIM,
            Place::Thread(topic.clone()),
            &format!("refuse:{id}"),
        )
        .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &refuse).as_deref(),
        Some("Écrivez le motif du refus dans le sujet, en un message.")
    );
    assert_eq!(
        c.telegram.posts_in(&topic).last().map(String::as_str),
        Some(
            "✍️ Karim Mansour : écrivez le motif du refus en un message dans ce sujet (/annuler pour renoncer)."
        )
    );
    assert_eq!(ticket(&c, REFERENCE).await.status, before.status);

    let reason = "Le train en première classe n'est pas pris en charge.";
    c.in_thread(Telegram, KARIM, "Karim", &topic, reason).await;
    c.deliver().await;
    let t = ticket(&c, REFERENCE).await;
    assert_eq!(t.status, Status::Resolved);
    assert_eq!(t.resolution.as_deref(), Some(reason));
    let to_akrem = c.telegram.texts_to(AKREM);
    assert!(
        to_akrem.contains(&format!(
            "❌ Votre demande TCK-20250214-001 est refusée par Karim Mansour (Service Financier).\n\
             Motif : {reason}\nPour toute question, répondez ici."
        )),
        "{to_akrem:?}"
    );
    assert!(
        !to_akrem.iter().any(|m| m.starts_with("💬")),
        "the reason is not relayed a second time as an answer: {to_akrem:?}"
    );
    let trail = trail(&c, &t).await;
    assert!(
        trail.contains(&("refused".into(), Some(karim.user.0), Some(reason.into()))),
        "{trail:?}"
    );
    assert!(c.telegram.posts_in(&topic).contains(&format!(
        "❌ Karim Mansour refuse la demande. Motif :\n> {reason}"
    )));
    let card = cards(&c.telegram).pop().unwrap();
    assert_eq!(
        field(&card, "Décision"),
        Some("❌ Refusée par Karim Mansour")
    );
    assert!(!payloads(&card).iter().any(|p| p.starts_with("refuse:")));
}

async fn an_english_speaking_employee_is_refused_in_english(c: ChatDesk) {
    karim(&c, Telegram).await;
    c.dm(Telegram, AKREM, "Akrem Grayaa", "/language en").await;
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "Hotel refund for the Lyon trade fair",
    )
    .await;
    c.deliver().await;
    let (topic, _) = c.telegram.threads().pop().expect("the finance topic");
    c.in_thread(
        Telegram,
        KARIM,
        "Karim",
        &topic,
        "/refuser Le salon n'était pas une mission validée.",
    )
    .await;
    c.deliver().await;
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::Resolved);
    let to_akrem = c.telegram.texts_to(AKREM);
    assert!(
        to_akrem.contains(
            &"❌ Your request TCK-20250214-001 was refused by Karim Mansour (Finance Department).\n\
              Reason: Le salon n'était pas une mission validée.\n\
              If you have any question, reply here."
                .to_owned()
        ),
        "{to_akrem:?}"
    );
    // The team reads its thread in the company's language.
    assert!(
        c.telegram
            .posts_in(&topic)
            .iter()
            .any(|p| p.starts_with("❌ Karim Mansour refuse la demande."))
    );
}

async fn asking_for_information_waits_on_the_employee_and_relays_the_answer(c: ChatDesk) {
    let karim = karim(&c, Telegram).await;
    let (t, topic) = open_trip_request(&c, Telegram).await;
    let id = t.id.0;
    c.press(
        Telegram,
        KARIM,
        Place::Thread(topic.clone()),
        &format!("ask:{id}"),
    )
    .await;
    let question = "Pouvez-vous joindre le devis de l'hôtel ?";
    c.in_thread(Telegram, KARIM, "Karim", &topic, question)
        .await;
    c.deliver().await;

    let t = ticket(&c, REFERENCE).await;
    assert_eq!(t.status, Status::WaitingOnUser);
    assert!(
        t.times.first_response.is_some(),
        "the question answers the request"
    );
    assert_eq!(
        c.telegram.texts_to(AKREM).last().map(String::as_str),
        Some(
            format!(
                "❓ Karim Mansour (Service Financier) a besoin de précisions sur votre demande \
                 TCK-20250214-001 :\n{question}\nRépondez simplement ici."
            )
            .as_str()
        )
    );
    assert!(trail(&c, &t).await.contains(&(
        "info_requested".into(),
        Some(karim.user.0),
        Some(question.into())
    )));
    assert!(c.telegram.posts_in(&topic).contains(&format!(
        "❓ Karim Mansour demande des informations au demandeur :\n> {question}"
    )));
    let card = cards(&c.telegram).pop().unwrap();
    assert_eq!(field(&card, "Statut"), Some("En attente du demandeur"));
    assert_eq!(
        field(&card, "Décision"),
        Some("❓ Informations demandées par Karim Mansour")
    );
    assert!(
        payloads(&card).contains(&format!("approve:{id}")),
        "still to be decided"
    );

    // The employee's answer reaches the thread and ends the wait.
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "Voici le devis : 120 € la nuit.",
    )
    .await;
    c.deliver().await;
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::InProgress);
    assert_eq!(
        c.telegram.posts_in(&topic).last().map(String::as_str),
        Some("💬 Akrem Grayaa :\nVoici le devis : 120 € la nuit.")
    );
    // Karim's next message is an ordinary answer again.
    c.in_thread(Telegram, KARIM, "Karim", &topic, "Merci, je regarde.")
        .await;
    c.deliver().await;
    assert!(
        c.telegram
            .texts_to(AKREM)
            .last()
            .unwrap()
            .ends_with("Merci, je regarde.")
    );
    // A wait for a reason left too long ends by itself.
    c.press(
        Telegram,
        KARIM,
        Place::Thread(topic.clone()),
        &format!("refuse:{id}"),
    )
    .await;
    c.d.clock.advance(TimeDelta::minutes(20));
    c.in_thread(
        Telegram,
        KARIM,
        "Karim",
        &topic,
        "Je reviens vers vous demain.",
    )
    .await;
    c.deliver().await;
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::InProgress);
    assert!(
        c.telegram
            .texts_to(AKREM)
            .last()
            .unwrap()
            .ends_with("Je reviens vers vous demain.")
    );
}

async fn only_the_deciding_team_and_admins_decide(c: ChatDesk) {
    karim(&c, Telegram).await;
    let youssef = c.d.agent("Youssef", "it", &["hardware"]).await;
    c.d.link(&youssef, "telegram:1005").await;
    let (t, topic) = open_trip_request(&c, Telegram).await;
    let id = t.id.0;

    let by_it = c
        .press(
            Telegram,
            "1005",
            Place::Thread(topic.clone()),
            &format!("approve:{id}"),
        )
        .await;
    c.in_thread(Telegram, "1005", "Youssef", &topic, "/approuver")
        .await;
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "/approuver TCK-20250214-001",
    )
    .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &by_it).as_deref(),
        Some("Je ne trouve pas ce ticket, ou vous n'y avez pas accès."),
        "no internal id reaches people"
    );
    assert_eq!(
        c.telegram.texts_to(AKREM).last().map(String::as_str),
        Some(
            "⚠️ Seuls l'équipe en charge de cette demande et les administrateurs peuvent en décider."
        ),
        "the requester does not approve his own request"
    );
    let unchanged = ticket(&c, REFERENCE).await;
    assert_eq!(unchanged.status, t.status);
    assert_eq!(decisions_in(&trail(&c, &unchanged).await), 0);

    let nadia = c.d.person("Nadia Admin", Role::Admin, None, &[]).await;
    c.d.link(&nadia, "telegram:4001").await;
    c.in_thread(
        Telegram,
        "4001",
        "Nadia",
        &topic,
        "/approuver Validé par la direction.",
    )
    .await;
    c.deliver().await;
    let t = ticket(&c, REFERENCE).await;
    assert_eq!(t.status, Status::Resolved);
    assert!(trail(&c, &t).await.contains(&(
        "approved".into(),
        Some(nadia.user.0),
        Some("Validé par la direction.".into())
    )));
    assert!(c.telegram.texts_to(AKREM).contains(
        &"✅ Votre demande TCK-20250214-001 est approuvée par Nadia Admin (Service Financier).\n\
          > Validé par la direction."
            .to_owned()
    ));
    assert!(
        c.telegram.posts_in(&topic).contains(
            &"✅ Nadia Admin approuve la demande.\n> Validé par la direction.".to_owned()
        )
    );
}

async fn nobody_decides_on_their_own_request(c: ChatDesk) {
    let karim = karim(&c, Telegram).await;
    let ines = c.d.agent("Ines", "finance", &[]).await;
    c.d.link(&ines, "telegram:3002").await;
    c.dm(Telegram, KARIM, "Karim", TRIP).await;
    c.deliver().await;
    let t = ticket(&c, REFERENCE).await;
    assert_eq!(t.requester, karim.user);
    let (topic, _) = c.telegram.threads().pop().expect("the finance topic");

    let own = c
        .press(
            Telegram,
            KARIM,
            Place::Thread(topic.clone()),
            &format!("approve:{}", t.id.0),
        )
        .await;
    c.deliver().await;
    assert_eq!(
        answered(&c.telegram, &own).as_deref(),
        Some(
            "Vous ne pouvez pas décider de votre propre demande : un collègue ou un administrateur s'en charge."
        )
    );
    assert_eq!(ticket(&c, REFERENCE).await.status, t.status);

    c.in_thread(Telegram, "3002", "Ines", &topic, "/approuver")
        .await;
    c.deliver().await;
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::Resolved);
    assert!(
        c.telegram
            .texts_to(KARIM)
            .iter()
            .any(|m| m.starts_with("✅ Votre demande TCK-20250214-001 est approuvée par Ines"))
    );
}

async fn a_request_without_approval_offers_no_decision(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    let t = ticket(&c, REFERENCE).await;
    let id = t.id.0;
    let card = cards(&c.discord).pop().expect("the card");
    let offered = payloads(&card);
    assert!(offered.contains(&format!("resolve:{id}")));
    assert!(
        !offered.iter().any(|p| p.starts_with("approve:")
            || p.starts_with("ask:")
            || p.starts_with("refuse:")),
        "{offered:?}"
    );
    assert_eq!(field(&card, "Décision"), None);

    c.in_thread(Discord, SAMI, "Sami", &thread, "/approve")
        .await;
    let forged = c
        .press(
            Discord,
            SAMI,
            Place::Thread(thread.clone()),
            &format!("refuse:{id}"),
        )
        .await;
    c.deliver().await;
    let not_needed = "Ce ticket ne demande pas d'approbation : il n'y a pas de décision à prendre.";
    assert_eq!(
        c.discord.posts_in(&thread).last().map(String::as_str),
        Some(format!("⚠️ {not_needed}").as_str())
    );
    assert_eq!(answered(&c.discord, &forged).as_deref(), Some(not_needed));
    let unchanged = ticket(&c, REFERENCE).await;
    assert_eq!(unchanged.status, t.status);
    assert_eq!(decisions_in(&trail(&c, &unchanged).await), 0);
}

/// The finance team working on Discord, where a form asks for the text.
pub struct FinanceOnDiscord(ChatDesk);

const FINANCE_CHANNEL: &str = "finance-staff";

fn finance_on_discord(config: &mut Config) {
    config.teams.get_mut("finance").unwrap().staff = Some(StaffSpace {
        platform: Discord,
        space: FINANCE_CHANNEL.into(),
    });
}

impl Harness for FinanceOnDiscord {
    async fn sqlite() -> Self {
        FinanceOnDiscord(ChatDesk::configured(TestDb::sqlite(), finance_on_discord).await)
    }

    async fn postgres() -> Option<Self> {
        let db = TestDb::postgres().await?;
        Some(FinanceOnDiscord(
            ChatDesk::configured(db, finance_on_discord).await,
        ))
    }
}

/// Karim sends the form back with `text` typed in.
async fn send_form(
    c: &ChatDesk,
    thread: &guichet_chat::ThreadRef,
    payload: &str,
    text: &str,
) -> Interaction {
    let interaction = Interaction {
        id: format!("form-{payload}-{}", text.len()),
        token: "token".into(),
    };
    let event = c.inbound(
        Discord,
        KARIM,
        "Karim",
        Event::Form {
            place: Place::Thread(thread.clone()),
            payload: payload.into(),
            values: vec![("text".into(), text.into())],
            interaction: interaction.clone(),
        },
    );
    c.send(event).await;
    interaction
}

async fn on_discord_the_question_and_the_reason_come_in_forms(c: FinanceOnDiscord) {
    let c = c.0;
    karim(&c, Discord).await;
    let (t, thread) = open_trip_request(&c, Discord).await;
    assert_eq!(thread.space, FINANCE_CHANNEL);
    let ask = format!("ask:{}", t.id.0);
    c.press(Discord, KARIM, Place::Thread(thread.clone()), &ask)
        .await;
    c.deliver().await;
    let form = c
        .discord
        .delivered()
        .into_iter()
        .find_map(|a| match a {
            Outbound::OpenForm { form, .. } => Some(form),
            _ => None,
        })
        .expect("a form");
    assert_eq!(form.payload, ask);
    assert_eq!(form.title, "Précisions · TCK-20250214-001");
    assert_eq!(
        (
            form.fields.len(),
            form.fields[0].id.as_str(),
            form.fields[0].required
        ),
        (1, "text", true)
    );
    assert_eq!(
        ticket(&c, REFERENCE).await.status,
        t.status,
        "nothing changes before the form comes back"
    );

    let question = "Quel est le numéro de votre mission ?";
    let sent = send_form(&c, &thread, &ask, question).await;
    c.deliver().await;
    assert_eq!(
        answered(&c.discord, &sent).as_deref(),
        Some("Question envoyée au demandeur de TCK-20250214-001.")
    );
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::WaitingOnUser);
    assert!(
        c.telegram
            .texts_to(AKREM)
            .last()
            .unwrap()
            .contains(question)
    );

    let refuse = format!("refuse:{}", t.id.0);
    let blank = send_form(&c, &thread, &refuse, "   ").await;
    c.deliver().await;
    assert_eq!(
        answered(&c.discord, &blank).as_deref(),
        Some(
            "Un refus doit être motivé : donnez la justification, par exemple /refuser Budget de déplacement épuisé."
        )
    );
    assert_eq!(ticket(&c, REFERENCE).await.status, Status::WaitingOnUser);
    send_form(&c, &thread, &refuse, "Aucune mission ne correspond.").await;
    c.deliver().await;
    let t = ticket(&c, REFERENCE).await;
    assert_eq!(t.status, Status::Resolved);
    assert!(
        c.telegram
            .texts_to(AKREM)
            .iter()
            .any(|m| m.contains("refusée par Karim Mansour")
                && m.contains("Aucune mission ne correspond."))
    );
}
