//! The dashboard page: the period's key figures, its charts and the agents'
//! leaderboard, as one HTML document in the reader's language.

use chrono::{NaiveDate, TimeDelta};
use maud::{Markup, html};

use super::html::{document, language_switch};
use super::{figures, format, kpis};
use crate::domain::{Catalog, Language};
use crate::i18n::Key;
use crate::i18n::{Arg, Texts};
use crate::store::stats::Stats;

/// The periods offered, in days.
pub const PERIODS: [u32; 4] = [7, 30, 90, 365];

/// Everything the dashboard shows; the caller has checked the session and
/// computed the figures.
pub struct DashboardPage<'a> {
    pub texts: &'a Texts,
    pub language: Language,
    /// Names of the teams and categories the figures refer to.
    pub catalog: &'a Catalog,
    pub stats: &'a Stats,
    /// Who is signed in, shown in the header.
    pub user_name: &'a str,
    /// The session's CSRF token, put in the logout form as a hidden field named `csrf`.
    pub csrf: &'a str,
    /// The period in days the page shows (7, 30, 90, 365 offered as links `?days=N`).
    pub days: u32,
    /// The setup checks failing now: a banner lists them.
    pub setup: &'a [crate::doctor::Finding],
}

impl DashboardPage<'_> {
    /// A text in the reader's language (maud escapes it where it is put).
    pub(super) fn t(&self, key: Key, args: &[Arg<'_>]) -> String {
        self.texts.t(self.language, key, args)
    }

    pub(super) fn count(&self, n: u64) -> String {
        format::count(self.language, n)
    }

    pub(super) fn long_date(&self, date: NaiveDate) -> String {
        format::long_date(self.texts, self.language, date)
    }
}

/// The whole dashboard document.
pub fn render_dashboard(page: &DashboardPage<'_>) -> String {
    let body = html! {
        (header(page))
        main {
            "\n"
            (super::banner::banner(page))
            (heading(page))
            (kpis::section(page))
            (figures::charts(page))
            (figures::leaderboard(page))
        }
        "\n"
    };
    document(
        page.language,
        &t!(page, "dashboard-page-title"),
        "dashboard",
        body,
    )
}

/// The product, the language switch, who is signed in and the way out.
fn header(page: &DashboardPage<'_>) -> Markup {
    let languages = language_switch(page.texts, page.language, |l| {
        format!("lang={}&days={}", l.as_str(), page.days)
    });
    html! {
        header class="topbar" {
            div class="topbar-inner" {
                span class="brand" { "guichet" }
                span class="spacer" {}
                (languages)
                span class="user" {
                    (t!(page, "dashboard-signed-in-as", name = page.user_name))
                }
                form class="logout" method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(page.csrf);
                    button type="submit" { (t!(page, "dashboard-logout")) }
                }
            }
        }
        "\n"
    }
}

/// The title, the dates the figures cover and the choice of period.
fn heading(page: &DashboardPage<'_>) -> Markup {
    let (from, to) = covered_days(page.stats);
    let range = t!(
        page,
        "dashboard-period-range",
        from = page.long_date(from),
        to = page.long_date(to)
    );
    html! {
        div class="page-head" {
            div {
                h1 { (t!(page, "dashboard-heading")) }
                p class="period-range" { (range) }
            }
            nav class="periods" aria-label=(t!(page, "dashboard-period")) {
                @for days in PERIODS {
                    @let current = days == page.days;
                    a href={ "?days=" (days) } class=[current.then_some("is-current")]
                        aria-current=[current.then_some("page")] {
                        (t!(page, "dashboard-period-days", days = days.to_string()))
                    }
                }
            }
        }
        "\n"
    }
}

