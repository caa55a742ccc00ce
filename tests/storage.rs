//! The foundation on both backends: tickets, references, assignment, permissions in
//! queries, messages, audit, ratings, points, people and teams. Every story runs on
//! SQLite and on PostgreSQL.

mod support;

use chrono::{TimeDelta, TimeZone, Utc};
use guichet::clock::Clock;
use guichet::desk::{DeskError, UserRef};
use guichet::domain::{
    Identity, NewAttachment, Platform, PointsEntry, Priority, Role, Stars, Status, Visibility,
};
use guichet::permissions::Action;
use guichet::store::audit::Origin;
use guichet::store::tickets::{TicketFilter, Viewer};
use guichet::store::{self};
use support::TestDesk;

on_both_backends!(
    references_count_per_company_day,
    fifty_concurrent_creations_get_fifty_references,
    a_rolled_back_creation_leaves_nothing,
    the_least_loaded_expert_gets_the_new_ticket,
    ties_rotate_to_whoever_was_assigned_least_recently,
    nobody_fitting_leaves_the_ticket_in_the_queue,
    claiming_takes_the_ticket_and_starts_it,
    manual_assignment_stays_within_the_team,
    transfer_reroutes_to_the_other_teams_experts,
    statuses_follow_the_table_and_keep_kpi_times,
    conversation_times_and_notes,
    lists_show_each_role_what_the_matrix_allows,
    the_audit_trail_is_append_only,
    ratings_come_from_the_requester_after_resolution,
    points_are_granted_once_per_event,
    people_identities_and_roles,
    catalog_follows_the_configuration,
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

async fn the_least_loaded_expert_gets_the_new_ticket(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    let busy = d.agent("Busy", "it", &["hardware", "network"]).await;
    let novice = d.agent("Novice", "it", &["software"]).await;
    let free = d.agent("Free", "it", &["hardware"]).await;
    let away = d.agent("Away", "it", &["hardware"]).await;
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .set_agent_settings(&mut tx, None, away.user, None, Some(false), Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Busy already has a network ticket: the hardware ticket goes to Free.
    let network = d.open(&employee, "Wifi coupé", "network").await;
    assert_eq!(network.assignee, Some(busy.user));
    let screen = d
        .open(&employee, "Mon écran ne s'allume plus", "hardware")
        .await;
    assert_eq!(screen.assignee, Some(free.user));
    assert_ne!(screen.assignee, Some(novice.user));
    assert_eq!(screen.status, Status::Open, "assigned, not yet started");

    let mut conn = d.store.pool().acquire().await.unwrap();
    let trail = store::audit::for_ticket(&mut conn, screen.id)
        .await
        .unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["ticket_created", "auto_assigned"]);
    assert_eq!(trail[1].actor, None, "the helpdesk assigned it");
    assert_eq!(
        trail[1].new_value.as_deref(),
        Some(free.user.to_string().as_str())
    );
}

async fn ties_rotate_to_whoever_was_assigned_least_recently(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    let a = d.agent("A", "it", &["question"]).await;
    let b = d.agent("B", "it", &["question"]).await;
    let mut got = Vec::new();
    for i in 0..4 {
        d.clock.advance(TimeDelta::minutes(1));
        let t = d
            .open(&employee, &format!("Question {i}"), "question")
            .await;
        // Each one resolved at once, so loads stay equal and only the rotation decides.
        let mut tx = d.store.begin().await.unwrap();
        let agent = if t.assignee == Some(a.user) { &a } else { &b };
        d.desk
            .resolve(&mut tx, agent, t.id, "Répondu", Origin::Chat)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        got.push(t.assignee.unwrap());
    }
    assert_eq!(got, [a.user, b.user, a.user, b.user]);
}

async fn nobody_fitting_leaves_the_ticket_in_the_queue(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    // An empty team, then a team whose only expert is full.
    let t = d.open(&employee, "Remboursement", "finance_travel").await;
    assert_eq!((t.assignee, t.status), (None, Status::Open));

    let full = d.agent("Full", "it", &["access"]).await;
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .set_agent_settings(&mut tx, None, full.user, Some(1), None, Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let first = d.open(&employee, "Mot de passe oublié", "access").await;
    assert_eq!(first.assignee, Some(full.user));
    let second = d.open(&employee, "Compte bloqué", "access").await;
    assert_eq!(second.assignee, None, "never above capacity");

    let mut conn = d.store.pool().acquire().await.unwrap();
    let queue = store::tickets::list(
        &mut conn,
        &TicketFilter {
            status: Some(Status::Open),
            limit: 10,
            ..Default::default()
        },
        Viewer::Operator,
    )
    .await
    .unwrap();
    let unassigned: Vec<_> = queue
        .iter()
        .filter(|t| t.assignee.is_none())
        .map(|t| t.id)
        .collect();
    assert_eq!(unassigned, [second.id, t.id]);
}

async fn claiming_takes_the_ticket_and_starts_it(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami", "it", &[]).await;
    let nour = d.agent("Nour", "it", &[]).await;
    let hr = d.agent("Leila", "hr", &[]).await;
    let ticket = d.open(&employee, "Imprimante bloquée", "hardware").await;
    assert_eq!(ticket.assignee, None, "nobody is expert");
    let hr_ticket = d
        .open(&employee, "Attestation de travail", "hr_request")
        .await;

    let mut tx = d.store.begin().await.unwrap();
    let claimed = d
        .desk
        .claim(&mut tx, &sami, ticket.id, Origin::Chat)
        .await
        .unwrap()
        .ticket;
    assert_eq!(
        (claimed.assignee, claimed.status),
        (Some(sami.user), Status::InProgress)
    );
    let again = d
        .desk
        .claim(&mut tx, &sami, ticket.id, Origin::Chat)
        .await
        .unwrap();
    assert_eq!(again.ticket.assignee, Some(sami.user));
    assert!(
        !again.changed,
        "claiming one's own ticket again changes nothing"
    );
    let err = d
        .desk
        .claim(&mut tx, &nour, ticket.id, Origin::Chat)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeskError::AlreadyAssigned(u) if u == sami.user),
        "{err}"
    );
    let err = d
        .desk
        .claim(&mut tx, &employee, ticket.id, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::Forbidden(Action::Claim)), "{err}");
    // An IT agent learns nothing of an HR ticket, not even that it exists.
    let err = d
        .desk
        .claim(&mut tx, &sami, hr_ticket.id, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::UnknownTicket(_)), "{err}");
    let err = d
        .desk
        .ticket_by_reference(&mut tx, &sami, &hr_ticket.reference)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::UnknownTicket(_)), "{err}");
    let hr_claimed = d
        .desk
        .claim(&mut tx, &hr, hr_ticket.id, Origin::Chat)
        .await
        .unwrap()
        .ticket;
    assert_eq!(hr_claimed.assignee, Some(hr.user));
    let trail = store::audit::for_ticket(&mut tx, ticket.id).await.unwrap();
    let actions: Vec<_> = trail.iter().map(|e| (e.action.as_str(), e.actor)).collect();
    assert_eq!(
        actions,
        [
            ("ticket_created", Some(employee.user)),
            ("claimed", Some(sami.user)),
            ("status_changed", Some(sami.user))
        ]
    );
    tx.commit().await.unwrap();
}

