// Tauri's build step runs only for the `gui` feature; the headless CLI build
// (`--no-default-features`) needs no Tauri, WebKit or GTK at all.

/// Every command the webview may call. Each gets `allow-<name>`/`deny-<name>`
/// permissions; `src-tauri/capabilities/main.json` grants exactly these to the
/// `main` window and nothing else.
#[cfg(feature = "gui")]
const COMMANDS: &[&str] = &["app_info"];

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
