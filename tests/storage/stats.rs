//! The dashboard's figures, computed in the database: durations, ratings, days cut
//! in the company's time zone, scopes, SLA, first contact resolution, leaderboard.

use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Tz;
use guichet::domain::{SlaTarget, Ticket};
use guichet::permissions::Actor;
use guichet::store::stats::{Day, LeaderboardRow, Period, Rate, Scope, Stats, summary};

use super::*;

on_both_backends!(crate::stats::Ledger:
    first_response_and_resolution_times_have_a_mean_and_a_median,
    ratings_given_in_the_period_make_the_satisfaction,
    days_are_cut_in_the_company_time_zone_daylight_saving_included,
    a_scope_of_teams_leaves_the_hr_tickets_out,
    missed_sla_targets_out_of_tickets_with_a_target,
    first_contact_resolution_counts_the_team_s_public_answers,
    the_leaderboard_ranks_points_then_resolutions_then_names,
);

const PARIS: Tz = chrono_tz::Europe::Paris;

/// A desk whose operations earn no points: these stories write the ledger by hand,
/// to know every entry the figures read.
pub struct Ledger(TestDesk);

impl std::ops::Deref for Ledger {
    type Target = TestDesk;
    fn deref(&self) -> &TestDesk {
        &self.0
    }
}

impl support::Harness for Ledger {
    async fn sqlite() -> Self {
        Self::on(support::TestDb::sqlite()).await
    }

    async fn postgres() -> Option<Self> {
        Some(Self::on(support::TestDb::postgres().await?).await)
    }
}

impl Ledger {
    async fn on(db: support::TestDb) -> Ledger {
        Ledger(
            TestDesk::configured(db, |config| {
                config.points = guichet::config::PointsConfig {
                    resolved: guichet::config::PointsPerPriority {
                        p0: 0,
                        p1: 0,
                        p2: 0,
                        p3: 0,
                    },
                    first_response_in_time: 0,
                    rating_4: 0,
                    rating_5: 0,
                };
            })
            .await,
        )
    }
}