async fn manual_assignment_stays_within_the_team(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    let lead = d.agent("Lead", "it", &[]).await;
    let sami = d.agent("Sami", "it", &[]).await;
    let finance = d.agent("Karim", "finance", &[]).await;
    let admin = d.person("Admin", Role::Admin, None, &[]).await;
    let ticket = d.open(&employee, "Logiciel de paie", "software").await;

    let mut tx = d.store.begin().await.unwrap();
    let t = d
        .desk
        .assign(&mut tx, &lead, ticket.id, sami.user, Origin::Chat)
        .await
        .unwrap()
        .ticket;
    assert_eq!((t.assignee, t.status), (Some(sami.user), Status::Open));
    let err = d
        .desk
        .assign(&mut tx, &lead, ticket.id, finance.user, Origin::Chat)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeskError::NotTeamStaff(u) if u == finance.user),
        "{err}"
    );
    let err = d
        .desk
        .assign(&mut tx, &lead, ticket.id, employee.user, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::NotTeamStaff(_)), "{err}");
    let err = d
        .desk
        .assign(&mut tx, &finance, ticket.id, finance.user, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::UnknownTicket(_)), "{err}");
    // An admin may reassign, and may take it themselves.
    let t = d
        .desk
        .assign(&mut tx, &admin, ticket.id, admin.user, Origin::Web)
        .await
        .unwrap()
        .ticket;
    assert_eq!(t.assignee, Some(admin.user));
    let trail = store::audit::for_ticket(&mut tx, ticket.id).await.unwrap();
    let last = trail.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.origin.as_str()),
        ("assigned", "web")
    );
    assert_eq!(
        last.old_value.as_deref(),
        Some(sami.user.to_string().as_str())
    );
    tx.commit().await.unwrap();
}

