//! Several instances, one bot: only the instance holding the bot's lease sends
//! through it, so the group's sending limit holds whatever the number of processes.

use super::*;
use std::time::{Duration, Instant};

use guichet_telegram::limits::Limits;
use tokio::sync::watch;

crate::on_both_backends!(crate::support::chat::ChatDesk: two_instances_keep_one_bot_within_its_group_limit);

/// The group's budget in this story: 10 posts a second (Telegram's is 20 a minute;
/// a shorter window keeps the story short, the rule is the same).
const GROUP_BUDGET: (usize, Duration) = (10, Duration::from_secs(1));

async fn two_instances_keep_one_bot_within_its_group_limit(c: ChatDesk) {
    let (api, _) = with_telegram(&c).await;
    let (stop, stopped) = watch::channel(false);
    let until = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    // Two instances, each with its own copy of the bot and its own limiter.
    let mut running = Vec::new();
    for name in ["instance-a", "instance-b"] {
        let outlet: Arc<dyn Outlet> = Arc::new(TelegramOutlet::with_limits(
            guichet_telegram::bot("123:TEST", Some(api.url())),
            Limits {
                per_group: GROUP_BUDGET,
                ..Limits::default()
            },
        ));
        let held = guichet::lease::keep(
            c.d.store.clone(),
            "telegram",
            name.to_owned(),
            until(stopped.clone()),
        );
        let dispatcher = c
            .instance(name, vec![c.discord.clone(), outlet])
            .only_while(Platform::Telegram, held);
        running.push(tokio::spawn(dispatcher.run(until(stopped.clone()))));
    }
    // Five travel requests, each with eight more lines: about fifty posts into
    // Finance's one supergroup (topics, cards, relays).
    for n in 0..5 {
        let employee = format!("21{n:02}");
        c.dm(Platform::Telegram, &employee, "Employé", TRIP).await;
    }
    for line in 0..8 {
        for n in 0..5 {
            let employee = format!("21{n:02}");
            c.dm(
                Platform::Telegram,
                &employee,
                "Employé",
                &format!("Précision {line}"),
            )
            .await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while c.backlog().await.pending > 0 {
        assert!(Instant::now() < deadline, "the outbox does not drain");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(true);
    for task in running {
        task.await.unwrap();
    }
    let group: Vec<Instant> = api
        .calls()
        .into_iter()
        .filter(|call| call.body["chat_id"].as_i64() == Some(FINANCE_CHAT))
        .map(|call| call.at)
        .collect();
    let busiest = group
        .iter()
        .map(|start| {
            group
                .iter()
                .filter(|t| **t >= *start && **t < *start + GROUP_BUDGET.1)
                .count()
        })
        .max()
        .unwrap_or(0);
    println!(
        "{} posts into the group; at most {busiest} in any second",
        group.len()
    );
    assert!(group.len() >= 45, "{} posts", group.len());
    assert!(busiest <= GROUP_BUDGET.0, "{busiest} posts in one second");
    assert_eq!(c.backlog().await.dead, 0);
}
