//! The vault against the in-memory store: save / same again / different key /
//! replace / load / record_test / delete, and the injected locked, denied and
//! unavailable errors. Nothing half-written on failure, no key in the index.

use asc_key_wizard::core::apple::Verification;
use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::problem::WayOut;
use asc_key_wizard::core::vault::memory::{Fault, MemoryStore, Op};
use asc_key_wizard::core::vault::{SaveRequest, SaveStatus, Vault, SERVICE};
use std::sync::Arc;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

fn key() -> PrivateKey {
    PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
}

fn verification(outcome: &str) -> Verification {
    Verification {
        http_status: Some(200),
        elapsed_ms: 5,
        apps_total: Some(0),
        ..Verification::by_hand(outcome, format!("Apple said {outcome}."), "")
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<MemoryStore>,
    vault: Vault,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let vault = Vault::with_store(store.as_store(), dir.path().join("cfg").join("keys.json"));
    Fixture {
        _dir: dir,
        store,
        vault,
    }
}

fn request<'a>(key: &'a PrivateKey, v: Option<&'a Verification>, replace: bool) -> SaveRequest<'a> {
    SaveRequest {
        creds: Credentials {
            key,
            key_id: KEY_ID,
            issuer_id: Some(ISSUER),
            kind: KeyKind::Team,
        },
        label: Some("Shop key"),
        verification: v,
        replace,
    }
}

#[test]
fn save_writes_the_documented_secret_and_a_key_free_index() {
    let f = fixture();
    let key = key();
    let v = verification("valid");
    let out = f.vault.save(&request(&key, Some(&v), false)).unwrap();
    assert_eq!(out.status, SaveStatus::Saved);
    assert_eq!(out.entry.fingerprint, key.fingerprint());
    assert!(out.entry.last_test.as_ref().unwrap().valid);

    let raw = f
        .store
        .raw(SERVICE, KEY_ID)
        .expect("item under service/account");
    let secret: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(secret["key_id"], KEY_ID);
    assert_eq!(secret["issuer_id"], ISSUER);
    assert_eq!(secret["kind"], "team");
    assert_eq!(secret["private_key_pem"], key.canonical_pem());
    assert_eq!(secret["label"], "Shop key");
    assert_eq!(secret["fingerprint"], key.fingerprint());
    assert!(secret["saved_at"].as_str().unwrap().ends_with('Z'));

    let index = std::fs::read_to_string(f.vault.index_path()).unwrap();
    assert!(index.contains(KEY_ID) && index.contains(key.fingerprint()));
    let body = key.base64_body();
    assert!(
        !index.contains(&body[40..80]),
        "no key material in the index"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.vault.index_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let listed = f.vault.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].label, "Shop key");
}

#[test]
fn same_key_again_is_a_no_op_and_keeps_the_last_test() {
    let f = fixture();
    let key = key();
    let v = verification("valid");
    let first = f.vault.save(&request(&key, Some(&v), false)).unwrap();
    let raw_before = f.store.raw(SERVICE, KEY_ID).unwrap();
    let again = f.vault.save(&request(&key, None, false)).unwrap();
    assert_eq!(again.status, SaveStatus::Unchanged);
    assert_eq!(again.entry.saved_at, first.entry.saved_at);
    assert_eq!(again.entry.last_test, first.entry.last_test);
    assert_eq!(f.store.raw(SERVICE, KEY_ID).unwrap(), raw_before);
}

#[test]
fn a_different_key_is_refused_unless_replace() {
    let f = fixture();
    let (old, new) = (key(), key());
    f.vault.save(&request(&old, None, false)).unwrap();
    let index_before = std::fs::read(f.vault.index_path()).unwrap();
    let err = f.vault.save(&request(&new, None, false)).unwrap_err();
    assert_eq!(err.code, "key_exists_different");
    // The way out is the core's; each face words it (the CLI: --replace, tests/suite/store_cli.rs).
    assert_eq!(err.way_out, Some(WayOut::ReplaceSaved));
    assert_eq!(f.vault.load(KEY_ID).unwrap().fingerprint, old.fingerprint());
    assert_eq!(std::fs::read(f.vault.index_path()).unwrap(), index_before);

    let out = f.vault.save(&request(&new, None, true)).unwrap();
    assert_eq!(out.status, SaveStatus::Replaced);
    assert_eq!(f.vault.load(KEY_ID).unwrap().fingerprint, new.fingerprint());
    assert_eq!(f.vault.show(KEY_ID).unwrap().fingerprint, new.fingerprint());
}