async fn transfer_reroutes_to_the_other_teams_experts(d: TestDesk) {
    let employee = d.employee("Akrem Grayaa").await;
    let it = d.agent("Sami", "it", &["question"]).await;
    let karim = d.agent("Karim", "finance", &["question"]).await;
    let ticket = d.open(&employee, "Note de frais", "question").await;
    assert_eq!(ticket.assignee, Some(it.user));

    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .claim(&mut tx, &it, ticket.id, Origin::Chat)
        .await
        .unwrap();
    let finance = d.desk.find_team("finance").unwrap();
    let moved = d
        .desk
        .transfer(&mut tx, &it, ticket.id, finance.id, Origin::Chat)
        .await
        .unwrap()
        .ticket;
    assert_eq!(moved.team, finance.id);
    assert_eq!(moved.assignee, Some(karim.user));
    assert_eq!(moved.status, Status::Open);
    // The IT agent no longer sees it.
    let err = d
        .desk
        .claim(&mut tx, &it, ticket.id, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::UnknownTicket(_)), "{err}");
    let trail = store::audit::for_ticket(&mut tx, ticket.id).await.unwrap();
    let transfer = trail.iter().find(|e| e.action == "transferred").unwrap();
    assert_eq!(
        (transfer.old_value.as_deref(), transfer.new_value.as_deref()),
        (Some("it"), Some("finance"))
    );
    tx.commit().await.unwrap();
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
        .filter(|e| e.action == "status_changed")
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
    assert!(matches!(err, DeskError::UnknownTicket(_)), "{err}");
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

async fn the_audit_trail_is_append_only(d: TestDesk) {
    let iheb = d.employee("Iheb Issaoui").await;
    let ticket = d.open(&iheb, "Écran noir", "hardware").await;
    let mut conn = d.store.pool().acquire().await.unwrap();
    let update = sqlx::query("UPDATE audit_events SET action = 'nothing' WHERE ticket_id = $1")
        .bind(ticket.id.0)
        .execute(&mut *conn)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(&mut *conn)
        .await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let trail = store::audit::for_ticket(&mut conn, ticket.id)
        .await
        .unwrap();
    assert_eq!(trail[0].action, "ticket_created");
    assert_eq!(trail[0].new_value.as_deref(), Some("TCK-20250214-001"));
    assert_eq!(trail[0].at, d.clock.now());
}

