//! The dashboard page: server-rendered HTML with SVG charts, in French or English.
//!
//! Pure renderers: the caller checks the session and computes the statistics; these
//! functions only write the documents. The documents load nothing from elsewhere
//! and run no script: one inline stylesheet, inline SVG charts.

mod banner;
pub mod charts;
mod figures;
#[cfg(test)]
mod fixtures;
mod format;
mod html;
mod kpis;
mod login;
mod page;
mod style;

pub use login::{LoginPage, render_login};
pub use page::{DashboardPage, PERIODS, render_dashboard};

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use crate::domain::Language;
    use crate::i18n::Texts;

    /// Every `"dashboard-…"` and `"login-…"` literal in these files.
    fn keys_in_the_code() -> BTreeSet<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/dashboard");
        let mut files = vec![root];
        let mut used = BTreeSet::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            // Every `"key"`: a quote, key characters, a quote. Escaped quotes in
            // format strings make counting quotes unreliable.
            for (i, _) in source.match_indices('"') {
                let rest = &source[i + 1..];
                let length = rest
                    .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                    .unwrap_or(rest.len());
                let literal = &rest[..length];
                let is_key = (literal.starts_with("dashboard-") || literal.starts_with("login-"))
                    && !literal.ends_with('-')
                    && rest[length..].starts_with('"');
                if is_key {
                    used.insert(literal.to_owned());
                }
            }
        }
        used
    }

    /// That every key the pages use exists is checked at compile time (`key!`,
    /// `t!`); this finds catalog entries nothing shows any more.
    #[test]
    fn the_pages_use_every_key_of_their_catalog() {
        let used = keys_in_the_code();
        assert!(used.len() > 60, "the scan found too few keys: {used:?}");
        let known: BTreeSet<_> = Texts::keys(Language::Fr)
            .into_iter()
            .filter(|k| k.starts_with("dashboard-") || k.starts_with("login-"))
            .collect();
        let unused: Vec<_> = known.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "in the catalogs but never used: {unused:?}"
        );
    }
}
