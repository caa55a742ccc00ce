//! The employee's side on Discord: a private message, `/ticket` and its form, the
//! help panel, the stars.

use serde_json::json;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_message_opens_a_private_thread_with_the_card() {
    let live = Live::start().await;
    let intents = live.fake.identified_intents().expect("identified");
    assert_eq!(
        intents,
        support::fake_discord::DIRECT_MESSAGES
            | support::fake_discord::GUILD_MESSAGES
            | support::fake_discord::MESSAGE_CONTENT,
        "only the intents guichet needs"
    );
    let commands = live
        .fake
        .wait_until("the slash commands", |f| {
            Some(f.commands(Some(GUILD_ID))).filter(|c| !c.is_empty())
        })
        .await;
    let ticket = commands.iter().find(|c| c["name"] == "ticket").unwrap();
    assert_eq!(ticket["name_localizations"]["fr"], "ticket");
    let claim = commands.iter().find(|c| c["name"] == "claim").unwrap();
    assert_eq!(claim["name_localizations"]["fr"], "prendre");
    assert_eq!(
        claim["description_localizations"]["fr"],
        "Prendre le ticket en charge"
    );

    live.fake.dm(&live.amel, SCREEN, Vec::new());

    let thread = live.thread().await;
    let channel = live.fake.channel(&thread).unwrap();
    assert_eq!(channel["type"], 12, "a private thread");
    assert_eq!(channel["parent_id"].as_str(), Some(live.it.as_str()));
    assert_eq!(
        channel["name"],
        format!("{FIRST} · Mon écran ne s'allume plus")
    );
    let card = live.card(&thread).await;
    assert_eq!(
        card["embeds"][0]["title"],
        format!("{FIRST} · Mon écran ne s'allume plus")
    );
    assert_eq!(field(&card, "Statut"), "Ouvert");
    assert_eq!(field(&card, "Demandeur"), "amel.bensalem");
    assert_eq!(field(&card, "Responsable"), "Personne (file de l'équipe)");
    button(&card, "Prendre");
    button(&card, "Résoudre");
    button(&card, "Fermer");
    let menu = &card["components"][1]["components"][0];
    assert_eq!(menu["type"], 3, "the priority select menu");
    assert_eq!(menu["options"].as_array().unwrap().len(), 3);

    // The card carries the request; the thread does not repeat it.
    let description = card["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(description.contains("l'écran reste noir"), "{card:#}");
    let told = live.dm_with(&live.amel, FIRST).await;
    assert!(
        told["content"]
            .as_str()
            .unwrap()
            .contains("Problème matériel informatique"),
        "{told:#}"
    );
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_command_and_the_panel_open_the_form() {
    let live = Live::start().await;
    let admin = live
        .c
        .d
        .person("Sonia Admin", guichet::domain::Role::Admin, None, &[])
        .await;
    let sonia = live.fake.user("sonia", "fr");
    live.c
        .d
        .link(&admin, &format!("discord:{}", sonia.id))
        .await;

    // `/ticket`, with the category chosen in the command: the form comes back.
    let asked = live.fake.slash(
        &live.amel,
        Some(&live.help),
        "ticket",
        vec![json!({ "name": "details", "type": 3, "value": "hardware" })],
    );
    let form = live.answer(&asked).await;
    assert_eq!(form["kind"], "callback");
    assert_eq!(form["body"]["type"], 9, "a modal");
    let modal = &form["body"]["data"];
    let title = modal["title"].as_str().unwrap();
    assert!(title.starts_with("Nouvelle demande · Problème"), "{title}");
    assert_eq!(
        title.chars().count(),
        45,
        "Discord's limit for a modal's title"
    );
    assert_eq!(
        modal["components"][0]["components"][0]["custom_id"],
        "subject"
    );
    assert_eq!(
        modal["components"][1]["components"][0]["style"], 2,
        "a paragraph"
    );
    let payload = modal["custom_id"].as_str().unwrap().to_owned();

    let sent = live.fake.modal_submit(
        &live.amel,
        Some(&live.help),
        &payload,
        &[
            ("subject", "Souris cassée"),
            ("description", "Le clic droit ne répond plus."),
        ],
    );
    let received = live.answer(&sent).await;
    assert_eq!(received["body"]["type"], 4);
    assert_eq!(received["body"]["data"]["flags"], 64, "ephemeral");
    assert!(
        received["body"]["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Demande reçue"),
        "{received:#}"
    );
    let thread = live.thread().await;
    assert_eq!(
        live.fake.channel(&thread).unwrap()["name"],
        format!("{FIRST} · Souris cassée")
    );
    let card = live.card(&thread).await;
    assert_eq!(field(&card, "Catégorie"), "Problème matériel informatique");
    // No private chat yet: the bot opens one to give the reference.
    live.dm_with(&live.amel, FIRST).await;

    // An employee may not post the panel; an administrator may.
    let refused = live
        .fake
        .slash(&live.amel, Some(&live.help), "panel", Vec::new());
    let refusal = live.answer(&refused).await;
    assert_eq!(
        refusal["body"]["data"]["content"],
        "Seul un administrateur peut faire cela."
    );
    let posted = live
        .fake
        .slash(&sonia, Some(&live.help), "panel", Vec::new());
    live.answer(&posted).await;
    let panel = live
        .fake
        .wait_until("the panel", |f| {
            f.messages_in(&live.help)
                .into_iter()
                .find(|m| m["components"].as_array().is_some_and(|c| !c.is_empty()))
        })
        .await;
    assert!(
        panel["content"].as_str().unwrap().contains("Besoin d'aide"),
        "{panel:#}"
    );
    let open = button(&panel, "Ouvrir un ticket");
    let pressed = live.fake.button(
        &live.amel,
        Some(&live.help),
        &open,
        panel["id"].as_str().unwrap(),
    );
    assert_eq!(live.answer(&pressed).await["body"]["type"], 9);
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolving_sends_five_stars_and_a_press_is_kept() {
    let live = Live::start().await;
    live.fake.dm(&live.amel, SCREEN, Vec::new());
    let thread = live.thread().await;
    let card = live.card(&thread).await;
    let resolve = button(&card, "Résoudre");
    let pressed = live.fake.button(
        &live.iheb,
        Some(&thread),
        &resolve,
        card["id"].as_str().unwrap(),
    );
    assert_eq!(live.answer(&pressed).await["kind"], "callback");

    let prompt = live.dm_with(&live.amel, "Comment évaluez-vous").await;
    let stars = prompt["components"][0]["components"].as_array().unwrap();
    assert_eq!(stars.len(), 5, "five buttons in one row");
    let five = stars[4]["custom_id"].as_str().unwrap();
    let rated = live
        .fake
        .button(&live.amel, None, five, prompt["id"].as_str().unwrap());
    let answer = live.answer(&rated).await;
    assert!(
        answer["body"]["data"]["content"]
            .as_str()
            .unwrap()
            .contains("★★★★★"),
        "{answer:#}"
    );
    let mut conn = live.c.d.store.pool().acquire().await.unwrap();
    let ticket = guichet::store::tickets::by_reference(&mut conn, &FIRST.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let rating = guichet::store::ratings::get(&mut conn, ticket.id)
        .await
        .unwrap()
        .expect("the rating is stored");
    assert_eq!(rating.stars.get(), 5);
    drop(conn);

    // Closed from the card: the thread is archived.
    let card = live.fake.message(card["id"].as_str().unwrap()).unwrap();
    let close = button(&card, "Fermer");
    live.fake.button(
        &live.iheb,
        Some(&thread),
        &close,
        card["id"].as_str().unwrap(),
    );
    live.fake
        .wait_until("the thread archived", |f| {
            f.channel(&thread)
                .filter(|t| t["thread_metadata"]["archived"] == true)
        })
        .await;
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_both_ways_and_long_answers_come_in_order() {
    let live = Live::start().await;
    let photo = b"\x89PNG photo of a black screen".to_vec();
    let attachment = live.fake.upload("ecran.png", &photo);
    live.fake.dm(&live.amel, SCREEN, vec![attachment]);
    let thread = live.thread().await;
    let relayed = live
        .fake
        .wait_until("the photo in the thread", |f| {
            f.calls_to("POST", &format!("/channels/{thread}/messages"))
                .into_iter()
                .find(|c| !c.files.is_empty() && !c.failed())
        })
        .await;
    assert_eq!(relayed.files, [("ecran.png".to_owned(), photo)]);

    let log = b"driver log".to_vec();
    let attachment = live.fake.upload("pilote.txt", &log);
    live.fake.channel_message(
        &live.iheb,
        &thread,
        "Voici le pilote à installer.",
        vec![attachment],
    );
    let dm = live.fake.dm_channel_of(&live.amel.id);
    let sent = live
        .fake
        .wait_until("the file in the private chat", |f| {
            f.calls_to("POST", &format!("/channels/{dm}/messages"))
                .into_iter()
                .find(|c| !c.files.is_empty() && !c.failed())
        })
        .await;
    assert_eq!(sent.files, [("pilote.txt".to_owned(), log)]);

    // 5000 characters: three messages of at most 2000, in order, nothing lost.
    let words: Vec<String> = (0..1000).map(|i| format!("m{i:03}")).collect();
    let long = words.join(" ");
    assert_eq!(long.chars().count(), 4999);
    let before = live.dm_texts(&live.amel).len();
    live.fake
        .channel_message(&live.iheb, &thread, &long, Vec::new());
    let pieces = live
        .fake
        .wait_until("the long answer", |f| {
            let all = texts(&f.messages_in(&dm));
            all.last()
                .filter(|t| t.ends_with("m999"))
                .map(|_| all[before..].to_vec())
        })
        .await;
    assert_eq!(pieces.len(), 3, "{pieces:?}");
    assert!(pieces.iter().all(|p| p.chars().count() <= 2000));
    let joined = pieces.join(" ");
    let received: Vec<&str> = joined.split_whitespace().collect();
    let expected: Vec<&str> = words.iter().map(String::as_str).collect();
    assert_eq!(&received[received.len() - 1000..], &expected[..]);
    live.stop().await;
}
