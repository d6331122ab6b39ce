//! ui/api.js is the UI's one door per command: it calls each command of `COMMANDS` in
//! src-tauri/build.rs exactly once (and nothing else); no other UI module names a command.

use std::path::{Path, PathBuf};

const BUILD_RS: &str = include_str!("../../src-tauri/build.rs");
const API_JS: &str = include_str!("../../ui/api.js");

/// The strings of `const COMMANDS: &[&str] = &[ ... ];` in build.rs.
fn commands() -> Vec<String> {
    let start = BUILD_RS
        .find("const COMMANDS")
        .expect("src-tauri/build.rs defines COMMANDS");
    let body = &BUILD_RS[start..];
    let body = &body[body.find("&[").expect("COMMANDS is a slice") + 2..];
    let body = &body[..body.find("];").expect("COMMANDS ends with `];`")];
    let mut out = Vec::new();
    for line in body.lines() {
        let line = line.trim();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find('"') {
            let after = &rest[i + 1..];
            let end = after.find('"').expect("closed string in COMMANDS");
            out.push(after[..end].to_owned());
            rest = &after[end + 1..];
        }
    }
    out
}

/// `verify_key` → `verifyKey`.
fn camel(cmd: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in cmd.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// What follows each `call(` in `text`: the quoted command name, or `Err(snippet)` when it is not a string literal.
fn calls(text: &str) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("call(") {
        let after = &rest[i + "call(".len()..];
        let found = match after.strip_prefix('\'') {
            Some(tail) => Ok(tail.chars().take_while(|c| *c != '\'').collect()),
            None => Err(after.chars().take_while(|c| *c != '\n').collect()),
        };
        out.push(found);
        rest = after;
    }
    out
}

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

#[test]
fn build_rs_lists_the_commands() {
    let cmds = commands();
    assert!(
        cmds.len() >= 10,
        "expected the command list in src-tauri/build.rs, found {cmds:?}"
    );
    assert!(
        cmds.iter().any(|c| c == "verify_key"),
        "COMMANDS in src-tauri/build.rs: {cmds:?}"
    );
    let mut sorted = cmds.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        cmds.len(),
        "a command is listed twice in src-tauri/build.rs: {cmds:?}"
    );
}

#[test]
fn api_js_has_one_call_per_command_and_no_other() {
    let cmds = commands();
    let found = calls(API_JS);
    let not_literal: Vec<_> = found.iter().filter_map(|c| c.as_ref().err()).collect();
    assert!(
        not_literal.is_empty(),
        "ui/api.js: every `call(` must name its command as a string literal: {not_literal:?}"
    );
    let named: Vec<&String> = found.iter().filter_map(|c| c.as_ref().ok()).collect();
    let unknown: Vec<_> = named.iter().filter(|c| !cmds.contains(c)).collect();
    assert!(
        unknown.is_empty(),
        "ui/api.js calls commands that are not in COMMANDS (src-tauri/build.rs): {unknown:?}"
    );
    let wrong: Vec<_> = cmds
        .iter()
        .map(|c| (c, named.iter().filter(|n| **n == c).count()))
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(wrong.is_empty(), "ui/api.js must call each command of src-tauri/build.rs exactly once (command, times): {wrong:?}");
    let missing: Vec<_> = cmds
        .iter()
        .map(|c| camel(c))
        .filter(|f| !API_JS.contains(&format!("export function {f}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "ui/api.js lacks `export function <name>(` for: {missing:?}"
    );
    assert!(
        !API_JS.contains("invoke("),
        "ui/api.js must go through ipc.js `call`, not `invoke(`"
    );
}

#[test]
fn no_other_ui_module_calls_a_command_by_name() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files = Vec::new();
    js_files(&ui, &mut files);
    assert!(
        files.len() > 5,
        "expected the UI's modules under {}",
        ui.display()
    );
    let mut offenders = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(&ui)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // ipc.js defines `call` around `invoke`; api.js is the one place that names commands.
        if name == "ipc.js" || name == "api.js" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for needle in ["call('", "call(\"", "call(`", "invoke("] {
                if line.contains(needle) {
                    offenders.push(format!("ui/{name}:{}: {}", n + 1, line.trim()));
                }
            }
            if line.contains("ipc.js")
                && line.contains("import")
                && line
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == "call")
            {
                offenders.push(format!(
                    "ui/{name}:{}: imports `call`: {}",
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "only ui/api.js may call commands (use its named functions):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_scan_would_catch_a_stray_call() {
    assert_eq!(
        calls("x = ctx.call('verify_key', {});"),
        vec![Ok("verify_key".to_owned())]
    );
    assert!(calls("call(cmd, args)")[0].is_err());
    assert_eq!(camel("save_to_keychain"), "saveToKeychain");
}
