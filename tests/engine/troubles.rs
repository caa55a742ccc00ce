//! Failures people can see and fix: a staff space set up wrong, a person the bot
//! cannot write to, a message that cannot reach the thread. Each is found by the
//! setup doctor, said in the ticket's thread or to the person concerned, and
//! converges once fixed.

use std::sync::Arc;

use guichet::doctor::{self, Check, Examiner, Finding, Trouble};
use guichet::domain::Language;
use guichet_chat::{Outlet, Refusal, Right, SpaceProblem};

use super::*;

on_both_backends!(crate::support::chat::ChatDesk:
    a_space_set_up_wrong_is_found_told_and_converges_once_fixed,
    an_answer_the_employee_cannot_receive_is_said_in_the_thread,
    a_message_that_cannot_reach_the_thread_is_said_to_its_author,
    an_agent_who_never_opened_a_private_chat_is_named_until_they_do,
    an_escalation_contact_nobody_is_is_named_with_the_fix,
    a_refusal_the_doctor_cannot_see_stands_until_a_thread_opens,
    an_assignee_left_out_of_the_private_thread_is_named_in_it,
    an_answer_given_up_after_every_attempt_is_said_in_the_thread,
    a_discord_employee_who_closed_private_messages_is_named_with_the_fix,
    an_agent_the_bot_cannot_write_to_is_named_in_her_tickets_thread,
);

fn examiner(c: &ChatDesk) -> Examiner {
    let discord: Arc<dyn Outlet> = c.discord.clone();
    let telegram: Arc<dyn Outlet> = c.telegram.clone();
    c.d.app.examiner(vec![discord, telegram], None)
}

/// Examines, records (as `serve` does), and returns the findings.
async fn examine(c: &ChatDesk) -> Vec<Finding> {
    let examination = examiner(c).examine().await;
    assert!(examination.complete);
    doctor::watch::record(&c.d.store, &examination, c.d.clock.now())
        .await
        .unwrap();
    examination.findings
}

fn finding<'a>(findings: &'a [Finding], subject: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.check.subject() == subject)
        .unwrap_or_else(|| panic!("no check of {subject} in {findings:?}"))
}

/// Sami answers `text` in `thread`; the platform refuses it to `requester` as
/// unreachable (`reason`). Returns the thread's last post.
async fn answer_refused(
    c: &ChatDesk,
    (platform, requester): (&support::fake_chat::FakeChat, &str),
    thread: &guichet_chat::ThreadRef,
    reason: &str,
    text: &str,
) -> String {
    platform.refuse_next_to(
        requester,
        DeliveryError::Permanent {
            reason: reason.into(),
            refusal: Refusal::Unreachable,
        },
    );
    c.in_thread(Discord, SAMI, "Sami", thread, text).await;
    c.deliver().await;
    c.deliver().await;
    c.discord.posts_in(thread).pop().unwrap()
}

async fn a_space_set_up_wrong_is_found_told_and_converges_once_fixed(c: ChatDesk) {
    sami(&c).await;
    // The IT channel lets the bot do everything but create private threads.
    c.discord.misconfigure(
        IT_SPACE,
        vec![SpaceProblem::Missing(Right::CreatePrivateThreads)],
    );
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    c.deliver().await;
    c.deliver().await;
    assert!(c.discord.threads().is_empty());
    // Iheb learns the truth: his request is kept, the team not told yet.
    let iheb = c.telegram.texts_to(IHEB);
    assert!(
        iheb.iter()
            .any(|t| t.contains("bien enregistrée")
                && t.contains("n'a pas encore pu en être prévenue")),
        "{iheb:#?}"
    );
    // The refusal marked the space failing at once: the dashboard and /readyz show it.
    let recorded = doctor::watch::recorded(&c.d.store).await.unwrap();
    let subject = format!("space:discord:{IT_SPACE}");
    assert!(
        recorded
            .iter()
            .any(|r| r.finding.check.subject() == subject),
        "{recorded:?}"
    );

    // The next employee is told the truth from the start, and only once.
    c.dm(Telegram, AKREM, "Akrem Jlassi", SCREEN).await;
    c.deliver().await;
    c.deliver().await;
    let akrem = c.telegram.texts_to(AKREM);
    let told: Vec<_> = akrem
        .iter()
        .filter(|t| t.contains("n'a pas encore pu en être prévenue"))
        .collect();
    assert_eq!(told.len(), 1, "{akrem:#?}");
    assert!(told[0].starts_with("✅ Votre demande"), "{akrem:#?}");
    assert!(
        !akrem.iter().any(|t| t.contains("s'en occupe")),
        "{akrem:#?}"
    );

    // The doctor says exactly what is wrong and how to fix it; said once in the
    // log, however often examined.
    let findings = examine(&c).await;
    let again = examiner(&c).examine().await;
    let logged = doctor::watch::record(&c.d.store, &again, c.d.clock.now())
        .await
        .unwrap();
    assert!(logged.is_empty(), "{logged:?}");
    let space = finding(&findings, &subject);
    assert_eq!(
        space.troubles,
        vec![Trouble::Space {
            problem: SpaceProblem::Missing(Right::CreatePrivateThreads)
        }]
    );
    let said = doctor::line(&c.texts, Language::Fr, space);
    assert!(said.starts_with("✗ Espace de l'équipe « it »"), "{said}");
    assert!(said.contains("« Créer des fils privés »"), "{said}");
    let said = doctor::line(&c.texts, Language::En, space);
    assert!(
        said.contains("Give the bot the \"Create Private Threads\" permission"),
        "{said}"
    );

    // Fixed: the next examination says so, and both threads open without waiting
    // for the end of their backoff.
    c.discord.fix(IT_SPACE);
    let findings = examine(&c).await;
    assert!(finding(&findings, &subject).ok());
    assert!(
        doctor::watch::recorded(&c.d.store)
            .await
            .unwrap()
            .is_empty()
    );
    c.deliver().await;
    assert_eq!(c.discord.threads().len(), 2);
}

