//! `test --all` (issue 15 §3) with the real binary, the real Secret Service and the loopback
//! Apple double: every saved key re-tested at most two at a time, what changed since each one's
//! last test (a key revoked since: "probably revoked"), the worst result's exit code, and the
//! change kept in the index for the wizard's launch banner.

use crate::support::apple_double;
use crate::support::keys;

use apple_double::{AppleDouble, DoubleKey, Scenario};
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::vault::open_platform_store;
use serde_json::Value;
use std::process::{Command, Output};
use std::time::Duration;

use keys::{random_key_id as key_id, ISSUER_ID as ISSUER};

fn key() -> PrivateKey {
    PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
}

fn keychain_or_skip() -> bool {
    let strict = asc_key_wizard::test_rule::strict();
    match open_platform_store() {
        Ok(_) if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() => true,
        other => {
            let why = other
                .err()
                .map_or("no session bus".to_owned(), |p| p.message);
            assert!(!strict, "the watch tests need the Secret Service: {why}");
            eprintln!("SKIPPED: the watch tests need the Secret Service: {why}");
            false
        }
    }
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"));
        cmd.args(args)
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("NO_COLOR", "1")
            .env_remove("ASC_WIZARD_CONFIG")
            .env_remove("ASC_API_BASE");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run the binary")
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stdout);
        let v = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), v)
    }

    /// Save a key file for `id` (asking Apple first unless `verify` is false).
    fn save(&self, key: &PrivateKey, id: &str, api: &str, verify: bool) {
        let file = self.dir.path().join(format!("AuthKey_{id}.p8"));
        std::fs::write(&file, key.canonical_pem()).unwrap();
        let mut args = vec![
            "save",
            file.to_str().unwrap(),
            "--issuer-id",
            ISSUER,
            "--label",
            id,
            "--api-base",
            api,
            "--json",
        ];
        if !verify {
            args.push("--no-verify");
        }
        let (code, v) = self.json(&args);
        assert_eq!(code, 0, "{v:#}");
    }

    fn delete_all(&self, ids: &[&str]) {
        for id in ids {
            let _ = self.run(&["delete", id]);
        }
    }
}

fn entry<'a>(all: &'a Value, id: &str) -> &'a Value {
    all["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key_id"] == id)
        .unwrap_or_else(|| panic!("{id} in {all:#}"))
}

