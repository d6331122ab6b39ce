//! Every wizard command through Tauri's mock runtime with the real context
//! (tauri.conf.json + capabilities), so argument names, the `{code, message,
//! hint}` error shape and the ACL are tested as the webview sees them.
//!
//! Run: `cargo test --features mock-runtime,e2e-seam --test app_commands`
#![cfg(feature = "mock-runtime")]

use asc_key_wizard::app::{self, state::AppState};
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::vault::{memory::MemoryStore, Vault, SERVICE};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

type Mock = tauri::test::MockRuntime;

/// Tests touching process-wide env vars take this lock.
static ENV: Mutex<()> = Mutex::new(());

const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

struct Harness {
    app: App<Mock>,
    main: WebviewWindow<Mock>,
    dir: tempfile::TempDir,
    /// The in-memory keychain behind the vault, for damaging an item.
    store: Arc<MemoryStore>,
    key: PrivateKey,
    /// Every successful or failed response, for the leak check.
    seen: Mutex<String>,
}

impl Harness {
    fn new() -> Harness {
        let app = app::build(mock_builder())
            .build(app::context())
            .expect("mock app builds");
        let main = match app.get_webview_window("main") {
            Some(w) => w,
            None => WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .expect("main window"),
        };
        let dir = tempfile::tempdir().unwrap();
        // Never touch the real keychain from tests.
        let store = MemoryStore::new();
        app.state::<AppState>().set_vault(Vault::with_store(
            store.as_store(),
            dir.path().join("keys.json"),
        ));
        let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
        Harness {
            app,
            main,
            dir,
            store,
            key,
            seen: Mutex::new(String::new()),
        }
    }

    /// Write the key as Apple ships it.
    fn key_file(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, self.key.canonical_pem()).unwrap();
        path
    }

    fn call_in(
        &self,
        window: &WebviewWindow<Mock>,
        cmd: &str,
        args: Value,
    ) -> Result<Value, Value> {
        let res = invoke(window, cmd, args);
        let text = match &res {
            Ok(v) | Err(v) => v.to_string(),
        };
        self.seen.lock().unwrap().push_str(&text);
        res
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.call_in(&self.main, cmd, args)
    }

    /// Load a key file and enter its IDs (ABC123DEFG, a team key) as step 4 does: later
    /// commands take only the key_ref.
    fn load(&self, path: &Path) -> String {
        let key_ref = self.load_only(path);
        let ids =
            json!({ "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team", "keyRef": key_ref });
        self.call("check_ids", ids).expect("check_ids");
        key_ref
    }

    fn load_only(&self, path: &Path) -> String {
        let loaded = self
            .call("load_key_file", json!({ "path": path }))
            .expect("load_key_file");
        assert_eq!(loaded["report"]["ok"], json!(true), "{loaded}");
        loaded["key_ref"].as_str().expect("key_ref").to_owned()
    }

    fn assert_no_leak(&self) {
        let seen = self.seen.lock().unwrap();
        assert!(!seen.is_empty());
        assert!(
            !seen.contains("PRIVATE KEY"),
            "a response carried a PEM header"
        );
        let body = self.key.base64_body();
        for chunk in body.as_bytes().chunks(16) {
            let chunk = std::str::from_utf8(chunk).unwrap();
            // The first 48 characters are the same for every P-256 key (ASN.1 header).
            if body.find(chunk).unwrap() >= 48 {
                assert!(
                    !seen.contains(chunk),
                    "a response carried part of the key body"
                );
            }
        }
    }
}

/// One IPC call as the webview makes it (IPC URL `tauri://localhost` on Linux).
fn invoke(window: &WebviewWindow<Mock>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

/// `{code, message, hint}` and nothing else, all non-empty strings.
fn assert_problem(err: &Value, code: &str) {
    let obj = err
        .as_object()
        .unwrap_or_else(|| panic!("error is not an object: {err}"));
    let mut keys: Vec<_> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["code", "hint", "message"], "{err}");
    assert_eq!(obj["code"], json!(code), "{err}");
    assert!(!obj["message"].as_str().unwrap().is_empty());
    assert!(!obj["hint"].as_str().unwrap().is_empty());
}

#[test]
fn app_info_and_handoff_config() {
    let h = Harness::new();
    let info = h.call("app_info", json!({})).unwrap();
    assert_eq!(info["name"], json!("ASC Key Wizard"));
    // The export menus come from the core's table, in its order; the e2e journeys pick "github".
    let values: Vec<&str> = info["export_formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        ["fastlane", "altool", "env", "xcodebuild", "eas", "github"]
    );
    let cfg = h.call("handoff_config", json!({})).unwrap();
    assert!(cfg["store_name"].as_str().unwrap().len() > 3, "{cfg}");
    assert!(
        cfg["has_upload"].is_boolean() && cfg["token_label"].is_string(),
        "{cfg}"
    );
}

#[test]
fn load_file_and_text_return_metadata_only() {
    let h = Harness::new();
    let path = h.key_file("AuthKey_ABC123DEFG.p8");
    let loaded = h.call("load_key_file", json!({ "path": path })).unwrap();
    assert_eq!(loaded["report"]["ok"], json!(true), "{loaded}");
    assert_eq!(loaded["file_name"], json!("AuthKey_ABC123DEFG.p8"));
    assert_eq!(loaded["source"], json!("file"));
    assert_eq!(loaded["report"]["fingerprint"], json!(h.key.fingerprint()));
    assert!(loaded["key_ref"].is_string());

    let text = format!("\"{}\"", h.key.canonical_pem().replace('\n', "\\n"));
    let pasted = h.call("load_key_text", json!({ "text": text })).unwrap();
    assert_eq!(pasted["source"], json!("text"));
    assert_eq!(
        pasted["report"]["fingerprint"],
        json!(h.key.fingerprint()),
        "{pasted}"
    );
    assert_ne!(
        pasted["key_ref"], loaded["key_ref"],
        "a new selection gets a new id"
    );
    h.assert_no_leak();
}

