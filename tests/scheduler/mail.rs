//! The overdue e-mail, sent by lettre to a real SMTP server (aiosmtpd).

use std::sync::Arc;

use super::*;
use guichet::config::MailSecurity;
use guichet::mail::Mailer;
use support::smtp::SmtpServer;

crate::on_both_backends!(
    crate::Db: an_overdue_ticket_is_mailed_to_its_assignee_once_even_after_a_restart,
    each_threshold_mails_the_person_in_charge_in_their_language,
    the_overdue_mail_speaks_to_the_agent_as_staff_and_has_a_message_id,
);

/// The helpdesk e-mailing through `smtp`, with the IT and finance teams' addresses.
async fn mailing(db: Db, smtp: &SmtpServer, after: &[&str]) -> Sched {
    let port = smtp.port();
    let after: Vec<_> = after.iter().map(|d| d.parse().unwrap()).collect();
    let mut s = Sched::configured(db, |config| {
        config.mail.host = "127.0.0.1".into();
        config.mail.port = port;
        config.mail.security = MailSecurity::None;
        config.overdue.after = after;
        for (team, address) in [
            ("it", "support-it@example.com"),
            ("finance", "finance@example.com"),
        ] {
            config.teams.get_mut(team).unwrap().email =
                Some(guichet::domain::Email::parse(address).unwrap());
        }
    })
    .await;
    let mailer = Mailer::from_config(&s.c.d.config.mail, None).unwrap();
    s.c.mailer = mailer.map(Arc::new);
    s
}

async fn an_overdue_ticket_is_mailed_to_its_assignee_once_even_after_a_restart(db: Db) {
    let smtp = SmtpServer::start().await;
    let mut s = mailing(db, &smtp, &["3d"]).await;
    s.sami().await;
    let t = s.iheb_asks(SCREEN).await;
    let thread = s.thread_of(&t);
    s.c.in_thread(Discord, SAMI, "Sami", &thread, "Je passe vous voir demain.")
        .await;
    s.after(TimeDelta::days(3) - TimeDelta::minutes(1)).await;
    assert!(smtp.messages().is_empty());
    s.after(TimeDelta::minutes(1)).await;

    let mails = smtp.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(mail.to, ["sami@example.com"]);
    assert_eq!(mail.from, "Guichet <helpdesk@example.com>");
    assert_eq!(
        mail.subject,
        format!(
            "[{}] Toujours pas résolu après 3 j : Mon écran ne s'allume plus",
            t.reference
        )
    );
    for line in [
        "Bonjour Sami Ben Ali,",
        &format!(
            "Le ticket {} n'est toujours pas résolu, 3 j après sa création.",
            t.reference
        ),
        "Demandeur : Iheb Issaoui",
        "Priorité : P2 Normal",
        "Service : Service Informatique",
        "Créé le : 14/02/2025 09:00",
        "Iheb Issaoui :\nMon écran ne s'allume plus",
        "Sami Ben Ali :\nJe passe vous voir demain.",
    ] {
        assert!(mail.body.contains(line), "{line:?} not in:\n{}", mail.body);
    }
    assert_eq!(s.told(Telegram, IHEB, "signalé par e-mail"), 1);
    assert_eq!(
        s.posts(&t, "e-mail de relance envoyé à sami@example.com"),
        1
    );
    assert!(
        s.audit(&t)
            .await
            .iter()
            .any(|(action, _, new)| action == "overdue_mailed"
                && new.as_deref() == Some("sami@example.com"))
    );

    // A restart: a new scheduler and a new dispatcher find nothing left to send.
    s.scheduler = fresh_scheduler(&s.c);
    s.after(TimeDelta::days(1)).await;
    s.after(TimeDelta::days(10)).await;
    // Delivery is acknowledged after the server's 250, which aiosmtpd gives once the
    // message is in its Maildir: with nothing left to send, everything sent is there.
    assert_no_mail_pending(&s).await;
    assert_eq!(
        smtp.messages().len(),
        1,
        "one e-mail per ticket and threshold"
    );
    assert_eq!(s.c.backlog().await.dead, 0);
}