/// Issue 21 §3: Apple's answer is about the key that was sent. A key replaced under the same Key
/// ID between reading it back and recording the answer (another window's Replace, `save
/// --replace`) keeps no answer from the old key: nothing is recorded, and the caller is told.
#[test]
fn a_key_replaced_during_its_test_inherits_no_answer() {
    let f = fixture();
    let (old, new) = (key(), key());
    f.vault.save(&request(&old, None, false)).unwrap();
    let tested = f.vault.load(KEY_ID).unwrap();
    // The test is under way with `tested` when the key is replaced.
    f.vault.save(&request(&new, None, true)).unwrap();
    let before = std::fs::read(f.vault.index_path()).unwrap();
    let err = f
        .vault
        .record_test(KEY_ID, &tested.fingerprint, &verification("not_authorized"))
        .unwrap_err();
    assert_eq!(err.code, "key_changed_during_test");
    assert_eq!(err.class(), asc_key_wizard::core::problem::Class::NoAnswer);
    assert!(
        err.message
            .contains("was replaced while it was being tested; its new key was not tested"),
        "{}",
        err.message
    );
    let entry = f.vault.show(KEY_ID).unwrap();
    assert_eq!(
        (entry.fingerprint.as_str(), entry.last_test),
        (new.fingerprint(), None),
        "the new key stays untested"
    );
    assert_eq!(
        std::fs::read(f.vault.index_path()).unwrap(),
        before,
        "nothing written"
    );

    // The whole of `test --all` / Test all: loaded, asked, replaced, recorded.
    let loaded = asc_key_wizard::core::retest::load_all(&f.vault).unwrap();
    f.vault.save(&request(&old, None, true)).unwrap();
    let results = asc_key_wizard::core::retest::record_all(
        &f.vault,
        loaded,
        vec![Some(verification("valid"))],
    );
    assert_eq!(
        results[0].problem.as_ref().map(|p| p.code.as_str()),
        Some("key_changed_during_test")
    );
    assert_eq!(
        results[0].class,
        asc_key_wizard::core::problem::Class::NoAnswer
    );
    assert!(
        results[0].change.is_none(),
        "no news about a key no longer saved"
    );
    assert_eq!(f.vault.show(KEY_ID).unwrap().last_test, None);
    // The key still saved records its own answer.
    let loaded = asc_key_wizard::core::retest::load_all(&f.vault).unwrap();
    let results = asc_key_wizard::core::retest::record_all(
        &f.vault,
        loaded,
        vec![Some(verification("valid"))],
    );
    assert!(results[0].problem.is_none(), "{:?}", results[0].problem);
    assert_eq!(
        f.vault.show(KEY_ID).unwrap().last_test.unwrap().outcome,
        "valid"
    );
}