#[test]
fn read_errors_and_unknown_refs_have_the_problem_shape() {
    let h = Harness::new();
    let err = h
        .call(
            "load_key_file",
            json!({ "path": h.dir.path().join("nope.p8") }),
        )
        .unwrap_err();
    assert_problem(&err, "file_not_found");
    let err = h
        .call("load_key_text", json!({ "text": "x".repeat(70_000) }))
        .unwrap_err();
    assert_problem(&err, "too_large");
    let err = h
        .call("verify_key", json!({ "keyRef": "not-a-ref", "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team" }))
        .unwrap_err();
    assert_problem(&err, "no_key_selected");
    let err = h
        .call("reveal_key_file", json!({ "keyRef": "not-a-ref" }))
        .unwrap_err();
    assert_problem(&err, "no_key_selected");
    // A replaced selection invalidates the old id.
    let first = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let _second = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let err = h
        .call("reveal_key_file", json!({ "keyRef": first }))
        .unwrap_err();
    assert_problem(&err, "no_key_selected");
    // Missing arguments are refused by Tauri before the command runs.
    assert!(h.call("load_key_file", json!({})).is_err());
}

#[test]
fn check_ids_normalises_and_warns_about_the_file_name() {
    let h = Harness::new();
    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let ok = h
        .call(
            "check_ids",
            json!({ "keyId": " 'abc123defg' ", "issuerId": ISSUER.to_uppercase(), "kind": "team", "keyRef": key_ref }),
        )
        .unwrap();
    assert_eq!(ok["key_id"]["value"], json!("ABC123DEFG"), "{ok}");
    assert_eq!(ok["issuer_id"]["value"], json!(ISSUER), "{ok}");
    assert!(
        ok["key_id"]["problem"].is_null() && ok["issuer_id"]["problem"].is_null(),
        "{ok}"
    );
    assert_eq!(ok["warnings"], json!([]));

    let other = h
        .call(
            "check_ids",
            json!({ "keyId": "ZZZ999ZZZZ", "issuerId": ISSUER, "kind": "team", "keyRef": key_ref }),
        )
        .unwrap();
    assert_eq!(
        other["warnings"][0]["code"],
        json!("key_id_mismatch"),
        "{other}"
    );

    let empty = h
        .call(
            "check_ids",
            json!({ "keyId": "", "issuerId": "", "kind": "team" }),
        )
        .unwrap();
    assert_eq!(empty["key_id"]["problem"]["code"], json!("key_id_missing"));
    assert_eq!(
        empty["issuer_id"]["problem"]["code"],
        json!("issuer_id_missing")
    );
    let bad = h
        .call(
            "check_ids",
            json!({ "keyId": "short", "issuerId": "nope", "kind": "team" }),
        )
        .unwrap();
    assert_problem(
        &bad["key_id"]["problem"],
        bad["key_id"]["problem"]["code"].as_str().unwrap(),
    );
    assert!(bad["issuer_id"]["problem"]["code"].is_string(), "{bad}");

    let individual = h
        .call(
            "check_ids",
            json!({ "keyId": "ABC123DEFG", "issuerId": "", "kind": "individual" }),
        )
        .unwrap();
    assert!(individual["issuer_id"]["problem"].is_null(), "{individual}");
}

/// The IDs travel once, to check_ids; verify, save, upload and export take the key_ref and use
/// what that check accepted (IDs sent along with them are ignored).
#[test]
fn commands_use_the_ids_the_check_accepted() {
    let h = Harness::new();
    let key_ref = h.load_only(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let save =
        json!({ "keyRef": key_ref, "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team" });
    assert_problem(
        &h.call("save_to_keychain", save.clone()).unwrap_err(),
        "ids_not_checked",
    );
    assert_problem(
        &h.call("export_key", json!({ "keyRef": key_ref, "format": "env" }))
            .unwrap_err(),
        "ids_not_checked",
    );
    let ids = json!({ "keyId": " zzz999zzzz ", "issuerId": ISSUER.to_uppercase(), "kind": "team", "keyRef": key_ref });
    h.call("check_ids", ids).unwrap();
    let saved = h.call("save_to_keychain", save).unwrap();
    assert_eq!(saved["key_id"], json!("ZZZ999ZZZZ"), "{saved}");
    let rows = h.call("list_saved", json!({})).unwrap();
    assert_eq!(rows[0]["issuer_id"], json!(ISSUER), "{rows}");
    // Fields that stop being valid take the IDs away again.
    h.call(
        "check_ids",
        json!({ "keyId": "short", "issuerId": ISSUER, "kind": "team", "keyRef": key_ref }),
    )
    .unwrap();
    assert_problem(
        &h.call("verify_key", json!({ "keyRef": key_ref }))
            .unwrap_err(),
        "ids_not_checked",
    );
    h.assert_no_leak();
}

#[test]
fn keychain_save_list_delete_round_trip() {
    let h = Harness::new();
    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let args =
        json!({ "keyRef": key_ref, "keyId": "abc123defg", "issuerId": ISSUER, "kind": "team" });
    let saved = h.call("save_to_keychain", args.clone()).unwrap();
    assert_eq!(saved["status"], json!("saved"), "{saved}");
    assert_eq!(saved["key_id"], json!("ABC123DEFG"));
    assert_eq!(
        saved["last_outcome"],
        json!("not_tested"),
        "no test yet: saved as not yet tested"
    );
    let again = h.call("save_to_keychain", args).unwrap();
    assert_eq!(again["status"], json!("unchanged"));

    let list = h.call("list_saved", json!({})).unwrap();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["key_id"], json!("ABC123DEFG"));
    assert_eq!(rows[0]["issuer_id"], json!(ISSUER));
    assert_eq!(rows[0]["fingerprint"], json!(h.key.fingerprint()));
    assert_eq!(rows[0]["last_outcome"], json!("not_tested"));

    h.call("delete_saved", json!({ "keyId": "ABC123DEFG" }))
        .unwrap();
    assert_eq!(h.call("list_saved", json!({})).unwrap(), json!([]));
    assert_problem(
        &h.call("delete_saved", json!({ "keyId": "ABC123DEFG" }))
            .unwrap_err(),
        "not_found",
    );
    assert_problem(
        &h.call("retest_saved", json!({ "keyId": "ABC123DEFG" }))
            .unwrap_err(),
        "not_found",
    );
    h.assert_no_leak();
}

