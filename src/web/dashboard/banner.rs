//! The banner at the top of the dashboard when a setup check fails: what is wrong
//! and the fix, the first few; `guichet doctor` lists them all.

use maud::{Markup, html};

use super::page::DashboardPage;
use crate::doctor;

/// How many problems the banner lists before pointing to `guichet doctor`.
const SHOWN: usize = 5;

pub fn banner(page: &DashboardPage<'_>) -> Markup {
    let failing: Vec<_> = page.setup.iter().filter(|f| !f.ok()).collect();
    if failing.is_empty() {
        return html! {};
    }
    html! {
        section class="setup-banner" role="alert" {
            h2 { "⚠️ " (t!(page, "setup-banner-title", count = failing.len() as i64)) }
            ul {
                @for finding in failing.iter().take(SHOWN) {
                    @let what = doctor::what(page.texts, page.language, &finding.check);
                    @for said in doctor::troubles(page.texts, page.language, finding) {
                        li {
                            strong { (what) } " — " (said.problem) br;
                            span class="fix" { "→ " (said.fix) }
                        }
                    }
                }
            }
            @if failing.len() > SHOWN {
                p {
                    (t!(page, "setup-banner-more", count = (failing.len() - SHOWN) as i64))
                }
            }
        }
        "\n"
    }
}
