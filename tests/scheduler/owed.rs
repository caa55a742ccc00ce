//! Nothing left behind: a ticket nobody could take is offered again when someone
//! can, and every escalation level owed after an outage is told, late.

use super::*;

crate::on_both_backends!(
    crate::Db: a_ticket_filed_while_every_expert_is_away_is_assigned_when_one_comes_back,
    more_room_or_a_new_expertise_offers_the_queue_again,
    the_reminders_stop_at_their_cap_but_the_assignment_attempts_go_on,
    every_escalation_level_owed_after_an_outage_is_told_once_and_late,
);

const UNASSIGNED: &str = "Personne n'a encore pris ce ticket";
const ASSIGNED_TO_SAMI: &str = "Attribué automatiquement à Sami Ben Ali";
const NEW_TICKET: &str = "Nouveau ticket pour vous";

/// Sets capacity or availability as the operator does (`guichet team …`).
async fn settings(s: &Sched, who: &Actor, capacity: Option<u32>, available: Option<bool>) {
    let d = &s.c.d;
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .set_agent_settings(&mut tx, None, who.user, capacity, available, Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn a_ticket_filed_while_every_expert_is_away_is_assigned_when_one_comes_back(db: Db) {
    let s = Sched::on(db).await;
    let sami = s.sami().await;
    s.c.dm(Discord, SAMI, "Sami", "/indisponible").await;
    s.c.deliver().await;
    // The evening: every expert is away.
    let t = s.iheb_asks(SCREEN).await;
    assert_eq!(t.assignee, None);
    // The night: three reminders (30 min, then every 2 h), then silence.
    for _ in 0..8 {
        s.after(TimeDelta::hours(2)).await;
    }
    assert_eq!(s.posts(&t, UNASSIGNED), 3, "three reminders at most");
    assert_eq!(s.reload(&t).await.assignee, None);

    // The morning: Sami is back, and the next tick gives him the ticket.
    s.c.dm(Discord, SAMI, "Sami", "/disponible").await;
    s.c.deliver().await;
    s.after(TimeDelta::seconds(15)).await;
    let t = s.reload(&t).await;
    assert_eq!(t.assignee, Some(sami.user));
    assert_eq!(s.posts(&t, ASSIGNED_TO_SAMI), 1);
    assert_eq!(s.told(Discord, SAMI, NEW_TICKET), 1);
    assert_eq!(s.posts(&t, UNASSIGNED), 3, "offering says nothing more");
    let auto: Vec<_> = s
        .audit(&t)
        .await
        .into_iter()
        .filter(|(action, _, _)| action == "auto_assigned")
        .collect();
    assert_eq!(auto.len(), 1, "{auto:?}");
}

async fn more_room_or_a_new_expertise_offers_the_queue_again(db: Db) {
    let s = Sched::on(db).await;
    let sami = s.sami().await;
    settings(&s, &sami, Some(1), None).await;
    let first = s.iheb_asks(SCREEN).await;
    assert_eq!(first.assignee, Some(sami.user));
    // Full: the next one waits in the queue.
    let second = s.asks("2003", "Amina Benali", WIFI).await;
    assert_eq!(second.assignee, None);
    // Software: nobody in IT is expert in it.
    let third = s
        .asks(
            "2004",
            "Nadia Jaziri",
            "Excel plante à l'ouverture du fichier",
        )
        .await;
    assert_eq!(
        s.c.d.desk.catalog().category(third.category).unwrap().slug,
        "software"
    );
    assert_eq!(third.assignee, None);
    s.after(TimeDelta::minutes(1)).await;
    assert_eq!(s.reload(&second).await.assignee, None, "no room yet");

    // The operator gives him room for one more: the queue's oldest fitting ticket.
    settings(&s, &sami, Some(2), None).await;
    s.after(TimeDelta::seconds(15)).await;
    assert_eq!(s.reload(&second).await.assignee, Some(sami.user));
    assert_eq!(s.reload(&third).await.assignee, None, "not his expertise");

    // A new expertise (and the room for it) offers the queue again too.
    settings(&s, &sami, Some(3), None).await;
    assert_eq!(s.reload(&third).await.assignee, None, "at the next tick");
    let d = &s.c.d;
    let mut tx = d.store.begin().await.unwrap();
    let cats: Vec<_> = ["hardware", "network", "software"]
        .iter()
        .map(|c| d.desk.find_category(c).unwrap())
        .collect();
    d.desk
        .set_expertise(&mut tx, None, sami.user, &cats, Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    s.after(TimeDelta::seconds(15)).await;
    let third = s.reload(&third).await;
    assert_eq!(third.assignee, Some(sami.user));
    assert_eq!(s.posts(&third, ASSIGNED_TO_SAMI), 1);
    assert_eq!(s.told(Discord, SAMI, NEW_TICKET), 3);
}

async fn the_reminders_stop_at_their_cap_but_the_assignment_attempts_go_on(db: Db) {
    let s = Sched::on(db).await;
    let sami = s.sami().await;
    settings(&s, &sami, Some(1), None).await;
    let first = s.iheb_asks(SCREEN).await;
    let waiting = s.asks("2003", "Amina Benali", WIFI).await;
    assert_eq!(waiting.assignee, None);
    for _ in 0..5 {
        s.after(TimeDelta::hours(2)).await;
    }
    assert_eq!(s.posts(&waiting, UNASSIGNED), 3);

    // Sami finishes his ticket: nobody changed a setting, yet the next attempt
    // (every 2 h, like the reminders were) finds him with room.
    let thread = s.thread_of(&first);
    s.c.in_thread(Discord, SAMI, "Sami", &thread, "/resoudre Câble remplacé.")
        .await;
    s.c.deliver().await;
    assert_eq!(s.reload(&first).await.status, Status::Resolved);
    s.after(TimeDelta::hours(2)).await;
    let waiting = s.reload(&waiting).await;
    assert_eq!(waiting.assignee, Some(sami.user));
    assert_eq!(s.posts(&waiting, UNASSIGNED), 3, "and no fourth reminder");
}

async fn every_escalation_level_owed_after_an_outage_is_told_once_and_late(db: Db) {
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
    // Network: P1, first response within an hour: levels at 48, 60 and 90 minutes.
    let t = s.iheb_asks(WIFI).await;
    let thread = s.thread_of(&t);
    // The service stops at 40 minutes and is back at 2 hours: all three came due.
    s.after(TimeDelta::minutes(40)).await;
    let tick = s.after(TimeDelta::minutes(80)).await;
    println!("after the outage, one tick: {tick:?}");

    let late_fr = "Annonce en retard : ce palier était atteint le";
    assert_eq!(
        s.told(
            Discord,
            SAMI,
            "l'objectif de première réponse arrive à échéance"
        ),
        1,
        "level 1: the assignee"
    );
    assert_eq!(s.told(Discord, SAMI, late_fr), 1);
    assert_eq!(
        s.told(Discord, LEILA, "objectif de première réponse dépassé"),
        1,
        "level 2: the team's lead"
    );
    assert_eq!(s.told(Discord, LEILA, late_fr), 1);
    assert_eq!(
        s.told(Discord, AKREM, "first response target missed by far"),
        1,
        "level 3: the admins, in their language"
    );
    assert_eq!(
        s.told(Discord, AKREM, "Late notice: this level was reached on"),
        1
    );
    for line in [
        "Prévenu : Sami Ben Ali",
        "Escalade à : Leila Mansour",
        "Administrateurs prévenus : Akrem Admin",
    ] {
        assert_eq!(s.posts(&t, line), 1, "{line:?}");
    }
    assert_eq!(s.posts(&t, late_fr), 3, "each thread line says it is late");
    let levels: Vec<_> = s
        .audit(&t)
        .await
        .into_iter()
        .filter(|(action, old, _)| {
            action == "escalated" && old.as_deref() == Some("first_response")
        })
        .map(|(_, _, level)| level.unwrap())
        .collect();
    assert_eq!(levels, ["1", "2", "3"]);
    let card = cards(&s.c, &thread).pop().expect("the card was redrawn");
    assert!(
        card.fields
            .iter()
            .any(|f| f.name == "SLA" && f.value.contains("Première réponse en retard")),
        "{card:?}"
    );

    // Told once: later ticks say nothing more of these levels.
    s.after(TimeDelta::hours(3)).await;
    assert_eq!(s.told(Discord, AKREM, "first response"), 1);
    assert_eq!(s.told(Discord, LEILA, "première réponse"), 1);
    // A level told on time is not called late.
    let resolution = "l'objectif de résolution arrive à échéance";
    assert_eq!(s.told(Discord, SAMI, resolution), 0);
    // P1 resolution within a day: level 1 at 19 h 12, ticked right then.
    s.after(TimeDelta::minutes(14 * 60 + 11)).await;
    assert_eq!(s.told(Discord, SAMI, resolution), 0);
    s.after(TimeDelta::minutes(1)).await;
    assert_eq!(s.told(Discord, SAMI, resolution), 1);
    assert_eq!(s.told(Discord, SAMI, late_fr), 1, "on time: no late notice");
}
