//! The dashboard page: server-rendered HTML with SVG charts, in French or English.
//! TEMPORARY stand-in until the dashboard branch is merged.

use crate::domain::{Catalog, Language};
use crate::i18n::Texts;
use crate::store::stats::Stats;

pub struct DashboardPage<'a> {
    pub texts: &'a Texts,
    pub language: Language,
    pub catalog: &'a Catalog,
    pub stats: &'a Stats,
    pub user_name: &'a str,
    pub csrf: &'a str,
    pub days: u32,
}

pub fn render_dashboard(page: &DashboardPage<'_>) -> String {
    format!("<html><body>{}</body></html>", page.user_name)
}

pub struct LoginPage<'a> {
    pub texts: &'a Texts,
    pub language: Language,
    pub error: Option<&'a str>,
    pub next: Option<&'a str>,
}

pub fn render_login(page: &LoginPage<'_>) -> String {
    format!(
        "<html><body><form method=\"post\" action=\"/login\">{}</form></body></html>",
        page.error.unwrap_or("")
    )
}