async fn each_threshold_mails_the_person_in_charge_in_their_language(db: Db) {
    let smtp = SmtpServer::start().await;
    let s = mailing(db, &smtp, &["3d", "7d"]).await;
    // John reads English; Nour (HR) has no address; finance has nobody.
    let john = s
        .staff_in(
            "John Smith",
            "it",
            false,
            &["hardware"],
            Some("john@example.com"),
            Language::En,
            "discord:1010",
        )
        .await;
    s.staff(
        "Nour Trabelsi",
        "hr",
        false,
        &["hr_request"],
        None,
        "discord:1011",
    )
    .await;
    let screen = s.iheb_asks(SCREEN).await;
    assert_eq!(screen.assignee, Some(john.user));
    let refund = s
        .asks(
            "2003",
            "Amina Benali",
            "Remboursement de l'hôtel à Paris du 20 au 25 mars",
        )
        .await;
    assert_eq!(refund.assignee, None);
    let payslip = s
        .asks("2004", "Nadia Jaziri", "Fiche de paie de janvier manquante")
        .await;
    assert!(payslip.assignee.is_some());

    s.after(TimeDelta::days(3)).await;
    let mails = smtp.wait_for(2).await;
    let to_john = mails.iter().find(|m| m.to == ["john@example.com"]).unwrap();
    assert_eq!(
        to_john.subject,
        format!(
            "[{}] Still not resolved after 3 d: Mon écran ne s'allume plus",
            screen.reference
        )
    );
    assert!(
        to_john.body.starts_with("Hello John Smith,"),
        "{}",
        to_john.body
    );
    assert!(to_john.body.contains("Priority: P2 Normal"));
    let to_finance = mails
        .iter()
        .find(|m| m.to == ["finance@example.com"])
        .unwrap();
    assert!(to_finance.subject.contains("Toujours pas résolu après 3 j"));
    assert!(to_finance.body.starts_with("Bonjour Service Financier,"));

    // Nobody to write to for the HR ticket: reported, not skipped in silence.
    let reported: Vec<_> = s
        .audit(&payslip)
        .await
        .into_iter()
        .filter(|(action, _, _)| action == "overdue_not_mailed")
        .filter_map(|(_, _, why)| why)
        .collect();
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported[0].contains("Nour Trabelsi") && reported[0].contains("no e-mail address"));
    assert!(reported[1].contains("the team hr has no e-mail address"));

    // The second threshold: one more e-mail each, and never a third.
    s.after(TimeDelta::days(4)).await;
    let mails = smtp.wait_for(4).await;
    assert!(mails[2..].iter().any(|m| m.subject.contains("after 7 d")));
    assert!(mails[2..].iter().any(|m| m.subject.contains("après 7 j")));
    s.after(TimeDelta::days(30)).await;
    // Delivery is acknowledged after the server's 250, which aiosmtpd gives once the
    // message is in its Maildir: with nothing left to send, everything sent is there.
    assert_no_mail_pending(&s).await;
    assert_eq!(smtp.messages().len(), 4);
}

async fn the_overdue_mail_speaks_to_the_agent_as_staff_and_has_a_message_id(db: Db) {
    let smtp = SmtpServer::start().await;
    let s = mailing(db, &smtp, &["2d"]).await;
    s.staff_in(
        "John Smith",
        "it",
        false,
        &["hardware"],
        Some("john@example.com"),
        Language::En,
        "discord:1010",
    )
    .await;
    let screen = s.iheb_asks(SCREEN).await;
    let thread = s.thread_of(&screen);
    s.c.in_thread(Discord, "1010", "John", &thread, "Which model is it?")
        .await;
    s.c.in_thread(Discord, "1010", "John", &thread, "/statut waiting_on_user")
        .await;
    assert_eq!(s.reload(&screen).await.status, Status::WaitingOnUser);
    // Nobody in IT for the second one: it is mailed to the team's address.
    s.asks("2003", "Amina Benali", "Le wifi ne marche plus au 2e étage")
        .await;

    s.after(TimeDelta::days(2)).await;
    let mails = smtp.wait_for(2).await;
    let to_john = mails.iter().find(|m| m.to == ["john@example.com"]).unwrap();
    assert!(
        to_john.body.contains("Status: Waiting for the requester"),
        "the team's wording, not the requester's:\n{}",
        to_john.body
    );
    assert!(!to_john.body.contains("Waiting for your answer"));
    let ids: Vec<&str> = mails
        .iter()
        .map(|m| {
            m.header("Message-ID")
                .expect("every e-mail has a Message-ID")
        })
        .collect();
    for id in &ids {
        assert!(
            id.starts_with('<') && id.ends_with('>') && id.contains('@'),
            "{id:?}"
        );
    }
    assert_ne!(ids[0], ids[1], "each e-mail its own");
}

/// Nothing is left in the outbox to e-mail.
async fn assert_no_mail_pending(s: &Sched) {
    use sqlx::Row;
    let mut conn = s.store().pool().acquire().await.unwrap();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'mail' AND status <> 'delivered'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(row.get::<i64, _>("n"), 0, "every e-mail was sent");
}