#[test]
fn load_record_test_and_delete() {
    let f = fixture();
    let key = key();
    f.vault.save(&request(&key, None, false)).unwrap();
    assert!(
        f.vault.show(KEY_ID).unwrap().last_test.is_none(),
        "not yet tested"
    );

    let stored = f.vault.load(KEY_ID).unwrap();
    assert_eq!(stored.key.canonical_pem(), key.canonical_pem());
    assert_eq!(stored.ids.issuer_id.as_deref(), Some(ISSUER));
    assert_eq!(stored.ids.kind, KeyKind::Team);

    let entry = f
        .vault
        .record_test(
            KEY_ID,
            stored.fingerprint.as_str(),
            &verification("not_authorized"),
        )
        .unwrap();
    let t = entry.last_test.unwrap();
    assert_eq!(t.outcome, "not_authorized");
    assert!(!t.valid);
    assert_eq!(
        f.vault.show(KEY_ID).unwrap().last_test.unwrap().outcome,
        "not_authorized"
    );

    f.vault.delete(KEY_ID).unwrap();
    assert!(f.store.is_empty());
    assert!(f.vault.list().unwrap().is_empty());
    assert_eq!(f.vault.delete(KEY_ID).unwrap_err().code, "not_found");
    assert_eq!(f.vault.load(KEY_ID).unwrap_err().code, "not_found");
    assert_eq!(f.vault.show(KEY_ID).unwrap_err().code, "not_found");
    assert_eq!(
        f.vault
            .record_test(KEY_ID, key.fingerprint(), &verification("valid"))
            .unwrap_err()
            .code,
        "not_found"
    );
}

#[test]
fn injected_errors_map_to_their_codes_and_write_nothing() {
    for (fault, code) in [
        (Fault::Unavailable, "keychain_unavailable"),
        (Fault::Locked, "keychain_locked"),
        (Fault::Denied, "keychain_denied"),
    ] {
        let f = fixture();
        let key = key();
        f.store.fail(Op::Write, fault);
        let err = f.vault.save(&request(&key, None, false)).unwrap_err();
        assert_eq!(err.code, code, "{fault:?}");
        assert!(!err.hint.is_empty());
        assert!(f.store.is_empty(), "{fault:?}: nothing in the keychain");
        assert!(!f.vault.index_path().exists(), "{fault:?}: no index entry");

        f.store.clear_faults();
        f.vault.save(&request(&key, None, false)).unwrap();
        f.store.fail(Op::Read, fault);
        assert_eq!(f.vault.load(KEY_ID).unwrap_err().code, code);
        f.store.fail(Op::Delete, fault);
        assert_eq!(f.vault.delete(KEY_ID).unwrap_err().code, code);
        f.store.clear_faults();
        assert_eq!(
            f.vault.list().unwrap().len(),
            1,
            "failed delete keeps the index entry"
        );
    }
}

#[test]
fn a_bad_read_back_leaves_nothing_behind() {
    let f = fixture();
    let key = key();
    f.store.fail(Op::Read, Fault::Garbled);
    // The first read (is something saved?) sees nothing; the read-back differs.
    let err = f.vault.save(&request(&key, None, false)).unwrap_err();
    assert_eq!(err.code, "keychain_write_failed");
    assert!(f.store.is_empty());
    assert!(!f.vault.index_path().exists());
}

#[test]
fn a_failed_replace_puts_the_old_key_back() {
    let f = fixture();
    let (old, new) = (key(), key());
    f.vault.save(&request(&old, None, false)).unwrap();
    // Make the index write fail (temp names are random now: no name to occupy).
    asc_key_wizard::core::fsutil::fail_writes_to(f.vault.index_path());
    let err = f.vault.save(&request(&new, None, true)).unwrap_err();
    assert_eq!(err.code, "index_write_failed", "{err:?}");
    assert_eq!(
        f.vault.load(KEY_ID).unwrap().fingerprint,
        old.fingerprint(),
        "old key restored"
    );
    assert_eq!(f.vault.show(KEY_ID).unwrap().fingerprint, old.fingerprint());

    // A first save whose index write fails leaves no keychain item.
    let base = request(&new, None, false);
    let other = SaveRequest {
        creds: Credentials {
            key_id: "ABCDE12345",
            ..base.creds
        },
        ..base
    };
    assert_eq!(f.vault.save(&other).unwrap_err().code, "index_write_failed");
    assert!(f.store.raw(SERVICE, "ABCDE12345").is_none());
}

