//! Figures for the tests: a catalog, a busy month and a quiet week.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::page::{DashboardPage, render_dashboard};
use crate::domain::{
    Catalog, Category, CategoryId, Language, Priority, Status, Team, TeamId, UserId,
    team::Localized,
};
use crate::i18n::Texts;
use crate::store::stats::{Day, Durations, LeaderboardRow, Period, Rate, Satisfaction, Stats};

fn localized(fr: &str, en: &str) -> Localized {
    Localized {
        fr: fr.to_owned(),
        en: en.to_owned(),
    }
}

pub fn catalog() -> Catalog {
    catalog_naming("Service Informatique", "Matériel informatique")
}

/// The catalog, with the IT team and the hardware category named in French by
/// whoever wrote the configuration.
pub fn catalog_naming(it_team: &str, hardware: &str) -> Catalog {
    let team = |id, slug: &str, fr: &str, en: &str| Team {
        id: TeamId(id),
        slug: slug.to_owned(),
        name: localized(fr, en),
        email: None,
        confidential: false,
        staff_space: None,
        active: true,
    };
    let category = |id, slug: &str, fr: &str, en: &str, team| Category {
        id: CategoryId(id),
        slug: slug.to_owned(),
        name: localized(fr, en),
        team: TeamId(team),
        default_priority: Priority::P2,
        needs_approval: false,
        active: true,
    };
    Catalog::new(
        vec![
            team(1, "it", it_team, "IT Department"),
            team(2, "finance", "Service Financier", "Finance Department"),
            team(3, "hr", "Ressources humaines", "Human Resources"),
        ],
        vec![
            category(1, "hardware", hardware, "Computer hardware", 1),
            category(
                2,
                "software",
                "Logiciels et accès",
                "Software and access",
                1,
            ),
            category(3, "expenses", "Notes de frais", "Expense reports", 2),
            category(4, "leave", "Congés et absences", "Leave and absences", 3),
        ],
    )
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap().and_utc()
}

/// Thirty days of a busy helpdesk.
pub fn busy() -> Stats {
    let first = NaiveDate::from_ymd_opt(2025, 2, 1).unwrap();
    let per_day: Vec<Day> = (0..30u64)
        .map(|i| Day {
            day: first + Days::new(i),
            opened: 6 + (i * 7) % 11,
            resolved: 4 + (i * 5) % 9,
        })
        .collect();
    Stats {
        period: Period {
            from: at(first),
            to: at(first + Days::new(30)),
        },
        opened: per_day.iter().map(|d| d.opened).sum(),
        resolved: per_day.iter().map(|d| d.resolved).sum(),
        first_response: Durations {
            count: 312,
            mean_secs: Some(2.0 * 3600.0 + 15.0 * 60.0),
            median_secs: Some(47.0 * 60.0),
        },
        resolution: Durations {
            count: 268,
            mean_secs: Some(3.0 * 86_400.0 + 4.0 * 3600.0),
            median_secs: Some(20.0 * 3600.0 + 30.0 * 60.0),
        },
        satisfaction: Satisfaction {
            count: 120,
            average: Some(4.2),
            distribution: [4, 6, 10, 38, 62],
        },
        sla_breached: Rate {
            part: 25,
            whole: 200,
        },
        first_contact_resolution: Rate {
            part: 107,
            whole: 268,
        },
        per_day,
        leaderboard: leaderboard(),
        ..busy_breakdowns()
    }
}

/// The busy month's tickets by status, category, priority and team, a category
/// and a team gone from the catalog among them.
fn busy_breakdowns() -> Stats {
    Stats {
        by_status: vec![(Status::Open, 20), (Status::Resolved, 250)],
        by_category: vec![
            (CategoryId(1), 140),
            (CategoryId(2), 96),
            (CategoryId(3), 51),
            (CategoryId(4), 22),
            (CategoryId(99), 3),
        ],
        by_priority: vec![
            (Priority::P0, 8),
            (Priority::P1, 41),
            (Priority::P2, 230),
            (Priority::P3, 33),
        ],
        by_team: vec![
            (TeamId(1), 236),
            (TeamId(2), 51),
            (TeamId(3), 25),
            (TeamId(42), 1),
        ],
        backlog: vec![
            (Status::Open, 18),
            (Status::InProgress, 27),
            (Status::WaitingOnUser, 9),
        ],
        ..quiet()
    }
}

/// Three agents, one of whom is named like a script.
fn leaderboard() -> Vec<LeaderboardRow> {
    vec![
        LeaderboardRow {
            agent: UserId(7),
            name: "Éloïse Durand".to_owned(),
            points: 1_240,
            resolved: 64,
            rating: Some(4.6),
        },
        LeaderboardRow {
            agent: UserId(3),
            name: "<script>alert(1)</script>".to_owned(),
            points: 980,
            resolved: 51,
            rating: None,
        },
        LeaderboardRow {
            agent: UserId(9),
            name: "Marc-Antoine Lefèvre".to_owned(),
            points: -15,
            resolved: 2,
            rating: Some(3.0),
        },
    ]
}

/// A period in which nothing happened, down to the empty days.
pub fn quiet() -> Stats {
    let first = NaiveDate::from_ymd_opt(2025, 2, 1).unwrap();
    Stats {
        period: Period {
            from: at(first),
            to: at(first + Days::new(7)),
        },
        opened: 0,
        resolved: 0,
        first_response: Durations::default(),
        resolution: Durations::default(),
        satisfaction: Satisfaction::default(),
        by_status: vec![],
        by_category: vec![],
        by_priority: vec![],
        by_team: vec![],
        backlog: vec![],
        sla_breached: Rate::default(),
        first_contact_resolution: Rate::default(),
        per_day: vec![],
        leaderboard: vec![],
    }
}

pub fn render(texts: &Texts, language: Language, stats: &Stats) -> String {
    render_with(texts, language, stats, &catalog())
}

pub fn render_with(texts: &Texts, language: Language, stats: &Stats, catalog: &Catalog) -> String {
    render_dashboard(&DashboardPage {
        texts,
        language,
        catalog,
        stats,
        user_name: "Camille O'Brien <admin>",
        csrf: "tok\"en",
        days: 30,
        setup: &[],
    })
}
