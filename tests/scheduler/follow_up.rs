//! After resolution and while waiting on the requester: the rating reminder,
//! closing, and the housekeeping of old records.

use super::*;

crate::on_both_backends!(
    crate::Db: a_resolved_ticket_is_rated_once_more_then_closes,
    a_rating_given_silences_the_reminder,
    a_refused_request_is_not_asked_to_be_rated,
    a_ticket_waiting_on_the_requester_is_warned_then_closed,
    an_answer_after_the_warning_keeps_the_ticket_open,
    old_sent_messages_and_event_ids_are_deleted,
);

/// Iheb's screen ticket, answered and resolved by Sami in its thread.
async fn resolved(s: &Sched) -> (Ticket, ThreadRef) {
    s.sami().await;
    let t = s.iheb_asks(SCREEN).await;
    let thread = s.thread_of(&t);
    s.c.in_thread(Discord, SAMI, "Sami", &thread, "/resolve Câble remplacé")
        .await;
    s.c.deliver().await;
    (s.reload(&t).await, thread)
}

async fn a_resolved_ticket_is_rated_once_more_then_closes(db: Db) {
    let s = Sched::on(db).await;
    let (t, thread) = resolved(&s).await;
    assert_eq!(t.status, Status::Resolved);
    assert_eq!(s.told(Telegram, IHEB, "Comment évaluez-vous"), 1);
    s.after(TimeDelta::hours(23)).await;
    assert_eq!(s.told(Telegram, IHEB, "Petit rappel"), 0);
    s.after(TimeDelta::hours(1)).await;
    assert_eq!(s.told(Telegram, IHEB, "Petit rappel"), 1);
    let reminder =
        s.c.telegram
            .delivered()
            .into_iter()
            .rev()
            .find_map(|a| match a {
                Outbound::RatingPrompt { payloads, .. } => Some(payloads),
                _ => None,
            });
    assert!(reminder.is_some(), "the reminder carries the five stars");
    s.after(TimeDelta::days(3)).await;
    assert_eq!(
        s.told(Telegram, IHEB, "Petit rappel"),
        1,
        "one reminder only"
    );
    assert_eq!(s.reload(&t).await.status, Status::Resolved);

    // Five days after resolution, without a word from Iheb: closed.
    s.after(TimeDelta::days(1)).await;
    let closed = s.reload(&t).await;
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(s.posts(&t, "Fermé automatiquement"), 1);
    assert_eq!(s.told(Telegram, IHEB, "est fermé"), 1);
    assert!(s.c.discord.delivered().iter().any(|a| matches!(
        a,
        Outbound::SetThreadOpen { thread: th, open: false } if th == &thread
    )));
    assert!(
        s.audit(&t)
            .await
            .iter()
            .any(|(action, old, new)| action == "status_changed"
                && old.as_deref() == Some("resolved")
                && new.as_deref() == Some("closed"))
    );
    s.after(TimeDelta::days(30)).await;
    assert_eq!(s.told(Telegram, IHEB, "est fermé"), 1);
}

/// Observed: a refused travel request still got "Comment évaluez-vous la
/// résolution … ?". A refusal gives its reason; nobody is asked to rate it, then
/// or a day later.
async fn a_refused_request_is_not_asked_to_be_rated(db: Db) {
    let s = Sched::on(db).await;
    let karim =
        s.c.d
            .agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    s.c.d.link(&karim, "telegram:3001").await;
    s.c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "Remboursement hôtel et train pour Paris du 20 au 25 mars",
    )
    .await;
    s.c.deliver().await;
    let (topic, _) = s.c.telegram.threads().pop().expect("the finance topic");
    s.c.in_thread(
        Telegram,
        "3001",
        "Karim",
        &topic,
        "/refuser Le train en première classe n'est pas pris en charge.",
    )
    .await;
    s.c.deliver().await;
    assert_eq!(s.told(Telegram, IHEB, "est refusée par Karim Mansour"), 1);
    assert_eq!(s.told(Telegram, IHEB, "Comment évaluez-vous"), 0);
    s.after(TimeDelta::days(2)).await;
    assert_eq!(s.told(Telegram, IHEB, "Petit rappel"), 0);
    assert!(
        !s.c.telegram
            .delivered()
            .iter()
            .any(|a| matches!(a, Outbound::RatingPrompt { .. })),
        "no stars offered"
    );
}

