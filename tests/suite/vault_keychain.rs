//! The vault against the real OS keychain: the Secret Service on Linux, the login (or CI's
//! temporary default) keychain on macOS, Credential Manager on Windows. Save, read back, list,
//! replace refusal, replace, delete and the largest record the vault writes; on Linux also a
//! second process (the real binary) reading what this one saved.
//!
//! On Linux, run inside a throwaway session bus with an unlocked gnome-keyring:
//!
//! ```sh
//! dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null;
//!   cargo test --no-default-features --test suite vault_keychain::'
//! ```
//!
//! Without a reachable keychain the tests print why and pass, unless
//! `CI` or `ASC_WIZARD_FULL_TESTS` is set: then they fail.
//! Items use random Key IDs and are deleted at the end.

#[cfg(target_os = "linux")]
use crate::support::apple_double;
#[cfg(target_os = "linux")]
use crate::support::dashboard_double;
use crate::support::keys;

use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::vault::{
    open_platform_store, SaveRequest, SaveStatus, Vault, INDEX_FILE, SERVICE,
};
use keys::random_key_id;
use std::path::Path;
#[cfg(target_os = "linux")]
use std::process::Command;

const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

/// A vault on the real OS keychain with its index under `config_home`.
fn real_vault(config_home: &Path) -> Option<Vault> {
    let why = if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
    {
        "DBUS_SESSION_BUS_ADDRESS is not set (run under dbus-run-session with gnome-keyring-daemon)"
            .to_owned()
    } else {
        match open_platform_store() {
            Ok(store) => {
                return Some(Vault::with_store(
                    store,
                    config_home.join(SERVICE).join(INDEX_FILE),
                ));
            }
            Err(p) => format!(
                "the {} is not reachable: {} ({})",
                asc_key_wizard::core::vault::store_display_name(),
                p.message,
                p.code
            ),
        }
    };
    if asc_key_wizard::test_rule::strict() {
        panic!("keychain tests cannot run: {why}");
    }
    eprintln!("SKIPPED: keychain tests: {why}");
    None
}

fn key() -> PrivateKey {
    PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
}

fn request<'a>(key: &'a PrivateKey, key_id: &'a str, replace: bool) -> SaveRequest<'a> {
    SaveRequest {
        creds: Credentials {
            key,
            key_id,
            issuer_id: Some(ISSUER),
            kind: KeyKind::Team,
        },
        label: Some("Keychain test key"),
        verification: None,
        replace,
    }
}

#[test]
fn save_read_back_list_replace_and_delete() {
    let home = tempfile::tempdir().unwrap();
    let Some(vault) = real_vault(home.path()) else {
        return;
    };
    let id = random_key_id();
    let (old, new) = (key(), key());

    let out = vault
        .save(&request(&old, &id, false))
        .expect("save to the keychain");
    assert_eq!(out.status, SaveStatus::Saved);
    let back = vault.load(&id).expect("read back");
    assert_eq!(back.key.canonical_pem(), old.canonical_pem());
    assert_eq!(back.ids.issuer_id.as_deref(), Some(ISSUER));
    assert!(vault
        .list()
        .unwrap()
        .iter()
        .any(|e| e.ids.key_id == id && e.last_test.is_none()));

    assert_eq!(
        vault.save(&request(&old, &id, false)).unwrap().status,
        SaveStatus::Unchanged
    );
    let refused = vault.save(&request(&new, &id, false)).unwrap_err();
    assert_eq!(refused.code, "key_exists_different");
    assert_eq!(vault.load(&id).unwrap().fingerprint, old.fingerprint());

    assert_eq!(
        vault.save(&request(&new, &id, true)).unwrap().status,
        SaveStatus::Replaced
    );
    assert_eq!(vault.load(&id).unwrap().fingerprint, new.fingerprint());

    vault.delete(&id).expect("delete");
    assert_eq!(vault.load(&id).unwrap_err().code, "not_found");
    assert!(vault.list().unwrap().iter().all(|e| e.ids.key_id != id));
}

/// The largest record the vault can write (the longest allowed label, in four-byte characters)
/// is accepted by the real store — on Windows that is Credential Manager's 2560-byte limit — and
/// reads back whole, for both key kinds.
#[test]
fn the_largest_record_is_kept_whole() {
    let home = tempfile::tempdir().unwrap();
    let Some(vault) = real_vault(home.path()) else {
        return;
    };
    let label = "\u{1F511}".repeat(asc_key_wizard::core::vault::LABEL_MAX_CHARS);
    for (kind, issuer) in [(KeyKind::Team, Some(ISSUER)), (KeyKind::Individual, None)] {
        let id = random_key_id();
        let key = key();
        let req = SaveRequest {
            creds: Credentials {
                key: &key,
                key_id: &id,
                issuer_id: issuer,
                kind,
            },
            label: Some(&label),
            verification: None,
            replace: false,
        };
        vault
            .save(&req)
            .unwrap_or_else(|p| panic!("{kind:?}: {p:?}"));
        let back = vault.load(&id).expect("read back");
        assert_eq!(back.label, label);
        assert_eq!(back.ids.kind, kind);
        assert_eq!(back.key.canonical_pem(), key.canonical_pem());
        vault.delete(&id).expect("delete");
    }
}

