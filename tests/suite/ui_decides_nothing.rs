//! The webview acts on what Rust decided (a class, a way out, the 401 checklist as items), never
//! on a result code: no UI module names one, and the events it hears are named once on each side.

use asc_key_wizard::core::problem::Code;
use std::path::{Path, PathBuf};

/// ipc.js's own stand-in for a failure that did not come from Rust names the one code it makes.
const LEFT: &[(&str, &str)] = &[("ipc.js", "internal")];

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

fn ui_files() -> Vec<(String, String)> {
    let mut paths = Vec::new();
    js_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("ui"),
        &mut paths,
    );
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// Every whole string literal ('…', "…" or `…` without `${`) in a JS text.
fn string_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'/') {
            // Comments' words are not compared with anything.
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            // A block comment (a doc comment may name what a command rejects with).
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            continue;
        }
        if c == '\'' || c == '"' || c == '`' {
            let mut lit = String::new();
            while let Some(d) = chars.next() {
                if d == '\\' {
                    chars.next();
                    continue;
                }
                if d == c {
                    break;
                }
                lit.push(d);
            }
            out.push(lit);
        }
    }
    out
}

/// The result codes a JS text names as a whole string (`'valid'`, `"key_is_team"`).
fn named_codes(text: &str) -> Vec<Code> {
    string_literals(text)
        .iter()
        .filter_map(|s| Code::parse(s))
        .collect()
}

#[test]
fn the_ui_names_no_result_code() {
    let mut named = Vec::new();
    for (file, text) in ui_files() {
        for code in named_codes(&text) {
            if !LEFT.contains(&(file.as_str(), code.as_str())) {
                named.push(format!("{file}: {code}"));
            }
        }
    }
    assert!(
        named.is_empty(),
        "the UI decides by code; let Rust send the class, way out or item instead: {named:?}"
    );
}

#[test]
fn the_scan_would_catch_a_code() {
    let found = named_codes("if (v.outcome === 'valid') {}\nconst X = new Set([\"key_is_team\"]);\n// 'not_authorized' in a comment\n/** `forbidden` */ const ok = `${a} valid`;");
    assert_eq!(found, vec![Code::Valid, Code::KeyIsTeam]);
}

#[cfg(feature = "gui")]
#[test]
fn events_are_named_once_on_each_side() {
    use asc_key_wizard::app::events;
    let files = ui_files();
    let (_, events_js) = files
        .iter()
        .find(|(f, _)| f == "events.js")
        .expect("ui/events.js");
    let named: Vec<String> = string_literals(events_js)
        .into_iter()
        .filter(|s| !s.starts_with("tauri://"))
        .collect();
    let mut rust: Vec<String> = events::ALL.iter().map(|s| s.to_string()).collect();
    let mut ui = named.clone();
    rust.sort();
    ui.sort();
    assert_eq!(
        ui, rust,
        "ui/events.js and src-tauri/src/app/events.rs name the same events"
    );
    // The setup link's listener (link.js) is left to the change that owns it.
    for (file, text) in files
        .iter()
        .filter(|(f, _)| f != "events.js" && f != "link.js")
    {
        let strays: Vec<_> = string_literals(text)
            .into_iter()
            .filter(|s| named.contains(s) || s.starts_with("tauri://"))
            .collect();
        assert!(
            strays.is_empty(),
            "{file} names an event itself: {strays:?}"
        );
    }
}

#[cfg(feature = "gui")]
#[test]
fn app_info_tells_each_codes_class_and_way_out() {
    let codes = serde_json::to_value(asc_key_wizard::app::commands::code_facts()).unwrap();
    assert_eq!(codes.as_object().unwrap().len(), Code::ALL.len());
    assert_eq!(codes["key_exists_different"]["way_out"], "replace_saved");
    assert_eq!(codes["keychain_item_damaged"]["way_out"], "replace_saved");
    assert_eq!(codes["missing_token"]["way_out"], "setup_token");
    assert_eq!(codes["cancelled"]["class"], "no_answer");
    assert_eq!(codes["update_unavailable"]["class"], "no_answer");
    assert!(
        codes["keychain_locked"].get("way_out").is_none(),
        "{}",
        codes["keychain_locked"]
    );
}
