//! Reminders to the team and SLA escalation.

use super::*;
use chrono::TimeZone;
use guichet::config::TeamEscalation;

crate::on_both_backends!(
    crate::Db: an_unanswered_message_reminds_the_assignee_three_times_at_most,
    an_unassigned_ticket_is_assigned_again_else_the_team_is_reminded,
    a_missed_target_escalates_level_by_level_once_each,
    an_hr_ticket_is_never_escalated_to_someone_it_is_hidden_from,
    business_hours_stop_the_sla_clock_overnight_and_on_weekends,
);

async fn an_unanswered_message_reminds_the_assignee_three_times_at_most(db: Db) {
    let s = Sched::on(db).await;
    s.sami().await;
    let t = s.iheb_asks(SCREEN).await;
    let thread = s.thread_of(&t);
    s.advance(TimeDelta::minutes(10));
    s.c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        "Avez-vous essayé un autre câble ?",
    )
    .await;
    s.advance(TimeDelta::minutes(5));
    s.c.dm(Telegram, IHEB, "Iheb Issaoui", "Oui, même chose.")
        .await;
    s.tick().await;
    let reminder = "attend votre réponse depuis";
    // P2: two hours, then every four hours, three times at most.
    s.after(TimeDelta::minutes(119)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 0);
    s.after(TimeDelta::minutes(1)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 1);
    assert_eq!(s.posts(&t, "Iheb Issaoui attend une réponse depuis 2 h"), 1);
    s.after(TimeDelta::hours(2)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 1, "not before four hours");
    s.after(TimeDelta::hours(2)).await;
    s.after(TimeDelta::hours(4)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 3);
    s.after(TimeDelta::hours(4)).await;
    s.after(TimeDelta::hours(4)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 3, "never more than three");

    // A new message starts them over; an answer stops them.
    s.c.dm(Telegram, IHEB, "Iheb Issaoui", "Toujours rien ?")
        .await;
    s.after(TimeDelta::hours(2)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 4);
    s.advance(TimeDelta::minutes(1));
    s.c.in_thread(Discord, SAMI, "Sami", &thread, "J'arrive.")
        .await;
    s.after(TimeDelta::hours(8)).await;
    assert_eq!(s.told(Discord, SAMI, reminder), 4);
}

async fn an_unassigned_ticket_is_assigned_again_else_the_team_is_reminded(db: Db) {
    let s = Sched::on(db).await;
    // Nobody in IT yet: the ticket waits in the queue.
    let t = s.iheb_asks(SCREEN).await;
    assert_eq!(t.assignee, None);
    s.after(TimeDelta::minutes(30)).await;
    assert_eq!(s.posts(&t, "Personne n'a encore pris ce ticket"), 1);
    // Sami joins; the next reminder finds him instead.
    let sami = s.sami().await;
    s.after(TimeDelta::hours(2)).await;
    let t = s.reload(&t).await;
    assert_eq!(t.assignee, Some(sami.user));
    assert_eq!(s.posts(&t, "Attribué automatiquement à Sami Ben Ali"), 1);
    assert_eq!(s.told(Discord, SAMI, "Nouveau ticket pour vous"), 1);
    assert!(
        s.audit(&t)
            .await
            .iter()
            .any(|(action, _, new)| action == "auto_assigned"
                && new.as_deref() == Some(&sami.user.to_string()))
    );
    s.after(TimeDelta::hours(2)).await;
    assert_eq!(s.posts(&t, "Personne n'a encore pris ce ticket"), 1);
}

