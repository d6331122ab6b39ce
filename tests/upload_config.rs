//! Destination config precedence: --config PATH > $ASC_WIZARD_CONFIG >
//! config.json in the app's config folder > the embedded default. One test in
//! its own binary because it changes process environment variables.
//! Linux only: it moves the settings folder with XDG_CONFIG_HOME, which macOS and Windows ignore.

#![cfg(target_os = "linux")]

use asc_key_wizard::core::config::{load, ConfigSource, ENV_VAR};

#[test]
fn config_precedence_and_validation() {
    let home = tempfile::tempdir().unwrap();
    let xdg = home.path().join("xdg");
    let app_dir = xdg.join("dev.asckeywizard.wizard");
    std::fs::create_dir_all(&app_dir).unwrap();
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_CONFIG_HOME", &xdg);
    std::env::remove_var(ENV_VAR);

    let write = |name: &str, platform: &str| {
        let p = home.path().join(name);
        let json = serde_json::json!({ "platform_name": platform, "upload_url": "https://example.com/keys" });
        std::fs::write(&p, json.to_string()).unwrap();
        p
    };

    // Nothing anywhere: the embedded default, no destination.
    let c = load(None).unwrap();
    assert_eq!(c.source, ConfigSource::Default);
    assert!(!c.config.has_upload());

    // The app folder file.
    let app_file = app_dir.join("config.json");
    std::fs::copy(write("a.json", "From app dir"), &app_file).unwrap();
    let c = load(None).unwrap();
    assert_eq!(c.source, ConfigSource::AppDir(app_file.clone()));
    assert_eq!(c.config.platform_name(), "From app dir");

    // The environment variable beats the app folder.
    let env_file = write("b.json", "From env");
    std::env::set_var(ENV_VAR, &env_file);
    let c = load(None).unwrap();
    assert_eq!(c.source, ConfigSource::Env(env_file.clone()));
    assert_eq!(c.config.platform_name(), "From env");

    // --config beats both.
    let flag_file = write("c.json", "From flag");
    let c = load(Some(&flag_file)).unwrap();
    assert_eq!(c.source, ConfigSource::Flag(flag_file.clone()));
    assert_eq!(c.config.platform_name(), "From flag");

    // A named file that is missing or invalid is a problem, never a silent default.
    assert_eq!(
        load(Some(&home.path().join("missing.json")))
            .unwrap_err()
            .code,
        "config_unreadable"
    );
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, r#"{"upload_url": "http://shop.example.com/keys"}"#).unwrap();
    assert_eq!(load(Some(&bad)).unwrap_err().code, "config_invalid_url");
    std::fs::write(&bad, "{ not json").unwrap();
    std::env::set_var(ENV_VAR, &bad);
    assert_eq!(load(None).unwrap_err().code, "config_invalid");
    std::env::remove_var(ENV_VAR);
}
