//! Every code lives in one enum (`core::problem::Code`); this keeps the others honest: each code
//! is explained in docs/codes.md and listed in the README's table, and every code or class the
//! UI switches on is a real one (a typo there fails silently in the browser).

use asc_key_wizard::core::problem::{Class, Code};
use std::path::Path;

const DOCS: &str = include_str!("../../docs/codes.md");
const README: &str = include_str!("../../README.md");

fn quoted(code: &str) -> String {
    format!("`{code}`")
}

#[test]
fn every_code_is_explained_in_docs_and_listed_in_the_readme() {
    let readme_codes = &README[README.find("## Codes").expect("README has a Codes section")..];
    let readme_codes = &readme_codes[..readme_codes[3..]
        .find("\n## ")
        .map_or(readme_codes.len(), |i| i + 3)];
    let missing_docs: Vec<_> = Code::ALL
        .iter()
        .filter(|c| !DOCS.contains(&quoted(c.as_str())))
        .collect();
    let missing_readme: Vec<_> = Code::ALL
        .iter()
        .filter(|c| !readme_codes.contains(&quoted(c.as_str())))
        .collect();
    assert!(
        missing_docs.is_empty(),
        "not in docs/codes.md: {missing_docs:?}"
    );
    assert!(
        missing_readme.is_empty(),
        "not in the README's Codes section: {missing_readme:?}"
    );
}

/// The snake_case strings the UI compares codes, outcomes and classes with.
fn ui_literals() -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "js") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for (kind, value) in literals(&text) {
                found.push((name.clone(), kind, value));
            }
        }
    }
    found
}

/// `code === 'x'`, `outcome !== 'x'`, `class === 'x'`, `code: 'x'` and the entries of
/// `new Set([...])` of codes.
fn literals(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for field in ["code", "outcome", "class"] {
        for op in [" === '", " !== '", ": '"] {
            let needle = format!("{field}{op}");
            let mut rest = text;
            while let Some(i) = rest.find(&needle) {
                let after = &rest[i + needle.len()..];
                let value: String = after.chars().take_while(|c| *c != '\'').collect();
                if field != "class" || op != ": '" {
                    out.push((field.to_owned(), value));
                }
                rest = after;
            }
        }
    }
    let mut rest = text;
    while let Some(i) = rest.find("new Set([") {
        let after = &rest[i + "new Set([".len()..];
        let body = &after[..after.find("])").unwrap_or(0)];
        for item in body
            .split(',')
            .map(|s| s.trim().trim_matches('\''))
            .filter(|s| !s.is_empty())
        {
            if item.contains('_') {
                out.push(("code".to_owned(), item.to_owned()));
            }
        }
        rest = after;
    }
    out
}

#[test]
fn the_ui_switches_only_on_real_codes_and_classes() {
    let classes = [
        Class::Usable,
        Class::NotUsable,
        Class::Usage,
        Class::Refused,
        Class::NoAnswer,
        Class::Storage,
    ]
    .map(|c| {
        serde_json::to_value(c)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    });
    let found = ui_literals();
    // The UI names no code any more (tests/suite/ui_decides_nothing.rs): its checks are on classes.
    assert!(
        found.iter().any(|(_, k, v)| k == "class" && v == "usable"),
        "the scan finds the UI's checks: {found:?}"
    );
    let wrong: Vec<_> = found
        .iter()
        .filter(|(_, kind, value)| match kind.as_str() {
            "class" => !classes.contains(value),
            // `typeof err.code === 'string'` in ipc.js is a type test, not a code.
            _ => value != "string" && Code::parse(value).is_none(),
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "the UI names codes or classes that do not exist: {wrong:?}"
    );
}

#[test]
fn the_scan_would_catch_a_drifted_code() {
    let found = literals("if (p.code === 'upload_unauthorized' || p.code === 'token_missing') {}");
    assert!(found
        .iter()
        .any(|(_, v)| v == "token_missing" && Code::parse(v).is_none()));
}