/// A different key under a saved Key ID is refused until the user asks to
/// replace it; the wizard's hint names its button, not the CLI flag.
#[test]
fn keychain_refuses_a_different_key_until_replace() {
    let h = Harness::new();
    let first = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let args = |key_ref: &str, replace: Value| json!({ "keyRef": key_ref, "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team", "replace": replace });
    assert_eq!(
        h.call("save_to_keychain", args(&first, Value::Null))
            .unwrap()["status"],
        json!("saved")
    );

    // Another key file that claims the same Key ID.
    let other = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    let path = h.dir.path().join("other").join("AuthKey_ABC123DEFG.p8");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, other.canonical_pem()).unwrap();
    let second = h.load(&path);

    let refused = h
        .call("save_to_keychain", args(&second, json!(false)))
        .unwrap_err();
    assert_problem(&refused, "key_exists_different");
    let hint = refused["hint"].as_str().unwrap();
    assert!(
        hint.contains("Replace the saved key") && !hint.contains("--replace"),
        "{hint}"
    );
    let rows = h.call("list_saved", json!({})).unwrap();
    assert_eq!(
        rows[0]["fingerprint"],
        json!(h.key.fingerprint()),
        "nothing changed: {rows}"
    );

    let replaced = h
        .call("save_to_keychain", args(&second, json!(true)))
        .unwrap();
    assert_eq!(replaced["status"], json!("replaced"), "{replaced}");
    assert!(
        replaced["message"].as_str().unwrap().contains("replaced"),
        "{replaced}"
    );
    let rows = h.call("list_saved", json!({})).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["fingerprint"], json!(other.fingerprint()), "{rows}");
    h.assert_no_leak();
    let seen = h.seen.lock().unwrap();
    assert!(
        !seen.contains(&other.base64_body()[48..]),
        "a response carried the second key's body"
    );
}

/// Vault problems reach the webview in the wizard's words (its buttons and
/// screens), never the CLI's flags and subcommands, whichever command met them.
#[test]
fn vault_problems_name_the_wizard_controls() {
    let h = Harness::new();
    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let args =
        json!({ "keyRef": key_ref, "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team" });
    h.call("save_to_keychain", args.clone()).unwrap();
    h.store.put_raw(SERVICE, "ABC123DEFG", b"{not our json");

    let cli_words = |err: &Value| {
        let hint = err["hint"].as_str().unwrap();
        hint.contains("--") || hint.contains("`")
    };
    let retest = h
        .call("retest_saved", json!({ "keyId": "ABC123DEFG" }))
        .unwrap_err();
    assert_problem(&retest, "keychain_item_damaged");
    assert!(
        !cli_words(&retest) && retest["hint"].as_str().unwrap().contains("Saved keys"),
        "{retest}"
    );
    let save = h.call("save_to_keychain", args.clone()).unwrap_err();
    assert_problem(&save, "keychain_item_damaged");
    assert!(
        !cli_words(&save)
            && save["hint"]
                .as_str()
                .unwrap()
                .contains("Replace the saved key"),
        "{save}"
    );
    assert_eq!(
        h.store.raw(SERVICE, "ABC123DEFG").unwrap(),
        b"{not our json",
        "nothing changed"
    );
    let mut replace = args.clone();
    replace["replace"] = json!(true);
    let replaced = h.call("save_to_keychain", replace).unwrap();
    assert_eq!(replaced["status"], json!("replaced"), "{replaced}");

    h.call("delete_saved", json!({ "keyId": "ABC123DEFG" }))
        .unwrap();
    let gone = h
        .call("retest_saved", json!({ "keyId": "ABC123DEFG" }))
        .unwrap_err();
    assert_problem(&gone, "not_found");
    assert!(
        !cli_words(&gone) && gone["hint"].as_str().unwrap().contains("Saved keys"),
        "{gone}"
    );
    h.assert_no_leak();
}

