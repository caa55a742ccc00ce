//! Tickets: references, atomic creation, statuses and their times, messages, lists.

use super::*;
use guichet::domain::AuditAction;

on_both_backends!(
    references_count_per_company_day,
    fifty_concurrent_creations_get_fifty_references,
    a_rolled_back_creation_leaves_nothing,
    statuses_follow_the_table_and_keep_kpi_times,
    conversation_times_and_notes,
    lists_show_each_role_what_the_matrix_allows,
);

async fn references_count_per_company_day(d: TestDesk) {
    let iheb = d.employee("Iheb Issaoui").await;
    let first = d
        .open(&iheb, "Mon écran ne s'allume plus", "hardware")
        .await;
    let second = d
        .open(&iheb, "Prise en charge déplacement Paris", "finance_travel")
        .await;
    assert_eq!(first.reference.to_string(), "TCK-20250214-001");
    assert_eq!(second.reference.to_string(), "TCK-20250214-002");

    // 23:30 UTC on the 14th is already the 15th in Paris: a new day, a new count.
    d.clock
        .set(Utc.with_ymd_and_hms(2025, 2, 14, 23, 30, 0).unwrap());
    let next_day = d.open(&iheb, "VPN en panne", "network").await;
    assert_eq!(next_day.reference.to_string(), "TCK-20250215-001");

    let mut conn = d.store.pool().acquire().await.unwrap();
    let found = store::tickets::by_reference(&mut conn, &second.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, second.id);
    assert_eq!(
        found.priority,
        Priority::P2,
        "the category's default priority"
    );
}

async fn fifty_concurrent_creations_get_fifty_references(d: TestDesk) {
    let requester = d.employee("Akrem Grayaa").await;
    let d = std::sync::Arc::new(d);
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (d, requester) = (d.clone(), requester.clone());
            tokio::spawn(async move {
                d.open(&requester, &format!("Demande {i}"), "question")
                    .await
                    .reference
            })
        })
        .collect();
    let mut references = std::collections::BTreeSet::new();
    for task in tasks {
        references.insert(task.await.unwrap().to_string());
    }
    assert_eq!(references.len(), 50, "{references:?}");
    assert_eq!(references.first().unwrap(), "TCK-20250214-001");
    assert_eq!(references.last().unwrap(), "TCK-20250214-050");
}

async fn a_rolled_back_creation_leaves_nothing(d: TestDesk) {
    let iheb = d.employee("Iheb Issaoui").await;
    let _agent = d.agent("Sami", "it", &["hardware"]).await;
    {
        let mut tx = d.store.begin().await.unwrap();
        let category = d.desk.find_category("hardware").unwrap();
        let draft = guichet::desk::TicketDraft {
            subject: "Écran noir".into(),
            description: String::new(),
            category: category.id,
            priority: None,
            previous: None,
            origin: None,
            first_message: None,
        };
        let ticket = d
            .desk
            .open_ticket(&mut tx, &iheb, &draft, Origin::Chat)
            .await
            .unwrap();
        assert!(ticket.ticket.assignee.is_some());
        // dropped without commit: a crash before the end of the transaction
    }
    let mut conn = d.store.pool().acquire().await.unwrap();
    let all = store::tickets::list(
        &mut conn,
        &TicketFilter {
            limit: 10,
            ..Default::default()
        },
        Viewer::Operator,
    )
    .await
    .unwrap();
    assert!(all.is_empty());
    drop(conn);
    // Nothing of the attempt remains: not the ticket, not its number.
    let ticket = d.open(&iheb, "Écran noir", "hardware").await;
    assert_eq!(ticket.reference.to_string(), "TCK-20250214-001");
}

