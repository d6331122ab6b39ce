//! The core reads bottom-up: no import cycle among its modules, nor among the files of one of its folders (issue 23);
//! and it is the same in every build: no module of it behind the `gui` feature.
//!
//! Every `crate::core::…` path (grouped `use crate::core::{a, b::c}` included) and every `super::…`
//! path in a file of `src-tauri/src/core` is an arrow from that file's module to the module it
//! names. Arrows into a folder's own `mod.rs` from the files under it are not counted: `mod.rs`
//! only declares and re-exports them; nor are the unit tests' own imports. A cycle fails with its
//! modules in order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn core_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/core")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's place under `core/` as path segments: `key/pem.rs` → `["key", "pem"]`, `key/mod.rs` → `["key"]`.
fn segments(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(core_dir()).unwrap();
    let mut s: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if s.last().is_some_and(|l| l == "mod") {
        s.pop();
    }
    s
}

/// The paths a source names after `prefix` (`crate::core::` or `super::`), each as its segments,
/// with `{a, b::c}` groups expanded.
fn named_paths(src: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        // Only a path that starts here (not `crate::core::` inside a longer word).
        let mut path = Vec::new();
        let mut s = rest;
        loop {
            if let Some(group) = s.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let item: Vec<String> = item
                        .trim()
                        .split("::")
                        .map(|p| p.trim().to_owned())
                        .filter(|p| !p.is_empty())
                        .collect();
                    if !item.is_empty() {
                        out.push(path.iter().cloned().chain(item).collect());
                    }
                }
                path.clear();
                break;
            }
            let word: String = s
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if word.is_empty() {
                break;
            }
            s = &s[word.len()..];
            path.push(word);
            match s.strip_prefix("::") {
                Some(more) => s = more,
                None => break,
            }
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
    out
}

