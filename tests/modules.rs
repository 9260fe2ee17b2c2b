//! The shape of the code: no import circle between the crate's modules, and each compiler pass imports only
//! what comes before it. Read from the sources, the way `use crate::` paths name their targets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util;

/// The top-level module a source file belongs to: `src/resolve/rules/apps.rs` -> `resolve`. The crate root
/// (`lib.rs`, `main.rs`) is the entry, not a module of the graph.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// What the non-test code of a file says: everything before its `#[cfg(test)]` module, comments left out.
/// Files that are test modules themselves (`tests.rs`) say nothing.
fn code(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text,
    };
    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The modules `text` names: `crate::x` in a path or a `use crate::{x, y}` group.
fn references(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let name: String = name.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if modules.contains(&name) {
                out.insert(name);
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = util::root().join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f.strip_prefix(&src).unwrap())).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(file.strip_prefix(&src).unwrap()) else { continue };
        let mut targets = references(&code(file), &modules);
        targets.remove(&module);
        graph.entry(module).or_default().extend(targets);
    }
    graph
}

/// A circle through `from`, if there is one: the modules on it, in order.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![from.to_string()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn no_import_circle_between_modules() {
    let graph = graph();
    assert!(graph.len() > 10, "the graph was not read: {graph:?}");
    for module in graph.keys() {
        if let Some(circle) = circle(&graph, module) {
            panic!("import circle: {}", circle.join(" -> "));
        }
    }
}

#[test]
fn each_pass_imports_only_what_comes_before_it() {
    let graph = graph();
    let later = [
        ("parse", &["resolve", "plan", "render", "write", "cli"][..]),
        ("resolve", &["parse", "render", "write", "cli", "init", "doctor"][..]),
        ("plan", &["parse", "resolve", "render", "write", "cli"][..]),
        ("render", &["parse", "resolve", "write", "cli", "init"][..]),
        ("write", &["parse", "resolve", "cli"][..]),
    ];
    for (pass, forbidden) in later {
        for target in graph.get(pass).into_iter().flatten() {
            assert!(!forbidden.contains(&target.as_str()), "`{pass}` imports `{target}`, a later pass or the CLI");
        }
    }
}

#[test]
fn references_are_read_from_paths_and_groups() {
    let modules: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    let found = references("use crate::{a::X, b};\nlet x = crate::c::f(); crate::d::g()", &modules);
    assert_eq!(found, modules);
}