#[test]
fn verify_reports_offline_and_can_be_cancelled() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let h = Harness::new();
    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let args =
        json!({ "keyRef": key_ref, "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team" });

    // A server that accepts and never answers: the test is cancelled from the UI.
    let hang = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std::env::set_var(
        "ASC_API_BASE",
        format!("http://{}", hang.local_addr().unwrap()),
    );
    let worker = {
        let (main, args) = (h.main.clone(), args.clone());
        std::thread::spawn(move || invoke(&main, "verify_key", args))
    };
    let started = std::time::Instant::now();
    let mut cancelled = false;
    while started.elapsed() < std::time::Duration::from_secs(5) && !cancelled {
        std::thread::sleep(std::time::Duration::from_millis(100));
        cancelled = h.call("cancel_verify", json!({})).unwrap() == json!(true);
    }
    assert!(cancelled, "cancel_verify found no running test");
    assert_problem(&worker.join().unwrap().unwrap_err(), "cancelled");
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    drop(hang);

    // Nothing listening: an answer-less outcome, not an error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    std::env::set_var("ASC_API_BASE", format!("http://{addr}"));
    // The wizard is told where tests go instead of Apple (shown on the test step).
    let info = h.call("app_info", json!({})).unwrap();
    assert_eq!(info["api_override"], json!(addr.to_string()), "{info}");
    let v = h.call("verify_key", args.clone()).unwrap();
    assert_eq!(v["outcome"], json!("network_unreachable"), "{v}");
    assert!(v["message"].is_string() && v["hint"].is_string());

    // Offline keys save as "not yet tested"; a re-test records its outcome.
    h.call("save_to_keychain", args).unwrap();
    let v = h
        .call("retest_saved", json!({ "keyId": "ABC123DEFG" }))
        .unwrap();
    assert_eq!(v["outcome"], json!("network_unreachable"));
    let rows = h.call("list_saved", json!({})).unwrap();
    assert_eq!(
        rows[0]["last_outcome"],
        json!("network_unreachable"),
        "{rows}"
    );
    assert_eq!(rows[0]["age_days"], json!(0), "{rows}");
    assert_eq!(rows[0]["attention"], Value::Null, "{rows}");
    // Test all: every saved key, with what changed since its last test (no answer: it stands).
    let all = h.call("retest_all_saved", json!({})).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["key_id"], json!("ABC123DEFG"));
    assert_eq!(
        all[0]["apple"]["outcome"],
        json!("network_unreachable"),
        "{all}"
    );
    assert_eq!(all[0]["change"]["trend"], json!("no_answer"), "{all}");
    assert_eq!(all[0]["class"], json!("no_answer"));
    // Compare with text: what a CI secret store gave back (escaped newlines) is the same key.
    let escaped = h.key.canonical_pem().replace('\n', "\\n");
    let same = h
        .call(
            "compare_saved",
            json!({ "keyId": "ABC123DEFG", "text": escaped }),
        )
        .unwrap();
    assert_eq!(same["same"], json!(true), "{same}");
    assert_eq!(
        same["notes"][0]["code"],
        json!("escaped_newlines"),
        "{same}"
    );
    let other = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    let differs = h
        .call(
            "compare_saved",
            json!({ "keyId": "ABC123DEFG", "text": other.canonical_pem() }),
        )
        .unwrap();
    assert_eq!(differs["same"], json!(false), "{differs}");
    assert!(
        differs["message"]
            .as_str()
            .unwrap()
            .contains("fingerprints differ"),
        "{differs}"
    );
    let junk = h
        .call(
            "compare_saved",
            json!({ "keyId": "ABC123DEFG", "text": "hello" }),
        )
        .unwrap();
    assert_eq!(
        (junk["same"].clone(), junk["problems"][0]["code"].clone()),
        (json!(false), json!("not_a_key")),
        "{junk}"
    );
    assert_problem(
        &h.call(
            "compare_saved",
            json!({ "keyId": "ZZZZZZZZZZ", "text": "x" }),
        )
        .unwrap_err(),
        "not_found",
    );
    std::env::remove_var("ASC_API_BASE");
    assert_eq!(
        h.call("app_info", json!({})).unwrap()["api_override"],
        Value::Null
    );
    h.assert_no_leak();
}

#[test]
fn picker_seam_destinations_and_reveal() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let h = Harness::new();
    let path = h.key_file("AuthKey_ABC123DEFG.p8");
    let opened = h.dir.path().join("opened.txt");
    std::env::set_var("ASC_WIZARD_E2E_PICK", &path);
    std::env::set_var("ASC_WIZARD_E2E_OPENED", &opened);

    let picked = h.call("pick_key_file", json!({})).unwrap();
    assert_eq!(
        picked["file_name"],
        json!("AuthKey_ABC123DEFG.p8"),
        "{picked}"
    );
    let key_ref = picked["key_ref"].as_str().unwrap().to_owned();

    h.call("open_destination", json!({ "which": "app_store_connect" }))
        .unwrap();
    h.call("reveal_key_file", json!({ "keyRef": key_ref }))
        .unwrap();
    let log = std::fs::read_to_string(&opened).unwrap();
    assert!(
        log.contains("https://appstoreconnect.apple.com/access/integrations/api"),
        "{log}"
    );
    assert!(
        log.contains(&h.dir.path().to_string_lossy().to_string()),
        "{log}"
    );
    // Only the fixed destinations exist; a URL is not accepted.
    assert!(h
        .call(
            "open_destination",
            json!({ "which": "https://evil.example" })
        )
        .is_err());
    std::env::remove_var("ASC_WIZARD_E2E_PICK");
    std::env::remove_var("ASC_WIZARD_E2E_OPENED");

    // A pasted key has no file to reveal.
    let text = h.key.canonical_pem().to_owned();
    let pasted = h.call("load_key_text", json!({ "text": text })).unwrap();
    let err = h
        .call("reveal_key_file", json!({ "keyRef": pasted["key_ref"] }))
        .unwrap_err();
    assert_problem(&err, "no_file");
    h.assert_no_leak();
}

