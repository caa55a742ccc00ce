//! The banner at the top of the dashboard when a setup check fails: what is wrong
//! and the fix, the first few; `guichet doctor` lists them all.

use std::fmt::Write;

use super::html::escape;
use super::page::DashboardPage;
use crate::doctor;
use crate::i18n::arg;

/// How many problems the banner lists before pointing to `guichet doctor`.
const SHOWN: usize = 5;

pub fn banner(page: &DashboardPage<'_>) -> String {
    let failing: Vec<_> = page.setup.iter().filter(|f| !f.ok()).collect();
    if failing.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section class=\"setup-banner\" role=\"alert\"><h2>⚠️ {}</h2><ul>",
        page.text("setup-banner-title", &[arg("count", failing.len() as i64)])
    );
    for finding in failing.iter().take(SHOWN) {
        let what = doctor::what(page.texts, page.language, &finding.check);
        for said in doctor::troubles(page.texts, page.language, finding) {
            let _ = write!(
                out,
                "<li><strong>{}</strong> — {}<br><span class=\"fix\">→ {}</span></li>",
                escape(&what),
                escape(&said.problem),
                escape(&said.fix)
            );
        }
    }
    out.push_str("</ul>");
    if failing.len() > SHOWN {
        let _ = write!(
            out,
            "<p>{}</p>",
            page.text(
                "setup-banner-more",
                &[arg("count", (failing.len() - SHOWN) as i64)]
            )
        );
    }
    out.push_str("</section>\n");
    out
}
