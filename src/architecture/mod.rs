//! The modules depend on each other one way only: the domain at the bottom, the store,
//! the configuration and the presentation above it, the desk above those, the engine and
//! the outbox above the desk, the web and the CLI on top. A cycle would tie modules that
//! should change apart, so these tests read the library's sources and fail naming every
//! cycle among the top-level modules, and among the engine's.
//!
//! The sources are read the way rustc finds them: from `lib.rs`, following `mod`
//! declarations, leaving `#[cfg(test)]` items aside. A module depends on another when it
//! names it: in a `use` tree, in a path (`crate::store::tickets::find`, `super::card`), or
//! in a macro's tokens. Names re-exported by a module (`pub use labels::Refusal`) lead to
//! the module that defines them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// A module's place in the crate, from its root: `["engine", "card"]`.
mod graph;

use graph::Graph;

type ModulePath = Vec<String>;

/// One source file of the library, parsed.
struct SourceFile {
    /// The module the file holds.
    module: ModulePath,
    /// Where it is, relative to the package, to name it in a failure.
    file: PathBuf,
    syntax: syn::File,
}

/// A module naming an item of another: `from` names `to` in `file`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Dependency {
    from: ModulePath,
    to: ModulePath,
    file: PathBuf,
}

/// Every source file of the library reachable from `src/lib.rs`.
fn library_sources() -> Vec<SourceFile> {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    read_module(package, Path::new("src/lib.rs"), Vec::new(), &mut files);
    files
}

/// Reads the file of `module` and, after it, the files of the modules it declares.
fn read_module(package: &Path, file: &Path, module: ModulePath, files: &mut Vec<SourceFile>) {
    let text = std::fs::read_to_string(package.join(file))
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let owns_directory = matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("lib.rs" | "mod.rs")
    );
    let directory = if owns_directory {
        file.with_file_name("")
    } else {
        file.with_extension("")
    };
    let mut declared = Vec::new();
    out_of_line_modules(&syntax.items, &directory, &module, &mut declared);
    files.push(SourceFile {
        module,
        file: file.to_path_buf(),
        syntax,
    });
    for (child, module) in declared {
        let flat = child.with_extension("rs");
        let nested = child.join("mod.rs");
        let found = if package.join(&flat).exists() {
            flat
        } else {
            nested
        };
        read_module(package, &found, module, files);
    }
}

/// The `mod x;` declarations among `items` (inline modules searched too), with the path of
/// each one's file without its extension, and its module path.
fn out_of_line_modules(
    items: &[syn::Item],
    directory: &Path,
    module: &[String],
    found: &mut Vec<(PathBuf, ModulePath)>,
) {
    for item in items {
        let syn::Item::Mod(declared) = item else {
            continue;
        };
        if for_tests_only(&declared.attrs) {
            continue;
        }
        let name = declared.ident.to_string();
        let mut path = module.to_vec();
        path.push(name.clone());
        match &declared.content {
            None => found.push((directory.join(&name), path)),
            Some((_, inner)) => out_of_line_modules(inner, &directory.join(&name), &path, found),
        }
    }
}

/// Whether the attributes include `#[cfg(test)]`.
fn for_tests_only(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|attribute| {
        attribute.path().is_ident("cfg")
            && attribute
                .parse_args::<syn::Ident>()
                .is_ok_and(|predicate| predicate == "test")
    })
}

/// What every module names of the others, through the re-exports: each dependency leads
/// to the module that holds the named item.
fn dependencies(files: &[SourceFile]) -> Vec<Dependency> {
    let mut names = Names::default();
    for file in files {
        names.modules.insert(file.module.clone());
        names.collect_modules(&file.module, &file.syntax.items);
    }
    for file in files {
        names.collect_imports(&file.module, &file.syntax.items);
    }
    let mut found = BTreeSet::new();
    for file in files {
        let mut reader = Reader {
            names: &names,
            module: file.module.clone(),
            named: Vec::new(),
        };
        reader.read_items(&file.syntax.items);
        for (from, to) in reader.named {
            let to = names.holder(names.resolve(to));
            found.insert(Dependency {
                from,
                to,
                file: file.file.clone(),
            });
        }
    }
    found.into_iter().collect()
}