#[test]
fn dropped_files_become_the_selection_and_closing_forgets_it() {
    let h = Harness::new();
    let state = h.app.state::<AppState>();
    let window = h.main.as_ref().window();
    let drop = |path: PathBuf| {
        tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop {
            paths: vec![path],
            position: tauri::PhysicalPosition::new(10.0, 10.0),
        })
    };
    // The real handler: Rust reads the dropped file and keeps the key.
    // The handler returns at once; the file is read on another thread, then selected.
    app::on_window_event(&window, &drop(h.key_file("AuthKey_ABC123DEFG.p8")));
    let started = std::time::Instant::now();
    while state.session().selected().is_none()
        && started.elapsed() < std::time::Duration::from_secs(5)
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let selected = state
        .session()
        .selected()
        .map(|s| (s.id.clone(), s.key.fingerprint().to_owned()));
    let (key_ref, fingerprint) = selected.expect("the dropped key is selected");
    assert_eq!(fingerprint, h.key.fingerprint());
    assert!(state.session().get(&key_ref).is_ok());

    // The payload the webview receives carries metadata only.
    let payload = tauri::async_runtime::block_on(app::drop_payload(
        &state,
        h.key_file("AuthKey_ABC123DEFG.p8"),
    ));
    let text = serde_json::to_string(&payload).unwrap();
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains(&h.key.base64_body()[60..90]),
        "{text}"
    );
    assert!(payload.loaded.expect("loaded").key_ref.is_some());
    let missing =
        tauri::async_runtime::block_on(app::drop_payload(&state, h.dir.path().join("gone.p8")));
    assert_eq!(
        missing.problem.map(|p| p.code.as_str()),
        Some("file_not_found")
    );
    assert!(
        state.session().selected().is_none(),
        "a failed drop replaces the old key"
    );

    h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    assert!(state.session().selected().is_some());
    app::on_window_event(&window, &tauri::WindowEvent::Destroyed);
    assert!(
        state.session().selected().is_none(),
        "closing the window must forget the key"
    );
}

#[test]
fn the_acl_refuses_windows_other_than_main() {
    let h = Harness::new();
    let other = WebviewWindowBuilder::new(&h.app, "other", Default::default())
        .build()
        .unwrap();
    for cmd in [
        "app_info",
        "load_key_text",
        "list_saved",
        "open_destination",
    ] {
        let err = h.call_in(&other, cmd, json!({})).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("not allowed") || text.contains("denied"),
            "{cmd}: {text}"
        );
    }
    assert!(h.call("app_info", json!({})).is_ok(), "main is allowed");
}

#[test]
fn capability_grants_exactly_the_commands() {
    let cap: Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    assert_eq!(cap["windows"], json!(["main"]));
    let build = include_str!("../src-tauri/build.rs");
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for p in &perms {
        for banned in ["fs:", "shell:", "http:", "dialog:", "opener:"] {
            assert!(!p.starts_with(banned), "{p} must not be granted");
        }
        if let Some(cmd) = p.strip_prefix("allow-") {
            assert!(
                build.contains(&format!("\"{}\"", cmd.replace('-', "_"))),
                "{p} has no command in build.rs"
            );
        }
    }
    let commands = build
        .split("const COMMANDS")
        .nth(1)
        .unwrap()
        .split("];")
        .next()
        .unwrap();
    for cmd in commands.split('"').skip(1).step_by(2) {
        assert!(
            perms.contains(&format!("allow-{}", cmd.replace('_', "-")).as_str()),
            "{cmd} is not granted"
        );
    }
}

/// A one-shot loopback dashboard: returns the raw request it received.
fn dashboard(
    status: &'static str,
    body: &'static str,
) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/asc-key", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(std::time::Duration::from_millis(700)))
            .unwrap();
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
            // Stop once the multipart body is complete.
            if raw.windows(4).any(|w| w == b"--\r\n") && raw.ends_with(b"--\r\n") {
                break;
            }
        }
        let reply = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        conn.write_all(reply.as_bytes()).unwrap();
        String::from_utf8_lossy(&raw).into_owned()
    });
    (url, handle)
}

