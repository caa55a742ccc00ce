//! The graph of dependencies between modules, and its cycles (Tarjan's strongly
//! connected components, each reported by its shortest loop).

use super::*;

/// Which module depends on which, among the children of one module, with the files that
/// make each dependency.
#[derive(Default)]
pub(super) struct Graph {
    pub(super) edges: BTreeMap<String, BTreeMap<String, BTreeSet<PathBuf>>>,
}

impl Graph {
    /// The dependencies between the children of `parent` (`[]`: the top-level modules),
    /// each child standing for everything inside it.
    pub(super) fn between_children_of(parent: &[&str], dependencies: &[Dependency]) -> Graph {
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
    pub(super) fn report(&self) -> Vec<String> {
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