async fn statuses_follow_the_table_and_keep_kpi_times(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami", "it", &["hardware"]).await;
    let ticket = d.open(&employee, "Écran noir", "hardware").await;
    let created = d.clock.now();

    let mut tx = d.store.begin().await.unwrap();
    d.clock.advance(TimeDelta::hours(2));
    let resolved = d
        .desk
        .resolve(&mut tx, &sami, ticket.id, "Câble remplacé", Origin::Chat)
        .await
        .unwrap();
    assert_eq!(resolved.status, Status::Resolved);
    assert_eq!(resolved.times.resolved, Some(created + TimeDelta::hours(2)));
    assert_eq!(resolved.resolution.as_deref(), Some("Câble remplacé"));

    // The employee says it is not fixed: reopened, the resolution no longer counts.
    let reopened = d
        .desk
        .set_status(&mut tx, &employee, ticket.id, Status::Open, Origin::Chat)
        .await
        .unwrap();
    assert_eq!(
        (reopened.times.resolved, reopened.resolution.clone()),
        (None, None)
    );
    let err = d
        .desk
        .set_status(
            &mut tx,
            &employee,
            ticket.id,
            Status::WaitingOnUser,
            Origin::Chat,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeskError::Forbidden(Action::SetStatus)),
        "{err}"
    );
    d.desk
        .set_status(
            &mut tx,
            &sami,
            ticket.id,
            Status::WaitingOnUser,
            Origin::Chat,
        )
        .await
        .unwrap();
    let closed = d
        .desk
        .set_status(&mut tx, &employee, ticket.id, Status::Closed, Origin::Chat)
        .await
        .unwrap();
    assert_eq!(closed.times.closed, Some(d.clock.now()));
    let err = d
        .desk
        .set_status(&mut tx, &sami, ticket.id, Status::Open, Origin::Chat)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            DeskError::Transition {
                from: Status::Closed,
                to: Status::Open
            }
        ),
        "{err}"
    );
    tx.commit().await.unwrap();

    let stored = d.reload(&ticket).await;
    assert_eq!(stored.status, Status::Closed);
    assert_eq!(stored.times.created, Some(created));
    let mut conn = d.store.pool().acquire().await.unwrap();
    let changes: Vec<_> = store::audit::for_ticket(&mut conn, ticket.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::StatusChanged)
        .map(|e| format!("{}→{}", e.old_value.unwrap(), e.new_value.unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            "open→resolved",
            "resolved→open",
            "open→waiting_on_user",
            "waiting_on_user→closed"
        ]
    );
}

async fn conversation_times_and_notes(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami", "it", &["hardware"]).await;
    let other = d.employee("Curieux").await;
    let ticket = d.open(&employee, "Écran noir", "hardware").await;
    let photo = NewAttachment {
        file_name: "ecran.jpg".into(),
        content_type: Some("image/jpeg".into()),
        size_bytes: Some(48_213),
        platform: Platform::Telegram,
        platform_ref: "AgACAgQAAxkBAAIB".into(),
        url: None,
    };

    let mut tx = d.store.begin().await.unwrap();
    d.clock.advance(TimeDelta::minutes(5));
    d.desk
        .add_message(
            &mut tx,
            &employee,
            ticket.id,
            "Voici une photo",
            Visibility::Public,
            Some((Platform::Telegram, "77")),
            std::slice::from_ref(&photo),
            Origin::Chat,
        )
        .await
        .unwrap();
    let after_employee = d.clock.now();
    d.clock.advance(TimeDelta::minutes(10));
    let noted = d
        .desk
        .add_message(
            &mut tx,
            &sami,
            ticket.id,
            "Probablement l'alimentation",
            Visibility::Internal,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap();
    assert_eq!(
        noted.ticket.times.first_response, None,
        "a note is not a response"
    );
    d.clock.advance(TimeDelta::minutes(5));
    let answered = d
        .desk
        .add_message(
            &mut tx,
            &sami,
            ticket.id,
            "Je passe à 14h",
            Visibility::Public,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap();
    let first_answer = d.clock.now();
    assert_eq!(answered.ticket.times.first_response, Some(first_answer));
    assert_eq!(
        answered.ticket.times.last_requester_message,
        Some(after_employee)
    );
    assert_eq!(
        answered.ticket.status,
        Status::InProgress,
        "an agent's answer starts the work"
    );
    d.clock.advance(TimeDelta::minutes(5));
    let later = d
        .desk
        .add_message(
            &mut tx,
            &sami,
            ticket.id,
            "Finalement 15h",
            Visibility::Public,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap();
    assert_eq!(
        later.ticket.times.first_response,
        Some(first_answer),
        "set once"
    );
    assert_eq!(later.ticket.times.last_agent_message, Some(d.clock.now()));

    let err = d
        .desk
        .add_message(
            &mut tx,
            &employee,
            ticket.id,
            "Note secrète",
            Visibility::Internal,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeskError::Forbidden(Action::AddNote)),
        "{err}"
    );
    let err = d
        .desk
        .add_message(
            &mut tx,
            &other,
            ticket.id,
            "Moi aussi",
            Visibility::Public,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::UnseenTicket), "{err}");
    let err = d
        .desk
        .add_message(
            &mut tx,
            &employee,
            ticket.id,
            "  ",
            Visibility::Public,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::EmptyMessage), "{err}");

    let public = store::messages::for_ticket(&mut tx, ticket.id, false)
        .await
        .unwrap();
    let bodies: Vec<_> = public.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["Voici une photo", "Je passe à 14h", "Finalement 15h"]
    );
    assert_eq!(public[0].attachments.len(), 1);
    assert_eq!(public[0].attachments[0].file, photo);
    assert_eq!(
        public[0].origin,
        Some((Platform::Telegram, "77".to_owned()))
    );
    let all = store::messages::for_ticket(&mut tx, ticket.id, true)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[1].visibility, Visibility::Internal);
    tx.commit().await.unwrap();
}

