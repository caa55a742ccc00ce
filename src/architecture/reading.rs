//! The reader of sources, on small snippets.

use super::*;

const ROOT: &str = "mod app; mod cli; mod desk; mod domain; mod engine; mod i18n; \
                    mod outbox; mod scheduler; mod store; mod web;";

fn parse(sources: &[(&str, &[&str], &str)]) -> Vec<SourceFile> {
    [("src/lib.rs", &[][..], ROOT)]
        .iter()
        .chain(sources)
        .map(|(file, module, text)| SourceFile {
            module: module.iter().map(|s| s.to_string()).collect(),
            file: PathBuf::from(file),
            syntax: syn::parse_file(text).expect("the snippet parses"),
        })
        .collect()
}

/// Which module names which, as "from → to" with paths joined by `::`.
fn named(sources: &[(&str, &[&str], &str)]) -> Vec<String> {
    dependencies(&parse(sources))
        .into_iter()
        .map(|d| format!("{} → {}", d.from.join("::"), d.to.join("::")))
        .collect()
}

#[test]
fn a_use_group_names_each_leaf_of_its_tree() {
    let found = named(&[
        (
            "src/web/mod.rs",
            &["web"],
            "use crate::{desk::Desk, store::{self, tickets::{find, list}}};",
        ),
        ("src/store/mod.rs", &["store"], "pub mod tickets;"),
    ]);
    assert_eq!(found, ["web → desk", "web → store", "web → store::tickets"]);
}

#[test]
fn super_climbs_from_the_files_module() {
    let found = named(&[
        (
            "src/engine/mod.rs",
            &["engine"],
            "mod card; mod labels; mod say;",
        ),
        (
            "src/engine/card.rs",
            &["engine", "card"],
            "use super::labels::status; use super::super::desk::Desk;\n\
             fn f() { super::say::tell(); }",
        ),
    ]);
    assert_eq!(
        found,
        [
            "engine::card → desk",
            "engine::card → engine::labels",
            "engine::card → engine::say"
        ]
    );
}

#[test]
fn paths_in_code_and_in_macros_count_and_comments_do_not() {
    let found = named(&[(
        "src/cli/mod.rs",
        &["cli"],
        "// crate::web::serve\n\
         /// Calls [`crate::engine::Engine`].\n\
         fn f() -> crate::app::App { tokio::select! { _ = crate::outbox::run() => {} } }",
    )]);
    assert_eq!(found, ["cli → app", "cli → outbox"]);
}

#[test]
fn test_modules_and_test_items_are_left_aside() {
    let found = named(&[(
        "src/domain/mod.rs",
        &["domain"],
        "#[cfg(test)] mod tests { use crate::store::Store; }\n\
         #[cfg(test)] use crate::desk::Desk;\n\
         impl X { #[cfg(test)] fn f() { crate::web::serve(); } }\n\
         mod inner { use crate::i18n::Texts; }",
    )]);
    assert_eq!(found, ["domain::inner → i18n"]);
}

#[test]
fn a_re_exported_name_leads_to_the_module_that_defines_it() {
    let found = named(&[
        (
            "src/engine/mod.rs",
            &["engine"],
            "mod labels; mod staff; pub use labels::Refusal;",
        ),
        (
            "src/engine/staff.rs",
            &["engine", "staff"],
            "use super::Refusal;",
        ),
    ]);
    assert_eq!(
        found,
        ["engine → engine::labels", "engine::staff → engine::labels"]
    );
}

#[test]
fn a_cycle_is_named_with_the_files_that_make_it() {
    let sources = parse(&[
        ("src/desk/mod.rs", &["desk"], "use crate::scheduler::plan;"),
        (
            "src/scheduler/mod.rs",
            &["scheduler"],
            "use crate::engine::Engine;",
        ),
        ("src/engine/mod.rs", &["engine"], "use crate::desk::Desk;"),
        ("src/web/mod.rs", &["web"], "use crate::engine::Engine;"),
    ]);
    let graph = Graph::between_children_of(&[], &dependencies(&sources));
    assert_eq!(
        graph.report(),
        ["module cycle: desk → scheduler → engine → desk\n    \
          desk → scheduler: src/desk/mod.rs\n    \
          scheduler → engine: src/scheduler/mod.rs\n    \
          engine → desk: src/engine/mod.rs"]
    );
}

#[test]
fn naming_an_item_of_the_parent_is_no_dependency_on_a_sibling() {
    let sources = parse(&[
        (
            "src/engine/mod.rs",
            &["engine"],
            "mod staff; use crate::engine::staff::handle;",
        ),
        (
            "src/engine/staff.rs",
            &["engine", "staff"],
            "use super::EngineError;",
        ),
    ]);
    let graph = Graph::between_children_of(&["engine"], &dependencies(&sources));
    assert!(graph.edges.is_empty());
}
