//! Every sentence a user reads, from the French and English catalogs under
//! `config/locales` (Fluent). The catalogs are built into the binary, so a deployed
//! service cannot miss them. build.rs refuses to build when a message exists in one
//! language only, and `key!`/`t!` when the code names a message no catalog has, or
//! (`t!`) gives it other arguments than its variables.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::langid;

use crate::domain::Language;

// The catalogs themselves (`FR`, `EN`: every file of `config/locales/{fr,en}`) and
// the table of their messages (`MESSAGES`), written by build.rs.
include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

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
    /// Parses the built-in catalogs. build.rs parsed them already, so a
    /// failure here is a build defect, reported with the offending entry.
    pub fn load() -> Result<Texts, String> {
        Ok(Texts {
            fr: bundle(Language::Fr, FR)?,
            en: bundle(Language::En, EN)?,
        })
    }

    /// The sentence `key` in `language`, with `args` put in. Every `Key` names a
    /// message of both catalogs (checked when it was made); should formatting still
    /// fail, the key itself is shown and the failure logged.
    pub fn t(&self, language: Language, key: Key, args: &[Arg<'_>]) -> String {
        // `t!` checks the arguments at compile time; a key chosen at run time is
        // checked here, in every test run: a variable left out shows raw to people.
        debug_assert!(
            key.variables()
                .iter()
                .all(|v| args.iter().any(|(name, _)| name == v)),
            "{key} uses {:?}; given {:?}",
            key.variables(),
            args.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        );
        let key = key.id();
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

    /// The keys of one language's catalog, read from its text.
    #[cfg(test)]
    pub(crate) fn keys(language: Language) -> Vec<String> {
        let source = match language {
            Language::Fr => FR,
            Language::En => EN,
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

/// A message of the catalogs. Made only by [`key!`](crate::key) and
/// [`t!`](crate::t), which check at compile time that the message exists (and,
/// for `t!`, that the arguments given are exactly its variables): a key the
/// catalogs lack, or a misspelt argument, does not build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    id: &'static str,
    variables: &'static [&'static str],
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
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
/// `texts` is anything with a `t(language, Key, &[Arg])` method; a helper that
/// knows its reader's language (`t(Key, &[Arg])`) is called without one:
/// `t!(page, "dashboard-title")`.
#[macro_export]
macro_rules! t {
    ($texts:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $texts.t(
            $crate::key_taking!($id $(, $name)*),
            &[$($crate::i18n::arg(stringify!($name), $value)),*],
        )
    };
    ($texts:expr, $language:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $texts.t(
            $language,
            $crate::key_taking!($id $(, $name)*),
            &[$($crate::i18n::arg(stringify!($name), $value)),*],
        )
    };
}

/// For `t!` and `refusal!`: the message `id`, checked at compile time to take
/// exactly the arguments named.
#[doc(hidden)]
#[macro_export]
macro_rules! key_taking {
    ($id:literal $(, $name:ident)*) => {{
        const KEY: $crate::i18n::Key =
            match $crate::i18n::Key::checked($id, Some(&[$(stringify!($name)),*])) {
                Some(key) => key,
                None => panic!(concat!(
                    "`", $id, "` is not a message of config/locales taking exactly these arguments: "
                    $(, stringify!($name), " ")*
                )),
            };
        KEY
    }};
}

/// A text argument.
pub fn arg<'a>(name: &'a str, value: impl Into<FluentValue<'a>>) -> Arg<'a> {
    (name, value.into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn both_catalogs_parse() {
        Texts::load().unwrap();
    }

    /// The build script refuses catalogs that differ; the table it wrote holds
    /// every message of both.
    #[test]
    fn the_compile_time_table_holds_every_message_of_both_catalogs() {
        let table: BTreeSet<_> = MESSAGES.iter().map(|(id, _)| id.to_string()).collect();
        assert!(table.len() > 300, "{}", table.len());
        for language in Language::ALL {
            let keys: BTreeSet<_> = Texts::keys(language).into_iter().collect();
            assert_eq!(keys, table, "{language}");
        }
    }

    /// What `key!` and `t!` ask at compile time: the message exists, and takes
    /// exactly the arguments given (in any order).
    #[test]
    fn keys_and_their_arguments_are_checked_against_the_catalogs() {
        let created = ["category", "priority", "reference", "team"];
        assert!(Key::checked("ticket-created", None).is_some());
        assert!(Key::checked("ticket-created", Some(&created)).is_some());
        let shuffled = ["team", "reference", "priority", "category"];
        assert!(Key::checked("ticket-created", Some(&shuffled)).is_some());
        // One left out, one misspelt, one too many, no such message.
        assert!(Key::checked("ticket-created", Some(&created[1..])).is_none());
        let misspelt = ["category", "priority", "referense", "team"];
        assert!(Key::checked("ticket-created", Some(&misspelt)).is_none());
        assert!(Key::checked("status-open", Some(&["count"])).is_none());
        assert!(Key::checked("ticket-creatd", None).is_none());
        assert_eq!(key!("ticket-created").variables(), created);
    }

    #[test]
    fn arguments_are_put_in_without_isolation_marks() {
        let texts = Texts::load().unwrap();
        let text = t!(
            texts,
            Language::En,
            "ticket-created",
            reference = "TCK-20250214-002",
            team = "IT Department",
            category = "Computer hardware",
            priority = "P2 Normal",
        );
        assert!(text.contains("TCK-20250214-002"), "{text}");
        assert!(!text.contains('\u{2068}'), "{text:?}");
    }
}