#[test]
fn a_damaged_item_is_reported_and_can_be_replaced() {
    let f = fixture();
    let key = key();
    f.store.put_raw(SERVICE, KEY_ID, b"{not our json");
    assert_eq!(
        f.vault.load(KEY_ID).unwrap_err().code,
        "keychain_item_damaged"
    );
    let err = f.vault.save(&request(&key, None, false)).unwrap_err();
    assert_eq!(err.code, "keychain_item_damaged");
    // The way out is the core's; each face words it (the CLI: --replace, tests/suite/store_cli.rs).
    assert_eq!(err.way_out, Some(WayOut::ReplaceSaved));
    assert_eq!(f.store.raw(SERVICE, KEY_ID).unwrap(), b"{not our json");
    assert_eq!(
        f.vault.save(&request(&key, None, true)).unwrap().status,
        SaveStatus::Replaced
    );
    assert_eq!(f.vault.load(KEY_ID).unwrap().fingerprint, key.fingerprint());
}

/// The wizard and the CLI may change saved keys at the same moment: each
/// change holds the index lock, so no save undoes another's index update.
#[test]
fn concurrent_saves_from_separate_vaults_all_land_in_the_index() {
    let f = fixture();
    let path = f.vault.index_path().to_owned();
    let keys: Vec<PrivateKey> = (0..8).map(|_| key()).collect();
    std::thread::scope(|s| {
        for (i, k) in keys.iter().enumerate() {
            // A separate Vault per thread, as a separate process would have.
            let vault = Vault::with_store(f.store.as_store(), path.clone());
            s.spawn(move || {
                let key_id = format!("ABCDE1234{i}");
                for round in 0..5 {
                    let base = request(k, None, false);
                    let req = SaveRequest {
                        creds: Credentials {
                            key_id: &key_id,
                            ..base.creds
                        },
                        ..base
                    };
                    vault.save(&req).unwrap();
                    if round % 2 == 0 {
                        vault
                            .record_test(&key_id, k.fingerprint(), &verification("valid"))
                            .unwrap();
                    }
                }
            });
        }
    });
    let listed = f.vault.list().unwrap();
    assert_eq!(listed.len(), 8, "an index update was lost: {listed:?}");
    for (i, k) in keys.iter().enumerate() {
        let e = f.vault.show(&format!("ABCDE1234{i}")).unwrap();
        assert_eq!(e.fingerprint, k.fingerprint());
        assert_eq!(e.last_test.unwrap().outcome, "valid");
    }
}

/// Windows Credential Manager keeps at most 2560 bytes per secret. The largest record the vault
/// can write — the longest allowed label in four-byte characters (plus the two that JSON escapes),
/// for a team and an individual key — must stay well under it.
#[test]
fn largest_secret_record_fits_windows_credential_manager_with_margin() {
    use asc_key_wizard::core::vault::LABEL_MAX_CHARS;
    const CRED_MAX_CREDENTIAL_BLOB_SIZE: usize = 2560;
    let mut label: String = "\u{1F511}".repeat(LABEL_MAX_CHARS - 2);
    label.push_str("\"\\");
    assert_eq!(label.chars().count(), LABEL_MAX_CHARS);
    for (kind, issuer) in [(KeyKind::Team, Some(ISSUER)), (KeyKind::Individual, None)] {
        let f = fixture();
        let key = key();
        let v = verification("valid");
        let req = SaveRequest {
            creds: Credentials {
                key: &key,
                key_id: KEY_ID,
                issuer_id: issuer,
                kind,
            },
            label: Some(&label),
            verification: Some(&v),
            replace: false,
        };
        let out = f.vault.save(&req).unwrap();
        assert_eq!(out.entry.label, label);
        let raw = f.store.raw(SERVICE, KEY_ID).expect("saved item");
        assert!(
            raw.len() <= CRED_MAX_CREDENTIAL_BLOB_SIZE * 3 / 4,
            "{kind:?} record is {} bytes: less than 25% margin under {CRED_MAX_CREDENTIAL_BLOB_SIZE}",
            raw.len()
        );
        assert_eq!(f.vault.load(KEY_ID).unwrap().label, label);
    }
}

