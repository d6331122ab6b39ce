// Tauri's build step runs only for the `gui` feature; the headless CLI build
// (`--no-default-features`) needs no Tauri, WebKit or GTK at all.

/// Every command the webview may call. Each gets `allow-<name>`/`deny-<name>`
/// permissions; `src-tauri/capabilities/main.json` grants exactly these to the
/// `main` window and nothing else.
#[cfg(feature = "gui")]
const COMMANDS: &[&str] = &[
    "app_info",
    "remember_place",
    "pick_key_file",
    "load_key_file",
    "load_key_text",
    "clear_key",
    "check_ids",
    "reveal_key_file",
    "verify_key",
    "cancel_verify",
    "save_to_keychain",
    "list_saved",
    "retest_saved",
    "delete_saved",
    "handoff_config",
    "open_destination",
    "upload_key",
    "export_key",
    "export_saved",
];

fn main() {
    #[cfg(feature = "gui")]
    {
        println!("cargo:rerun-if-changed=src-tauri/capabilities");
        let attributes = tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
        tauri_build::try_build(attributes).expect("tauri-build failed");
    }
}