async fn an_answer_the_employee_cannot_receive_is_said_in_the_thread(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // Iheb blocked the bot: Telegram refuses the answer for good.
    let notice = answer_refused(
        &c,
        (&c.telegram, IHEB),
        &thread,
        "Forbidden: bot was blocked by the user",
        "Pouvez-vous redémarrer ?",
    )
    .await;
    let posts = [&notice];
    assert!(
        notice.starts_with("⚠️ Ce message n'a pas pu être remis à Iheb Issaoui")
            && notice.contains("/start")
            && notice.contains("Pouvez-vous redémarrer ?"),
        "{posts:#?}"
    );
    // What the platform showed is kept: Iheb is not reachable privately.
    let reachable: Option<i64> =
        sqlx::query_scalar("SELECT reachable FROM identities WHERE external_id = $1")
            .bind(IHEB)
            .fetch_one(c.d.store.pool())
            .await
            .unwrap();
    assert_eq!(reachable, Some(0));
}

async fn a_message_that_cannot_reach_the_thread_is_said_to_its_author(c: ChatDesk) {
    sami(&c).await;
    open_screen_ticket(&c).await;
    c.discord.fail_next(
        1,
        DeliveryError::refused("400 Bad Request: Unknown Channel"),
    );
    c.dm(
        Telegram,
        IHEB,
        "Iheb Issaoui",
        "Il fait aussi un bruit étrange.",
    )
    .await;
    c.deliver().await;
    c.deliver().await;
    let iheb = c.telegram.texts_to(IHEB);
    let notice = iheb.last().unwrap();
    assert!(
        notice.starts_with("⚠️ Votre message n'a pas pu être transmis à l'équipe")
            && notice.contains("TCK-")
            && notice.contains("Il fait aussi un bruit étrange."),
        "{iheb:#?}"
    );
}

async fn an_agent_who_never_opened_a_private_chat_is_named_until_they_do(c: ChatDesk) {
    // Finance works in a Telegram group: Leila, its agent, was added by an
    // administrator and never wrote to the bot, which Telegram then forbids it to
    // write to her.
    let leila = c.d.agent("Leila Trabelsi", "finance", &[]).await;
    c.d.link(&leila, &format!("telegram:{LEILA}")).await;
    let findings = examine(&c).await;
    let subject = format!("staff:telegram:{}", leila.user.0);
    assert_eq!(
        finding(&findings, &subject).troubles,
        vec![Trouble::NeverStarted]
    );
    let said = doctor::line(&c.texts, Language::Fr, finding(&findings, &subject));
    assert!(said.contains("Demandez à Leila Trabelsi"), "{said}");
    assert!(matches!(
        finding(&findings, &subject).check,
        Check::Staff { .. }
    ));
    // She sends /start: the bot may write to her now.
    c.dm(Telegram, LEILA, "Leila Trabelsi", "/start").await;
    let findings = examine(&c).await;
    assert!(finding(&findings, &subject).ok());
}

async fn an_escalation_contact_nobody_is_is_named_with_the_fix(c: ChatDesk) {
    let everyone_sees = examiner(&c).examine().await.findings;
    assert!(finding(&everyone_sees, "contacts").ok());
    // The HR team's escalation names an address no user has.
    let mut config = c.d.config.clone();
    let hr = config.teams.get_mut("hr").unwrap();
    hr.escalation.users = vec![guichet::domain::Email::parse("rh-direction@example.com").unwrap()];
    let discord: Arc<dyn Outlet> = c.discord.clone();
    let examiner = Examiner::new(
        c.d.store.clone(),
        Arc::new(config),
        c.d.desk.clone(),
        vec![discord],
        None,
    );
    let findings = examiner.examine().await.findings;
    let contact = finding(&findings, "contact:hr:rh-direction@example.com");
    assert!(matches!(contact.troubles[..], [Trouble::CannotSee { .. }]));
    let said = doctor::line(&c.texts, Language::En, contact);
    assert!(
        said.contains("No user has the address rh-direction@example.com"),
        "{said}"
    );
    assert!(said.contains("teams.hr.escalation.users"), "{said}");
}