async fn lists_show_each_role_what_the_matrix_allows(d: TestDesk) {
    let iheb = d.employee("Iheb Issaoui").await;
    let akrem = d.employee("Akrem Grayaa").await;
    let it = d.agent("Sami", "it", &[]).await;
    let hr = d.agent("Leila", "hr", &[]).await;
    let admin = d.person("Admin", Role::Admin, None, &[]).await;
    // An agent put in the HR team by mistake must still see no HR ticket.
    let misplaced = d.person("Misplaced", Role::Agent, Some("hr"), &[]).await;
    let screen = d.open(&iheb, "Écran noir", "hardware").await;
    let travel = d.open(&akrem, "Déplacement Paris", "finance_travel").await;
    let hr_ticket = d.open(&iheb, "Attestation de salaire", "hr_request").await;
    let all = [&screen, &travel, &hr_ticket];

    let mut conn = d.store.pool().acquire().await.unwrap();
    let filter = TicketFilter {
        limit: 50,
        ..Default::default()
    };
    for (who, expected) in [
        (&iheb, vec![hr_ticket.id, screen.id]),
        (&akrem, vec![travel.id]),
        (&it, vec![screen.id]),
        (&hr, vec![hr_ticket.id]),
        (&misplaced, vec![]),
        (&admin, vec![hr_ticket.id, travel.id, screen.id]),
    ] {
        let seen: Vec<_> = store::tickets::list(&mut conn, &filter, Viewer::User(who))
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(seen, expected, "{:?} sees", who.role);
        // The query and the matrix agree on every ticket.
        for t in all {
            let scope = d.desk.scope_of(t).unwrap();
            assert_eq!(
                who.may(Action::View, &scope),
                seen.contains(&t.id),
                "{:?} on {}",
                who.role,
                t.reference
            );
        }
    }

    // Filters and the cursor.
    let hr_team = d.desk.find_team("hr").unwrap();
    let only_hr = TicketFilter {
        team: Some(hr_team.id),
        limit: 50,
        ..Default::default()
    };
    let seen = store::tickets::list(&mut conn, &only_hr, Viewer::User(&admin))
        .await
        .unwrap();
    assert_eq!(
        seen.iter().map(|t| t.id).collect::<Vec<_>>(),
        [hr_ticket.id]
    );
    let page = TicketFilter {
        limit: 2,
        ..Default::default()
    };
    let first = store::tickets::list(&mut conn, &page, Viewer::Operator)
        .await
        .unwrap();
    let next = TicketFilter {
        before: first.last().map(|t| t.id),
        ..page
    };
    let second = store::tickets::list(&mut conn, &next, Viewer::Operator)
        .await
        .unwrap();
    assert_eq!(first.len() + second.len(), 3);
    assert_eq!(second[0].id, screen.id);
}