/// The first and last days the figures cover: the company-local days of the
/// statistics, or the period's own bounds when there are none.
fn covered_days(stats: &Stats) -> (NaiveDate, NaiveDate) {
    match (stats.per_day.first(), stats.per_day.last()) {
        (Some(first), Some(last)) => (first.day, last.day),
        _ => {
            let from = stats.period.from.date_naive();
            let last = stats.period.to - TimeDelta::milliseconds(1);
            (from, last.date_naive().max(from))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Days, NaiveDate};

    use super::*;
    use crate::store::stats::Day;
    use crate::web::dashboard::fixtures::{busy, catalog_naming, quiet, render, render_with};

    const CHARTS: [&str; 7] = [
        "opened-resolved",
        "backlog",
        "categories",
        "priorities",
        "teams",
        "satisfaction",
        "times",
    ];

    fn well_formed(html: &str) {
        assert!(html.starts_with("<!DOCTYPE html>\n"), "{html}");
        assert!(html.trim_end().ends_with("</html>"));
        for tag in [
            "svg", "figure", "section", "table", "form", "nav", "main", "header", "title",
        ] {
            let opened = html.matches(&format!("<{tag}>")).count()
                + html.matches(&format!("<{tag} ")).count();
            let closed = html.matches(&format!("</{tag}>")).count();
            assert_eq!(opened, closed, "<{tag}> opened {opened}, closed {closed}");
        }
        for bad in ["NaN", "inf<", ">inf", "dashboard-", "login-"] {
            assert!(!html.contains(bad), "{bad:?} in the page");
        }
        assert!(!html.contains("<script"), "markup from the data ran");
        // The one link is the inline icon.
        let html = html.replace(
            &format!(
                "<link rel=\"icon\" href=\"{}\">",
                crate::web::dashboard::html::FAVICON
            ),
            "",
        );
        for outside in ["src=", "<link", "href=\"http", "url("] {
            assert!(!html.contains(outside), "nothing is loaded from elsewhere");
        }
    }

    /// The names of the chart figures, sorted.
    fn chart_names(html: &str) -> Vec<String> {
        let mut names: Vec<_> = html
            .split("<figure class=\"card chart")
            .skip(1)
            .filter_map(|f| f.split("data-chart=\"").nth(1))
            .filter_map(|f| f.split('"').next())
            .map(str::to_owned)
            .collect();
        names.sort();
        names
    }

    fn all_charts() -> Vec<String> {
        let mut names = CHARTS.map(str::to_owned).to_vec();
        names.sort();
        names
    }

    #[test]
    fn the_french_dashboard_shows_every_figure_in_french() {
        let texts = Texts::load().unwrap();
        let html = render(&texts, Language::Fr, &busy());
        well_formed(&html);
        assert!(html.contains("<html lang=\"fr\">"));
        assert_eq!(chart_names(&html), all_charts());
        assert_eq!(html.matches("<svg ").count(), 7);
        assert!(html.contains("<table data-chart=\"leaderboard\""), "{html}");
        for text in [
            "<title>Tableau de bord — guichet</title>",
            "<h1>Tableau de bord</h1>",
            "Du 1 févr. 2025 au 2 mars 2025",
            ">Tickets ouverts</h3>",
            // 18 open, 27 in progress, 9 waiting.
            "<h3>Tickets non résolus</h3><p class=\"kpi-value\">54</p>",
            ">Délai de première réponse</h3>",
            ">Taux de résolution au premier contact</h3>",
            ">Satisfaction</h3>",
            ">Classement des agents</h2>",
            ">Se déconnecter</button>",
            // 25 out of 200, 107 out of 268; 4.2 stars.
            "12,5\u{a0}%",
            "39,9\u{a0}%",
            "4,2",
            "2 h 15 min",
            "Médiane 47 min · 312 tickets",
            "3 j 4 h",
            ">Matériel informatique</text>",
            ">Catégorie n° 99</text>",
            ">Service Financier</text>",
            ">Équipe n° 42</text>",
            ">P1 Urgent</text>",
            ">En attente du demandeur</text>",
            ">5 ★</text>",
            ">1\u{202f}240</td>",
            "4,6 ★",
        ] {
            assert!(html.contains(text), "{text:?} missing");
        }
        assert!(!html.contains("No data"), "English in the French page");
    }

    #[test]
    fn the_english_dashboard_shows_every_figure_in_english() {
        let texts = Texts::load().unwrap();
        let html = render(&texts, Language::En, &busy());
        well_formed(&html);
        assert!(html.contains("<html lang=\"en\">"));
        assert_eq!(chart_names(&html), all_charts());
        for text in [
            "<h1>Dashboard</h1>",
            "From Feb 1, 2025 to Mar 2, 2025",
            ">Tickets opened</h3>",
            ">Unresolved tickets</h3>",
            ">First response time</h3>",
            ">First-contact resolution rate</h3>",
            ">Agent leaderboard</h2>",
            ">Sign out</button>",
            "12.5%",
            "3 d 4 h",
            ">Computer hardware</text>",
            ">Team #42</text>",
            ">P1 Urgent</text>",
            ">1,240</td>",
        ] {
            assert!(html.contains(text), "{text:?} missing");
        }
    }

    #[test]
    fn a_quiet_period_says_there_is_nothing_to_show() {
        let texts = Texts::load().unwrap();
        for (language, empty) in [
            (Language::Fr, "Aucune donnée pour cette période"),
            (Language::En, "No data for this period"),
        ] {
            let html = render(&texts, language, &quiet());
            well_formed(&html);
            assert_eq!(chart_names(&html), all_charts());
            // Seven charts and the leaderboard.
            assert_eq!(html.matches(empty).count(), 8, "{html}");
            assert!(html.contains("class=\"kpi-value is-empty\">—<"), "{html}");
        }
        let html = render(&texts, Language::Fr, &quiet());
        assert!(html.contains("Du 1 févr. 2025 au 7 févr. 2025"), "{html}");
    }

    #[test]
    fn names_from_the_data_are_escaped() {
        let texts = Texts::load().unwrap();
        let html = render(&texts, Language::Fr, &busy());
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        // Attributes are double-quoted: an apostrophe is harmless as it is.
        assert!(html.contains("Connecté en tant que Camille O'Brien &lt;admin&gt;"));
        assert!(html.contains("name=\"csrf\" value=\"tok&quot;en\""));
    }

    #[test]
    fn a_hostile_team_or_category_name_is_shown_as_text() {
        let texts = Texts::load().unwrap();
        let catalog = catalog_naming(
            "<b onmouseover=alert(1)>IT</b> \"R&D\"",
            "</text><script>alert('x')</script>",
        );
        let html = render_with(&texts, Language::Fr, &busy(), &catalog);
        well_formed(&html);
        assert!(
            html.contains(">&lt;b onmouseover=alert(1)&gt;IT&lt;/b&gt; &quot;R&amp;D&quot;</text>"),
            "{html}"
        );
        assert!(html.contains(
            "<title>&lt;b onmouseover=alert(1)&gt;IT&lt;/b&gt; &quot;R&amp;D&quot; — 236</title>"
        ));
        assert!(html.contains(">&lt;/text&gt;&lt;script&gt;alert('x')&lt;/script&gt;</text>"));
        assert!(!html.contains("<b "), "markup from the catalog ran");
    }

    #[test]
    fn the_header_offers_the_periods_and_the_languages() {
        let texts = Texts::load().unwrap();
        let html = render(&texts, Language::Fr, &busy());
        for days in PERIODS {
            assert!(
                html.contains(&format!("<a href=\"?days={days}\"")),
                "{days}"
            );
        }
        assert!(html.contains(
            "<a href=\"?days=30\" class=\"is-current\" aria-current=\"page\">30 jours</a>"
        ));
        assert!(html.contains("href=\"?lang=en&amp;days=30\""));
        assert!(html.contains("<form class=\"logout\" method=\"post\" action=\"/logout\">"));
    }

    /// Not a check: writes sample pages to look at in a browser, under
    /// `$CARGO_TARGET_DIR` (or `target/`). Run with `--run-ignored only`.
    #[test]
    #[ignore]
    fn write_samples() {
        let texts = Texts::load().unwrap();
        let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned());
        let mut year = busy();
        let first = NaiveDate::from_ymd_opt(2024, 3, 3).unwrap();
        year.per_day = (0..365u64)
            .map(|i| Day {
                day: first + Days::new(i),
                opened: 8 + (i * 7) % 13 + if i % 7 < 5 { 6 } else { 0 },
                resolved: 7 + (i * 5) % 11 + if i % 7 < 5 { 5 } else { 0 },
            })
            .collect();
        let samples = [
            (
                "dashboard-sample.html",
                render(&texts, Language::Fr, &busy()),
            ),
            (
                "dashboard-sample-en.html",
                render(&texts, Language::En, &year),
            ),
            (
                "dashboard-sample-empty.html",
                render(&texts, Language::Fr, &quiet()),
            ),
            (
                "login-sample.html",
                super::super::render_login(&super::super::LoginPage {
                    texts: &texts,
                    language: Language::Fr,
                    error: Some("Adresse e-mail ou mot de passe incorrect."),
                    next: Some("/dashboard?days=90"),
                }),
            ),
        ];
        for (name, html) in samples {
            let path = std::path::Path::new(&dir).join(name);
            std::fs::write(&path, html).unwrap();
            println!("{}", path.display());
        }
    }
}