/// The crate's modules, and the names each brings in with `use`, which its children may
/// name through it.
#[derive(Default)]
struct Names {
    modules: BTreeSet<ModulePath>,
    /// `["engine", "Refusal"]` → `["engine", "labels", "Refusal"]`.
    imported: BTreeMap<ModulePath, ModulePath>,
}

impl Names {
    fn collect_modules(&mut self, module: &[String], items: &[syn::Item]) {
        for item in items {
            if let syn::Item::Mod(declared) = item
                && !for_tests_only(&declared.attrs)
            {
                let mut inner = module.to_vec();
                inner.push(declared.ident.to_string());
                if let Some((_, items)) = &declared.content {
                    self.collect_modules(&inner, items);
                }
                self.modules.insert(inner);
            }
        }
    }

    fn collect_imports(&mut self, module: &[String], items: &[syn::Item]) {
        for item in items {
            if item_attributes(item).is_some_and(for_tests_only) {
                continue;
            }
            match item {
                syn::Item::Use(used) => {
                    for (name, target) in self.imported_names(module, &used.tree) {
                        let mut alias = module.to_vec();
                        alias.push(name);
                        self.imported.insert(alias, target);
                    }
                }
                syn::Item::Mod(syn::ItemMod {
                    ident,
                    content: Some((_, inner)),
                    ..
                }) => {
                    let mut inner_module = module.to_vec();
                    inner_module.push(ident.to_string());
                    self.collect_imports(&inner_module, inner);
                }
                _ => {}
            }
        }
    }

    /// The names a `use` tree brings in, each with the absolute path it stands for.
    /// Imports from other crates and globs bring in nothing here.
    fn imported_names(&self, module: &[String], tree: &syn::UseTree) -> Vec<(String, ModulePath)> {
        let mut found = Vec::new();
        walk_use_tree(tree, &mut Vec::new(), &mut |prefix, leaf| {
            let (name, last) = match leaf {
                syn::UseTree::Name(n) => (n.ident.to_string(), n.ident.to_string()),
                syn::UseTree::Rename(r) => (r.rename.to_string(), r.ident.to_string()),
                _ => return,
            };
            let mut written = prefix.to_vec();
            // `use crate::store::{self, …}` imports `store` itself.
            let name = if last == "self" {
                match prefix.last() {
                    Some(parent) if name == "self" => parent.clone(),
                    _ => name,
                }
            } else {
                written.push(last);
                name
            };
            if let Some(target) = self.absolute(module, &written) {
                found.push((name, target));
            }
        });
        found
    }

    /// The path from the crate's root that `written` stands for in `module`, when it
    /// starts with `crate`, `self`, `super` or a submodule of `module`; other paths name
    /// other crates or local items.
    fn absolute(&self, module: &[String], written: &[String]) -> Option<ModulePath> {
        let (first, rest) = written.split_first()?;
        let mut path = match first.as_str() {
            "crate" => Vec::new(),
            "self" => module.to_vec(),
            "super" => module.get(..module.len().checked_sub(1)?)?.to_vec(),
            _ => {
                let mut child = module.to_vec();
                child.push(first.clone());
                if !self.modules.contains(&child) {
                    return None;
                }
                child
            }
        };
        let mut rest = rest.iter().peekable();
        while rest.peek().is_some_and(|s| *s == "super") {
            rest.next();
            path.pop()?;
        }
        path.extend(rest.cloned());
        Some(path)
    }

    /// The path of the item `path` names, following imports (a few hops at most: an
    /// import of an import).
    fn resolve(&self, mut path: ModulePath) -> ModulePath {
        for _ in 0..8 {
            let Some(length) = (1..=path.len())
                .rev()
                .find(|&length| self.imported.contains_key(&path[..length]))
            else {
                break;
            };
            let mut target = self.imported[&path[..length]].clone();
            if target == path[..length] {
                break;
            }
            target.extend_from_slice(&path[length..]);
            path = target;
        }
        path
    }

    /// The module that holds the item at `path`: its longest prefix that is a module.
    fn holder(&self, mut path: ModulePath) -> ModulePath {
        while !path.is_empty() && !self.modules.contains(&path) {
            path.pop();
        }
        path
    }
}