async fn a_refusal_the_doctor_cannot_see_stands_until_a_thread_opens(c: ChatDesk) {
    sami(&c).await;
    // Discord refuses the thread, for a reason no inspection shows.
    c.discord.refuse_threads(1, "403 Forbidden");
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    c.deliver().await;
    let subject = format!("space:discord:{IT_SPACE}");
    let failing = |c: &ChatDesk| {
        let c = c.d.store.clone();
        let subject = subject.clone();
        async move {
            doctor::watch::recorded(&c)
                .await
                .unwrap()
                .iter()
                .any(|r| r.finding.check.subject() == subject)
        }
    };
    assert!(failing(&c).await);
    // The examination sees nothing wrong, but the refusal stands: the dashboard
    // keeps saying it, rather than "fixed" until the next refusal.
    examine(&c).await;
    assert!(failing(&c).await);
    // The thread opens at its next try: the space works.
    c.d.clock.advance(TimeDelta::minutes(11));
    c.deliver().await;
    assert_eq!(c.discord.threads().len(), 1);
    assert!(!failing(&c).await);
}

async fn an_assignee_left_out_of_the_private_thread_is_named_in_it(c: ChatDesk) {
    sami(&c).await;
    // The bot may open private threads in the IT channel but not manage them: Sami,
    // assigned at once, cannot be added to the thread she is told about.
    c.discord
        .misconfigure(IT_SPACE, vec![SpaceProblem::Missing(Right::ManageThreads)]);
    let thread = open_screen_ticket(&c).await;
    c.deliver().await;
    let posts = c.discord.posts_in(&thread);
    assert!(
        posts.iter().any(|p| p
            .starts_with("⚠️ Sami Ben Ali n'a pas pu être ajouté à ce fil privé")
            && p.contains("« Gérer les fils »")),
        "{posts:#?}"
    );
}

async fn an_answer_given_up_after_every_attempt_is_said_in_the_thread(c: ChatDesk) {
    sami(&c).await;
    let thread = open_screen_ticket(&c).await;
    // Telegram answers 502 to every try of the answer, ten times.
    let attempts = c.d.config.outbox.max_attempts as usize;
    c.telegram.fail_next(
        attempts,
        DeliveryError::Retry {
            after: None,
            reason: "502 Bad Gateway".into(),
        },
    );
    c.in_thread(
        Discord,
        SAMI,
        "Sami",
        &thread,
        "Le technicien passe à 14 h.",
    )
    .await;
    for _ in 0..attempts + 2 {
        c.deliver().await;
        c.d.clock.advance(TimeDelta::minutes(11));
    }
    assert_eq!(c.backlog().await.dead, 1);
    let posts = c.discord.posts_in(&thread);
    let notice = posts.last().unwrap();
    assert!(
        notice.starts_with("⚠️ Ce message n'a pas pu être remis à Iheb Issaoui : Telegram")
            && notice.contains("guichet outbox retry")
            && notice.contains("Le technicien passe à 14 h."),
        "{posts:#?}"
    );
}

async fn a_discord_employee_who_closed_private_messages_is_named_with_the_fix(c: ChatDesk) {
    sami(&c).await;
    // Amel writes from Discord; then closes her private messages (Discord 50007).
    c.dm(Discord, "3001", "Amel Haddad", SCREEN).await;
    c.deliver().await;
    let thread = c.discord.threads().last().unwrap().0.clone();
    let notice = answer_refused(
        &c,
        (&c.discord, "3001"),
        &thread,
        "403 Cannot send messages to this user (50007)",
        "Pouvez-vous me rappeler ?",
    )
    .await;
    let posts = [&notice];
    assert!(
        notice.starts_with("⚠️ Ce message n'a pas pu être remis à Amel Haddad")
            && notice.contains("paramètres de confidentialité du serveur"),
        "{posts:#?}"
    );
}

async fn an_agent_the_bot_cannot_write_to_is_named_in_her_tickets_thread(c: ChatDesk) {
    // Leila, finance agent on Telegram, never sent /start: Telegram refuses the
    // notice of her first assignment.
    let leila =
        c.d.agent("Leila Trabelsi", "finance", &["finance_travel"])
            .await;
    c.d.link(&leila, &format!("telegram:{LEILA}")).await;
    c.telegram.refuse_next_to(
        LEILA,
        DeliveryError::Permanent {
            reason: "Forbidden: bot can't initiate conversation with a user".into(),
            refusal: Refusal::Unreachable,
        },
    );
    c.dm(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        "Remboursement hôtel et train pour Paris du 20 au 25 mars",
    )
    .await;
    c.deliver().await;
    c.deliver().await;
    let (topic, _) = c.telegram.threads().pop().expect("the finance topic");
    let posts = c.telegram.posts_in(&topic);
    assert!(
        posts.iter().any(
            |p| p.starts_with("⚠️ Ce message n'a pas pu être remis à Leila Trabelsi")
                && p.contains("/start")
        ),
        "{posts:#?}"
    );
    // The doctor names her until she writes to the bot.
    let findings = examine(&c).await;
    let subject = format!("staff:telegram:{}", leila.user.0);
    assert_eq!(
        finding(&findings, &subject).troubles,
        vec![Trouble::RefusesPrivate]
    );
}
