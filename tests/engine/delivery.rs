//! Delivery: crashes, failing platforms, dead letters, files across platforms.

use super::*;
use guichet::domain::AuditAction;

on_both_backends!(crate::support::chat::ChatDesk:
    a_crash_between_commit_and_delivery_delivers_once_after_restart,
    a_platform_failing_five_times_delivers_everything_in_order,
    a_refused_delivery_becomes_an_audited_dead_letter,
    photos_go_both_ways_across_platforms,
);

fn photo(reference: &str) -> guichet_chat::IncomingFile {
    guichet_chat::IncomingFile {
        name: "ecran.jpg".into(),
        content_type: Some("image/jpeg".into()),
        size: Some(48_213),
        reference: reference.into(),
        url: None,
    }
}

/// Files attached to a delivered action.
fn files_of(action: &Outbound) -> Vec<guichet_chat::OutgoingFile> {
    match action {
        Outbound::DirectMessage { files, .. } | Outbound::PostInThread { files, .. } => {
            files.clone()
        }
        _ => Vec::new(),
    }
}

async fn a_crash_between_commit_and_delivery_delivers_once_after_restart(c: ChatDesk) {
    sami(&c).await;
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    // An instance claims everything, then dies before delivering.
    claim_everything_and_die(&c, "crashed").await;

    // The restarted service waits for the dead instance's lease, then delivers.
    c.deliver().await;
    assert!(c.telegram.delivered().is_empty() && c.discord.delivered().is_empty());
    c.d.clock.advance(TimeDelta::minutes(3));
    c.deliver().await;
    c.deliver().await;
    assert_eq!(c.telegram.texts_to(IHEB).len(), 1, "the confirmation, once");
    assert_eq!(c.discord.threads().len(), 1, "one thread");
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 0));
    assert_eq!(
        backlog.delivered as usize,
        c.telegram.delivered().len() + c.discord.delivered().len()
    );
}

async fn a_platform_failing_five_times_delivers_everything_in_order(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.telegram.fail_next(
        5,
        DeliveryError::Retry {
            after: Some(Duration::from_secs(3)),
            reason: "429 Too Many Requests".into(),
        },
    );
    let lines = ["Première réponse", "Deuxième réponse", "Troisième réponse"];
    for line in lines {
        c.in_thread(Discord, SAMI, "Sami", &thread, line).await;
    }
    let before = c.telegram.delivered().len();
    for _ in 0..20 {
        c.deliver().await;
        if c.backlog().await.pending == 0 {
            break;
        }
        c.d.clock.advance(TimeDelta::minutes(11));
    }
    assert_eq!(c.backlog().await.pending, 0);
    let relayed: Vec<String> = c
        .telegram
        .texts_to(IHEB)
        .into_iter()
        .filter(|t| t.starts_with("💬"))
        .collect();
    let bodies: Vec<&str> = relayed.iter().map(|t| t.lines().last().unwrap()).collect();
    assert_eq!(bodies, lines, "all delivered, in order, once");
    assert_eq!(c.telegram.attempts(), c.telegram.delivered().len() + 5);
    assert_eq!(c.telegram.delivered().len(), before + 3);
}

async fn a_refused_delivery_becomes_an_audited_dead_letter(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    c.telegram.fail_next(
        1,
        DeliveryError::Permanent {
            reason: "Forbidden: bot was blocked by the user".into(),
            refusal: guichet_chat::Refusal::Unreachable,
        },
    );
    c.in_thread(Discord, SAMI, "Sami", &thread, "Êtes-vous là ?")
        .await;
    c.in_thread(Discord, SAMI, "Sami", &thread, "Je repasse demain.")
        .await;
    c.deliver().await;
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 1));
    // The dead letter does not block the conversation.
    assert!(
        c.telegram
            .texts_to(IHEB)
            .last()
            .unwrap()
            .ends_with("Je repasse demain.")
    );
    let t = ticket(&c, "TCK-20250214-001").await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let trail = store::audit::for_ticket(&mut conn, t.id).await.unwrap();
    let dead = trail
        .iter()
        .find(|e| e.action == AuditAction::DeliveryAbandoned)
        .expect("audited");
    assert_eq!(
        dead.new_value.as_deref(),
        Some("Forbidden: bot was blocked by the user")
    );
}

async fn photos_go_both_ways_across_platforms(c: ChatDesk) {
    use guichet_chat::FileContent;
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // Iheb (Telegram) sends a photo: the IT thread (Discord) gets the file's bytes.
    let event = c.inbound(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        Event::DirectMessage {
            chat: format!("dm-{IHEB}"),
            message_id: "photo-1".into(),
            text: "Voici l'écran".into(),
            files: vec![photo("AgACAgQAAxkBAAIB")],
            reply_to: None,
        },
    );
    c.send(event).await;
    c.deliver().await;
    let posted = c
        .discord
        .delivered()
        .into_iter()
        .rev()
        .find(|a| matches!(a, Outbound::PostInThread { .. }))
        .unwrap();
    let files = files_of(&posted);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "ecran.jpg");
    assert_eq!(
        files[0].content,
        FileContent::Bytes(b"bytes of AgACAgQAAxkBAAIB".to_vec())
    );

    // Sami (Discord) answers with a screenshot: Iheb gets it on Telegram.
    let event = c.inbound(
        Discord,
        SAMI,
        "Sami",
        Event::ThreadMessage {
            thread: thread.clone(),
            message_id: "photo-2".into(),
            text: "Branchez ce câble-ci".into(),
            files: vec![photo("1180000000000000001")],
        },
    );
    c.send(event).await;
    c.deliver().await;
    let sent = c
        .telegram
        .delivered()
        .into_iter()
        .rev()
        .find(|a| matches!(a, Outbound::DirectMessage { .. }))
        .unwrap();
    assert_eq!(
        files_of(&sent)[0].content,
        FileContent::Bytes(b"bytes of 1180000000000000001".to_vec())
    );

    // Within one platform the file is passed by reference, nothing downloaded.
    let karim = c.d.agent("Karim", "finance", &["finance_travel"]).await;
    c.d.link(&karim, "telegram:3001").await;
    let event = c.inbound(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        Event::DirectMessage {
            chat: format!("dm-{AKREM}"),
            message_id: "photo-3".into(),
            text: "Remboursement hôtel Paris, facture jointe".into(),
            files: vec![photo("BQACAgQAAxkBAAIC")],
            reply_to: None,
        },
    );
    c.send(event).await;
    c.deliver().await;
    let posted = c
        .telegram
        .delivered()
        .into_iter()
        .rev()
        .find(|a| matches!(a, Outbound::PostInThread { .. }))
        .unwrap();
    assert_eq!(
        files_of(&posted)[0].content,
        FileContent::Reference("BQACAgQAAxkBAAIC".into())
    );
}
