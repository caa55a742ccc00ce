//! The operator brings an agent back from away at the command line while `serve`
//! runs elsewhere: the ticket that waited in the queue is assigned at the
//! scheduler's next tick, and the thread says so.

use chrono::Utc;
use guichet::scheduler::Scheduler;
use guichet::store::{self, audit::Origin};
use guichet_chat::Platform;
use support::chat::ChatDesk;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_made_available_at_the_command_line_gets_the_waiting_ticket() {
    let c = ChatDesk::on(TestDb::sqlite()).await;
    // The binary reads the system clock: the helpdesk's clock shows the same time.
    c.d.clock.set(Utc::now());
    let sami = c.d.agent("Sami Ben Ali", "it", &["hardware"]).await;
    let mut tx = c.d.store.begin().await.unwrap();
    c.d.desk
        .set_agent_settings(&mut tx, None, sami.user, None, Some(false), Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    c.dm(
        Platform::Telegram,
        "2001",
        "Iheb Issaoui",
        "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer.",
    )
    .await;
    c.deliver().await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let filter = store::tickets::TicketFilter {
        limit: 1,
        ..Default::default()
    };
    let ticket = store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
        .await
        .unwrap()
        .pop()
        .expect("the ticket");
    drop(conn);
    assert_eq!(ticket.assignee, None, "every expert is away");
    let scheduler = Scheduler::new(
        c.d.store.clone(),
        c.engine.clone(),
        c.d.config.scheduler.clone(),
    );
    scheduler.tick().await.unwrap();
    assert_eq!(c.d.reload(&ticket).await.assignee, None);

    let out = ok(
        &c.d.db,
        &["team", "availability", &sami.user.to_string(), "on"],
    );
    assert!(out.contains("available for new tickets"), "{out}");
    // The next tick, long before the first reminder (30 min).
    c.d.clock.set(Utc::now());
    let tick = scheduler.tick().await.unwrap();
    println!("the tick after the command: {tick:?}");
    c.deliver().await;
    assert_eq!(c.d.reload(&ticket).await.assignee, Some(sami.user));
    let (thread, _) = c
        .discord
        .threads()
        .into_iter()
        .find(|(_, title)| title.starts_with(&ticket.reference.to_string()))
        .expect("the ticket's thread");
    let posts = c.discord.posts_in(&thread);
    assert!(
        posts
            .iter()
            .any(|p| p.contains("Attribué automatiquement à Sami Ben Ali")),
        "{posts:?}"
    );
}
