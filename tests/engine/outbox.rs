//! The outbox's promises: no conversation waits behind another, the platform's
//! "not now" is obeyed without counting as a failure, a ticket's thread and card
//! are owed until they exist, a restart takes back its deliveries at once, and an
//! event that fails for good is set aside without holding its chat.

use super::*;
use std::time::Instant;

use guichet::store::outbox::Channel;
use guichet_chat::InboundSink;
use tokio::sync::watch;

on_both_backends!(crate::support::chat::ChatDesk:
    an_interaction_is_answered_while_another_conversation_hangs,
    a_rate_limited_delivery_comes_back_when_asked_without_counting_an_attempt,
    a_refused_thread_opens_once_the_right_is_restored_with_its_posts_in_order,
    thirty_threads_opened_without_their_card_all_get_it_before_their_posts,
    a_restarted_instance_takes_back_what_it_was_sending_at_once,
    an_event_that_fails_for_good_is_set_aside_and_the_chat_goes_on,
    one_event_from_two_gateway_sessions_is_handled_once,
);

/// A dispatcher running as `guichet serve` runs it, until the returned sender says stop.
fn run_dispatcher(c: &ChatDesk) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (stop, mut stopped) = watch::channel(false);
    let dispatcher = c.dispatcher();
    let task = tokio::spawn(dispatcher.run(async move {
        let _ = stopped.wait_for(|s| *s).await;
    }));
    (stop, task)
}

/// Polls `check` until it holds, for at most `patience`; returns how long it took.
async fn within(patience: Duration, mut check: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < patience {
        if check().await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

/// The attempts an outbox row of `kind` has made so far.
async fn attempts_of(c: &ChatDesk, kind: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT attempts FROM outbox WHERE kind = $1 AND status = 'pending'")
        .bind(kind)
        .fetch_all(c.d.store.pool())
        .await
        .unwrap()
}

async fn an_interaction_is_answered_while_another_conversation_hangs(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // Telegram takes 5 s to answer anything sent to Iheb.
    c.telegram.hang_for(IHEB, Duration::from_secs(5));
    let (stop, running) = run_dispatcher(&c);
    c.in_thread(Discord, SAMI, "Sami", &thread, "Je regarde votre écran.")
        .await;
    within(Duration::from_secs(4), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'direct' AND status = 'pending' \
             AND lease_owner IS NOT NULL",
        )
        .fetch_one(c.d.store.pool())
        .await
        .unwrap()
            > 0
    })
    .await
    .expect("the relay to Iheb is in flight");
    // Meanwhile Akrem, on the same platform, presses a button and asks for help.
    let pressed = c.press(Telegram, AKREM, dm_place(AKREM), "nonsense").await;
    let answered_in = within(Duration::from_secs(4), async || {
        answered(&c.telegram, &pressed).is_some()
    })
    .await
    .expect("the button press is answered while Iheb's chat hangs");
    c.dm(Telegram, AKREM, "Akrem Trabelsi", "/aide").await;
    let helped_in = within(Duration::from_secs(4), async || {
        !c.telegram.texts_to(AKREM).is_empty()
    })
    .await
    .expect("Akrem's private chat goes on while Iheb's hangs");
    println!("answered in {answered_in:?}, Akrem helped in {helped_in:?}");
    assert!(answered_in < Duration::from_secs(1), "{answered_in:?}");
    assert!(
        c.telegram
            .texts_to(IHEB)
            .iter()
            .all(|t| !t.contains("Je regarde")),
        "Iheb's relay is still hanging"
    );
    // Iheb's relay arrives once the platform answers.
    within(Duration::from_secs(8), async || {
        c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|t| t.contains("Je regarde"))
    })
    .await
    .expect("the relay to Iheb arrives after the hang");
    let _ = stop.send(true);
    running.await.unwrap();
}

