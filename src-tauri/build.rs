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
    "retest_all_saved",
    "compare_saved",
    "watch_downloads",
    "downloaded_key",
    "use_downloaded_key",
    "cleanup_offer",
    "trash_downloaded",
    "handoff_config",
    "open_destination",
    "setup_link",
    "choose_setup_link",
    "lookup_account",
    "upload_key",
    "export_key",
    "export_saved",
    "update_status",
    "install_update",
    "open_asc_window",
    "sign_out_of_apple",
    "choose_asc_way",
];

#[path = "src/core/profile/rules.rs"]
#[allow(dead_code)]
mod rules;
/// The profile's fields and rules, shared with the app (`core::profile::rules`), and the
/// `core::url_rule` they use, reachable here at the same path as in the app.
#[path = "src/core/url_rule.rs"]
#[allow(dead_code)]
mod url_rule;
mod core {
    pub(crate) use super::url_rule;
}

/// `ASC_WIZARD_PROFILE=platforms/<name>.json` makes a platform build: the profile is checked,
/// its logo inlined, and the result embedded; without it, the generic build embeds `null`.
fn embed_profile() {
    println!("cargo:rerun-if-env-changed=ASC_WIZARD_PROFILE");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = std::env::var_os("ASC_WIZARD_PROFILE")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from);
    let Some(path) = path else {
        std::fs::write(out.join("profile.json"), "null").expect("write OUT_DIR/profile.json");
        println!(
            "cargo:rustc-env=ASC_WIZARD_IDENTIFIER={}",
            rules::GENERIC_IDENTIFIER
        );
        return;
    };
    let fail = |why: String| -> ! {
        panic!("\n\nThe platform profile {} cannot be built:\n{why}\n(see docs/platforms-profile.md)\n", path.display())
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| fail(format!("  it could not be read: {e}")));
    let mut profile: rules::Profile =
        serde_json::from_str(&text).unwrap_or_else(|e| fail(format!("  {e}")));
    if profile.logo_svg.is_some() {
        fail("  logo_svg is filled in by the build: name an SVG file in \"logo\" instead".into());
    }
    if let Some(logo) = &profile.logo {
        let file = path
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join(logo);
        println!("cargo:rerun-if-changed={}", file.display());
        let svg = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| fail(format!("  logo: {} could not be read: {e}", file.display())));
        profile.logo_svg = Some(svg);
    }
    let found = rules::build_problems(&profile, &known_schemes(), test_build());
    if !found.is_empty() {
        fail(
            found
                .iter()
                .map(|f| format!("  - {f}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    let json = serde_json::to_string(&profile).expect("a profile serializes");
    std::fs::write(out.join("profile.json"), json).expect("write OUT_DIR/profile.json");
    println!(
        "cargo:rustc-env=ASC_WIZARD_IDENTIFIER={}",
        profile.identifier
    );
}

/// The (identifier, scheme) of every profile in this tree (`platforms/*.json`,
/// `tests/e2e/*.json`): a profile may not take another platform's setup-link scheme.
fn known_schemes() -> Vec<(String, String)> {
    let root = std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let mut known = Vec::new();
    for dir in ["platforms", "tests/e2e"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for path in entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
        {
            let Ok(v) = std::fs::read_to_string(&path)
                .map(|t| serde_json::from_str::<serde_json::Value>(&t).unwrap_or_default())
            else {
                continue;
            };
            if let (Some(id), Some(scheme)) =
                (v["identifier"].as_str(), v["setup_link_scheme"].as_str())
            {
                known.push((id.to_owned(), scheme.to_owned()));
            }
        }
    }
    known
}

/// A test build (the e2e seam, the test-support fail points, or `build-platform.sh --test`)
/// may send to http:// on this computer; any other build refuses http:// in any letter case.
fn test_build() -> bool {
    println!("cargo:rerun-if-env-changed=ASC_WIZARD_PROFILE_TEST");
    ["CARGO_FEATURE_E2E_SEAM", "CARGO_FEATURE_TEST_SUPPORT"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
        || std::env::var("ASC_WIZARD_PROFILE_TEST").is_ok_and(|v| v == "1")
}

fn main() {
    embed_profile();
    #[cfg(feature = "gui")]
    {
        println!("cargo:rerun-if-changed=src-tauri/capabilities");
        let attributes = tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
        tauri_build::try_build(attributes).expect("tauri-build failed");
    }
}
