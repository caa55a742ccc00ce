//! The dashboard's charts and its leaderboard, drawn from the statistics.

use maud::{Markup, html};

use super::charts::{self, Bar, Caption, DailyChart, color};
use super::format::{self, NO_VALUE};
use super::page::DashboardPage;
use crate::domain::{Priority, Status};
use crate::i18n::Key;
use crate::store::stats::Durations;

/// The seven chart figures, the daily one across the whole width.
pub fn charts(page: &DashboardPage<'_>) -> Markup {
    let daily = figure(
        page,
        "opened-resolved",
        key!("dashboard-chart-opened-resolved"),
        key!("dashboard-chart-opened-resolved-hint"),
        true,
        daily(page),
    );
    let created = key!("dashboard-chart-created-hint");
    let bar_figures = [
        (
            "backlog",
            key!("dashboard-chart-backlog"),
            key!("dashboard-chart-backlog-hint"),
            backlog(page),
        ),
        (
            "times",
            key!("dashboard-chart-times"),
            key!("dashboard-chart-times-hint"),
            times(page),
        ),
        (
            "categories",
            key!("dashboard-chart-categories"),
            created,
            categories(page),
        ),
        ("teams", key!("dashboard-chart-teams"), created, teams(page)),
        (
            "priorities",
            key!("dashboard-chart-priorities"),
            created,
            priorities(page),
        ),
        (
            "satisfaction",
            key!("dashboard-chart-satisfaction"),
            key!("dashboard-chart-satisfaction-hint"),
            satisfaction(page),
        ),
    ];
    let empty = t!(page, "dashboard-no-data");
    let bar_figures = bar_figures.map(|(name, title, hint, bars)| {
        let caption = Caption {
            name,
            title: &page.t(title, &[]),
            empty: &empty,
        };
        figure(
            page,
            name,
            title,
            hint,
            false,
            charts::bar_chart(&caption, &bars),
        )
    });
    html! {
        section class="charts" {
            "\n"
            (daily)
            @for figure in bar_figures { (figure) }
        }
        "\n"
    }
}

/// The agents by points earned in the period.
pub fn leaderboard(page: &DashboardPage<'_>) -> Markup {
    let rows = &page.stats.leaderboard;
    html! {
        section class="card board" aria-labelledby="leaderboard-title" {
            h2 id="leaderboard-title" { (t!(page, "dashboard-leaderboard")) }
            p class="hint" { (t!(page, "dashboard-leaderboard-hint")) }
            div class="scroll" {
                table data-chart="leaderboard" id="leaderboard" {
                    thead {
                        tr {
                            th scope="col" { (t!(page, "dashboard-leaderboard-rank")) }
                            th scope="col" { (t!(page, "dashboard-leaderboard-agent")) }
                            th scope="col" class="number" {
                                (t!(page, "dashboard-leaderboard-points"))
                            }
                            th scope="col" class="number" {
                                (t!(page, "dashboard-leaderboard-resolved"))
                            }
                            th scope="col" class="number" {
                                (t!(page, "dashboard-leaderboard-rating"))
                            }
                        }
                    }
                    "\n"
                    tbody {
                        "\n"
                        @for (i, row) in rows.iter().enumerate() {
                            @let rank = i + 1;
                            @let rating = row
                                .rating
                                .and_then(|r| format::decimal(page.language, r))
                                .map(|r| format!("{r} ★"))
                                .unwrap_or(NO_VALUE.to_owned());
                            tr {
                                td { span class={ "rank rank-" (rank) } { (rank) } }
                                td { (row.name) }
                                td class="number" { (format::integer(page.language, row.points)) }
                                td class="number" { (page.count(row.resolved)) }
                                td class="number" { (rating) }
                            }
                            "\n"
                        }
                        @if rows.is_empty() {
                            tr {
                                td colspan="5" class="empty" { (t!(page, "dashboard-no-data")) }
                            }
                            "\n"
                        }
                    }
                }
            }
        }
        "\n"
    }
}

/// A chart in its card, with its heading and what it counts.
fn figure(
    page: &DashboardPage<'_>,
    name: &str,
    title: Key,
    hint: Key,
    wide: bool,
    svg: Markup,
) -> Markup {
    let class = if wide {
        "card chart wide"
    } else {
        "card chart"
    };
    html! {
        figure class=(class) id={ "chart-" (name) } data-chart=(name) {
            figcaption {
                h2 { (page.t(title, &[])) }
                p class="hint" { (page.t(hint, &[])) }
            }
            div class="scroll" { (svg) }
        }
        "\n"
    }
}

fn daily(page: &DashboardPage<'_>) -> Markup {
    let title = t!(page, "dashboard-chart-opened-resolved");
    let empty = t!(page, "dashboard-no-data");
    let opened = t!(page, "dashboard-series-opened");
    let resolved = t!(page, "dashboard-series-resolved");
    charts::daily_chart(&DailyChart {
        caption: Caption {
            name: "opened-resolved",
            title: &title,
            empty: &empty,
        },
        days: &page.stats.per_day,
        opened: &opened,
        resolved: &resolved,
        axis_date: &|date| format::short_date(page.texts, page.language, date),
        tooltip: &|day| {
            t!(
                page,
                "dashboard-day-tooltip",
                date = page.long_date(day.day),
                opened = page.count(day.opened),
                resolved = page.count(day.resolved)
            )
        },
        number: &|n| page.count(n),
    })
}