/// `days` whole company-local days from midnight of `(y, m, d)` in `tz`.
fn local_days(tz: Tz, (y, m, d): (i32, u32, u32), days: u64) -> Period {
    let start = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let midnight = |day: NaiveDate| {
        tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    Period {
        from: midnight(start),
        to: midnight(start + chrono::Days::new(days)),
    }
}

/// 14 February 2025 in Paris, the day the clock starts on.
fn valentines_day() -> Period {
    local_days(PARIS, (2025, 2, 14), 1)
}

fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    PARIS
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

async fn figures(d: &TestDesk, period: Period, scope: &Scope) -> Stats {
    figures_in(d, period, scope, PARIS).await
}

async fn figures_in(d: &TestDesk, period: Period, scope: &Scope, tz: Tz) -> Stats {
    summary(d.store.pool(), period, scope, tz).await.unwrap()
}

async fn say(d: &TestDesk, who: &Actor, ticket: &Ticket, body: &str, visibility: Visibility) {
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .add_message(
            &mut tx,
            who,
            ticket.id,
            body,
            visibility,
            None,
            &[],
            Origin::Chat,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn answer(d: &TestDesk, who: &Actor, ticket: &Ticket) {
    say(d, who, ticket, "Je regarde ça.", Visibility::Public).await;
}

async fn resolve(d: &TestDesk, who: &Actor, ticket: &Ticket) {
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .resolve(&mut tx, who, ticket.id, "Réglé", Origin::Chat)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn claim(d: &TestDesk, who: &Actor, ticket: &Ticket) {
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .claim(&mut tx, who, ticket.id, Origin::Chat)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn rate(d: &TestDesk, who: &Actor, ticket: &Ticket, stars: i64) {
    let mut tx = d.store.begin().await.unwrap();
    d.desk
        .rate(
            &mut tx,
            who,
            ticket.id,
            Stars::new(stars).unwrap(),
            None,
            Origin::Chat,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn points(d: &TestDesk, agent: &Actor, ticket: Option<&Ticket>, points: i64, key: &str) {
    let mut tx = d.store.begin().await.unwrap();
    let entry = PointsEntry {
        agent: agent.user,
        ticket: ticket.map(|t| t.id),
        reason: key.split(':').next().unwrap().into(),
        points,
        event_key: key.into(),
        at: d.clock.now(),
    };
    assert!(store::points::award(&mut tx, &entry).await.unwrap());
    tx.commit().await.unwrap();
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

async fn first_response_and_resolution_times_have_a_mean_and_a_median(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami Ben Ali", "it", &["hardware"]).await;
    let start = d.clock.now();
    let mut tickets = Vec::new();
    for subject in [
        "Écran noir au démarrage",
        "Clavier qui ne répond plus",
        "Imprimante du 2e étage hors service",
        "Souris sans fil introuvable",
        "Écran qui clignote",
    ] {
        tickets.push(d.open(&iheb, subject, "hardware").await);
    }
    // First answers after 10, 20, 30 and 60 minutes; the fifth waits.
    for (ticket, after) in tickets.iter().zip([10, 20, 30, 60]) {
        d.clock.set(start + minutes(after));
        answer(&d, &sami, ticket).await;
    }
    let stats = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(stats.opened, 5);
    assert_eq!(stats.first_response.count, 4);
    // (600 + 1200 + 1800 + 3600) / 4; the middle two: (1200 + 1800) / 2.
    assert_eq!(stats.first_response.mean_secs, Some(1800.0));
    assert_eq!(stats.first_response.median_secs, Some(1500.0));
    assert_eq!(stats.resolution.count, 0);
    assert_eq!(stats.resolution.mean_secs, None);
    assert_eq!(stats.resolution.median_secs, None);

    // The fifth is answered after two hours: an odd count, the middle one.
    d.clock.set(start + minutes(120));
    answer(&d, &sami, &tickets[4]).await;
    // Resolved after 1 h 30, 3 h and 8 h.
    for (ticket, after) in tickets.iter().zip([90, 180, 480]) {
        d.clock.set(start + minutes(after));
        resolve(&d, &sami, ticket).await;
    }
    let stats = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(stats.first_response.count, 5);
    assert_eq!(stats.first_response.mean_secs, Some(14_400.0 / 5.0));
    assert_eq!(stats.first_response.median_secs, Some(1800.0));
    assert_eq!(stats.resolution.count, 3);
    // (5400 + 10 800 + 28 800) / 3.
    assert_eq!(stats.resolution.mean_secs, Some(15_000.0));
    assert_eq!(stats.resolution.median_secs, Some(10_800.0));
    assert_eq!(stats.resolved, 3);
    assert_eq!(
        stats.by_status,
        [(Status::Resolved, 3), (Status::InProgress, 2)]
    );
    assert_eq!(stats.backlog, [(Status::InProgress, 2)]);
    let hardware = d.desk.find_category("hardware").unwrap();
    let it = d.desk.find_team("it").unwrap();
    assert_eq!(stats.by_category, [(hardware.id, 5)]);
    assert_eq!(stats.by_priority, [(Priority::P2, 5)]);
    assert_eq!(stats.by_team, [(it.id, 5)]);

    // The next day saw none of it: nothing to measure, no division by zero.
    let stats = figures(&d, local_days(PARIS, (2025, 2, 15), 1), &Scope::All).await;
    assert_eq!((stats.opened, stats.resolved), (0, 0));
    assert_eq!(stats.first_response.count, 0);
    assert_eq!(stats.first_response.median_secs, None);
    assert_eq!(stats.sla_breached.percent(), None);
    assert_eq!(stats.backlog, [(Status::InProgress, 2)], "whenever created");
}

async fn ratings_given_in_the_period_make_the_satisfaction(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d
        .agent("Sami Ben Ali", "it", &["hardware", "software"])
        .await;
    let mut tickets = Vec::new();
    for subject in [
        "Écran noir au démarrage",
        "Excel plante à l'ouverture du fichier",
        "Installer une licence Visio",
        "Clavier qui ne répond plus",
        "Mot de passe expiré",
    ] {
        let ticket = d.open(&iheb, subject, "hardware").await;
        resolve(&d, &sami, &ticket).await;
        tickets.push(ticket);
    }
    for (ticket, stars) in tickets.iter().zip([5, 4, 4, 1]) {
        rate(&d, &iheb, ticket, stars).await;
    }
    // Rating again replaces the first verdict.
    rate(&d, &iheb, &tickets[3], 2).await;
    // The fifth is rated the next day: another period's.
    d.clock.set(paris(2025, 2, 15, 10, 0));
    rate(&d, &iheb, &tickets[4], 3).await;

    let stats = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(stats.satisfaction.count, 4);
    assert_eq!(stats.satisfaction.distribution, [0, 1, 0, 2, 1]);
    assert_eq!(stats.satisfaction.average, Some(15.0 / 4.0));
    let next_day = figures(&d, local_days(PARIS, (2025, 2, 15), 1), &Scope::All).await;
    assert_eq!(next_day.satisfaction.distribution, [0, 0, 1, 0, 0]);
    assert_eq!(next_day.satisfaction.average, Some(3.0));
    let before = figures(&d, local_days(PARIS, (2025, 2, 13), 1), &Scope::All).await;
    assert_eq!(before.satisfaction.count, 0);
    assert_eq!(before.satisfaction.average, None);
}

async fn days_are_cut_in_the_company_time_zone_daylight_saving_included(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami Ben Ali", "it", &["network"]).await;
    let open_at = async |at: DateTime<Utc>| {
        d.clock.set(at);
        d.open(&iheb, "Accès VPN refusé depuis ce matin", "network")
            .await
    };
    // Before the period.
    open_at(paris(2025, 3, 27, 23, 59)).await;
    // Saturday 29 March, late evening (UTC+1).
    open_at(paris(2025, 3, 29, 23, 30)).await;
    // Sunday 30 March: 00:30 is still the 29th in UTC; at 02:00 clocks jump to 03:00.
    let night = open_at(paris(2025, 3, 30, 0, 30)).await;
    // 18:10 and 18:20 UTC: either side of midnight in Kathmandu (UTC+5:45).
    open_at(Utc.with_ymd_and_hms(2025, 3, 30, 18, 10, 0).unwrap()).await;
    open_at(Utc.with_ymd_and_hms(2025, 3, 30, 18, 20, 0).unwrap()).await;
    open_at(paris(2025, 3, 30, 23, 30)).await;
    // Monday 31 March, 00:15 (UTC+2): the 30th in UTC.
    let monday = open_at(paris(2025, 3, 31, 0, 15)).await;
    d.clock.set(paris(2025, 3, 31, 0, 45));
    resolve(&d, &sami, &night).await;
    resolve(&d, &sami, &monday).await;

    let period = local_days(PARIS, (2025, 3, 28), 4);
    assert_eq!(period.to - period.from, TimeDelta::hours(4 * 24 - 1));
    let stats = figures(&d, period, &Scope::All).await;
    let day = |m: u32, d: u32, opened: u64, resolved: u64| Day {
        day: NaiveDate::from_ymd_opt(2025, m, d).unwrap(),
        opened,
        resolved,
    };
    assert_eq!(
        stats.per_day,
        [
            day(3, 28, 0, 0),
            day(3, 29, 1, 0),
            day(3, 30, 4, 0),
            day(3, 31, 1, 2)
        ]
    );
    assert_eq!((stats.opened, stats.resolved), (6, 2));

    // A zone a quarter of an hour off: 23:30 in Paris on the 29th is 04:15 on the
    // 30th there, 23:30 on the 30th (21:30 UTC) is 03:15 on the 31st.
    let kathmandu: Tz = chrono_tz::Asia::Kathmandu;
    let stats = figures_in(
        &d,
        local_days(kathmandu, (2025, 3, 29), 3),
        &Scope::All,
        kathmandu,
    )
    .await;
    let opened: Vec<(u32, u64)> = stats
        .per_day
        .iter()
        .map(|d| (d.day.day(), d.opened))
        .collect();
    assert_eq!(opened, [(29, 0), (30, 3), (31, 3)]);

    // A period cut in the middle of a day: the days it touches, their part of it.
    let cut = Period {
        from: paris(2025, 3, 30, 12, 0),
        to: paris(2025, 3, 31, 0, 30),
    };
    let stats = figures(&d, cut, &Scope::All).await;
    assert_eq!(stats.per_day, [day(3, 30, 3, 0), day(3, 31, 1, 0)]);
}

async fn a_scope_of_teams_leaves_the_hr_tickets_out(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami Ben Ali", "it", &["hardware"]).await;
    let nour = d.agent("Nour Haddad", "hr", &["hr_request"]).await;
    let screen = d.open(&iheb, "Écran noir au démarrage", "hardware").await;
    let letter = d.open(&iheb, "Attestation employeur", "hr_request").await;
    // Still open: HR's backlog.
    d.open(&iheb, "Question sur ma fiche de paie", "hr_request")
        .await;
    for (agent, ticket) in [(&sami, &screen), (&nour, &letter)] {
        answer(&d, agent, ticket).await;
        resolve(&d, agent, ticket).await;
        rate(&d, &iheb, ticket, 5).await;
        points(
            &d,
            agent,
            Some(ticket),
            10,
            &format!("resolved:{}:1", ticket.id),
        )
        .await;
    }
    rate(&d, &iheb, &screen, 3).await;
    // A bonus about no ticket in particular.
    points(&d, &nour, None, 4, "bonus:weekly").await;

    let it = d.desk.find_team("it").unwrap().id;
    let hr = d.desk.find_team("hr").unwrap().id;
    let all = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(all.opened, 3);
    assert_eq!(all.by_team, [(hr, 2), (it, 1)]);
    assert_eq!(all.satisfaction.distribution, [0, 0, 1, 0, 1]);
    assert_eq!(all.backlog, [(Status::Open, 1)]);
    let board: Vec<(&str, i64)> = all
        .leaderboard
        .iter()
        .map(|r| (r.name.as_str(), r.points))
        .collect();
    assert_eq!(board, [("Nour Haddad", 14), ("Sami Ben Ali", 10)]);

    let it_only = figures(&d, valentines_day(), &Scope::Teams(vec![it])).await;
    assert_eq!(it_only.opened, 1);
    assert_eq!(it_only.resolved, 1);
    assert_eq!(it_only.by_team, [(it, 1)]);
    assert_eq!(it_only.by_category.len(), 1);
    assert_eq!(it_only.first_response.count, 1);
    assert_eq!(it_only.satisfaction.distribution, [0, 0, 1, 0, 0]);
    assert!(
        it_only.backlog.is_empty(),
        "the open payslip question is HR's"
    );
    assert_eq!(it_only.sla_breached, Rate { part: 0, whole: 1 });
    assert_eq!(it_only.first_contact_resolution.whole, 1);
    assert_eq!(it_only.per_day.iter().map(|d| d.opened).sum::<u64>(), 1);
    assert_eq!(
        it_only.leaderboard,
        [LeaderboardRow {
            agent: sami.user,
            name: "Sami Ben Ali".into(),
            points: 10,
            resolved: 1,
            rating: Some(3.0),
        }]
    );
    let hr_only = figures(&d, valentines_day(), &Scope::Teams(vec![hr])).await;
    assert_eq!(hr_only.opened, 2);
    assert_eq!(hr_only.backlog, [(Status::Open, 1)]);
    assert_eq!(hr_only.leaderboard[0].points, 10, "the bonus has no team");
    let both = figures(&d, valentines_day(), &Scope::Teams(vec![it, hr])).await;
    assert_eq!(both.opened, 3);
    assert_eq!(both.satisfaction, all.satisfaction);

    let nobody = figures(&d, valentines_day(), &Scope::Teams(Vec::new())).await;
    assert_eq!((nobody.opened, nobody.resolved), (0, 0));
    assert_eq!(nobody.satisfaction.count, 0);
    assert!(nobody.backlog.is_empty() && nobody.leaderboard.is_empty());
    assert_eq!(
        nobody.per_day,
        [Day {
            day: NaiveDate::from_ymd_opt(2025, 2, 14).unwrap(),
            opened: 0,
            resolved: 0
        }]
    );
}

async fn missed_sla_targets_out_of_tickets_with_a_target(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d
        .agent("Sami Ben Ali", "it", &["hardware", "network"])
        .await;
    let late_answer = d.open(&iheb, "Écran noir au démarrage", "hardware").await;
    let late_fix = d
        .open(&iheb, "Le wifi coupe toutes les dix minutes", "network")
        .await;
    let on_time = d
        .open(&iheb, "Clavier qui ne répond plus", "hardware")
        .await;
    answer(&d, &sami, &on_time).await;
    // P2 answers within 4 h; P1 (network) resolves within a day.
    d.clock.advance(TimeDelta::hours(5));
    let mut tx = d.store.begin().await.unwrap();
    let mut ticket = store::tickets::get_for_update(&mut tx, late_answer.id)
        .await
        .unwrap()
        .unwrap();
    d.desk
        .escalate(
            &mut tx,
            &mut ticket,
            SlaTarget::FirstResponse,
            2,
            Origin::Scheduler,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    d.clock.advance(TimeDelta::hours(20));
    let mut tx = d.store.begin().await.unwrap();
    let mut ticket = store::tickets::get_for_update(&mut tx, late_fix.id)
        .await
        .unwrap()
        .unwrap();
    // Level 1 is a warning: nothing missed yet.
    d.desk
        .escalate(
            &mut tx,
            &mut ticket,
            SlaTarget::Resolution,
            1,
            Origin::Scheduler,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let warned = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(warned.sla_breached, Rate { part: 1, whole: 3 });
    let mut tx = d.store.begin().await.unwrap();
    let mut ticket = store::tickets::get_for_update(&mut tx, late_fix.id)
        .await
        .unwrap()
        .unwrap();
    d.desk
        .escalate(
            &mut tx,
            &mut ticket,
            SlaTarget::Resolution,
            2,
            Origin::Scheduler,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let stats = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(stats.sla_breached, Rate { part: 2, whole: 3 });
    let percent = stats.sla_breached.percent().unwrap();
    assert!((percent - 200.0 / 3.0).abs() < 1e-9, "{percent}");
}

async fn first_contact_resolution_counts_the_team_s_public_answers(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami Ben Ali", "it", &["software"]).await;
    let karim = d.agent("Karim Mansour", "it", &[]).await;
    let open = async |subject: &str| d.open(&iheb, subject, "software").await;

    // One answer, then resolved: first contact.
    let once = open("Installer une licence Visio").await;
    answer(&d, &sami, &once).await;
    resolve(&d, &sami, &once).await;
    // One answer; a note between colleagues and the requester's thanks do not count.
    let with_talk = open("Excel plante à l'ouverture du fichier").await;
    answer(&d, &sami, &with_talk).await;
    say(
        &d,
        &karim,
        &with_talk,
        "Déjà vu la semaine dernière",
        Visibility::Internal,
    )
    .await;
    say(
        &d,
        &iheb,
        &with_talk,
        "Merci, ça marche !",
        Visibility::Public,
    )
    .await;
    resolve(&d, &sami, &with_talk).await;
    // Resolved without a word: nothing more was needed.
    let silent = open("Mise à jour d'Outlook").await;
    resolve(&d, &sami, &silent).await;
    // Two answers from one agent, then from two agents: not at first contact.
    let twice = open("Licence Office expirée").await;
    answer(&d, &sami, &twice).await;
    say(&d, &iheb, &twice, "Toujours pas", Visibility::Public).await;
    answer(&d, &sami, &twice).await;
    resolve(&d, &sami, &twice).await;
    let two_agents = open("Teams ne se lance plus").await;
    answer(&d, &sami, &two_agents).await;
    answer(&d, &karim, &two_agents).await;
    resolve(&d, &sami, &two_agents).await;
    // Answered once today, resolved tomorrow: tomorrow's figure.
    let tomorrow = open("Logiciel de paie bloqué").await;
    answer(&d, &sami, &tomorrow).await;
    d.clock.set(paris(2025, 2, 15, 9, 0));
    resolve(&d, &sami, &tomorrow).await;

    let today = figures(&d, valentines_day(), &Scope::All).await;
    assert_eq!(today.first_contact_resolution, Rate { part: 3, whole: 5 });
    assert_eq!(today.first_contact_resolution.percent(), Some(60.0));
    assert_eq!(today.resolved, 5);
    let next = figures(&d, local_days(PARIS, (2025, 2, 15), 1), &Scope::All).await;
    assert_eq!(next.first_contact_resolution, Rate { part: 1, whole: 1 });
    assert_eq!(next.opened, 0);
}

async fn the_leaderboard_ranks_points_then_resolutions_then_names(d: Ledger) {
    let iheb = d.employee("Iheb Issaoui").await;
    let sami = d.agent("Sami Ben Ali", "it", &[]).await;
    let nour = d.agent("Nour Haddad", "it", &[]).await;
    let lina = d.agent("Lina Jebali", "it", &[]).await;
    let karim = d.agent("Karim Mansour", "it", &[]).await;
    let work = async |agent: &Actor, subject: &str, stars: Option<i64>| {
        let ticket = d.open(&iheb, subject, "hardware").await;
        claim(&d, agent, &ticket).await;
        resolve(&d, agent, &ticket).await;
        if let Some(stars) = stars {
            rate(&d, &iheb, &ticket, stars).await;
        }
        ticket
    };
    let screen = work(&sami, "Écran noir au démarrage", Some(5)).await;
    let printer = work(&sami, "Imprimante du 2e étage hors service", Some(3)).await;
    let _unrated = work(&sami, "Souris qui saute", None).await;
    let keyboard = work(&nour, "Clavier qui ne répond plus", None).await;
    // Karim resolved a ticket but earned nothing in the period.
    work(&karim, "Écran qui clignote", Some(4)).await;
    points(&d, &sami, Some(&screen), 10, "resolved:screen").await;
    points(&d, &sami, Some(&printer), 10, "resolved:printer").await;
    points(&d, &nour, Some(&keyboard), 10, "resolved:keyboard").await;
    points(
        &d,
        &nour,
        Some(&keyboard),
        5,
        "fast_first_response:keyboard",
    )
    .await;
    points(&d, &nour, Some(&keyboard), 10, "good_rating:keyboard").await;
    points(&d, &lina, None, 15, "bonus:onboarding").await;
    // Earned the day before: another period.
    d.clock.set(paris(2025, 2, 13, 18, 0));
    points(&d, &karim, None, 100, "bonus:yesterday").await;
    d.clock.set(paris(2025, 2, 14, 17, 0));

    let ranked = async || {
        figures(&d, valentines_day(), &Scope::All)
            .await
            .leaderboard
            .into_iter()
            .map(|r| (r.name, r.points, r.resolved, r.rating))
            .collect::<Vec<_>>()
    };
    let row = |name: &str, points: i64, resolved: u64, rating: Option<f64>| {
        (name.to_owned(), points, resolved, rating)
    };
    assert_eq!(
        ranked().await,
        [
            row("Nour Haddad", 25, 1, None),
            row("Sami Ben Ali", 20, 3, Some(4.0)),
            row("Lina Jebali", 15, 0, None),
            row("Karim Mansour", 0, 1, Some(4.0)),
        ]
    );

    // The keyboard is reopened: the rating bonus is taken back. Nour now ties
    // with Lina on points and passes her on resolutions.
    points(&d, &nour, Some(&keyboard), -10, "reopened:keyboard").await;
    assert_eq!(
        ranked().await,
        [
            row("Sami Ben Ali", 20, 3, Some(4.0)),
            row("Nour Haddad", 15, 1, None),
            row("Lina Jebali", 15, 0, None),
            row("Karim Mansour", 0, 1, Some(4.0)),
        ]
    );

    // Seven more agents with a point or two each: ten places, Karim's goes.
    for k in 1..=7 {
        let agent = d.agent(&format!("Agent {k}"), "finance", &[]).await;
        points(&d, &agent, None, 1 + k % 2, &format!("bonus:{k}")).await;
    }
    let board = ranked().await;
    assert_eq!(board.len(), 10);
    let tail: Vec<&str> = board[3..].iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        tail,
        [
            "Agent 1", "Agent 3", "Agent 5", "Agent 7", "Agent 2", "Agent 4", "Agent 6"
        ]
    );
}