// A second process reading the item: Linux only. On macOS another binary reading an item makes
// the system ask for access (the item's access list names the test binary); on Windows `dirs`
// ignores HOME, so the binary would use the runner's real settings folder instead of a throwaway.
#[cfg(target_os = "linux")]
#[test]
fn a_second_process_reads_what_the_first_saved() {
    let home = tempfile::tempdir().unwrap();
    let config_home = home.path().join("config");
    let Some(vault) = real_vault(&config_home) else {
        return;
    };
    let id = random_key_id();
    let key = key();
    vault.save(&request(&key, &id, false)).expect("save");

    let bin = env!("CARGO_BIN_EXE_asc-key-wizard");
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", &config_home)
            .env_remove("ASC_WIZARD_CONFIG")
            .output()
            .expect("run the binary");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            !stdout.contains(&key.base64_body()[..60]),
            "no key material on stdout"
        );
        (
            out.status.code(),
            stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let (code, stdout, stderr) = run(&["list", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let listed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(listed["keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["key_id"] == id.as_str()));

    // `export --stored` makes the other process read the keychain item itself.
    let out_dir = home.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out_dir_s = out_dir.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "export", "--stored", &id, "--format", "altool", "--out", out_dir_s, "--json",
    ]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let written = std::fs::read(out_dir.join(format!("AuthKey_{id}.p8"))).unwrap();
    assert_eq!(written, key.canonical_pem().as_bytes());

    let (code, _, stderr) = run(&["delete", &id]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        vault.load(&id).unwrap_err().code,
        "not_found",
        "deleted by the other process"
    );
    let (code, stdout, _) = run(&["show", &id, "--json"]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("not_found"));
}

#[cfg(target_os = "linux")]
/// Every keychain command end to end through the real binary: save (verified
/// by the Apple double), list, show, test, upload and export of the stored
/// key, replace refusal and replace, delete.
#[test]
fn cli_commands_end_to_end() {
    let home = tempfile::tempdir().unwrap();
    let config_home = home.path().join("config");
    if real_vault(&config_home).is_none() {
        return;
    }
    let id = random_key_id();
    let (key, other) = (key(), key());
    let apple = apple_double::AppleDouble::start();
    apple.add_key(apple_double::DoubleKey::team(&id, key.public_key(), ISSUER));
    let dash = dashboard_double::DashboardDouble::start();
    let key_file = home.path().join(format!("AuthKey_{id}.p8"));
    std::fs::write(&key_file, key.canonical_pem()).unwrap();
    let other_file = home.path().join("other.p8");
    std::fs::write(&other_file, other.canonical_pem()).unwrap();
    let api = apple.base_url();

    let bin = env!("CARGO_BIN_EXE_asc-key-wizard");
    let run = |args: &[&str]| -> (Option<i32>, serde_json::Value) {
        let out = Command::new(bin)
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", &config_home)
            .env("DASH_TOKEN", "tok")
            .env_remove("ASC_WIZARD_CONFIG")
            .output()
            .expect("run the binary");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            !stdout.contains(&key.base64_body()[..60]),
            "no key material on stdout"
        );
        let v = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code(), v)
    };
    let kf = key_file.to_str().unwrap();

    let (code, v) = run(&[
        "save",
        kf,
        "--issuer-id",
        ISSUER,
        "--api-base",
        &api,
        "--label",
        "Shop",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["status"], "saved");
    assert_eq!(v["apple"]["outcome"], "valid");
    assert_eq!(v["store"], "Secret Service");

    let (code, v) = run(&["show", &id, "--json"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["key"]["label"], "Shop");
    assert_eq!(v["key"]["last_test"]["outcome"], "valid");
    assert_eq!(v["key"]["fingerprint"], key.fingerprint());

    let (code, v) = run(&["save", kf, "--issuer-id", ISSUER, "--no-verify", "--json"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["status"], "unchanged");

    let (code, v) = run(&[
        "save",
        other_file.to_str().unwrap(),
        "--key-id",
        &id,
        "--issuer-id",
        ISSUER,
        "--no-verify",
        "--json",
    ]);
    assert_eq!(code, Some(5));
    assert_eq!(v["error"]["code"], "key_exists_different");

    apple.revoke(&id);
    let (code, v) = run(&["test", &id, "--api-base", &api, "--json"]);
    assert_eq!(code, Some(3), "{v}");
    assert_eq!(v["apple"]["outcome"], "not_authorized");
    let (_, v) = run(&["list", "--json"]);
    let entry = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key_id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(entry["last_test"]["outcome"], "not_authorized");

    let (code, v) = run(&[
        "upload",
        "--stored",
        &id,
        "--to",
        &dash.upload_url(),
        "--token-env",
        "DASH_TOKEN",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{v}");
    let stored = dash.stored();
    assert_eq!(stored[0].file_bytes, key.canonical_pem().as_bytes());
    assert_eq!(stored[0].fields["issuer_id"], ISSUER);

    let fastlane = home.path().join("api_key.json");
    let (code, v) = run(&[
        "export",
        "--stored",
        &id,
        "--format",
        "fastlane",
        "--out",
        fastlane.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, Some(0), "{v}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&fastlane).unwrap()).unwrap();
    assert_eq!(json["key"], key.canonical_pem());

    let (code, v) = run(&[
        "save",
        other_file.to_str().unwrap(),
        "--key-id",
        &id,
        "--issuer-id",
        ISSUER,
        "--no-verify",
        "--replace",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["status"], "replaced");
    assert!(
        v["key"]["last_test"].is_null(),
        "replaced key is not yet tested"
    );

    let (code, _) = run(&["delete", &id, "--json"]);
    assert_eq!(code, Some(0));
    let (code, v) = run(&["delete", &id, "--json"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["error"]["code"], "not_found");
}

/// Keychain and index stay in step through a crash: the real binary is aborted at each step of
/// `save` and `delete` (test-only fail points), and the next `list` shows what the keychain holds.
#[cfg(target_os = "linux")]
#[test]
fn a_crash_at_any_step_is_settled_by_the_next_list() {
    let home = tempfile::tempdir().unwrap();
    let config_home = home.path().join("config");
    let Some(vault) = real_vault(&config_home) else {
        return;
    };
    let id = random_key_id();
    let bin = env!("CARGO_BIN_EXE_asc-key-wizard");
    let write_key = |name: &str, key: &PrivateKey| {
        let path = home.path().join(name).join(format!("AuthKey_{id}.p8"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, key.canonical_pem()).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let run = |args: &[&str], fail_at: Option<&str>| {
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", &config_home)
            .env_remove("ASC_WIZARD_CONFIG");
        if let Some(at) = fail_at {
            cmd.env("ASC_WIZARD_FAIL_AT", at);
        }
        cmd.output().expect("run the binary")
    };
    let listed = |id: &str| -> Option<String> {
        let out = run(&["list", "--json"], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let keys = v["keys"].as_array().unwrap().clone();
        keys.iter()
            .find(|k| k["key_id"] == id)
            .map(|k| k["fingerprint"].as_str().unwrap().to_owned())
    };
    let saved_fingerprint = |id: &str| vault.load(id).ok().map(|s| s.fingerprint);
    let (first, second) = (key(), key());
    let (first_file, second_file) = (write_key("a", &first), write_key("b", &second));
    let save = |file: &str, extra: &[&str]| {
        let mut args = vec!["save", file, "--issuer-id", ISSUER, "--no-verify", "--json"];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    fn argv(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    // Killed after the intent, before the keychain: nothing is saved, nothing listed.
    let out = run(&argv(&save(&first_file, &[])), Some("after_intent"));
    assert!(!out.status.success(), "the fail point aborts");
    assert_eq!(listed(&id), None);
    assert_eq!(saved_fingerprint(&id), None);
    // Killed after the keychain, before the index: the next list shows the saved key.
    let out = run(&argv(&save(&first_file, &[])), Some("after_keychain"));
    assert!(!out.status.success(), "the fail point aborts");
    assert_eq!(listed(&id).as_deref(), Some(first.fingerprint()));
    assert_eq!(saved_fingerprint(&id).as_deref(), Some(first.fingerprint()));

    // A different key under the same ID: the CLI names its own way out.
    let out = run(&argv(&save(&second_file, &[])), None);
    assert_eq!(out.status.code(), Some(5));
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "key_exists_different");
    assert!(
        err["error"]["hint"].as_str().unwrap().contains("--replace"),
        "{err}"
    );
    // A replace killed after the keychain: list never shows the old fingerprint.
    let out = run(
        &argv(&save(&second_file, &["--replace"])),
        Some("after_keychain"),
    );
    assert!(!out.status.success(), "the fail point aborts");
    assert_eq!(listed(&id).as_deref(), Some(second.fingerprint()));
    // A delete killed after the keychain: list shows no key that is gone.
    let out = run(&["delete", &id], Some("after_keychain"));
    assert!(!out.status.success(), "the fail point aborts");
    assert_eq!(saved_fingerprint(&id), None);
    assert_eq!(listed(&id), None);
    let index = std::fs::read_to_string(config_home.join(SERVICE).join("keys.json")).unwrap();
    assert!(
        !index.contains("intents"),
        "every intent was settled: {index}"
    );
}