fn item_attributes(item: &syn::Item) -> Option<&[syn::Attribute]> {
    Some(match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => return None,
    })
}

/// Calls `leaf` with each leaf of the tree and the path written before it.
fn walk_use_tree(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    leaf: &mut dyn FnMut(&[String], &syn::UseTree),
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            walk_use_tree(&p.tree, prefix, leaf);
            prefix.pop();
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                walk_use_tree(tree, prefix, leaf);
            }
        }
        _ => leaf(prefix, tree),
    }
}

/// Walks one file, noting each path it names from the crate's root.
struct Reader<'n> {
    names: &'n Names,
    /// The module being read (an inline module inside the file included).
    module: ModulePath,
    /// (the module naming, the path it names).
    named: Vec<(ModulePath, ModulePath)>,
}

impl Reader<'_> {
    fn read_items(&mut self, items: &[syn::Item]) {
        for item in items {
            self.visit_item(item);
        }
    }

    fn note(&mut self, written: &[String]) {
        if let Some(to) = self.names.absolute(&self.module, written) {
            self.named.push((self.module.clone(), to));
        }
    }

    /// Paths inside a macro's tokens: `crate :: x :: y`, `super :: x`.
    fn read_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut index = 0;
        while index < trees.len() {
            if let TokenTree::Group(group) = &trees[index] {
                self.read_tokens(group.stream());
                index += 1;
                continue;
            }
            let mut written = Vec::new();
            let mut next = index;
            while let Some(TokenTree::Ident(ident)) = trees.get(next) {
                written.push(ident.to_string());
                next += 1;
                if is_path_separator(&trees, next) {
                    next += 2;
                } else {
                    break;
                }
            }
            if written.len() > 1 {
                self.note(&written);
            }
            index = next.max(index + 1);
        }
    }
}

fn is_path_separator(trees: &[TokenTree], at: usize) -> bool {
    let colon = |i: usize| matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ':');
    colon(at) && colon(at + 1)
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !item_attributes(item).is_some_and(for_tests_only) {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attributes = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => return visit::visit_impl_item(self, item),
        };
        if !for_tests_only(attributes) {
            visit::visit_impl_item(self, item);
        }
    }

    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        if let Some((_, items)) = &module.content {
            self.module.push(module.ident.to_string());
            self.read_items(items);
            self.module.pop();
        }
    }

    fn visit_item_use(&mut self, used: &'ast syn::ItemUse) {
        let mut leaves = Vec::new();
        walk_use_tree(&used.tree, &mut Vec::new(), &mut |prefix, leaf| {
            let mut written = prefix.to_vec();
            match leaf {
                syn::UseTree::Name(n) if n.ident != "self" => written.push(n.ident.to_string()),
                syn::UseTree::Rename(r) if r.ident != "self" => written.push(r.ident.to_string()),
                _ => {}
            }
            leaves.push(written);
        });
        for written in leaves {
            self.note(&written);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            let written: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.note(&written);
        }
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        self.read_tokens(mac.tokens.clone());
    }
}

fn assert_no_cycle(graph: &Graph, among: &str) {
    let report = graph.report();
    assert!(
        report.is_empty(),
        "{} cycle(s) among {among}:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_top_level_modules_depend_on_each_other_one_way() {
    let dependencies = dependencies(&library_sources());
    let graph = Graph::between_children_of(&[], &dependencies);
    assert!(
        graph.edges.contains_key("engine"),
        "the reader found no dependency of the engine: it reads nothing"
    );
    assert_no_cycle(&graph, "the top-level modules");
}

#[test]
fn the_engines_modules_depend_on_each_other_one_way() {
    let dependencies = dependencies(&library_sources());
    let graph = Graph::between_children_of(&["engine"], &dependencies);
    assert!(
        !graph.edges.is_empty(),
        "the reader found no dependency between the engine's modules: it reads nothing"
    );
    assert_no_cycle(&graph, "the engine's modules");
}

/// Reading snippets: each source is (file name, module path, text); the first is the
/// crate's root, declaring the modules.
#[cfg(test)]
mod reading;
