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

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// A message of the catalogs. Made only by [`key!`](crate::key) and
/// [`t!`](crate::t), which check at compile time that the message exists (and,
/// for `t!`, that the arguments given are exactly its variables): a key the
/// catalogs lack, or a misspelt argument, does not build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    id: &'static str,
    variables: &'static [&'static str],
}

impl Key {
    /// The message's id in the catalogs.
    pub const fn id(self) -> &'static str {
        self.id
    }

    /// The variables the message uses, in either language.
    pub const fn variables(self) -> &'static [&'static str] {
        self.variables
    }

    /// For the macros: the message `id` when it exists and, if `arguments` are
    /// given, when they are exactly its variables.
    #[doc(hidden)]
    pub const fn checked(id: &'static str, arguments: Option<&[&str]>) -> Option<Key> {
        let mut i = 0;
        while i < MESSAGES.len() {
            let (known, variables) = MESSAGES[i];
            if same(known, id) {
                if let Some(given) = arguments
                    && !(given.len() == variables.len() && all_in(given, variables))
                {
                    return None;
                }
                return Some(Key { id, variables });
            }
            i += 1;
        }
        None
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether every name of `given` is one of `known` (with equal lengths: the same set).
const fn all_in(given: &[&str], known: &[&str]) -> bool {
    let mut i = 0;
    while i < given.len() {
        let mut j = 0;
        let mut found = false;
        while j < known.len() {
            if same(given[i], known[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

/// The catalogs' message `id`, checked at compile time: `key!("status-open")`.
#[macro_export]
macro_rules! key {
    ($id:literal) => {{
        const KEY: $crate::i18n::Key = match $crate::i18n::Key::checked($id, None) {
            Some(key) => key,
            None => panic!(concat!("no message `", $id, "` in config/locales")),
        };
        KEY
    }};
}

/// A sentence from the catalogs, its key and argument names checked at compile
/// time: `t!(texts, language, "ticket-created", reference = r, team = name)`.
/// `texts` is anything with a `t(language, Key, &[Arg])` method.
#[macro_export]
macro_rules! t {
    ($texts:expr, $language:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        const KEY: $crate::i18n::Key =
            match $crate::i18n::Key::checked($id, Some(&[$(stringify!($name)),*])) {
                Some(key) => key,
                None => panic!(concat!(
                    "`", $id, "` is not a message of config/locales taking exactly these arguments: "
                    $(, stringify!($name), " ")*
                )),
            };
        $texts.t($language, KEY, &[$($crate::i18n::arg(stringify!($name), $value)),*])
    }};
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