async fn a_missed_target_escalates_level_by_level_once_each(db: Db) {
    let s = Sched::on(db).await;
    s.sami().await;
    s.staff(
        "Leila Mansour",
        "it",
        true,
        &[],
        None,
        &format!("discord:{LEILA}"),
    )
    .await;
    s.person(
        "Akrem Admin",
        Role::Admin,
        None,
        Language::En,
        &format!("discord:{AKREM}"),
    )
    .await;
    // Network: P1, first response within an hour.
    let t = s.iheb_asks(WIFI).await;
    assert_eq!(t.priority, guichet::domain::Priority::P1);
    let thread = s.thread_of(&t);

    s.after(TimeDelta::minutes(47)).await;
    assert_eq!(s.told(Discord, SAMI, "arrive à échéance"), 0);
    s.after(TimeDelta::minutes(1)).await; // 80 %
    assert_eq!(
        s.told(
            Discord,
            SAMI,
            "l'objectif de première réponse arrive à échéance"
        ),
        1
    );
    assert_eq!(s.posts(&t, "Prévenu : Sami Ben Ali"), 1);

    s.after(TimeDelta::minutes(12)).await; // 100 %: the team's leads
    assert_eq!(
        s.told(Discord, LEILA, "objectif de première réponse dépassé"),
        1
    );
    assert_eq!(s.posts(&t, "Escalade à : Leila Mansour"), 1);
    let late = s.reload(&t).await;
    assert!(late.sla.first_response_breached.is_some());
    let card = cards(&s.c, &thread).pop().expect("the card was redrawn");
    assert!(
        card.fields
            .iter()
            .any(|f| f.name == "SLA" && f.value.contains("Première réponse en retard")),
        "{card:?}"
    );

    s.after(TimeDelta::minutes(30)).await; // 150 %: the admins, in their language
    assert_eq!(
        s.told(Discord, AKREM, "first response target missed by far"),
        1
    );
    s.after(TimeDelta::hours(5)).await;
    let escalations: Vec<_> = s
        .audit(&t)
        .await
        .into_iter()
        .filter(|(action, old, _)| {
            action == "escalated" && old.as_deref() == Some("first_response")
        })
        .map(|(_, _, level)| level.unwrap())
        .collect();
    assert_eq!(escalations, ["1", "2", "3"], "each level once");
    assert_eq!(s.told(Discord, AKREM, "first response"), 1);

    // The answer comes: the card no longer shows the first response as late.
    s.c.in_thread(Discord, SAMI, "Sami", &thread, "Je regarde la borne.")
        .await;
    s.c.deliver().await;
    let card = cards(&s.c, &thread).pop().unwrap();
    assert!(
        !card
            .fields
            .iter()
            .any(|f| f.value.contains("Première réponse en retard"))
    );
}

async fn an_hr_ticket_is_never_escalated_to_someone_it_is_hidden_from(db: Db) {
    let s = Sched::configured(db, |config| {
        config.teams.get_mut("hr").unwrap().escalation = TeamEscalation {
            leads: true,
            users: vec![guichet::domain::Email::parse("sami@example.com").unwrap()],
        };
    })
    .await;
    s.sami().await;
    s.c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "Demande d'attestation de salaire pour ma banque",
    )
    .await;
    s.c.deliver().await;
    let t = s.latest_ticket().await;
    assert_eq!(s.c.d.desk.catalog().team(t.team).unwrap().slug, "hr");
    // P2: first response within 4 h: level 1 at 3 h 12, level 2 at 4 h.
    s.after(TimeDelta::minutes(195)).await;
    s.after(TimeDelta::minutes(45)).await;
    let levels = s
        .audit(&t)
        .await
        .into_iter()
        .filter(|(action, _, _)| action == "escalated")
        .count();
    assert_eq!(levels, 2, "levels 1 and 2 recorded");
    assert!(
        s.c.discord.texts_to(SAMI).is_empty(),
        "an IT agent hears nothing of an HR ticket"
    );
}

async fn business_hours_stop_the_sla_clock_overnight_and_on_weekends(db: Db) {
    let s = Sched::configured(db, |config| config.business_hours.enabled = true).await;
    s.sami().await;
    let paris = chrono_tz::Europe::Paris;
    let local = |d, h, m| {
        paris
            .with_ymd_and_hms(2025, 2, d, h, m, 0)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    // Friday 14 February 2025, 17:30: half an hour of work left in the week.
    s.c.d.clock.set(local(14, 17, 30));
    let t = s.iheb_asks(WIFI).await;
    // P1, one working hour: Monday 09:30.
    assert_eq!(t.sla.first_response_due, Some(local(17, 9, 30)));
    s.c.d.clock.set(local(15, 12, 0));
    s.tick().await;
    assert_eq!(
        s.told(Discord, SAMI, "arrive à échéance"),
        0,
        "not on Saturday"
    );
    // 80 %: 48 working minutes, so Monday 09:18.
    s.c.d.clock.set(local(17, 9, 17));
    s.tick().await;
    assert_eq!(s.told(Discord, SAMI, "arrive à échéance"), 0);
    s.c.d.clock.set(local(17, 9, 18));
    s.tick().await;
    assert_eq!(
        s.told(Discord, SAMI, "arrive à échéance le 17/02/2025 09:30"),
        1
    );
}