async fn ratings_come_from_the_requester_after_resolution(d: TestDesk) {
    let iheb = d.employee("Iheb Issaoui").await;
    let other = d.employee("Autre").await;
    let sami = d.agent("Sami", "it", &["hardware"]).await;
    let ticket = d.open(&iheb, "Écran noir", "hardware").await;
    let four = Stars::new(4).unwrap();

    let mut tx = d.store.begin().await.unwrap();
    let err = d
        .desk
        .rate(&mut tx, &iheb, ticket.id, four, None, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::NotResolved), "{err}");
    d.desk
        .resolve(&mut tx, &sami, ticket.id, "Câble remplacé", Origin::Chat)
        .await
        .unwrap();
    let err = d
        .desk
        .rate(&mut tx, &sami, ticket.id, four, None, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::Forbidden(Action::Rate)), "{err}");
    let err = d
        .desk
        .rate(&mut tx, &other, ticket.id, four, None, Origin::Chat)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::UnknownTicket(_)), "{err}");
    d.desk
        .rate(
            &mut tx,
            &iheb,
            ticket.id,
            four,
            Some(" Rapide, merci "),
            Origin::Chat,
        )
        .await
        .unwrap();
    let rating = store::ratings::get(&mut tx, ticket.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (rating.stars.get(), rating.comment.as_deref()),
        (4, Some("Rapide, merci"))
    );
    d.desk
        .rate(
            &mut tx,
            &iheb,
            ticket.id,
            Stars::new(5).unwrap(),
            None,
            Origin::Chat,
        )
        .await
        .unwrap();
    let rating = store::ratings::get(&mut tx, ticket.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rating.stars.get(), rating.comment), (5, None));
    let rated: Vec<_> = store::audit::for_ticket(&mut tx, ticket.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "rated")
        .map(|e| (e.old_value, e.new_value))
        .collect();
    assert_eq!(
        rated,
        [
            (None, Some("4".into())),
            (Some("4".into()), Some("5".into()))
        ]
    );
    tx.commit().await.unwrap();
}

async fn points_are_granted_once_per_event(d: TestDesk) {
    let sami = d.agent("Sami", "it", &["hardware"]).await;
    let iheb = d.employee("Iheb Issaoui").await;
    let ticket = d.open(&iheb, "Écran noir", "hardware").await;
    let entry = |points: i64, key: &str| PointsEntry {
        agent: sami.user,
        ticket: Some(ticket.id),
        reason: "resolved".into(),
        points,
        event_key: key.into(),
        at: d.clock.now(),
    };
    let mut tx = d.store.begin().await.unwrap();
    assert!(
        store::points::award(&mut tx, &entry(10, "resolved:1:1"))
            .await
            .unwrap()
    );
    assert!(
        !store::points::award(&mut tx, &entry(10, "resolved:1:1"))
            .await
            .unwrap()
    );
    assert!(
        store::points::award(&mut tx, &entry(-10, "reopened:1:1"))
            .await
            .unwrap()
    );
    assert!(
        store::points::award(&mut tx, &entry(3, "good_rating:1"))
            .await
            .unwrap()
    );
    let since = d.clock.now() - TimeDelta::days(7);
    assert_eq!(
        store::points::total_since(&mut tx, sami.user, since)
            .await
            .unwrap(),
        3
    );
    let update = sqlx::query("UPDATE points_ledger SET points = 100")
        .execute(&mut *tx)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
}

