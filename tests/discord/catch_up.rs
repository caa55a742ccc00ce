//! What is written while the bot is away: Discord's gateway does not send it again
//! to a new session, so the bot reads it from the channels' history.

use super::*;

impl Live {
    /// The bodies of the ticket's stored messages, in the order they were taken.
    async fn ticket_bodies(&self) -> Vec<String> {
        let mut conn = self.c.d.store.pool().acquire().await.unwrap();
        sqlx::query_scalar("SELECT body FROM ticket_messages ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
    }

    /// Waits until the ticket holds `count` messages; returns their bodies.
    async fn wait_for_bodies(&self, count: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let bodies = self.ticket_bodies().await;
            if bodies.len() >= count {
                return bodies;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the ticket holds {} messages, not {count}: {bodies:#?}\n{}",
                bodies.len(),
                self.fake.report()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_written_while_the_bot_was_away_reach_the_ticket_once_in_order() {
    let live = Live::start().await;
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    let thread = live.thread().await;
    live.fake.channel_message(
        &live.iheb,
        &thread,
        "Avez-vous essayé un autre câble ?",
        Vec::new(),
    );
    live.dm_with(&live.amel, "un autre câble").await;
    assert_eq!(live.wait_for_bodies(2).await.len(), 2);

    // Away: what they write is stored by Discord, never dispatched to the bot.
    live.fake
        .dm_unseen(&live.amel, "Oui, même résultat avec le câble de Sami.");
    live.fake
        .channel_message_unseen(&live.iheb, &thread, "Je passe à 14 h avec un écran.");
    live.fake
        .dm_unseen(&live.amel, "Merci, je serai à mon bureau.");
    let readies = live.fake.ready_count();
    live.fake.end_session();
    live.fake
        .wait_until("a new session", |f| {
            (f.ready_count() > readies).then_some(())
        })
        .await;

    let bodies = live.wait_for_bodies(5).await;
    assert_eq!(
        bodies[2..],
        [
            "Oui, même résultat avec le câble de Sami.",
            "Je passe à 14 h avec un écran.",
            "Merci, je serai à mon bureau.",
        ],
        "the missed messages, in the order they were written"
    );
    live.dm_with(&live.amel, "Je passe à 14 h").await;
    live.fake
        .wait_until("the employee's messages relayed to the thread", |f| {
            texts(&f.messages_in(&thread))
                .iter()
                .any(|t| t.contains("je serai à mon bureau"))
                .then_some(())
        })
        .await;
    // Let anything handled twice show before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        live.ticket_bodies().await.len(),
        5,
        "what the helpdesk had before the new session is not taken again"
    );
    let relayed = live
        .dm_texts(&live.amel)
        .into_iter()
        .filter(|t| t.contains("un autre câble"))
        .count();
    assert_eq!(
        relayed, 1,
        "the agent's first answer reached the employee once"
    );
    let in_thread = texts(&live.fake.messages_in(&thread))
        .into_iter()
        .filter(|t| t.contains("câble de Sami"))
        .count();
    assert_eq!(
        in_thread, 1,
        "the employee's missed message is relayed once"
    );
    let reads: Vec<Call> = live
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "GET" && c.path.ends_with("/messages"))
        .collect();
    assert!(
        reads
            .iter()
            .all(|c| c.query.contains("after=") && c.query.contains("limit=100")),
        "{reads:#?}"
    );
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_page_of_missed_messages_is_read_to_the_end() {
    let live = Live::start().await;
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    live.thread().await;
    assert_eq!(live.wait_for_bodies(1).await.len(), 1);

    for n in 1..=130 {
        live.fake.dm_unseen(&live.amel, &format!("précision {n}"));
    }
    live.fake.end_session();

    let bodies = live.wait_for_bodies(131).await;
    let expected: Vec<String> = (1..=130).map(|n| format!("précision {n}")).collect();
    assert_eq!(bodies[1..], expected, "every page, oldest first");
    let dm = live.fake.dm_channel_of(&live.amel.id);
    let pages = live
        .fake
        .calls_to("GET", &format!("/channels/{dm}/messages"))
        .len();
    assert!(pages >= 2, "the history is read page by page ({pages})");
    live.stop().await;
}
