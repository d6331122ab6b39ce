//! The App Store Connect window in the real system web view (WebKitGTK here) against the loopback
//! stand-in: for each way Download hands the key over (`data:`, `blob:`, attachment) the key is
//! caught into the session with its Key ID, the page and the Issuer ID reach the wizard, a link
//! and a new window off the list go to the (recorded) system browser, and no file under the
//! throwaway HOME, nor in the current folder, holds the key afterwards.
//!
//! Not a libtest harness (GTK wants the main thread). Needs a display: run as
//! `xvfb-run -a cargo test --features e2e-seam --test asc_window_webkit`; without `DISPLAY` it
//! says so and passes.

#[path = "support/asc_pages.rs"]
mod asc_pages;

use asc_key_wizard::app::{self, asc_window};
use asc_pages::{AscPages, Kind};
use serde_json::Value;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use tauri::{Listener, Manager};

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        // The test command gives it a display; only a bare `cargo test` may skip, and says so.
        let strict = asc_key_wizard::test_rule::strict();
        assert!(
            !(strict && cfg!(target_os = "linux")),
            "asc_window_webkit needs a display under CI (run it under xvfb-run)"
        );
        println!("asc_window_webkit: SKIPPED (no DISPLAY; run under xvfb-run)");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    for var in ["HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"] {
        let dir = home.path().join(var.to_lowercase());
        std::fs::create_dir_all(&dir).unwrap();
        std::env::set_var(
            var,
            if var == "HOME" {
                home.path().to_path_buf()
            } else {
                dir
            },
        );
    }
    let opened = home.path().join("opened.log");
    std::env::set_var("ASC_WIZARD_E2E_OPENED", &opened);

    let (tx, rx) = mpsc::channel::<(String, Value)>();
    let tauri_app = app::build(tauri::Builder::default())
        .build(app::context())
        .expect("the app builds");
    for event in [
        asc_window::CAUGHT_EVENT,
        asc_window::PAGE_EVENT,
        asc_window::ISSUER_EVENT,
    ] {
        let tx = tx.clone();
        tauri_app.listen_any(event, move |e| {
            let _ = tx.send((
                event.to_string(),
                serde_json::from_str(e.payload()).unwrap_or(Value::Null),
            ));
        });
    }
    let handle = tauri_app.handle().clone();
    let home_path = home.path().to_path_buf();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            journeys(&handle, &rx, &home_path, &opened)
        }));
        let code = if result.is_ok() { 0 } else { 1 };
        println!(
            "asc_window_webkit: {}",
            if code == 0 { "ok" } else { "FAILED" }
        );
        std::process::exit(code);
    });
    // The journeys end the process themselves; the last window going must not end it first.
    tauri_app.run(|_, event| {
        if let tauri::RunEvent::ExitRequested { api, .. } = event {
            api.prevent_exit();
        }
    });
}

