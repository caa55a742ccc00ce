//! Every sentence a user reads, from the French and English catalogs under
//! `config/locales` (Fluent). The catalogs are built into the binary, so a deployed
//! service cannot miss them; a test fails when a key exists in one language only or
//! when the code asks for a key no catalog has.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::langid;

use crate::domain::Language;

/// One catalog per language, in four files: the chat (`guichet.ftl`), the web
/// API (`web.ftl`), the dashboard (`dashboard.ftl`) and the setup doctor and
/// delivery troubles (`setup.ftl`).
macro_rules! catalog {
    ($language:literal) => {
        concat!(
            include_str!(concat!("../config/locales/", $language, "/guichet.ftl")),
            "\n",
            include_str!(concat!("../config/locales/", $language, "/web.ftl")),
            "\n",
            include_str!(concat!("../config/locales/", $language, "/dashboard.ftl")),
            "\n",
            include_str!(concat!("../config/locales/", $language, "/setup.ftl")),
        )
    };
}

const FRENCH: &str = catalog!("fr");
const ENGLISH: &str = catalog!("en");

/// The catalogs, loaded once and shared.
pub struct Texts {
    fr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Texts { fr, en }")
    }
}

/// A value put into a sentence.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

impl Texts {
    /// Parses the built-in catalogs. They are checked by the test suite, so a
    /// failure here is a build defect, reported with the offending entry.
    pub fn load() -> Result<Texts, String> {
        Ok(Texts {
            fr: bundle(Language::Fr, FRENCH)?,
            en: bundle(Language::En, ENGLISH)?,
        })
    }

    /// The sentence `key` in `language`, with `args` put in. A key missing from the
    /// catalog (a defect the tests catch) shows as the key itself and is logged.
    pub fn t(&self, language: Language, key: &str, args: &[Arg<'_>]) -> String {
        let bundle = match language {
            Language::Fr => &self.fr,
            Language::En => &self.en,
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::error!(key, %language, "missing text in the catalog");
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::error!(key, %language, ?errors, "text formatted with errors");
        }
        text.into_owned()
    }

    /// The keys of one language's catalog.
    pub fn keys(language: Language) -> Vec<String> {
        let source = match language {
            Language::Fr => FRENCH,
            Language::En => ENGLISH,
        };
        source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }
}

fn bundle(language: Language, source: &str) -> Result<FluentBundle<FluentResource>, String> {
    let resource = FluentResource::try_new(source.to_owned())
        .map_err(|(_, errors)| format!("the {language} catalog does not parse: {errors:?}"))?;
    let id = match language {
        Language::Fr => langid!("fr"),
        Language::En => langid!("en"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Chat clients show Unicode isolation marks as stray characters.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("the {language} catalog repeats entries: {errors:?}"))?;
    Ok(bundle)
}

/// A text argument.
pub fn arg<'a>(name: &'a str, value: impl Into<FluentValue<'a>>) -> Arg<'a> {
    (name, value.into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn both_catalogs_parse() {
        Texts::load().unwrap();
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let fr: BTreeSet<_> = Texts::keys(Language::Fr).into_iter().collect();
        let en: BTreeSet<_> = Texts::keys(Language::En).into_iter().collect();
        assert!(fr.len() > 20, "{fr:?}");
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
    }

    /// Every string in the chat code that looks like a catalog key (`"error-…"`,
    /// `"status-…"`: a known prefix, a dash) names a key of the catalogs, whether it
    /// is passed to `t` directly or chosen in a `match` first.
    #[test]
    fn every_key_the_code_uses_exists() {
        let known: BTreeSet<_> = Texts::keys(Language::Fr).into_iter().collect();
        let prefixes: BTreeSet<_> = known.iter().filter_map(|k| k.split('-').next()).collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![
            root.join("engine"),
            root.join("outbox"),
            root.join("doctor"),
        ];
        let mut used = BTreeSet::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for literal in source.split('"').skip(1).step_by(2) {
                let looks_like_key = literal.contains('-')
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && literal
                        .split('-')
                        .next()
                        .is_some_and(|p| prefixes.contains(p));
                if looks_like_key {
                    used.insert(literal.to_owned());
                }
            }
        }
        assert!(used.len() > 50, "the scan found too few keys: {used:?}");
        let missing: Vec<_> = used.iter().filter(|k| !known.contains(*k)).collect();
        assert!(
            missing.is_empty(),
            "keys used but not in the catalogs: {missing:?}"
        );
    }

    #[test]
    fn arguments_are_put_in_without_isolation_marks() {
        let texts = Texts::load().unwrap();
        let text = texts.t(
            Language::En,
            "ticket-created",
            &[
                arg("reference", "TCK-20250214-002"),
                arg("team", "IT Department"),
                arg("category", "Computer hardware"),
                arg("priority", "P2 Normal"),
            ],
        );
        assert!(text.contains("TCK-20250214-002"), "{text}");
        assert!(!text.contains('\u{2068}'), "{text:?}");
    }
}