/// Tickets not resolved yet, by status, in the order a ticket goes through them.
fn backlog(page: &DashboardPage<'_>) -> Vec<Bar> {
    let mut rows = page.stats.backlog.clone();
    rows.sort_by_key(|(status, _)| Status::ALL.iter().position(|s| s == status));
    rows.into_iter()
        .map(|(status, n)| {
            let (key, color) = match status {
                Status::Open => (key!("status-open"), color::BLUE),
                Status::InProgress => (key!("status-in-progress"), color::VIOLET),
                Status::WaitingOnUser => (key!("status-waiting-on-requester"), color::AMBER),
                Status::Resolved => (key!("status-resolved"), color::GREEN),
                Status::Closed => (key!("status-closed"), color::SLATE),
            };
            count_bar(page, page.t(key, &[]), n, color)
        })
        .collect()
}

/// Mean and median of the first response and of the resolution.
fn times(page: &DashboardPage<'_>) -> Vec<Bar> {
    let stats = page.stats;
    if stats.first_response.count == 0 && stats.resolution.count == 0 {
        return Vec::new();
    }
    let bar = |key: Key, seconds: Option<f64>, color| {
        let shown = seconds.and_then(|s| format::duration(page.texts, page.language, s));
        Bar {
            label: page.t(key, &[]),
            // Under a minute still draws a sliver.
            value: seconds.map_or(0.0, |s| s.max(1.0)),
            shown: shown.unwrap_or(NO_VALUE.to_owned()),
            color,
        }
    };
    let pair = |figure: Durations, mean: Key, median: Key| {
        [
            bar(mean, figure.mean_secs, color::INDIGO),
            bar(median, figure.median_secs, color::CYAN),
        ]
    };
    let mut bars = Vec::with_capacity(4);
    bars.extend(pair(
        stats.first_response,
        key!("dashboard-times-first-response-mean"),
        key!("dashboard-times-first-response-median"),
    ));
    bars.extend(pair(
        stats.resolution,
        key!("dashboard-times-resolution-mean"),
        key!("dashboard-times-resolution-median"),
    ));
    bars
}

/// Tickets created in the period by category, the busiest first.
fn categories(page: &DashboardPage<'_>) -> Vec<Bar> {
    let named = page.stats.by_category.iter().map(|&(id, n)| {
        let name = match page.catalog.category(id) {
            Some(category) => category.name.get(page.language).to_owned(),
            None => t!(page, "dashboard-unknown-category", id = id.to_string()),
        };
        (name, n)
    });
    busiest_first(page, named.collect(), color::INDIGO)
}

/// Tickets created in the period by team, the busiest first.
fn teams(page: &DashboardPage<'_>) -> Vec<Bar> {
    let named = page.stats.by_team.iter().map(|&(id, n)| {
        let name = match page.catalog.team(id) {
            Some(team) => team.name.get(page.language).to_owned(),
            None => t!(page, "dashboard-unknown-team", id = id.to_string()),
        };
        (name, n)
    });
    busiest_first(page, named.collect(), color::TEAL)
}

/// Tickets created in the period by priority, the most urgent first.
fn priorities(page: &DashboardPage<'_>) -> Vec<Bar> {
    let mut rows = page.stats.by_priority.clone();
    rows.sort_by_key(|&(priority, _)| priority);
    rows.into_iter()
        .map(|(priority, n)| {
            let (key, color) = match priority {
                Priority::P0 => (key!("priority-p0"), color::RED),
                Priority::P1 => (key!("priority-p1"), color::ORANGE),
                Priority::P2 => (key!("priority-p2"), color::BLUE),
                Priority::P3 => (key!("priority-p3"), color::SLATE),
            };
            let label = format!("{priority} {}", page.t(key, &[]));
            count_bar(page, label, n, color)
        })
        .collect()
}

/// Ratings given in the period, five stars first.
fn satisfaction(page: &DashboardPage<'_>) -> Vec<Bar> {
    const COLORS: [&str; 5] = [
        color::RED,
        color::ORANGE,
        color::YELLOW,
        color::LIME,
        color::GREEN,
    ];
    let distribution = page.stats.satisfaction.distribution;
    (1..=5usize)
        .rev()
        .map(|stars| {
            let label = t!(page, "dashboard-stars", stars = stars.to_string());
            count_bar(page, label, distribution[stars - 1], COLORS[stars - 1])
        })
        .collect()
}

fn busiest_first(
    page: &DashboardPage<'_>,
    mut rows: Vec<(String, u64)>,
    color: &'static str,
) -> Vec<Bar> {
    rows.sort_by(|(a, m), (b, n)| n.cmp(m).then_with(|| a.cmp(b)));
    rows.into_iter()
        .map(|(label, n)| count_bar(page, label, n, color))
        .collect()
}

fn count_bar(page: &DashboardPage<'_>, label: String, n: u64, color: &'static str) -> Bar {
    Bar {
        label,
        value: n as f64,
        shown: page.count(n),
        color,
    }
}
