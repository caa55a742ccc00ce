//! Who works a ticket: automatic assignment, claims, manual assignment, transfers.

use super::*;
use guichet::domain::AuditAction;

on_both_backends!(
    the_least_loaded_expert_gets_the_new_ticket,
    ties_rotate_to_whoever_was_assigned_least_recently,
    nobody_fitting_leaves_the_ticket_in_the_queue,
    claiming_takes_the_ticket_and_starts_it,
    manual_assignment_stays_within_the_team,
    transfer_reroutes_to_the_other_teams_experts,
    an_agent_the_bot_cannot_write_to_privately_is_chosen_last,
);

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
    assert!(matches!(err, DeskError::UnseenTicket), "{err}");
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
    assert!(matches!(err, DeskError::UnseenTicket), "{err}");
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
    assert!(matches!(err, DeskError::UnseenTicket), "{err}");
    let trail = store::audit::for_ticket(&mut tx, ticket.id).await.unwrap();
    let transfer = trail
        .iter()
        .find(|e| e.action == AuditAction::Transferred)
        .unwrap();
    assert_eq!(
        (transfer.old_value.as_deref(), transfer.new_value.as_deref()),
        (Some("it"), Some("finance"))
    );
    tx.commit().await.unwrap();
}

/// What the dispatcher learns from the platforms, written as it writes it: 0 when a
/// private message was refused because of the person, 1 when one reached them.
async fn reachable(d: &TestDesk, identity: &str, value: Option<i64>) {
    let (platform, id) = identity.split_once(':').unwrap();
    let mut conn = d.store.pool().acquire().await.unwrap();
    sqlx::query(
        "UPDATE identities SET reachable = $1, reachable_at = $2 \
         WHERE platform = $3 AND external_id = $4",
    )
    .bind(value)
    .bind(d.clock.now().timestamp_millis())
    .bind(platform)
    .bind(id)
    .execute(&mut *conn)
    .await
    .unwrap();
}

async fn link(d: &TestDesk, who: &guichet::permissions::Actor, identity: &str) {
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .link_identity(
            &mut tx,
            None,
            who.user,
            &identity.parse().unwrap(),
            Origin::Cli,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn an_agent_the_bot_cannot_write_to_privately_is_chosen_last(d: TestDesk) {
    let employee = d.employee("Iheb Issaoui").await;
    // Sana comes first by every other measure: lowest id, no ticket, never assigned.
    let sana = d.agent("Sana", "it", &["hardware"]).await;
    let omar = d.agent("Omar", "it", &["hardware", "network"]).await;
    let web_only = d.agent("Web Only", "it", &["network"]).await;
    link(&d, &sana, "telegram:3001").await;
    link(&d, &sana, "discord:3001").await;
    link(&d, &omar, "discord:3002").await;
    let busy = d.open(&employee, "Wifi coupé", "network").await;
    assert_eq!(busy.assignee, Some(omar.user));

    // Neither of Sana's accounts accepts the bot's private messages.
    reachable(&d, "telegram:3001", Some(0)).await;
    reachable(&d, "discord:3001", Some(0)).await;
    let screen = d.open(&employee, "Écran noir", "hardware").await;
    assert_eq!(
        screen.assignee,
        Some(omar.user),
        "Omar, with a ticket already, rather than Sana who would not hear of it"
    );
    // Someone with no chat account at all is not "unreachable": nothing was refused.
    let wifi = d.open(&employee, "Wifi lent", "network").await;
    assert_eq!(wifi.assignee, Some(web_only.user));

    // One of her accounts reaches her again (she wrote to the bot): her turn.
    reachable(&d, "discord:3001", Some(1)).await;
    let keyboard = d.open(&employee, "Clavier cassé", "hardware").await;
    assert_eq!(keyboard.assignee, Some(sana.user));
    // Alone among the experts, an unreachable agent still gets the ticket.
    reachable(&d, "discord:3001", Some(0)).await;
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .set_agent_settings(&mut tx, None, omar.user, None, Some(false), Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mouse = d.open(&employee, "Souris cassée", "hardware").await;
    assert_eq!(mouse.assignee, Some(sana.user));
}