// Unix only: the exports land under HOME, which `dirs` ignores on Windows.
#[cfg(unix)]
#[test]
fn upload_export_and_dashboard_follow_the_config() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let h = Harness::new();
    let state = h.app.state::<AppState>();
    let (url, server) = dashboard("201 Created", r#"{"message":"Key received"}"#);
    state.set_config(asc_key_wizard::core::config::Config {
        platform_name: Some("Acme Shops".into()),
        upload_url: Some(url),
        token_label: Some("setup token".into()),
        dashboard_url: Some("https://dashboard.acme.test/settings/apple".into()),
        ..Default::default()
    });
    let cfg = h.call("handoff_config", json!({})).unwrap();
    assert_eq!(cfg["platform_name"], json!("Acme Shops"));
    assert_eq!(cfg["has_upload"], json!(true));
    assert_eq!(cfg["has_dashboard"], json!(true));
    assert_eq!(cfg["token_label"], json!("setup token"));
    assert!(
        cfg.get("upload_url").is_none() && cfg.get("dashboard_url").is_none(),
        "no URLs for the webview"
    );

    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let base =
        json!({ "keyRef": key_ref, "keyId": "ABC123DEFG", "issuerId": ISSUER, "kind": "team" });
    let mut args = base.clone();
    args["token"] = json!("  ");
    assert_problem(
        &h.call("upload_key", args.clone()).unwrap_err(),
        "missing_token",
    );
    args["token"] = json!("tok-123");
    let done = h.call("upload_key", args).unwrap();
    assert!(
        done["message"].as_str().unwrap().contains("Acme Shops"),
        "{done}"
    );
    let request = server.join().unwrap().to_ascii_lowercase();
    assert!(
        request.contains("authorization: bearer tok-123"),
        "{request}"
    );
    assert!(
        request.contains("abc123defg") && request.contains(ISSUER),
        "{request}"
    );

    // Exports go to Downloads (or home) and altool's own folder; never overwrite.
    let home = tempfile::tempdir().unwrap();
    let (old_home, old_xdg) = (
        std::env::var_os("HOME"),
        std::env::var_os("XDG_CONFIG_HOME"),
    );
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_CONFIG_HOME", home.path().join(".config"));
    let mut args = base.clone();
    args["format"] = json!("fastlane");
    let out = h.call("export_key", args.clone()).unwrap();
    let path = PathBuf::from(out["path"].as_str().unwrap());
    assert!(path.starts_with(home.path()), "{out}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["key_id"], json!("ABC123DEFG"));
    let again = h.call("export_key", args).unwrap_err();
    assert_problem(&again, "file_exists");
    // The wizard has no --force: its hint names what a merchant can do there.
    let hint = again["hint"].as_str().unwrap();
    assert!(!hint.contains("--"), "a CLI flag in the wizard: {hint}");
    assert!(
        hint.contains("rename") && hint.contains("export again"),
        "{hint}"
    );
    let mut args = base.clone();
    args["format"] = json!("nonsense");
    assert!(
        h.call("export_key", args).is_err(),
        "only the three formats exist"
    );

    h.call("save_to_keychain", base.clone()).unwrap();
    let out = h
        .call(
            "export_saved",
            json!({ "keyId": "ABC123DEFG", "format": "altool" }),
        )
        .unwrap();
    let path = PathBuf::from(out["path"].as_str().unwrap());
    assert!(
        path.ends_with(".appstoreconnect/private_keys/AuthKey_ABC123DEFG.p8"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        h.key.canonical_pem()
    );
    assert!(
        out["commands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("altool")),
        "{out}"
    );

    let opened = h.dir.path().join("opened.txt");
    std::env::set_var("ASC_WIZARD_E2E_OPENED", &opened);
    h.call("open_destination", json!({ "which": "dashboard" }))
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap().trim(),
        "https://dashboard.acme.test/settings/apple"
    );
    std::env::remove_var("ASC_WIZARD_E2E_OPENED");
    match old_home {
        Some(v) => std::env::set_var("HOME", v),
        None => std::env::remove_var("HOME"),
    }
    match old_xdg {
        Some(v) => std::env::set_var("XDG_CONFIG_HOME", v),
        None => std::env::remove_var("XDG_CONFIG_HOME"),
    }
    // The export results are paths and commands, never the key.
    h.assert_no_leak();
}

/// "Start over" (and closing the window) stops an upload still waiting for the dashboard: the
/// command ends at once with `cancelled` instead of waiting for the dashboard's time-out.
#[test]
fn start_over_stops_an_upload_in_flight() {
    let h = Harness::new();
    let state = h.app.state::<AppState>();
    // A dashboard that takes the connection and never answers.
    let hang = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    state.set_config(asc_key_wizard::core::config::Config {
        upload_url: Some(format!("http://{}/keys", hang.local_addr().unwrap())),
        ..Default::default()
    });
    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    let worker = {
        let (main, key_ref) = (h.main.clone(), key_ref.clone());
        std::thread::spawn(move || {
            invoke(
                &main,
                "upload_key",
                json!({ "keyRef": key_ref, "token": "tok-1" }),
            )
        })
    };
    let (_conn, _) = hang.accept().expect("the upload reaches the dashboard");
    let started = std::time::Instant::now();
    h.call("clear_key", json!({})).unwrap();
    let stopped = worker.join().unwrap().unwrap_err();
    assert_problem(&stopped, "cancelled");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // The key is gone too: nothing more can be sent or written for it.
    assert_problem(
        &h.call("export_key", json!({ "keyRef": key_ref, "format": "env" }))
            .unwrap_err(),
        "no_key_selected",
    );
    h.assert_no_leak();
}

/// A dropped file is read off the window's thread and outside the session's lock: the event
/// handler returns while the session is busy (its lock held here), and the key arrives once the
/// session is free. (It used to read and check on the calling thread under the lock.)
#[test]
fn a_dropped_file_never_blocks_the_window_thread() {
    let h = Harness::new();
    let state = h.app.state::<AppState>();
    let window = h.main.as_ref().window();
    let event = tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop {
        paths: vec![h.key_file("AuthKey_ABC123DEFG.p8")],
        position: tauri::PhysicalPosition::new(10.0, 10.0),
    });
    let busy = state.session();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        app::on_window_event(&window, &event);
        let _ = tx.send(());
    });
    let returned = rx.recv_timeout(std::time::Duration::from_secs(3));
    drop(busy);
    assert!(returned.is_ok(), "the drop handler waited for the session");
    let started = std::time::Instant::now();
    while state.session().selected().is_none()
        && started.elapsed() < std::time::Duration::from_secs(5)
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        state.session().selected().is_some(),
        "the dropped key arrives once the session is free"
    );
}