async fn a_rate_limited_delivery_comes_back_when_asked_without_counting_an_attempt(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.telegram.fail_next(
        1,
        DeliveryError::Later {
            after: Duration::from_secs(6),
        },
    );
    c.in_thread(Discord, SAMI, "Sami", &thread, "Je regarde votre écran.")
        .await;
    let before = c.telegram.delivered().len();
    c.deliver().await;
    assert_eq!(c.telegram.delivered().len(), before, "429: not sent");
    assert_eq!(attempts_of(&c, "direct").await, [0], "not a failed attempt");
    let now = c.d.clock.now();
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let due = store::outbox::next_due(
        &mut conn,
        &[Channel::Chat(Telegram), Channel::Chat(Discord)],
        store::outbox::Lane::Conversations,
    )
    .await
    .unwrap();
    assert_eq!(
        due,
        Some(now + TimeDelta::seconds(6)),
        "an idle lane wakes then"
    );
    c.d.clock.advance(TimeDelta::milliseconds(5_900));
    c.deliver().await;
    assert_eq!(
        c.telegram.delivered().len(),
        before,
        "not sooner than asked"
    );
    c.d.clock.advance(TimeDelta::milliseconds(100));
    c.deliver().await;
    assert_eq!(c.telegram.delivered().len(), before + 1, "sent when asked");
    assert_eq!(c.backlog().await.dead, 0);
}

async fn a_refused_thread_opens_once_the_right_is_restored_with_its_posts_in_order(c: ChatDesk) {
    sami(&c).await;
    // The bot lacks "Create Private Threads" in IT's channel.
    c.discord.refuse_threads(
        1,
        "Discord answered 403 to a POST: Missing Permissions (code 50013)",
    );
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    c.deliver().await;
    assert!(c.discord.threads().is_empty());
    assert_eq!(
        c.backlog().await.dead,
        0,
        "a thread is owed, never abandoned"
    );
    assert_eq!(attempts_of(&c, "open_thread").await, [1]);
    // An administrator restores the right; Iheb writes again twice.
    c.d.clock.advance(TimeDelta::seconds(5));
    c.dm(Telegram, IHEB, "Iheb Issaoui", "Toujours rien à l'écran.")
        .await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", "Et le voyant clignote.")
        .await;
    c.deliver().await;
    let threads = c.discord.threads();
    assert_eq!(threads.len(), 1, "the thread opened with the ticket's news");
    let posts = c.discord.posts_in(&threads[0].0);
    let bodies: Vec<&str> = posts.iter().filter_map(|p| p.lines().last()).collect();
    assert!(
        bodies.ends_with(&["Toujours rien à l'écran.", "Et le voyant clignote."]),
        "{posts:?}"
    );
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 0));
}

async fn thirty_threads_opened_without_their_card_all_get_it_before_their_posts(c: ChatDesk) {
    sami(&c).await;
    // A burst: the sending limit holds 17 of the 30 cards after their thread opened.
    c.discord.open_without_card(17);
    for n in 0..30 {
        let user = format!("30{n:02}");
        c.dm(Telegram, &user, &format!("Employé {n}"), SCREEN).await;
    }
    c.deliver().await;
    assert_eq!(c.discord.threads().len(), 30);
    assert_eq!(c.discord.cards_posted(), 13);
    // Each employee adds a line right away: it must follow its card.
    for n in 0..30 {
        c.dm(Telegram, &format!("30{n:02}"), "x", "Merci de faire vite.")
            .await;
    }
    c.d.clock.advance(TimeDelta::seconds(3));
    c.deliver().await;
    assert_eq!(c.discord.cards_posted(), 30, "every thread has its card");
    // In every thread, the card came before the employee's new line.
    let actions = c.discord.delivered();
    for (thread, _) in c.discord.threads() {
        let card_at = actions.iter().position(|a| match a {
            Outbound::OpenThread { .. } => false,
            Outbound::UpdateCard {
                thread: t,
                card_message: None,
                ..
            } => *t == thread,
            _ => false,
        });
        let post_at = actions.iter().position(|a| {
            matches!(a, Outbound::PostInThread { thread: t, text, .. }
                if *t == thread && text.contains("Merci de faire vite"))
        });
        if let Some(card_at) = card_at {
            assert!(card_at < post_at.unwrap(), "{thread:?}: the card first");
        }
    }
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 0));
}

