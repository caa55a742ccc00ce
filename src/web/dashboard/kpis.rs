//! The key figures at the top of the dashboard, one card each.

use maud::{Markup, html};

use super::format::{self, NO_VALUE};
use super::page::DashboardPage;
use crate::i18n::Key;
use crate::i18n::arg;
use crate::store::stats::{Durations, Rate};

/// Eight cards, four a row on a wide screen: what came in, what went out, what is
/// left and how it was received; then how fast and how well.
pub fn section(page: &DashboardPage<'_>) -> Markup {
    let stats = page.stats;
    let cards = [
        card(
            page,
            "opened",
            key!("dashboard-kpi-opened"),
            Some(html! { (page.count(stats.opened)) }),
            t!(page, "dashboard-kpi-opened-detail"),
        ),
        card(
            page,
            "resolved",
            key!("dashboard-kpi-resolved"),
            Some(html! { (page.count(stats.resolved)) }),
            t!(page, "dashboard-kpi-resolved-detail"),
        ),
        card(
            page,
            "backlog",
            key!("dashboard-kpi-backlog"),
            Some(html! { (page.count(stats.backlog.iter().map(|(_, n)| n).sum())) }),
            t!(page, "dashboard-kpi-backlog-detail"),
        ),
        satisfaction_card(page),
        duration_card(
            page,
            "first-response",
            key!("dashboard-kpi-first-response"),
            stats.first_response,
        ),
        duration_card(
            page,
            "resolution",
            key!("dashboard-kpi-resolution"),
            stats.resolution,
        ),
        rate_card(
            page,
            "sla-breach",
            key!("dashboard-kpi-sla-breach"),
            key!("dashboard-kpi-sla-breach-detail"),
            stats.sla_breached,
        ),
        rate_card(
            page,
            "first-contact",
            key!("dashboard-kpi-first-contact"),
            key!("dashboard-kpi-first-contact-detail"),
            stats.first_contact_resolution,
        ),
    ];
    html! {
        section class="kpis" aria-labelledby="kpis-title" {
            h2 id="kpis-title" class="visually-hidden" { (t!(page, "dashboard-kpis")) }
            "\n"
            @for card in cards { (card) }
        }
        "\n"
    }
}

/// One card; `value` is `None` when there is nothing to measure.
fn card(
    page: &DashboardPage<'_>,
    id: &str,
    title: Key,
    value: Option<Markup>,
    detail: String,
) -> Markup {
    let (class, value, detail) = match value {
        Some(value) => ("kpi-value", value, detail),
        None => (
            "kpi-value is-empty",
            html! { (NO_VALUE) },
            t!(page, "dashboard-kpi-not-measured"),
        ),
    };
    html! {
        article class="card kpi" id={ "kpi-" (id) } data-kpi=(id) {
            h3 { (page.t(title, &[])) }
            p class=(class) { (value) }
            p class="kpi-detail" { (detail) }
        }
        "\n"
    }
}

/// The mean in large, the median and how many tickets it is computed over below.
fn duration_card(page: &DashboardPage<'_>, id: &str, title: Key, figure: Durations) -> Markup {
    let duration =
        |seconds: Option<f64>| seconds.and_then(|s| format::duration(page.texts, page.language, s));
    let value = duration(figure.mean_secs).map(|mean| {
        html! { (mean) " " span class="unit" { (t!(page, "dashboard-kpi-mean")) } }
    });
    let detail = t!(
        page,
        "dashboard-kpi-duration-detail",
        median = duration(figure.median_secs).unwrap_or(NO_VALUE.into()),
        count = page.count(figure.count),
        n = figure.count
    );
    card(page, id, title, value, detail)
}

fn satisfaction_card(page: &DashboardPage<'_>) -> Markup {
    let satisfaction = page.stats.satisfaction;
    let value = satisfaction
        .average
        .filter(|_| satisfaction.count > 0)
        .and_then(|average| format::decimal(page.language, average))
        .map(|average| html! { (average) " " span class="unit" { "★ / 5" } });
    let detail = t!(
        page,
        "dashboard-kpi-satisfaction-detail",
        count = page.count(satisfaction.count),
        n = satisfaction.count
    );
    card(
        page,
        "satisfaction",
        key!("dashboard-kpi-satisfaction"),
        value,
        detail,
    )
}

/// A percentage, with the part and the whole it comes from.
fn rate_card(page: &DashboardPage<'_>, id: &str, title: Key, detail: Key, rate: Rate) -> Markup {
    let value = rate
        .percent()
        .and_then(|p| format::percent(page.language, p))
        .map(|p| html! { (p) });
    let detail = page.t(
        detail,
        &[
            arg("part", page.count(rate.part)),
            arg("whole", page.count(rate.whole)),
            arg("n", rate.whole),
        ],
    );
    card(page, id, title, value, detail)
}