async fn a_rating_given_silences_the_reminder(db: Db) {
    let s = Sched::on(db).await;
    let (t, _) = resolved(&s).await;
    s.c.press(
        Telegram,
        IHEB,
        guichet_chat::Place::Direct { chat: IHEB.into() },
        &format!("rate:{}:5", t.id.0),
    )
    .await;
    s.after(TimeDelta::days(2)).await;
    assert_eq!(s.told(Telegram, IHEB, "Petit rappel"), 0);
}

/// Sami asks Iheb something and puts the ticket on hold.
async fn waiting(s: &Sched) -> (Ticket, ThreadRef) {
    s.sami().await;
    let t = s.iheb_asks(SCREEN).await;
    let thread = s.thread_of(&t);
    s.c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        "Quel est le numéro de série ?",
    )
    .await;
    s.c.in_thread(Discord, SAMI, "Sami", &thread, "/status waiting_on_user")
        .await;
    s.c.deliver().await;
    let t = s.reload(&t).await;
    assert_eq!(t.status, Status::WaitingOnUser);
    (t, thread)
}

async fn a_ticket_waiting_on_the_requester_is_warned_then_closed(db: Db) {
    let s = Sched::on(db).await;
    let (t, _) = waiting(&s).await;
    s.after(TimeDelta::days(3)).await;
    // Warned on Monday 17 at 09:00 (Paris): closing four days later.
    assert_eq!(
        s.told(Telegram, IHEB, "il sera fermé le 21/02/2025 09:00"),
        1
    );
    assert_eq!(s.posts(&t, "Iheb Issaoui a été relancé"), 1);
    s.after(TimeDelta::days(4) - TimeDelta::minutes(1)).await;
    assert_eq!(s.reload(&t).await.status, Status::WaitingOnUser);
    s.after(TimeDelta::minutes(1)).await;
    assert_eq!(s.reload(&t).await.status, Status::Closed);
    assert_eq!(s.told(Telegram, IHEB, "fermé faute de réponse"), 1);
    assert_eq!(s.posts(&t, "le demandeur n'a pas répondu"), 1);
}

async fn an_answer_after_the_warning_keeps_the_ticket_open(db: Db) {
    let s = Sched::on(db).await;
    let (t, _) = waiting(&s).await;
    s.after(TimeDelta::days(3)).await;
    s.c.dm(Telegram, IHEB, "Iheb Issaoui", "SN-4471-B").await;
    s.after(TimeDelta::days(10)).await;
    let t = s.reload(&t).await;
    assert_eq!(t.status, Status::InProgress);
    assert_eq!(s.told(Telegram, IHEB, "faute de réponse"), 0);
}

async fn old_sent_messages_and_event_ids_are_deleted(db: Db) {
    let s = Sched::on(db).await;
    let (t, _) = resolved(&s).await;
    let count = |sql: &'static str| {
        let store = s.store().clone();
        async move {
            let mut conn = store.pool().acquire().await.unwrap();
            sqlx::Row::get::<i64, _>(&sqlx::query(sql).fetch_one(&mut *conn).await.unwrap(), "n")
        }
    };
    let sent = count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'delivered'").await;
    let events = count("SELECT COUNT(*) AS n FROM inbound_events").await;
    assert!(sent > 0 && events > 0);
    s.after(TimeDelta::days(31)).await;
    s.after(TimeDelta::days(1)).await;
    let start = support::valentines_morning().timestamp_millis();
    let old = |table: &str, column: &str| {
        format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE {column} < {}",
            start + 86_400_000
        )
    };
    let mut conn = s.store().pool().acquire().await.unwrap();
    for (table, column) in [("outbox", "created_at"), ("inbound_events", "received_at")] {
        let sql = old(table, column);
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(sqlx::Row::get::<i64, _>(&row, "n"), 0, "{table}");
    }
    // The ticket itself and its trail stay.
    assert_eq!(s.reload(&t).await.status, Status::Closed);
    assert!(!s.audit(&t).await.is_empty());
}
