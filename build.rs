//! Reads the text catalogs (`config/locales/{fr,en}/*.ftl`) and writes, to
//! `$OUT_DIR/catalog.rs`, the set of their messages, each with the variables it
//! uses, and the catalogs themselves (every file, so a new one cannot be left out).
//! The `key!` and `t!` macros (`src/i18n.rs`) check every key and every argument
//! name the code gives against the set at compile time.
//!
//! The build fails, naming the entry, when a catalog does not parse or when a
//! message exists in one language only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{
    CallArguments, Entry, Expression, InlineExpression, Pattern, PatternElement,
};

const LANGUAGES: [&str; 2] = ["fr", "en"];

/// Message id → the variables its pattern uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn main() {
    let root = Path::new("config/locales");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut by_language = Vec::new();
    let mut sources = String::new();
    for language in LANGUAGES {
        let dir = root.join(language);
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut messages = Messages::new();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a catalog file").path())
            .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        // The catalog the binary carries: every file of the language, in order.
        let parts: Vec<String> = files
            .iter()
            .map(|path| {
                let name = path.file_name().expect("a file").to_string_lossy();
                format!(
                    "include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/config/locales/{language}/{name}\"))"
                )
            })
            .collect();
        sources.push_str(&format!(
            "/// The {language} catalog: every `config/locales/{language}/*.ftl`.\n\
             pub(crate) const {}: &str = concat!({});\n",
            language.to_uppercase(),
            parts.join(", \"\\n\", ")
        ));
        for path in files {
            println!("cargo::rerun-if-changed={}", path.display());
            let source = std::fs::read_to_string(&path).expect("a readable catalog");
            read(&path, &source, &mut messages);
        }
        by_language.push((language, messages));
    }
    let (first, first_messages) = &by_language[0];
    let mut all = first_messages.clone();
    for (language, messages) in &by_language[1..] {
        let only = |a: &Messages, b: &Messages| -> Vec<String> {
            a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
        };
        let missing = only(first_messages, messages);
        let extra = only(messages, first_messages);
        assert!(
            missing.is_empty() && extra.is_empty(),
            "the catalogs differ: in {first} only: {missing:?}; in {language} only: {extra:?}"
        );
        for (id, variables) in messages {
            all.entry(id.clone()).or_default().extend(variables.clone());
        }
    }
    let mut out = String::from(
        "/// Every message of the catalogs, sorted, with the variables either language uses.\n\
         pub(crate) const MESSAGES: &[(&str, &[&str])] = &[\n",
    );
    for (id, variables) in &all {
        let list: Vec<String> = variables.iter().map(|v| format!("{v:?}")).collect();
        out.push_str(&format!("    ({id:?}, &[{}]),\n", list.join(", ")));
    }
    out.push_str("];\n");
    out.push_str(&sources);
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalog.rs");
    std::fs::write(target, out).expect("the generated catalog is written");
}

fn read(path: &Path, source: &str, messages: &mut Messages) {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
    for entry in resource.body {
        let Entry::Message(message) = entry else {
            continue;
        };
        let mut variables = BTreeSet::new();
        if let Some(pattern) = &message.value {
            in_pattern(pattern, &mut variables);
        }
        for attribute in &message.attributes {
            in_pattern(&attribute.value, &mut variables);
        }
        let id = message.id.name.to_owned();
        assert!(
            messages.insert(id.clone(), variables).is_none(),
            "{}: {id} is defined twice",
            path.display()
        );
    }
}

fn in_pattern(pattern: &Pattern<&str>, variables: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            in_expression(expression, variables);
        }
    }
}

fn in_expression(expression: &Expression<&str>, variables: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            in_inline(selector, variables);
            for variant in variants {
                in_pattern(&variant.value, variables);
            }
        }
        Expression::Inline(inline) => in_inline(inline, variables),
    }
}

fn in_inline(inline: &InlineExpression<&str>, variables: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            variables.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => in_arguments(arguments, variables),
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => in_arguments(arguments, variables),
        InlineExpression::Placeable { expression } => in_expression(expression, variables),
        _ => {}
    }
}

fn in_arguments(arguments: &CallArguments<&str>, variables: &mut BTreeSet<String>) {
    for argument in &arguments.positional {
        in_inline(argument, variables);
    }
    for argument in &arguments.named {
        in_inline(&argument.value, variables);
    }
}