async fn a_restarted_instance_takes_back_what_it_was_sending_at_once(c: ChatDesk) {
    sami(&c).await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    // This instance claims everything, then is killed before delivering.
    claim_everything_and_die(&c, &c.d.config.outbox.instance_name()).await;
    // Restarted under the same name, it delivers without waiting for the lease.
    let (stop, running) = run_dispatcher(&c);
    within(Duration::from_secs(5), async || {
        c.backlog().await.pending == 0
    })
    .await
    .expect("delivered without waiting 2 minutes");
    let _ = stop.send(true);
    running.await.unwrap();
    assert_eq!(c.telegram.texts_to(IHEB).len(), 1, "the confirmation, once");
    assert_eq!(c.discord.threads().len(), 1);
}

async fn an_event_that_fails_for_good_is_set_aside_and_the_chat_goes_on(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // A defect: storing this one message violates a rule of the database, every time.
    let poison: &[&'static str] = match c.d.store.backend() {
        store::Backend::Sqlite => &["CREATE TRIGGER poison BEFORE INSERT ON ticket_messages \
             WHEN NEW.body LIKE '%POISON%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"],
        store::Backend::Postgres => &[
            "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN \
               IF NEW.body LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned'; END IF; \
               RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER poison BEFORE INSERT ON ticket_messages \
             FOR EACH ROW EXECUTE FUNCTION poison()",
        ],
    };
    for statement in poison {
        sqlx::query(sqlx::AssertSqlSafe(*statement))
            .execute(c.d.store.pool())
            .await
            .unwrap();
    }
    let event = c.inbound(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        Event::DirectMessage {
            chat: IHEB.into(),
            message_id: "poison-1".into(),
            text: "POISON".into(),
            files: Vec::new(),
            reply_to: None,
        },
    );
    let sink: &dyn InboundSink = &c.engine;
    sink.handle(event.clone())
        .await
        .expect("acknowledged, so the platform stops handing it over");
    sink.handle(event).await.expect("again: still acknowledged");
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let failed = store::failed_events::unreplayed(&mut conn).await.unwrap();
    assert_eq!(failed.len(), 1, "kept once");
    assert!(failed[0].payload.contains("POISON"), "{:?}", failed[0]);
    assert!(failed[0].error.contains("poisoned"), "{:?}", failed[0]);
    // Iheb's next message goes through.
    c.dm(Telegram, IHEB, "Iheb Issaoui", "Toujours noir.").await;
    c.deliver().await;
    assert!(
        c.discord
            .posts_in(&thread)
            .iter()
            .any(|p| p.contains("Toujours noir.")),
        "{:?}",
        c.discord.posts_in(&thread)
    );
}

/// Two instances with one Discord token each hold a gateway session, and Discord
/// dispatches every event to both: the helpdesk handles it once.
async fn one_event_from_two_gateway_sessions_is_handled_once(c: ChatDesk) {
    sami(&c).await;
    let event = c.inbound(
        Discord,
        "4001",
        "Amel Ben Salem",
        Event::DirectMessage {
            chat: "dm-4001".into(),
            message_id: "m-1".into(),
            text: SCREEN.into(),
            files: Vec::new(),
            reply_to: None,
        },
    );
    let (first, second) = tokio::join!(
        InboundSink::handle(&c.engine, event.clone()),
        InboundSink::handle(&c.engine, event),
    );
    first.unwrap();
    second.unwrap();
    c.deliver().await;
    assert_eq!(ticket_count(&c).await, 1);
    assert_eq!(c.discord.threads().len(), 1);
    assert_eq!(c.discord.texts_to("4001").len(), 1, "one confirmation");
}