/// The source without its unit tests (a `#[cfg(test)]`/`#[cfg(all(test, …))]` module, last in the
/// file by this project's habit): a test may reach up to set a case up; the code may not.
fn without_tests(src: &str) -> String {
    let mut out = String::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        let test_attr = t.starts_with("#[cfg(test)]") || t.starts_with("#[cfg(all(test");
        if test_attr
            && lines.peek().is_some_and(|next| {
                next.trim_start().starts_with("mod ")
                    || next.trim_start().starts_with("pub(crate) mod ")
            })
        {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The deepest module file a path names (`["key", "pem", "from_pem"]` → `["key", "pem"]`).
fn module_of(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Arrows between modules: at the top level (the first segment), and inside each folder (file to file).
fn arrows() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(&core_dir(), &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| segments(f)).collect();
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in &files {
        let me = segments(file);
        if me.is_empty() {
            continue; // core/mod.rs declares the modules
        }
        let src = without_tests(&std::fs::read_to_string(file).unwrap());
        let mut targets: Vec<Vec<String>> = named_paths(&src, "crate::core::");
        // `super::` from a folder's file names a sibling (or the folder's mod.rs).
        let parent: Vec<String> = me[..me.len() - 1].to_vec();
        targets.extend(
            named_paths(&src, "super::")
                .into_iter()
                .map(|p| parent.iter().cloned().chain(p).collect()),
        );
        for target in targets {
            let Some(to) = module_of(&target, &modules) else {
                continue;
            };
            if to.is_empty() || to == me {
                continue;
            }
            // Into a folder's own mod.rs from below it: declarations and re-exports, not a layer.
            if me.starts_with(&to) {
                continue;
            }
            // Top level: one node per top-level module; inside a folder: one node per file.
            let (from_top, to_top) = (&me[..1], &to[..1]);
            if from_top != to_top {
                graph
                    .entry(from_top.to_vec())
                    .or_default()
                    .insert(to_top.to_vec());
            } else if me.len() == to.len() {
                graph.entry(me.clone()).or_default().insert(to.clone());
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            return Some(stack[i..].iter().cloned().chain([node.clone()]).collect());
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_in_core() {
    let graph = arrows();
    assert!(graph.len() > 10, "the arrows were not found: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle
            .iter()
            .map(|m| format!("core::{}", m.join("::")))
            .collect();
        panic!("an import cycle in the core: {}", names.join(" -> "));
    }
}

/// The test can fail: a made-up graph with a loop is caught, one without is not.
#[test]
fn a_cycle_is_found_and_named() {
    let m = |s: &str| vec![s.to_owned()];
    let mut g: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    g.entry(m("vault")).or_default().insert(m("ids"));
    g.entry(m("retest")).or_default().insert(m("vault"));
    assert_eq!(find_cycle(&g), None);
    g.entry(m("vault")).or_default().insert(m("retest"));
    assert_eq!(
        find_cycle(&g),
        Some(vec![m("retest"), m("vault"), m("retest")])
    );
    // Grouped and nested paths are read as arrows.
    let paths = named_paths(
        "use crate::core::{ids::KeyKind, key::PrivateKey};\nuse super::found::Found;",
        "crate::core::",
    );
    assert_eq!(
        paths,
        vec![
            vec!["ids".to_owned(), "KeyKind".into()],
            vec!["key".to_owned(), "PrivateKey".into()]
        ]
    );
}

/// The features that switch the wizard on: `gui` and every feature in Cargo.toml that enables it.
fn gui_features() -> Vec<String> {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut in_features = false;
    let mut out = vec!["gui".to_owned()];
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if let (true, Some((name, list))) = (in_features, line.split_once('=')) {
            if list.contains("\"gui\"") {
                out.push(name.trim().to_owned());
            }
        }
    }
    out
}

/// The modules a source declares behind a `cfg` naming one of `features` (`#[cfg(feature = "gui")]
/// mod x;`, `#[cfg(all(feature = "gui", unix))] pub mod x { … }`), and the whole file when it
/// opens with `#![cfg(feature = "gui")]`.
fn gated_modules(src: &str, features: &[String]) -> Vec<String> {
    let names_one = |attr: &str| {
        let attr: String = attr.chars().filter(|c| !c.is_whitespace()).collect();
        features
            .iter()
            .any(|f| attr.contains(&format!("feature=\"{f}\"")))
    };
    let mut out = Vec::new();
    let mut gated = false;
    for line in src.lines() {
        let t = line.trim_start();
        if t.starts_with("#![cfg") && names_one(t) {
            out.push("(the whole file)".to_owned());
        } else if t.starts_with("#[") {
            gated |= t.starts_with("#[cfg") && names_one(t);
            continue;
        } else if t.starts_with("//") || t.is_empty() {
            continue;
        } else if gated {
            let decl = t
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            if let Some(name) = decl.strip_prefix("mod ") {
                out.push(name.trim_end_matches([';', '{', ' ']).to_owned());
            }
        }
        gated = false;
    }
    out
}

/// Issue 23 §2: the core is the same in every build. No module under `core/` is declared behind
/// `gui` (or a feature that turns it on): a rule the wizard needs is core, compiled headless too,
/// and what needs the wizard's crates (the watch, the Trash) lives in `app/`.
#[test]
fn no_module_in_core_is_behind_the_gui_feature() {
    let features = gui_features();
    assert!(
        features.iter().any(|f| f == "mock-runtime"),
        "the features that enable gui were not read from Cargo.toml: {features:?}"
    );
    let mut files = Vec::new();
    rust_files(&core_dir(), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|file| {
            let src = std::fs::read_to_string(file).unwrap();
            gated_modules(&src, &features)
                .into_iter()
                .map(move |m| format!("{}: mod {m}", file.display()))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "modules in core behind the wizard's features:\n{}",
        offenders.join("\n")
    );
}

/// The check can fail: gated declarations are found, in each spelling; others are not.
#[test]
fn a_gui_gated_module_is_found() {
    let features = ["gui".to_owned(), "e2e-seam".to_owned()];
    let src = "pub mod account;\n#[cfg(feature = \"gui\")]\npub mod downloads;\n\
               #[cfg(all(unix, feature = \"e2e-seam\"))]\n/// seam\nmod seam {\n}\n\
               #[cfg(feature = \"test-support\")]\npub mod memory;\n\
               #[cfg(feature = \"gui\")]\nfn helper() {}\nmod after_fn;\n";
    assert_eq!(gated_modules(src, &features), ["downloads", "seam"]);
    assert_eq!(
        gated_modules("#![cfg(feature = \"gui\")]\nfn x() {}\n", &features),
        ["(the whole file)"]
    );
}
