//! The core must build without Tauri (the headless CLI and CI servers use it):
//! no file under src-tauri/src/core may mention the tauri crate or a Tauri plugin.

use std::path::{Path, PathBuf};

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

#[test]
fn core_never_imports_tauri() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/core");
    let mut files = Vec::new();
    rust_files(&core, &mut files);
    assert!(
        files.len() > 5,
        "expected the core's sources under {}",
        core.display()
    );
    let mut offenders = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            // `tauri_plugin_updater::…`, `use tauri_plugin_…`: a plugin is Tauri too.
            if code.contains("tauri::")
                || code.contains("tauri_plugin")
                || code.contains("use tauri")
                || code.contains("extern crate tauri")
            {
                offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the core must not use tauri:\n{}",
        offenders.join("\n")
    );
}