async fn people_identities_and_roles(d: TestDesk) {
    use guichet::domain::{Email, Language, NewUser};
    let mut tx = d.store.begin().await.unwrap();
    let new = NewUser {
        display_name: "Iheb Issaoui".into(),
        email: Some(Email::parse("iheb.issaoui@example.com").unwrap()),
        language: Language::Fr,
        department: Some("Comptabilité".into()),
        role: Role::Employee,
    };
    let discord = Identity::new(Platform::Discord, "80351110224678912");
    let telegram = Identity::new(Platform::Telegram, "123456789");
    let iheb = d
        .desk
        .add_user(
            &mut tx,
            None,
            &new,
            std::slice::from_ref(&discord),
            Origin::Cli,
        )
        .await
        .unwrap();
    d.desk
        .link_identity(&mut tx, None, iheb.id, &telegram, Origin::Cli)
        .await
        .unwrap();
    d.desk
        .link_identity(&mut tx, None, iheb.id, &telegram, Origin::Cli)
        .await
        .unwrap();
    for who in [
        UserRef::Identity(telegram.clone()),
        UserRef::Identity(discord.clone()),
        UserRef::Email(Email::parse("IHEB.ISSAOUI@example.com").unwrap()),
        UserRef::Id(iheb.id),
    ] {
        assert_eq!(
            d.desk.find_user(&mut tx, &who).await.unwrap().id,
            iheb.id,
            "{who}"
        );
    }
    assert_eq!(
        store::users::identities(&mut tx, iheb.id).await.unwrap(),
        [discord.clone(), telegram.clone()]
    );

    let twin = NewUser {
        display_name: "Homonyme".into(),
        ..new.clone()
    };
    let err = d
        .desk
        .add_user(&mut tx, None, &twin, &[], Origin::Cli)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::EmailTaken(_)), "{err}");
    let other = d
        .desk
        .add_user(
            &mut tx,
            None,
            &NewUser {
                email: None,
                ..twin
            },
            &[],
            Origin::Cli,
        )
        .await
        .unwrap();
    let err = d
        .desk
        .link_identity(&mut tx, None, other.id, &discord, Origin::Cli)
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::IdentityTaken(_)), "{err}");

    let agent = d
        .desk
        .set_role(&mut tx, None, iheb.id, Role::Agent, Origin::Cli)
        .await
        .unwrap();
    assert_eq!(agent.role, Role::Agent);
    assert_eq!(agent.department.as_deref(), Some("Comptabilité"));
    // Only admins manage people.
    let not_admin = d.desk.actor(&mut tx, other.id).await.unwrap();
    let err = d
        .desk
        .set_role(
            &mut tx,
            Some(&not_admin),
            other.id,
            Role::Admin,
            Origin::Chat,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::AdminOnly), "{err}");
    let trail: Vec<_> = store::audit::for_user(&mut tx, iheb.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.old_value, e.new_value))
        .collect();
    assert_eq!(
        trail,
        [
            ("user_created".into(), None, Some("employee".into())),
            ("identity_linked".into(), None, Some(discord.to_string())),
            ("identity_linked".into(), None, Some(telegram.to_string())),
            (
                "role_changed".into(),
                Some("employee".into()),
                Some("agent".into())
            ),
        ]
    );
    tx.commit().await.unwrap();
}

async fn catalog_follows_the_configuration(d: TestDesk) {
    let mut config = d.config.clone();
    config.categories.remove("bug");
    let it = config.categories.get_mut("hardware").unwrap();
    it.default_priority = Priority::P1;
    let mut tx = d.store.begin().await.unwrap();
    store::catalog::sync(&mut tx, &config.teams, &config.categories)
        .await
        .unwrap();
    store::catalog::sync(&mut tx, &config.teams, &config.categories)
        .await
        .unwrap();
    // A restarted service reads the new catalog.
    let catalog = store::catalog::load(&mut tx).await.unwrap();
    let slugs: Vec<_> = catalog.categories().map(|c| c.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "hardware",
            "software",
            "network",
            "access",
            "question",
            "finance_travel",
            "hr_request",
            "other"
        ]
    );
    let desk = guichet::desk::Desk::new(
        d.clock.clone(),
        d.config.company.time_zone,
        std::sync::Arc::new(catalog),
    );
    let hardware = desk.find_category("hardware").unwrap();
    assert_eq!(hardware.default_priority, Priority::P1);
    let err = desk.find_category("bug").unwrap_err();
    assert!(matches!(err, DeskError::UnknownCategory(_)), "{err}");
    let bug = d.desk.find_category("bug").unwrap();
    assert!(
        desk.catalog().category(bug.id).is_some_and(|c| !c.active),
        "kept for old tickets"
    );
    let hr = desk.find_team("hr").unwrap();
    assert!(hr.confidential);
    assert_eq!(
        hr.name.get(guichet::domain::Language::Fr),
        "Ressources humaines"
    );
    tx.commit().await.unwrap();
}