fn journeys(
    app: &tauri::AppHandle,
    rx: &mpsc::Receiver<(String, Value)>,
    home: &Path,
    opened: &Path,
) {
    for (round, kind) in kinds().into_iter().enumerate() {
        let pem = {
            use p256::pkcs8::{EncodePrivateKey, LineEnding};
            p256::SecretKey::random(&mut rand_core::OsRng)
                .to_pkcs8_pem(LineEnding::LF)
                .unwrap()
                .to_string()
        };
        let asc = AscPages::start(&pem, KEY_ID, ISSUER);
        asc.set_kind(kind);
        std::env::set_var("ASC_WIZARD_E2E_ASC_BASE", asc.base());
        asc_window::open_window(app).expect("the window opens");
        wait_for(
            rx,
            |name, v| name == asc_window::PAGE_EVENT && v["page"] == "api_keys",
            "the keys page",
        );
        wait_for(
            rx,
            |name, v| name == asc_window::ISSUER_EVENT && v == ISSUER,
            "the Issuer ID offered",
        );
        let window = app.get_webview_window(asc_window::LABEL).unwrap();
        // Where to click, found by structure: on the keys page the add button is outlined.
        assert_eq!(outlined(&window), "generate", "{kind:?}: the outline");
        let signed_in = |c: &String| c.contains("myacinfo");
        if round == 0 {
            // Sign in (the stand-in sets a day-long session cookie), and see it sent back.
            window
                .eval("location.href = '/access/users?account=e2e'")
                .unwrap();
            wait_for(
                rx,
                |n, v| n == asc_window::PAGE_EVENT && v["page"] == "users_and_access",
                "Users and Access",
            );
            assert_eq!(
                outlined(&window),
                "/access/integrations",
                "the Integrations tab"
            );
            window
                .eval("location.href = '/access/integrations/api'")
                .unwrap();
            wait_for(
                rx,
                |n, v| n == asc_window::PAGE_EVENT && v["page"] == "api_keys",
                "back to the keys page",
            );
            std::thread::sleep(Duration::from_millis(300));
            assert!(
                asc.cookies().iter().any(signed_in),
                "the sign-in cookie is sent back"
            );
        } else {
            // Cookies ignore the port: had the sign-out not cleared it, this stand-in would get it.
            assert!(
                !asc.cookies().iter().any(signed_in),
                "{kind:?}: the sign-in outlived the sign-out"
            );
        }
        window
            .eval(
                "document.getElementById('generate').click();\
                 document.querySelector('#generate-form input[name=name]').value = 'e2e';\
                 document.getElementById('generate-form').requestSubmit();\
                 setTimeout(() => document.getElementById('download-key').click(), 200);",
            )
            .unwrap();
        let caught = wait_for(
            rx,
            |name, _| name == asc_window::CAUGHT_EVENT,
            &format!("{kind:?}: the key caught"),
        );
        assert_eq!(caught["loaded"]["report"]["ok"], true, "{kind:?}: {caught}");
        assert_eq!(
            caught["loaded"]["report"]["key_id"], KEY_ID,
            "{kind:?}: {caught}"
        );
        assert!(
            !caught.to_string().contains("PRIVATE KEY"),
            "{kind:?}: the event carried the key"
        );
        assert_eq!(asc.downloads(), 1);

        // Off the list: a link and a new window go to the recorded system browser.
        window
            .eval("document.getElementById('off-list').click()")
            .unwrap();
        window
            .eval("document.getElementById('new-window').click()")
            .unwrap();
        std::thread::sleep(Duration::from_millis(800));
        let log = std::fs::read_to_string(opened).unwrap_or_default();
        assert!(
            log.contains(asc_pages::OFF_LIST_LINK),
            "{kind:?}: the browser got {log:?}"
        );
        assert!(
            !log.contains("data:") && !log.contains("blob:"),
            "{kind:?}: {log:?}"
        );
        let _ = std::fs::remove_file(opened);

        if let Err(p) = asc_window::sign_out(app) {
            panic!("sign out: {p:?}");
        }
        let state = app.state::<asc_key_wizard::app::state::AppState>();
        assert!(
            state.session().selected().is_some(),
            "{kind:?}: signing out of Apple keeps the caught key"
        );
        std::thread::sleep(Duration::from_millis(500));
        let body_line = pem.lines().nth(2).unwrap().to_string();
        assert_no_key_on_disk(home, &body_line, &pem);
        assert_no_key_on_disk(&std::env::current_dir().unwrap(), &body_line, &pem);
        println!("asc_window_webkit: {kind:?} caught, nothing on disk");
    }
    // Closing the wizard's window takes the App Store Connect window along (it only hides when
    // closed itself), so the app does not keep running unseen.
    asc_window::open_window(app).expect("the window opens again");
    let asc = app.get_webview_window(asc_window::LABEL).unwrap();
    asc.close().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        app.get_webview_window(asc_window::LABEL).is_some(),
        "closing it only hides it"
    );
    app.get_webview_window("main").unwrap().destroy().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        app.get_webview_window(asc_window::LABEL).is_none(),
        "it went with the wizard's window"
    );
}

/// The outlined control's id (or, without one, its `href`), once the window has outlined one.
fn outlined(window: &tauri::WebviewWindow) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (tx, rx) = mpsc::channel::<String>();
        window
            .eval_with_callback(
                "(() => { const e = document.querySelector('[data-asc-wizard-outline]'); return e ? (e.id || e.getAttribute('href')) : ''; })()",
                move |v| {
                    let _ = tx.send(v);
                },
            )
            .unwrap();
        let got = rx
            .recv_timeout(Duration::from_secs(5))
            .ok()
            .and_then(|v| serde_json::from_str::<String>(&v).ok())
            .unwrap_or_default();
        if !got.is_empty() || std::time::Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn wait_for(
    rx: &mpsc::Receiver<(String, Value)>,
    want: impl Fn(&str, &Value) -> bool,
    what: &str,
) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok((name, v)) if want(&name, &v) => return v,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("timed out waiting for {what}");
}

/// Every regular file under `dir` (not following links, skipping `target/` and `.git/`).
fn assert_no_key_on_disk(dir: &Path, body_line: &str, pem: &str) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if !matches!(
                    entry.file_name().to_str(),
                    Some("target" | ".git" | "node_modules")
                ) {
                    stack.push(path);
                }
            } else if ft.is_file() {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(body_line) && !text.contains(pem),
                    "the key is on disk at {}",
                    path.display()
                );
            }
        }
    }
}

/// All three, or those named in `ASC_KINDS` (`data,blob,attachment`), in that order.
fn kinds() -> Vec<Kind> {
    let named = std::env::var("ASC_KINDS").unwrap_or_else(|_| "data,blob,attachment".into());
    named
        .split(',')
        .map(|k| match k {
            "data" => Kind::DataUrl,
            "blob" => Kind::Blob,
            "attachment" => Kind::Attachment,
            other => panic!("unknown kind {other}"),
        })
        .collect()
}