#[test]
fn test_all_says_what_changed_and_exits_with_the_worst() {
    if !keychain_or_skip() {
        return;
    }
    let home = Home::new();
    let apple = AppleDouble::start();
    let api = apple.base_url();
    let (ka, kb, kc) = (key(), key(), key());
    let (a, b, c) = (key_id(), key_id(), key_id());
    for (k, id) in [(&ka, &a), (&kb, &b), (&kc, &c)] {
        apple.add_key(DoubleKey::team(id, k.public_key(), ISSUER));
    }
    home.save(&ka, &a, &api, true);
    home.save(&kb, &b, &api, true);
    home.save(&kc, &c, &api, false);

    // Everything works: the two tested keys are unchanged, the untested one has its first test.
    let (code, v) = home.json(&["test", "--all", "--api-base", &api, "--json"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        (v["ok"].clone(), v["worst"].clone()),
        (Value::Bool(true), Value::from("usable"))
    );
    assert_eq!(v["keys"].as_array().unwrap().len(), 3, "{v:#}");
    assert_eq!(entry(&v, &a)["change"]["trend"], "unchanged");
    assert_eq!(entry(&v, &c)["change"]["trend"], "first_test");
    assert_eq!(entry(&v, &c)["previous"], Value::Null);

    // One key revoked since: said as such, exit 3 (the worst), the others still fine.
    apple.revoke(&b);
    let (code, v) = home.json(&["test", "--all", "--api-base", &api, "--json"]);
    assert_eq!(code, 3, "{v:#}");
    assert_eq!(v["worst"], "refused");
    let eb = entry(&v, &b);
    assert_eq!(eb["apple"]["outcome"], "not_authorized");
    assert_eq!(eb["change"]["trend"], "stopped_working");
    assert!(
        eb["change"]["message"]
            .as_str()
            .unwrap()
            .contains("probably revoked"),
        "{eb:#}"
    );
    assert!(
        eb["change"]["hint"]
            .as_str()
            .unwrap()
            .contains("Revoked keys"),
        "{eb:#}"
    );
    assert_eq!(entry(&v, &a)["change"]["trend"], "unchanged");

    // The change is kept with the key until its next test (the wizard's launch banner reads it).
    let (_, list) = home.json(&["list", "--json"]);
    let change = entry(&list, &b)["last_test"]["change"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(change.contains("probably revoked"), "{list:#}");
    assert_eq!(entry(&list, &a)["last_test"]["change"], Value::Null);

    // In words for people: the key, what changed and what to do.
    let out = home.run(&["test", "--all", "--api-base", &api]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{b}  {b}: not_authorized Unchanged since")),
        "{text}"
    );
    assert!(text.contains("What to do:"), "{text}");
    assert!(
        text.contains(&format!("{a}  {a}: valid Unchanged")),
        "{text}"
    );
    // Re-tested as still refused, the change is no longer news.
    let (_, list) = home.json(&["list", "--json"]);
    assert_eq!(entry(&list, &b)["last_test"]["change"], Value::Null);

    home.delete_all(&[&a, &b, &c]);
}

#[test]
fn test_all_tests_two_keys_at_a_time() {
    if !keychain_or_skip() {
        return;
    }
    let home = Home::new();
    let apple = AppleDouble::start();
    let api = apple.base_url();
    let ids: Vec<String> = (0..4).map(|_| key_id()).collect();
    for id in &ids {
        let k = key();
        apple.add_key(DoubleKey::team(id, k.public_key(), ISSUER));
        home.save(&k, id, &api, false);
    }
    // Each answer takes a while, so tests that may overlap do.
    apple.set_scenario(Scenario::Slow(Duration::from_millis(300)));
    let (code, v) = home.json(&["test", "--all", "--api-base", &api, "--json"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        apple.max_keys_in_flight(),
        2,
        "two keys at a time, never more, and not one by one"
    );
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    home.delete_all(&refs);
}

#[test]
fn test_all_with_nothing_saved_is_fine() {
    if !keychain_or_skip() {
        return;
    }
    let home = Home::new();
    let out = home.run(&["test", "--all"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No keys are saved yet"));
    // A Key ID and --all together are a usage error.
    let out = home.run(&["test", "ABCDEFGHIJ", "--all"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 21 §3: a key replaced (`save --replace`) while `test KEYID` or `test --all` waits for
/// Apple keeps no answer from the old key: nothing is recorded, the run says so
/// (`key_changed_during_test`, exit 4), and the launch banner has nothing to say about it.
#[test]
fn a_key_replaced_mid_test_inherits_no_answer() {
    if !keychain_or_skip() {
        return;
    }
    let home = Home::new();
    let apple = AppleDouble::start();
    let api = apple.base_url();
    let (old, new) = (key(), key());
    let id = key_id();
    // Apple knows the old key only: had the new one been tested, it would be refused.
    apple.add_key(DoubleKey::team(&id, old.public_key(), ISSUER));
    let file = home.dir.path().join(format!("AuthKey_{id}.p8"));
    let put = |k: &PrivateKey| {
        std::fs::write(&file, k.canonical_pem()).unwrap();
        let (code, v) = home.json(&[
            "save",
            file.to_str().unwrap(),
            "--issuer-id",
            ISSUER,
            "--replace",
            "--no-verify",
            "--json",
        ]);
        assert_eq!(code, 0, "{v:#}");
    };
    apple.set_scenario(Scenario::Slow(Duration::from_secs(3)));
    for all in [false, true] {
        put(&old);
        apple.clear_requests();
        let args: Vec<&str> = if all {
            vec!["test", "--all"]
        } else {
            vec!["test", &id]
        };
        let child = home
            .command(&[&args[..], &["--api-base", &api, "--json"]].concat())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The old key was read back and sent: replace it while Apple's answer is on its way.
        let start = std::time::Instant::now();
        while apple.request_count() == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the test never asked Apple"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        put(&new);
        let out = child.wait_with_output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(4), "{v:#}");
        let problem = if all {
            &entry(&v, &id)["problem"]
        } else {
            &v["record_error"]
        };
        assert_eq!(problem["code"], "key_changed_during_test", "{v:#}");
        assert!(
            problem["message"]
                .as_str()
                .unwrap()
                .contains("its new key was not tested"),
            "{v:#}"
        );
        let (_, list) = home.json(&["list", "--json"]);
        let saved = entry(&list, &id);
        assert_eq!(saved["fingerprint"], new.fingerprint(), "{list:#}");
        assert_eq!(
            saved["last_test"],
            Value::Null,
            "the new key keeps no answer from the old one: {list:#}"
        );
    }
    home.delete_all(&[&id]);
}
