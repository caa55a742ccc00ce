//! Teams at the command line: a lead who could not see the team's tickets is
//! refused with the fix; an agent brought back from away while `serve` runs
//! elsewhere gets the ticket that waited in the queue at the scheduler's next
//! tick, and the thread says so.

use chrono::Utc;
use guichet::store::{self, audit::Origin};
use guichet_chat::Platform;
use support::chat::ChatDesk;

use super::*;

#[test]
fn a_lead_who_could_not_see_the_teams_tickets_is_refused_with_the_fix() {
    let db = TestDb::sqlite();
    ok(&db, &["migrate"]);
    ok(
        &db,
        &[
            "user",
            "add",
            "--name",
            "Iheb Issaoui",
            "--identity",
            "telegram:42",
        ],
    );
    ok(
        &db,
        &["user", "add", "--name", "Sami Ben Ali", "--role", "agent"],
    );
    let employee = fails(&db, &["team", "add-member", "it", "telegram:42", "--lead"]);
    assert_eq!(
        employee,
        "error: Iheb Issaoui cannot lead team it, whose tickets they may not see: \
         an employee sees only their own tickets: give them a staff role \
         (guichet user set-role <user> agent, or hr for a confidential team) \
         or choose another contact"
    );
    let agent = fails(&db, &["team", "add-member", "hr", "2", "--lead"]);
    assert!(
        agent.contains("Sami Ben Ali cannot lead team hr")
            && agent.contains("guichet user set-role <user> hr"),
        "{agent}"
    );
    let team = ok(&db, &["team", "show", "hr"]);
    assert!(
        !team.contains("Sami Ben Ali"),
        "nothing was written: {team}"
    );
    // The fix applied: the role first, then the lead.
    ok(&db, &["user", "set-role", "2", "hr"]);
    let led = ok(&db, &["team", "add-member", "hr", "2", "--lead"]);
    assert_eq!(led.trim(), "Sami Ben Ali is in team hr as a lead.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_made_available_at_the_command_line_gets_the_waiting_ticket() {
    let c = ChatDesk::on(TestDb::sqlite()).await;
    // The binary reads the system clock: the helpdesk's clock shows the same time.
    c.d.clock.set(Utc::now());
    let sami = c.d.agent("Sami Ben Ali", "it", &["hardware"]).await;
    let mut tx = c.d.store.begin().await.unwrap();
    c.d.desk
        .set_agent_settings(&mut tx, None, sami.user, None, Some(false), Origin::Cli)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    c.dm(
        Platform::Telegram,
        "2001",
        "Iheb Issaoui",
        "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer.",
    )
    .await;
    c.deliver().await;
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let filter = store::tickets::TicketFilter {
        limit: 1,
        ..Default::default()
    };
    let ticket = store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
        .await
        .unwrap()
        .pop()
        .expect("the ticket");
    drop(conn);
    assert_eq!(ticket.assignee, None, "every expert is away");
    let scheduler = c.d.app.scheduler();
    scheduler.tick().await.unwrap();
    assert_eq!(c.d.reload(&ticket).await.assignee, None);

    let out = ok(
        &c.d.db,
        &["team", "availability", &sami.user.to_string(), "on"],
    );
    assert!(out.contains("available for new tickets"), "{out}");
    // The next tick, long before the first reminder (30 min).
    c.d.clock.set(Utc::now());
    let tick = scheduler.tick().await.unwrap();
    println!("the tick after the command: {tick:?}");
    c.deliver().await;
    assert_eq!(c.d.reload(&ticket).await.assignee, Some(sami.user));
    let (thread, _) = c
        .discord
        .threads()
        .into_iter()
        .find(|(_, title)| title.starts_with(&ticket.reference.to_string()))
        .expect("the ticket's thread");
    let posts = c.discord.posts_in(&thread);
    assert!(
        posts
            .iter()
            .any(|p| p.contains("Attribué automatiquement à Sami Ben Ali")),
        "{posts:?}"
    );
}
