//! Several instances, crashes and restarts: each step is done once.

use super::*;
use guichet::store::jobs;
use sqlx::Row;

crate::on_both_backends!(
    crate::Db: two_instances_share_500_due_tickets_and_do_each_step_once,
    a_claim_left_by_a_dead_instance_is_taken_over_after_its_lease,
);

async fn two_instances_share_500_due_tickets_and_do_each_step_once(db: Db) {
    let s = Sched::on(db).await;
    let requester = s.c.d.employee("Iheb Issaoui").await;
    for i in 0..500 {
        s.c.d
            .open(&requester, &format!("Écran {i}"), "hardware")
            .await;
    }
    // Nobody in IT: each ticket is due to be assigned again (30 min, then 2 h 30,
    // caught up as one) and, at 80 % of its 4 h first-response target, level 1.
    s.advance(TimeDelta::minutes(195));
    let (a, b) = (fresh_scheduler(&s.c), fresh_scheduler(&s.c));
    let (ta, tb) = tokio::join!(a.tick(), b.tick());
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    eprintln!("instance A: {ta:?}\ninstance B: {tb:?}");
    assert_eq!((ta.failed, tb.failed), (0, 0));
    assert_eq!(ta.done + tb.done, 1000, "500 tickets × 2 rules");
    assert_eq!(s.tick().await.claimed, 0, "nothing left");

    let mut conn = s.store().pool().acquire().await.unwrap();
    let per_ticket = sqlx::query(
        "SELECT t.id, (SELECT COUNT(*) FROM audit_events a WHERE a.ticket_id = t.id \
         AND a.action = 'escalated') AS n FROM tickets t",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(per_ticket.len(), 500);
    assert!(
        per_ticket.iter().all(|r| r.get::<i64, _>("n") == 1),
        "one level-1 escalation per ticket"
    );
    let unassigned =
        sqlx::query("SELECT step, COUNT(*) AS n FROM jobs WHERE kind = 'unassigned' GROUP BY step")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(
        (
            unassigned[0].get::<i64, _>("step"),
            unassigned[0].get::<i64, _>("n")
        ),
        (2, 500),
        "both reminders due were done as one, once"
    );
}

async fn a_claim_left_by_a_dead_instance_is_taken_over_after_its_lease(db: Db) {
    let s = Sched::on(db).await;
    let t = s.iheb_asks(SCREEN).await;
    s.advance(TimeDelta::minutes(30));
    // An instance claims the due reminder, then dies.
    let now = now(&s);
    let mut tx = s.store().begin().await.unwrap();
    let claimed = jobs::claim(&mut tx, "dead", now, now + TimeDelta::minutes(2), 10)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(s.tick().await.claimed, 0, "held by the dead instance");
    assert_eq!(s.posts(&t, "Personne n'a encore pris ce ticket"), 0);
    // Its lease ends: this instance takes over, once.
    s.after(TimeDelta::minutes(2)).await;
    assert_eq!(s.posts(&t, "Personne n'a encore pris ce ticket"), 1);
    s.tick().await;
    assert_eq!(s.posts(&t, "Personne n'a encore pris ce ticket"), 1);
    // The dead instance's claim is worth nothing now.
    let mut conn = s.store().pool().acquire().await.unwrap();
    assert!(
        jobs::held(&mut conn, claimed[0].id, "dead")
            .await
            .unwrap()
            .is_none()
    );
}
