//! Facts stated in more than one file agree with the one that decides them: Cargo.toml's
//! `rust-version` (cargo refuses older compilers) and `version` against README and tauri.conf.json,
//! and `authors` (the .deb's maintainer) against tauri.conf.json's publisher.

const README: &str = include_str!("../../README.md");

#[test]
fn readme_names_the_rust_version_that_cargo_enforces() {
    let needed = env!("CARGO_PKG_RUST_VERSION");
    assert!(!needed.is_empty(), "Cargo.toml sets rust-version");
    let stated = format!("stable ≥ {needed})");
    assert!(README.contains(&stated), "README must say `{stated}`");
    for line in README.lines().filter(|l| l.contains("stable ≥")) {
        assert!(
            line.contains(&stated),
            "README names another Rust version: {line}"
        );
    }
}

#[test]
fn tauri_conf_version_and_identifier_match_the_package() {
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
    assert_eq!(
        conf["version"],
        env!("CARGO_PKG_VERSION"),
        "tauri.conf.json version"
    );
    assert_eq!(
        conf["identifier"], "dev.asckeywizard.wizard",
        "the keychain service name never changes"
    );
    let bundle = &conf["bundle"];
    for field in [
        "publisher",
        "category",
        "shortDescription",
        "longDescription",
        "copyright",
        "license",
        "homepage",
    ] {
        assert!(
            bundle[field].as_str().is_some_and(|v| !v.is_empty()),
            "bundle.{field} is set"
        );
    }
    assert_eq!(bundle["license"], env!("CARGO_PKG_LICENSE"));
    assert!(bundle["macOS"]["minimumSystemVersion"].is_string());
    assert_eq!(
        bundle["windows"]["nsis"]["installMode"], "currentUser",
        "merchants often lack admin rights"
    );
    assert!(bundle["windows"]["webviewInstallMode"]["type"].is_string());
    // Issue 12: no plugins, no <base> tricks, no form posts out of the webview.
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    for rule in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ] {
        assert!(csp.contains(rule), "CSP lacks {rule}: {csp}");
    }
}

/// The .deb's `Maintainer` is Cargo.toml's `authors` (where the Tauri bundler takes it from): one entry, `Name <address>`, naming the project as tauri.conf.json's
/// publisher does, never a person; lintian wants the address (docs/releasing.md).
#[test]
fn package_maintainer_is_the_project_with_an_address() {
    let authors = env!("CARGO_PKG_AUTHORS");
    assert!(
        !authors.contains(':'),
        "one author entry (cargo joins several with ':'): {authors}"
    );
    let (name, rest) = authors
        .split_once(" <")
        .unwrap_or_else(|| panic!("`Name <address>`: {authors}"));
    let address = rest
        .strip_suffix('>')
        .unwrap_or_else(|| panic!("`Name <address>`: {authors}"));
    let (user, host) = address
        .split_once('@')
        .unwrap_or_else(|| panic!("an e-mail address: {address}"));
    assert!(
        !user.is_empty() && host.contains('.') && !address.contains(char::is_whitespace),
        "{address}"
    );
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
    assert_eq!(
        conf["bundle"]["publisher"].as_str(),
        Some(name),
        "the maintainer is the publisher"
    );
}

#[test]
fn version_flag_prints_the_package_version() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("asc-key-wizard {}", env!("CARGO_PKG_VERSION"))
    );
}