/// The download is never offered for removal, nor removed, before a checked copy is safe; with
/// nothing downloaded since the watch began there is nothing to offer or use.
#[test]
fn no_download_goes_before_a_safe_copy() {
    let h = Harness::new();
    let path = h.key_file("AuthKey_ABC123DEFG.p8");
    let key_ref = h.load(&path);
    assert_eq!(
        h.call("cleanup_offer", json!({ "keyRef": key_ref }))
            .unwrap(),
        Value::Null
    );
    assert_problem(
        &h.call("trash_downloaded", json!({ "keyRef": key_ref }))
            .unwrap_err(),
        "no_file",
    );
    assert!(path.exists(), "nothing moved");
    assert_eq!(h.call("downloaded_key", json!({})).unwrap(), json!([]));
    assert_problem(
        &h.call("use_downloaded_key", json!({})).unwrap_err(),
        "no_file",
    );
    h.assert_no_leak();
}

/// The offers while the watch keeps reporting files; waits for `n` reports of the watch.
fn offers_after(h: &Harness, reports: &Arc<Mutex<Vec<String>>>, n: usize) -> Vec<Value> {
    let started = std::time::Instant::now();
    while reports.lock().unwrap().len() < n
        && started.elapsed() < std::time::Duration::from_secs(10)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        reports.lock().unwrap().len(),
        n,
        "{:?}",
        reports.lock().unwrap()
    );
    h.call("downloaded_key", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Issue 21 §7: once "Use this file" loaded a download, no later answer or `key-downloaded` event
/// offers it again (it did: the page showed the offer again, and the layout shift made a journey's
/// Next click miss). Issue 21 §2: every new file is offered, and the one chosen is loaded.
#[test]
fn a_download_in_use_is_never_offered_again() {
    let h = Harness::new();
    let folder = tempfile::tempdir().unwrap();
    let reports: Arc<Mutex<Vec<String>>> = Arc::default();
    let r2 = reports.clone();
    let state = h.app.state::<AppState>();
    state
        .watch_downloads_in(vec![folder.path().to_path_buf()], move |d| {
            r2.lock().unwrap().push(d.file_name.clone())
        })
        .unwrap();
    let file = folder.path().join("AuthKey_ABC123DEFG.p8");
    std::fs::write(&file, h.key.canonical_pem()).unwrap();
    let offers = offers_after(&h, &reports, 1);
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert!(
        offers[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Found AuthKey_ABC123DEFG.p8"),
        "{offers:?}"
    );
    let loaded = h
        .call("use_downloaded_key", json!({ "id": offers[0]["id"] }))
        .unwrap();
    assert_eq!(loaded["report"]["ok"], json!(true), "{loaded}");
    assert_eq!(
        h.call("downloaded_key", json!({})).unwrap(),
        json!([]),
        "the file in use"
    );
    // The browser writes the file again (a later event for it), then another tab downloads
    // another key: only that one is offered.
    std::fs::write(&file, h.key.canonical_pem()).unwrap();
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(2))
        .unwrap();
    drop(f);
    let _ = offers_after(&h, &reports, 2);
    let other = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    std::fs::write(
        folder.path().join("AuthKey_ZZZZZZZZZ9.p8"),
        other.canonical_pem(),
    )
    .unwrap();
    let offers = offers_after(&h, &reports, 3);
    let names: Vec<_> = offers
        .iter()
        .map(|o| o["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["AuthKey_ZZZZZZZZZ9.p8"], "never the file in use");
    h.assert_no_leak();
}

/// HOME and XDG_CONFIG_HOME pointed at a temp folder until dropped (hold `ENV`).
struct TempHome {
    old: Vec<(&'static str, Option<std::ffi::OsString>)>,
}

impl TempHome {
    fn set(home: &Path) -> TempHome {
        let old = ["HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"]
            .map(|k| (k, std::env::var_os(k)))
            .to_vec();
        std::env::set_var("HOME", home);
        std::env::set_var("XDG_CONFIG_HOME", home.join(".config"));
        std::env::set_var("XDG_DATA_HOME", home.join(".local/share"));
        TempHome { old }
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        for (k, v) in &self.old {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
}

/// Issue 21 §2: the safe copy is read back at the click. An export deleted, or a keychain item
/// deleted in Saved keys, since it was made: refused with `safe_copy_missing`, nothing moved.
/// (The trash used to trust the copy it was told about once.)
#[test]
fn the_download_stays_when_its_safe_copy_is_gone_at_the_click() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().unwrap();
    let _home = TempHome::set(home.path());
    let h = Harness::new();
    let downloads = home.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let file = downloads.join("AuthKey_ABC123DEFG.p8");
    std::fs::write(&file, h.key.canonical_pem()).unwrap();
    let key_ref = h.load(&file);
    let args = json!({ "keyRef": key_ref });

    let out = h
        .call(
            "export_key",
            json!({ "keyRef": key_ref, "format": "fastlane" }),
        )
        .unwrap();
    let export = PathBuf::from(out["path"].as_str().unwrap());
    let offer = h.call("cleanup_offer", args.clone()).unwrap();
    assert!(
        offer["message"].as_str().unwrap().contains("exported copy"),
        "{offer}"
    );
    std::fs::remove_file(&export).unwrap();
    assert_problem(
        &h.call("trash_downloaded", args.clone()).unwrap_err(),
        "safe_copy_missing",
    );
    assert!(file.exists(), "nothing moved");

    h.call("save_to_keychain", args.clone()).unwrap();
    let offer = h.call("cleanup_offer", args.clone()).unwrap();
    assert!(
        offer["action"]
            .as_str()
            .unwrap()
            .contains("AuthKey_ABC123DEFG.p8"),
        "{offer}"
    );
    h.call("delete_saved", json!({ "keyId": "ABC123DEFG" }))
        .unwrap();
    assert_problem(
        &h.call("trash_downloaded", args).unwrap_err(),
        "safe_copy_missing",
    );
    assert!(file.exists(), "nothing moved");
    assert!(!home
        .path()
        .join(".local/share/Trash/files/AuthKey_ABC123DEFG.p8")
        .exists());
    h.assert_no_leak();
}

#[path = "support/dashboard_double.rs"]
mod dashboard_double;

/// A second setup link never replaces the first: both are listed (never a code), the upload is
/// refused in Rust until the merchant chooses, and until the account the dashboard names for
/// that code was looked up and confirmed; then the key goes with the chosen code, and only that
/// code is marked used. A dashboard without the look-up lets the merchant send anyway.
#[test]
fn two_links_need_a_choice_and_the_account_a_confirmation() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let h = Harness::new();
    let state = h.app.state::<AppState>();
    let dash = dashboard_double::DashboardDouble::start();
    dash.expect_token("nobody");
    dash.account_for("tok-mine", "Blue Shoes Ltd");
    dash.account_for("tok-theirs", "Mallory Inc");
    state.set_config(asc_key_wizard::core::config::Config {
        platform_name: Some("Acme Shops".into()),
        upload_url: Some(dash.upload_url()),
        ..Default::default()
    });
    let key_ref = h.load(&h.key_file("AuthKey_ABC123DEFG.p8"));
    state
        .links()
        .receive("asc-key-wizard://setup?token=tok-mine&account=Blue%20Shoes");
    state
        .links()
        .receive("asc-key-wizard://setup?token=tok-theirs&account=Blue%20Shoes");
    let info = h.call("setup_link", json!({})).unwrap();
    assert_eq!(info["ready"], json!(false), "{info}");
    assert_eq!(info["choices"].as_array().unwrap().len(), 2, "{info}");
    assert!(
        !info.to_string().contains("tok-"),
        "a code reached the page: {info}"
    );
    let upload = |account: Option<&str>| {
        h.call(
            "upload_key",
            json!({ "keyRef": key_ref, "token": "", "confirmedAccount": account }),
        )
    };
    assert_problem(
        &upload(Some("Blue Shoes Ltd")).unwrap_err(),
        "setup_link_choice_needed",
    );
    assert_problem(
        &h.call("lookup_account", json!({ "token": "" }))
            .unwrap_err(),
        "setup_link_choice_needed",
    );
    assert_problem(
        &h.call("choose_setup_link", json!({ "id": 999 }))
            .unwrap_err(),
        "setup_link_choice_needed",
    );
    let mine = info["choices"][0]["id"].clone();
    let chosen = h.call("choose_setup_link", json!({ "id": mine })).unwrap();
    assert_eq!(chosen["ready"], json!(true), "{chosen}");
    // Not looked up yet: refused in Rust, whatever the page says.
    assert_problem(
        &upload(Some("Blue Shoes Ltd")).unwrap_err(),
        "account_unconfirmed",
    );
    let answer = h.call("lookup_account", json!({ "token": "" })).unwrap();
    assert_eq!(answer["name"], json!("Blue Shoes Ltd"), "{answer}");
    assert!(!answer.to_string().contains("tok-"));
    assert_problem(&upload(None).unwrap_err(), "account_unconfirmed");
    assert_problem(
        &upload(Some("Mallory Inc")).unwrap_err(),
        "account_unconfirmed",
    );
    assert_problem(&upload(Some("")).unwrap_err(), "account_unconfirmed");
    assert_eq!(
        dash.request_count(),
        0,
        "nothing sent before the account was confirmed"
    );
    upload(Some("Blue Shoes Ltd")).unwrap();
    let stored = dash.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].header("authorization"), Some("Bearer tok-mine"));
    // Only the code sent is used: the other link waits, to be chosen explicitly.
    let after = h.call("setup_link", json!({})).unwrap();
    assert_eq!(
        (
            after["ready"].clone(),
            after["choices"].as_array().unwrap().len()
        ),
        (json!(false), 1),
        "{after}"
    );

    // A dashboard without the look-up: "could not confirm", and the merchant may send anyway.
    dash.without_lookup();
    let theirs = after["choices"][0]["id"].clone();
    h.call("choose_setup_link", json!({ "id": theirs }))
        .unwrap();
    let unsure = h.call("lookup_account", json!({ "token": "" })).unwrap();
    assert_eq!(
        unsure["problem"]["code"],
        json!("account_unconfirmed"),
        "{unsure}"
    );
    assert_problem(
        &upload(Some("Mallory Inc")).unwrap_err(),
        "account_unconfirmed",
    );
    upload(Some("")).unwrap();
    assert_eq!(
        dash.stored()[1].header("authorization"),
        Some("Bearer tok-theirs")
    );
    h.assert_no_leak();
}
