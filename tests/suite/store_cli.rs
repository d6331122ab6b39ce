//! The keychain and hand-off commands of the CLI, run as the real binary with
//! a throwaway HOME: exit codes, `--json`, no plaintext fallback when the
//! keychain is missing, verification before saving, and `upload` against the
//! loopback dashboard (token from an environment variable only).
//! Saving to a real keychain is covered by `vault_keychain` (`tests/suite/vault_keychain.rs`).
//!
//! Linux only: the tests take the keychain away from one process by pointing it at a D-Bus
//! address with no Secret Service behind it; macOS and Windows have no per-process equivalent.

use crate::support::apple_double;
use crate::support::dashboard_double;

use asc_key_wizard::core::key::PrivateKey;
use dashboard_double::{DashboardDouble, Scenario};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

struct Env {
    home: tempfile::TempDir,
    key: PrivateKey,
    key_file: PathBuf,
}

fn env() -> Env {
    let home = tempfile::tempdir().unwrap();
    let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    let key_file = home
        .path()
        .join("Downloads")
        .join(format!("AuthKey_{KEY_ID}.p8"));
    std::fs::create_dir_all(key_file.parent().unwrap()).unwrap();
    std::fs::write(&key_file, key.canonical_pem()).unwrap();
    Env {
        home,
        key,
        key_file,
    }
}

