//! The team's side on Discord: answers and notes in the thread, the card's buttons
//! and menu, and Discord's rate limits.

use super::*;
use support::fake_discord::Failure;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_reach_the_employee_notes_do_not_and_the_card_follows() {
    let live = Live::start().await;
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    let thread = live.thread().await;
    let card = live.card(&thread).await;
    let card_id = card["id"].as_str().unwrap().to_owned();

    live.fake.channel_message(
        &live.iheb,
        &thread,
        "// probablement la carte graphique",
        Vec::new(),
    );
    live.fake.channel_message(
        &live.iheb,
        &thread,
        "Avez-vous vérifié le câble HDMI ?",
        Vec::new(),
    );
    let answer = live.dm_with(&live.amel, "câble HDMI").await;
    assert!(
        answer["content"]
            .as_str()
            .unwrap()
            .starts_with("💬 Iheb Ben Salem"),
        "{answer:#}"
    );
    assert!(
        !live
            .dm_texts(&live.amel)
            .iter()
            .any(|t| t.contains("carte graphique")),
        "a note stays in the team"
    );

    // Claim: the card names the assignee, who is added to the private thread.
    let claim = button(&card, "Prendre");
    let pressed = live
        .fake
        .button(&live.iheb, Some(&thread), &claim, &card_id);
    let answered = live.answer(&pressed).await;
    assert_eq!(answered["body"]["type"], 4);
    assert!(
        answered["body"]["data"]["content"]
            .as_str()
            .unwrap()
            .contains(FIRST)
    );
    live.fake
        .wait_until("the card naming the assignee", |f| {
            f.message(&card_id)
                .filter(|m| field(m, "Responsable") == "Iheb Ben Salem")
        })
        .await;
    live.fake
        .wait_until("the assignee in the thread", |f| {
            f.thread_members(&thread)
                .contains(&live.iheb.id)
                .then_some(())
        })
        .await;

    // The priority menu: P1, shown on the card and told to the employee.
    let chosen = live.fake.message(&card_id).unwrap();
    let menu = &chosen["components"][1]["components"][0];
    let p1 = menu["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["label"] == "P1")
        .and_then(|o| o["value"].as_str())
        .unwrap()
        .to_owned();
    let picked = live.fake.select(
        &live.iheb,
        Some(&thread),
        menu["custom_id"].as_str().unwrap(),
        &[&p1],
        &card_id,
    );
    live.answer(&picked).await;
    live.fake
        .wait_until("the card showing P1", |f| {
            f.message(&card_id)
                .filter(|m| field(m, "Priorité").contains("P1"))
        })
        .await;
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_429_loses_nothing_and_keeps_the_order() {
    let live = Live::start().await;
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    let thread = live.thread().await;
    live.dm_with(&live.amel, FIRST).await;

    for _ in 0..6 {
        live.fake.fail_next(Failure::TooMany {
            retry_after_secs: 0.05,
        });
    }
    live.fake.fail_next(Failure::Broken);
    let answers: Vec<String> = (1..=5).map(|i| format!("Étape {i} : redémarrez")).collect();
    for answer in &answers {
        let before = live.stored_messages().await;
        live.fake
            .channel_message(&live.iheb, &thread, answer, Vec::new());
        // serenity hands each event over in its own task: waiting for each to be
        // stored gives the order the agent wrote in.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while live.stored_messages().await == before {
            assert!(
                std::time::Instant::now() < deadline,
                "{answer} never stored"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    // Retries wait on the helpdesk's clock, which the test holds: let it run.
    let clock = live.c.d.clock.clone();
    let ticking = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(25)).await;
            clock.advance(chrono::TimeDelta::milliseconds(250));
        }
    });
    let received = live
        .fake
        .wait_until("every answer", |_| {
            let got: Vec<String> = live
                .dm_texts(&live.amel)
                .into_iter()
                .filter(|t| t.contains("redémarrez"))
                .collect();
            (got.len() >= answers.len()).then_some(got)
        })
        .await;
    for (got, sent) in received.iter().zip(&answers) {
        assert!(got.ends_with(sent.as_str()), "{got} should end with {sent}");
    }
    assert_eq!(received.len(), answers.len(), "nothing twice");
    let refused = live
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.injected.is_some())
        .count();
    assert_eq!(refused, 7, "the storm reached guichet");
    ticking.abort();
    live.stop().await;
}
