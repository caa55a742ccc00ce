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

/// Which module depends on which, among the children of one module, with the files that
/// make each dependency.
#[derive(Default)]
struct Graph {
    edges: BTreeMap<String, BTreeMap<String, BTreeSet<PathBuf>>>,
}

impl Graph {
    /// The dependencies between the children of `parent` (`[]`: the top-level modules),
    /// each child standing for everything inside it.
    fn between_children_of(parent: &[&str], dependencies: &[Dependency]) -> Graph {
        let child = |path: &ModulePath| -> Option<String> {
            let inside = path.len() > parent.len() && path.iter().zip(parent).all(|(a, b)| a == b);
            inside.then(|| path[parent.len()].clone())
        };
        let mut graph = Graph::default();
        for dependency in dependencies {
            let (Some(from), Some(to)) = (child(&dependency.from), child(&dependency.to)) else {
                continue;
            };
            if from != to {
                graph
                    .edges
                    .entry(from)
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(dependency.file.clone());
            }
        }
        graph
    }

    fn successors(&self, node: &str) -> impl Iterator<Item = &String> {
        self.edges.get(node).into_iter().flat_map(|to| to.keys())
    }

    /// The strongly connected components of more than one module (Tarjan's algorithm).
    fn tangles(&self) -> Vec<BTreeSet<String>> {
        let mut search = Tarjan::default();
        for node in self.edges.keys() {
            if !search.index.contains_key(node) {
                search.connect(self, node);
            }
        }
        search.components.retain(|c| c.len() > 1);
        search.components
    }

    /// The shortest cycle through each module of `tangle`, each named once.
    fn cycles_in(&self, tangle: &BTreeSet<String>) -> Vec<Cycle> {
        let mut cycles = BTreeSet::new();
        for start in tangle {
            if let Some(cycle) = self.shortest_cycle_through(start, tangle) {
                cycles.insert(cycle);
            }
        }
        cycles.into_iter().collect()
    }

    fn shortest_cycle_through(&self, start: &str, within: &BTreeSet<String>) -> Option<Cycle> {
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for next in self.successors(node).filter(|n| within.contains(*n)) {
                if next == start {
                    let mut modules = vec![node.to_string()];
                    let mut at = node;
                    while at != start {
                        at = came_from[at];
                        modules.push(at.to_string());
                    }
                    modules.reverse();
                    return Some(Cycle::new(modules));
                }
                if !came_from.contains_key(next.as_str()) {
                    came_from.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// "desk → scheduler: src/desk/mod.rs, src/desk/tickets.rs"
    fn describe_edge(&self, from: &str, to: &str) -> String {
        let files: Vec<String> = self.edges[from][to]
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        format!("{from} → {to}: {}", files.join(", "))
    }

    /// One paragraph per cycle, naming the files of each of its dependencies.
    fn report(&self) -> Vec<String> {
        let mut paragraphs = Vec::new();
        for tangle in self.tangles() {
            for cycle in self.cycles_in(&tangle) {
                let mut paragraph = format!("module cycle: {cycle}");
                for (from, to) in cycle.steps() {
                    paragraph.push_str("\n    ");
                    paragraph.push_str(&self.describe_edge(from, to));
                }
                paragraphs.push(paragraph);
            }
        }
        paragraphs
    }
}

/// Modules each depending on the next, the last on the first; told from the smallest.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cycle(Vec<String>);

impl Cycle {
    fn new(mut modules: Vec<String>) -> Cycle {
        let smallest = (0..modules.len()).min_by_key(|&i| &modules[i]).unwrap_or(0);
        modules.rotate_left(smallest);
        Cycle(modules)
    }

    fn steps(&self) -> impl Iterator<Item = (&str, &str)> {
        let next = self.0.iter().cycle().skip(1);
        self.0
            .iter()
            .zip(next)
            .map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for module in &self.0 {
            write!(f, "{module} → ")?;
        }
        write!(f, "{}", self.0[0])
    }
}

/// Tarjan's strongly connected components, one depth-first search.
#[derive(Default)]
struct Tarjan {
    index: BTreeMap<String, usize>,
    lowest: BTreeMap<String, usize>,
    stack: Vec<String>,
    on_stack: BTreeSet<String>,
    components: Vec<BTreeSet<String>>,
}

impl Tarjan {
    fn connect(&mut self, graph: &Graph, node: &str) {
        let index = self.index.len();
        self.index.insert(node.to_string(), index);
        self.lowest.insert(node.to_string(), index);
        self.stack.push(node.to_string());
        self.on_stack.insert(node.to_string());
        for next in graph.successors(node) {
            if !self.index.contains_key(next) {
                self.connect(graph, next);
                let lowest = self.lowest[node].min(self.lowest[next]);
                self.lowest.insert(node.to_string(), lowest);
            } else if self.on_stack.contains(next) {
                let lowest = self.lowest[node].min(self.index[next]);
                self.lowest.insert(node.to_string(), lowest);
            }
        }
        if self.lowest[node] == self.index[node] {
            let mut component = BTreeSet::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack.remove(&member);
                let done = member == node;
                component.insert(member);
                if done {
                    break;
                }
            }
            self.components.push(component);
        }
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
mod reading {
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
}