#[test]
fn a_label_too_long_or_with_control_characters_is_refused_and_nothing_is_written() {
    use asc_key_wizard::core::vault::{label_for, LABEL_MAX_CHARS};
    let f = fixture();
    let key = key();
    let long = "k".repeat(LABEL_MAX_CHARS + 1);
    for (label, code) in [
        (long.as_str(), "label_too_long"),
        ("Shop\nkey", "label_invalid"),
        ("a\u{1b}[31m", "label_invalid"),
    ] {
        let mut req = request(&key, None, false);
        req.label = Some(label);
        let err = f.vault.save(&req).unwrap_err();
        assert_eq!(err.code, code, "{label:?}");
        assert!(err.hint.contains("Nothing was saved"), "{}", err.hint);
        assert!(f.store.is_empty(), "nothing in the keychain for {label:?}");
        assert!(
            f.vault.list().unwrap().is_empty(),
            "nothing in the index for {label:?}"
        );
    }
    // Exactly the limit, surrounding blanks trimmed, is fine; blank means the default label.
    let exact = format!("  {}  ", "k".repeat(LABEL_MAX_CHARS));
    assert_eq!(
        label_for(Some(&exact), KEY_ID).unwrap(),
        "k".repeat(LABEL_MAX_CHARS)
    );
    assert_eq!(
        label_for(Some("   "), KEY_ID).unwrap(),
        format!("App Store Connect key {KEY_ID}")
    );
}

/// The one wording of what a save did, shared by the CLI and the wizard.
#[test]
fn save_outcomes_say_what_happened() {
    let f = fixture();
    let (old, new) = (key(), key());
    let first = f.vault.save(&request(&old, None, false)).unwrap();
    assert!(
        first.message().contains("not yet tested") && first.message().contains(KEY_ID),
        "{}",
        first.message()
    );
    let v = verification("valid");
    assert!(f
        .vault
        .save(&request(&old, Some(&v), false))
        .unwrap()
        .message()
        .contains("nothing changed"));
    let replaced = f.vault.save(&request(&new, Some(&v), true)).unwrap();
    assert!(
        replaced.message().contains("replaced"),
        "{}",
        replaced.message()
    );
}

/// `check - --same-as KEYID` (the real binary, reading the index a save wrote): the same key as
/// a CI secret hands it back (base64 of the file) is the same, exit 0, with the repair it needed;
/// another key is not, exit 1; an unknown Key ID is `not_found`, exit 1.
#[test]
fn check_same_as_compares_with_a_saved_key_by_fingerprint() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let index = dir
        .path()
        .join("asc_key_wizard_cfg")
        .join(SERVICE)
        .join("keys.json");
    let vault = Vault::with_store(MemoryStore::new().as_store(), index);
    let saved = key();
    vault.save(&request(&saved, None, false)).unwrap();
    let check = |text: &[u8], id: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"))
            .args(["check", "-", "--same-as", id, "--json"])
            .env("XDG_CONFIG_HOME", dir.path().join("asc_key_wizard_cfg"))
            .env("HOME", dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text).unwrap();
        let out = child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    use base64ct::{Base64, Encoding};
    let secret = Base64::encode_string(saved.canonical_pem().as_bytes());
    let (code, v) = check(secret.as_bytes(), KEY_ID);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["same_as"]["same"], true);
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "base64_file_decoded"),
        "{v}"
    );
    assert!(
        v["same_as"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "The same key as the saved {KEY_ID} (after 1 repair(s)"
            )),
        "{v}"
    );
    let (code, v) = check(key().canonical_pem().as_bytes(), KEY_ID);
    assert_eq!(code, Some(1));
    assert_eq!(v["same_as"]["same"], false);
    assert_ne!(
        v["same_as"]["fingerprint"],
        v["same_as"]["saved_fingerprint"]
    );
    let (code, v) = check(saved.canonical_pem().as_bytes(), "ZZZZZZZZZZ");
    assert_eq!(code, Some(1));
    assert_eq!(v["error"]["code"], "not_found", "{v}");
}