impl Env {
    /// Run the binary with no reachable Secret Service, a clean HOME and config.
    fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"));
        cmd.args(args)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}/no-bus", self.home.path().display()),
            )
            .env("NO_COLOR", "1")
            .env_remove("ASC_WIZARD_CONFIG")
            .env_remove("ASC_API_BASE")
            .stdin(Stdio::null());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run the binary");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(&self.key.base64_body()[20..80]),
            "key material printed: {all}"
        );
        out
    }

    fn key_path(&self) -> &str {
        self.key_file.to_str().unwrap()
    }

    /// No file under HOME other than the input key holds key material.
    fn assert_no_copies(&self) {
        let needle = &self.key.base64_body()[20..80];
        for path in walk(self.home.path()) {
            if path == self.key_file {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(needle),
                "key material in {}",
                path.display()
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn list_and_show_work_without_a_keychain() {
    let e = env();
    let out = e.run(&["list", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["keys"], serde_json::json!([]));
    let out = e.run(&["list"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("No keys are saved yet"));

    let out = e.run(&["show", KEY_ID, "--json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "not_found");
    let out = e.run(&["show", "not-an-id", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn save_without_a_secret_service_fails_with_exit_5_and_writes_no_plaintext() {
    let e = env();
    let out = e.run(
        &[
            "save",
            e.key_path(),
            "--issuer-id",
            ISSUER,
            "--no-verify",
            "--json",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert_eq!(v["error"]["code"], "keychain_unavailable");
    assert!(v["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("gnome-keyring"));
    // Plain words first: the store library's own text is kept apart, in `detail`.
    let message = v["error"]["message"].as_str().unwrap();
    assert_eq!(message, "The Secret Service could not be reached.", "{v}");
    assert!(
        v["error"]["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{v}"
    );
    e.assert_no_copies();
    assert!(!e
        .home
        .path()
        .join(".config/dev.asckeywizard.wizard/keys.json")
        .exists());

    // Human output goes to stderr with the hint.
    let out = e.run(
        &["save", e.key_path(), "--issuer-id", ISSUER, "--no-verify"],
        &[],
    );
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("what to do:") && !stderr.contains("details:"),
        "{stderr}"
    );
    // With -v the details are printed too.
    let out = e.run(
        &[
            "-v",
            "save",
            e.key_path(),
            "--issuer-id",
            ISSUER,
            "--no-verify",
        ],
        &[],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("details:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn save_verifies_first_and_saves_nothing_when_apple_refuses() {
    let e = env();
    let apple = apple_double::AppleDouble::start(); // knows no keys: 401
    let out = e.run(
        &[
            "save",
            e.key_path(),
            "--issuer-id",
            ISSUER,
            "--api-base",
            &apple.base_url(),
            "--json",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert_eq!(v["saved"], false);
    assert_eq!(v["apple"]["outcome"], "not_authorized");
    assert!(apple.request_count() >= 1);
    e.assert_no_copies();
}

#[test]
fn save_rejects_unusable_keys_and_bad_ids() {
    let e = env();
    let bad = e.home.path().join("AuthKey_2X9R4HXF34.txt");
    std::fs::write(&bad, "not a key").unwrap();
    let out = e.run(
        &[
            "save",
            bad.to_str().unwrap(),
            "--issuer-id",
            ISSUER,
            "--no-verify",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["ok"], false);

    // A malformed Issuer ID is part of the check report (as in `verify`): exit 1.
    let out = e.run(
        &[
            "save",
            e.key_path(),
            "--issuer-id",
            "nope",
            "--no-verify",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["ok"], false);

    // A missing Issuer ID for a team key is a usage problem: exit 2.
    let out = e.run(&["save", e.key_path(), "--no-verify", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "issuer_id_missing");
}

#[test]
fn upload_sends_the_key_with_the_token_from_the_environment() {
    let e = env();
    let dash = DashboardDouble::start();
    dash.expect_token("tok-from-env");
    let out = e.run(
        &[
            "upload",
            e.key_path(),
            "--issuer-id",
            ISSUER,
            "--to",
            &dash.upload_url(),
            "--token-env",
            "SHOP_TOKEN",
            "--json",
        ],
        &[("SHOP_TOKEN", "tok-from-env")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert_eq!(v["upload"]["attempts"], 1);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("tok-from-env"),
        "token never printed"
    );
    let stored = dash.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].file_bytes, e.key.canonical_pem().as_bytes());
    assert_eq!(stored[0].fields["key_id"], KEY_ID);
    assert_eq!(stored[0].fields["issuer_id"], ISSUER);
}

#[test]
fn upload_uses_the_config_file_destination() {
    let e = env();
    let dash = DashboardDouble::start();
    let cfg = e.home.path().join("platform.json");
    std::fs::write(
        &cfg,
        serde_json::json!({"platform_name": "Acme Shops", "upload_url": dash.upload_url(), "token_label": "Acme setup code"})
            .to_string(),
    )
    .unwrap();
    let cfg_s = cfg.to_str().unwrap();
    let out = e.run(
        &[
            "upload",
            e.key_path(),
            "--issuer-id",
            ISSUER,
            "--token-env",
            "T",
        ],
        &[("T", "x"), ("ASC_WIZARD_CONFIG", cfg_s)],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Acme Shops"));
    assert_eq!(dash.stored().len(), 1);

    // The token label from the config names what is missing.
    let out = e.run(
        &[
            "upload",
            e.key_path(),
            "--issuer-id",
            ISSUER,
            "--config",
            cfg_s,
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["error"]["code"], "missing_token");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Acme setup code"));
}

#[test]
fn upload_refuses_without_token_destination_or_safe_url() {
    let e = env();
    let dash = DashboardDouble::start();
    let url = dash.upload_url();
    let base = ["upload", e.key_path(), "--issuer-id", ISSUER, "--json"];

    let with =
        |more: &[&str]| -> Vec<String> { base.iter().chain(more).map(|s| s.to_string()).collect() };
    let run = |args: Vec<String>, extra: &[(&str, &str)]| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        e.run(&refs, extra)
    };

    // Token variable missing / empty; stdin not a terminal and no --token-env.
    for (args, extra) in [
        (with(&["--to", &url, "--token-env", "NOPE_UNSET"]), vec![]),
        (
            with(&["--to", &url, "--token-env", "EMPTY"]),
            vec![("EMPTY", " ")],
        ),
        (with(&["--to", &url]), vec![]),
    ] {
        let out = run(args, &extra);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(json(&out)["error"]["code"], "missing_token");
    }
    assert_eq!(dash.request_count(), 0);

    // No destination at all.
    let out = run(with(&["--token-env", "T"]), &[("T", "x")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "upload_not_configured");

    // Plain http to a real host.
    let out = run(
        with(&["--to", "http://shop.example.com/upload", "--token-env", "T"]),
        &[("T", "x")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "config_invalid_url");

    // The token is never an argument.
    let out = run(with(&["--to", &url, "--token", "secret"]), &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn upload_exit_codes_follow_the_dashboards_answer() {
    let e = env();
    let dash = DashboardDouble::start_with(Scenario::Unauthorized("Token expired.".into()));
    let args = [
        "upload",
        e.key_path(),
        "--issuer-id",
        ISSUER,
        "--to",
        &dash.upload_url(),
        "--token-env",
        "T",
        "--json",
    ];
    let out = e.run(&args, &[("T", "x")]);
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out);
    assert_eq!(v["error"]["code"], "upload_unauthorized");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Token expired."));

    dash.set_scenario(Scenario::TooLarge);
    assert_eq!(e.run(&args, &[("T", "x")]).status.code(), Some(3));

    dash.set_scenario(Scenario::FailThenOk(1));
    let out = e.run(&args, &[("T", "x")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["upload"]["attempts"], 2);

    dash.set_scenario(Scenario::Unavailable);
    let out = e.run(&args, &[("T", "x")]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(json(&out)["error"]["code"], "upload_unavailable");
}

#[test]
fn stored_keys_need_the_keychain() {
    let e = env();
    let out = e.run(
        &["export", "--stored", KEY_ID, "--format", "env", "--json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(json(&out)["error"]["code"], "keychain_unavailable");
    let out = e.run(&["test", KEY_ID, "--json"], &[]);
    assert_eq!(out.status.code(), Some(5));
    let out = e.run(&["delete", KEY_ID, "--json"], &[]);
    assert_eq!(out.status.code(), Some(5));
}

/// A label the vault would refuse stops `save` before Apple is asked (the Apple double sees no
/// request) and before the keychain is touched: exit 2, `label_too_long` / `label_invalid`.
#[test]
fn save_refuses_a_bad_label_before_asking_apple() {
    let e = env();
    let apple = apple_double::AppleDouble::start();
    let api = apple.base_url();
    let long = "x".repeat(asc_key_wizard::core::vault::LABEL_MAX_CHARS + 1);
    for (label, code) in [
        (long.as_str(), "label_too_long"),
        ("two\nlines", "label_invalid"),
    ] {
        let out = e.run(
            &[
                "save",
                e.key_path(),
                "--issuer-id",
                ISSUER,
                "--api-base",
                &api,
                "--label",
                label,
                "--json",
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{label:?}");
        let v = json(&out);
        assert_eq!(v["error"]["code"], code, "{v}");
    }
    assert_eq!(apple.requests().len(), 0, "Apple was not asked");
    e.assert_no_copies();
}
