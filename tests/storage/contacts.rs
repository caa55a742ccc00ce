//! Escalation contacts who could not see the tickets they would be told of, found
//! before an escalation needs them; and a lead who could not see the team's
//! tickets refused.

use super::*;
use guichet::desk::{BlindReason, ContactSource, blind_escalation_contacts};
use guichet::domain::{Email, Language, NewUser};
use guichet::permissions::Actor;

on_both_backends!(
    contacts_who_may_not_see_the_teams_tickets_are_named_with_the_reason,
    a_lead_who_may_not_see_the_teams_tickets_is_refused,
);

async fn someone(d: &TestDesk, name: &str, role: Role, email: &str) -> Actor {
    let mut tx = d.store.begin().await.unwrap();
    let new = NewUser {
        display_name: name.to_owned(),
        email: Some(Email::parse(email).unwrap()),
        language: Language::Fr,
        department: None,
        role,
    };
    let user = d
        .desk
        .add_user(&mut tx, None, &new, &[], Origin::Cli)
        .await
        .unwrap();
    let actor = d.desk.actor(&mut tx, user.id).await.unwrap();
    tx.commit().await.unwrap();
    actor
}

async fn join(d: &TestDesk, who: &Actor, team: &str, lead: bool) -> Result<(), DeskError> {
    let mut tx = d.store.begin().await.unwrap();
    let team = d.desk.find_team(team).unwrap();
    d.desk
        .add_member(&mut tx, None, &team, who.user, lead, Origin::Cli)
        .await?;
    tx.commit().await.unwrap();
    Ok(())
}

async fn contacts_who_may_not_see_the_teams_tickets_are_named_with_the_reason(d: TestDesk) {
    someone(&d, "Iheb Issaoui", Role::Employee, "iheb@example.com").await;
    let sami = someone(&d, "Sami Ben Ali", Role::Agent, "sami@example.com").await;
    let nour = someone(&d, "Nour Trabelsi", Role::Hr, "nour@example.com").await;
    someone(&d, "Akrem Admin", Role::Admin, "akrem@example.com").await;
    join(&d, &sami, "it", true).await.unwrap();
    join(&d, &nour, "hr", true).await.unwrap();
    // Nour leaves HR work for IT: her role changes, her lead flag stays.
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .set_role(&mut tx, None, nour.user, Role::Agent, Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut teams = d.config.teams.clone();
    let email = |e: &str| Email::parse(e).unwrap();
    let hr = &mut teams.get_mut("hr").unwrap().escalation;
    hr.leads = true;
    hr.users = vec![
        email("iheb@example.com"),
        email("akrem@example.com"),
        email("ghost@example.com"),
    ];
    let finance = &mut teams.get_mut("finance").unwrap().escalation;
    finance.users = vec![email("sami@example.com")];
    let it = &mut teams.get_mut("it").unwrap().escalation;
    it.leads = true;
    it.users = Vec::new();

    let mut conn = d.store.pool().acquire().await.unwrap();
    let blind = blind_escalation_contacts(&mut conn, d.desk.catalog(), &teams)
        .await
        .unwrap();
    let mut found: Vec<_> = blind
        .iter()
        .map(|b| {
            let listed = matches!(b.source, ContactSource::Listed(_));
            (b.team_slug.as_str(), b.name.as_str(), listed, b.reason)
        })
        .collect();
    found.sort_by_key(|f| (f.0, f.1));
    assert_eq!(
        found,
        [
            ("finance", "Sami Ben Ali", true, BlindReason::NotMember),
            ("hr", "Iheb Issaoui", true, BlindReason::Employee),
            ("hr", "Nour Trabelsi", false, BlindReason::NotHr),
            ("hr", "ghost@example.com", true, BlindReason::UnknownAddress),
        ],
        "the admin sees everything; Sami leads IT, whose tickets he works"
    );
    let nour_found = blind.iter().find(|b| b.name == "Nour Trabelsi").unwrap();
    assert_eq!(nour_found.user, Some(nour.user));
    assert!(nour_found.reason.fix().contains("set-role"));
    let ghost = blind.iter().find(|b| b.user.is_none()).unwrap();
    assert!(ghost.reason.fix().contains("escalation.users"));
}

async fn a_lead_who_may_not_see_the_teams_tickets_is_refused(d: TestDesk) {
    let iheb = someone(&d, "Iheb Issaoui", Role::Employee, "iheb@example.com").await;
    let sami = someone(&d, "Sami Ben Ali", Role::Agent, "sami@example.com").await;
    let nour = someone(&d, "Nour Trabelsi", Role::Hr, "nour@example.com").await;

    let refused = join(&d, &sami, "hr", true).await.unwrap_err();
    assert!(
        matches!(&refused, DeskError::BlindLead { reason: BlindReason::NotHr, team, .. } if team == "hr"),
        "{refused:?}"
    );
    let refused = join(&d, &iheb, "it", true).await.unwrap_err();
    assert!(
        matches!(
            &refused,
            DeskError::BlindLead {
                reason: BlindReason::Employee,
                ..
            }
        ),
        "{refused:?}"
    );
    let text = refused.to_string();
    assert!(
        text.contains("Iheb Issaoui cannot lead team it") && text.contains("set-role"),
        "{text}"
    );
    // Nothing was written: neither joined.
    let mut conn = d.store.pool().acquire().await.unwrap();
    for (who, team) in [(&sami, "hr"), (&iheb, "it")] {
        let team = d.desk.find_team(team).unwrap();
        let members = store::catalog::members(&mut conn, team.id).await.unwrap();
        assert!(members.iter().all(|m| m.user != who.user));
    }
    drop(conn);

    // Those who may see the tickets lead; a plain member is not checked here.
    join(&d, &nour, "hr", true).await.unwrap();
    join(&d, &sami, "it", true).await.unwrap();
    join(&d, &sami, "hr", false).await.unwrap();
}
