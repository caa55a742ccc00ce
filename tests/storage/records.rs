//! What is kept: the audit trail, ratings, points, people, the catalog.

use super::*;
use guichet::domain::AuditAction;

on_both_backends!(
    the_audit_trail_is_append_only,
    ratings_come_from_the_requester_after_resolution,
    points_are_granted_once_per_event,
    people_identities_and_roles,
    catalog_follows_the_configuration,
);

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
    assert_eq!(trail[0].action, AuditAction::TicketCreated);
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
    assert!(matches!(err, DeskError::UnseenTicket), "{err}");
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
        .filter(|e| e.action == AuditAction::Rated)
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
        .map(|e| (e.action.to_string(), e.old_value, e.new_value))
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
    store::catalog::sync(&mut tx, &config.catalog_declaration())
        .await
        .unwrap();
    store::catalog::sync(&mut tx, &config.catalog_declaration())
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
    let desk = guichet::desk::Desk::new(d.clock.clone(), &d.config, std::sync::Arc::new(catalog));
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
