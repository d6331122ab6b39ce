//! The App Store Connect window reaches nothing: through Tauri's mock runtime with the real
//! context (tauri.conf.json + capabilities), an invoke from the window `open_asc_window` opens, or
//! from a remote origin in any window, is refused by the ACL; no capability names that window or any
//! remote origin; the main window may open it and sign out of it.
//!
//! Run: `cargo test --features mock-runtime,e2e-seam --test asc_window_acl`
#![cfg(feature = "mock-runtime")]

use asc_key_wizard::app::{self, asc_window, state::AppState};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

fn invoke(window: &WebviewWindow<MockRuntime>, origin: &str, cmd: &str) -> Result<Value, Value> {
    invoke_with(window, origin, cmd, json!({}))
}

fn invoke_with(
    window: &WebviewWindow<MockRuntime>,
    origin: &str,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

fn assert_denied(res: Result<Value, Value>, what: &str) {
    let text = res.expect_err(what).to_string();
    if std::env::var_os("SHOW_DENIALS").is_some() {
        eprintln!("{what}: {text}");
    }
    assert!(
        text.contains("not allowed") || text.contains("denied"),
        "{what}: {text}"
    );
}

const COMMANDS: &[&str] = &[
    "app_info",
    "load_key_text",
    "list_saved",
    "open_asc_window",
    "sign_out_of_apple",
    "verify_key",
];

#[test]
fn the_app_store_connect_window_and_remote_pages_reach_no_command() {
    let data = tempfile::tempdir().unwrap();
    // Only this test runs in this process: the window's folders go to a throwaway place.
    std::env::set_var("XDG_DATA_HOME", data.path());
    std::env::set_var("ASC_WIZARD_E2E_ASC_BASE", "http://127.0.0.1:9/");
    let app = app::build(mock_builder())
        .build(app::context())
        .expect("mock app builds");
    let main = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };
    let local = "tauri://localhost";

    // The main window, as the wizard's page, may open the window.
    assert_eq!(
        invoke(&main, local, "open_asc_window").expect("main opens it"),
        Value::Null
    );
    let asc = app
        .get_webview_window(asc_window::LABEL)
        .expect("the App Store Connect window exists");
    assert!(
        data.path().read_dir().unwrap().next().is_some(),
        "its folders are under the app's data folder"
    );

    for cmd in COMMANDS {
        // From the App Store Connect window: its own page, Apple's, or posing as the wizard's.
        for origin in [
            "http://127.0.0.1:9/access/integrations/api",
            "https://appstoreconnect.apple.com/",
            local,
        ] {
            assert_denied(
                invoke(&asc, origin, cmd),
                &format!("{cmd} from the asc window at {origin}"),
            );
        }
        // A remote page in the main window (it never loads one, CSP aside) is refused too.
        assert_denied(
            invoke(&main, "https://appstoreconnect.apple.com/", cmd),
            &format!("{cmd} from a remote origin"),
        );
    }
    // Events are plugin commands too: the window may not listen to the wizard's.
    assert_denied(
        invoke(&asc, local, "plugin:event|listen"),
        "event listen from the asc window",
    );

    // The window going (sign-out) forgets nothing of the wizard's; the wizard's closing takes
    // the window along.
    let pem = {
        use p256::pkcs8::{EncodePrivateKey, LineEnding};
        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        secret.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    };
    let loaded = invoke_with(&main, local, "load_key_text", json!({ "text": pem })).unwrap();
    assert_eq!(loaded["report"]["ok"], json!(true));
    let state = app.state::<AppState>();
    app::on_window_event(&asc.as_ref().window(), &tauri::WindowEvent::Destroyed);
    assert!(
        state.session().selected().is_some(),
        "the App Store Connect window going keeps the key"
    );
    assert_eq!(
        invoke(&main, local, "sign_out_of_apple").expect("main signs out"),
        Value::Null
    );
    assert!(
        state.session().selected().is_some(),
        "signing out of Apple keeps the key"
    );
    asc_window::open_window(app.handle()).unwrap();
    app::on_window_event(&main.as_ref().window(), &tauri::WindowEvent::Destroyed);
    assert!(
        state.session().selected().is_none(),
        "closing the wizard forgets the key"
    );
    // (The mock runtime keeps destroyed windows: `tests/asc_window_webkit.rs` checks the window
    // goes with the wizard's in the real web view.)
    let webview = data
        .path()
        .join(asc_key_wizard::core::vault::SERVICE)
        .join("asc-window")
        .join("webview");
    assert!(
        !webview.exists(),
        "signing out removes the window's web data"
    );
}

#[test]
fn no_capability_names_the_window_or_a_remote_origin() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/capabilities");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let cap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(
            cap.get("remote").is_none(),
            "{}: no remote origin may be granted",
            path.display()
        );
        for key in ["windows", "webviews"] {
            for w in cap[key].as_array().into_iter().flatten() {
                let w = w.as_str().unwrap();
                assert!(
                    w != asc_window::LABEL && !w.contains('*'),
                    "{}: {key} names {w}",
                    path.display()
                );
            }
        }
    }
}
