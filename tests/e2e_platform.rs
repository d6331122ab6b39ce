//! The example platform's own wizard, end to end (issue 14): a build of Acme Shops
//! (`tests/e2e/acme-loopback.json`: platforms/example.json with its dashboard on 127.0.0.1:47615)
//! launched through its setup link, walked to Done with nothing typed but the Issuer ID; and a
//! second link handed to the running wizard by a second launch. `scripts/test-all.sh` builds the
//! binary and names it in `ASC_WIZARD_PLATFORM_APP`. Screenshots: target/e2e-screenshots/p-*/.

#![cfg(target_os = "linux")]

#[path = "support/apple_double.rs"]
mod apple_double;
#[path = "support/asc_pages.rs"]
mod asc_pages;
#[path = "support/dashboard_double.rs"]
mod dashboard_double;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/update_server.rs"]
mod update_server;

use apple_double::{AppleDouble, DoubleKey};
use asc_pages::{Act, AscPages};
use e2e::fixtures::{self, TestKey};
use e2e::{AppEnv, Journey, WAIT};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

const NEXT: &str = "[data-action=\"next\"]";
/// The dashboard tests/e2e/acme-loopback.json names.
const PROFILE_PORT: u16 = 47615;
/// Its update endpoint (its `updates.pubkey` has no secret key anywhere: nothing offered to this
/// build can carry a signature it trusts, which is what the update journey shows).
const UPDATE_PORT: u16 = 47616;

fn next_of(step: &str) -> String {
    format!("[data-step=\"{step}\"] {NEXT}")
}

/// The platform build, or `None` (a failure under CI / ASC_WIZARD_FULL_TESTS).
fn platform_app() -> Option<PathBuf> {
    let path = std::env::var_os("ASC_WIZARD_PLATFORM_APP")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    if path.is_none() {
        let why = "ASC_WIZARD_PLATFORM_APP does not name the example platform's build (scripts/test-all.sh builds it)";
        assert!(
            !e2e::strict(),
            "{why} (CI / ASC_WIZARD_FULL_TESTS is set, so this is a failure)"
        );
        eprintln!("NOT RUN: {why}");
    }
    path
}

/// The profile's dashboard, started once for this test binary (its port is fixed at build time).
fn dashboard() -> &'static dashboard_double::DashboardDouble {
    static DASH: std::sync::OnceLock<dashboard_double::DashboardDouble> =
        std::sync::OnceLock::new();
    DASH.get_or_init(|| {
        dashboard_double::DashboardDouble::start_on(PROFILE_PORT, dashboard_double::Scenario::Ok)
    })
}

struct Setup {
    key: TestKey,
    key_id: String,
    issuer: String,
    apple: AppleDouble,
}

/// A key known to a loopback Apple, in the HOME's Downloads, picked through the seam.
fn setup(app: PathBuf) -> (Setup, tempfile::TempDir, AppEnv) {
    let (s, home, env) = setup_nothing_downloaded(app);
    let path = home
        .path()
        .join("Downloads")
        .join(format!("AuthKey_{}.p8", s.key_id));
    std::fs::write(&path, &s.key.pem).unwrap();
    (s, home, env.var("ASC_WIZARD_E2E_PICK", &path))
}

/// A key known to a loopback Apple that is nowhere on disk yet (App Store Connect's stand-in has
/// it); an empty Downloads.
fn setup_nothing_downloaded(app: PathBuf) -> (Setup, tempfile::TempDir, AppEnv) {
    let key = TestKey::new();
    let (key_id, issuer) = (fixtures::key_id(), fixtures::issuer_id());
    let apple = AppleDouble::start();
    apple.add_key(DoubleKey::team(&key_id, key.public(), &issuer));
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("Downloads")).unwrap();
    let mut env = AppEnv::default()
        .var("ASC_API_BASE", apple.base_url())
        .var("ASC_WIZARD_E2E_OPENED", home.path().join("opened.log"));
    env.app = Some(app);
    (
        Setup {
            key,
            key_id,
            issuer,
            apple,
        },
        home,
        env,
    )
}

/// Steps 1 to 5 with the platform's look; ends on step 6. Types only the Issuer ID.
async fn to_handoff(j: &mut Journey, s: &Setup) {
    j.wait_step("prereqs").await;
    brand_and_help(j).await;
    through_steps(j, s, true).await;
}

/// The platform's look in step 1, and its help link opened through Rust.
async fn brand_and_help(j: &mut Journey) {
    assert_eq!(j.text(".brand").await.trim(), "Acme Shops Key Setup");
    let accent = j.js("return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();", vec![]).await;
    assert!(
        matches!(accent.as_str(), Some("#0b6e4f" | "#5fd3a6")),
        "the platform's accent: {accent}"
    );
    assert_eq!(
        j.js(
            "return document.querySelector('.brand img')?.src.startsWith('data:image/svg+xml');",
            vec![]
        )
        .await,
        json!(true)
    );
    j.shot("prereqs").await;
    // The profile's help link: the page names an index, Rust opens the URL the build checked.
    assert_eq!(
        j.text("#brand-help button").await.trim(),
        "Acme's guide to Apple keys ↗"
    );
    j.click("#brand-help button").await;
    let opened = j.home.path().join("opened.log");
    let deadline = std::time::Instant::now() + WAIT;
    while !opened.is_file() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap_or_default().trim(),
        "https://help.acme.example/apple-keys"
    );
}

/// Steps 1 to 5 by mouse, typing only the Issuer ID; `platform`: the profile's words are checked.
async fn through_steps(j: &mut Journey, s: &Setup, platform: bool) {
    for id in ["#pre-holder", "#pre-program", "#pre-2fa"] {
        j.click(id).await;
    }
    j.click(&next_of("prereqs")).await;
    j.wait_step("create").await;
    if platform {
        assert_eq!(
            j.text("#suggested-name").await.trim(),
            "Acme Shops",
            "the profile's key name"
        );
    }
    j.shot("create").await;
    j.click(&next_of("create")).await;
    j.wait_step("file").await;
    j.mark_stale("#file-name").await;
    j.click("#choose-file").await;
    j.wait_rerendered("#file-name", WAIT).await;
    assert_eq!(j.wait_attr("#file-result", "data-ok", WAIT).await, "true");
    j.click(&next_of("file")).await;
    j.wait_step("ids").await;
    j.type_into("#issuer-id", &s.issuer).await;
    j.wait_enabled(&next_of("ids")).await;
    j.click(&next_of("ids")).await;
    j.wait_step("test").await;
    j.mark_stale("#test-result .result-title").await;
    j.click("#test-key").await;
    j.wait_rerendered("#test-result .result-title", Duration::from_secs(60))
        .await;
    assert_eq!(
        j.wait_attr("#test-result", "data-outcome", WAIT).await,
        "valid"
    );
    if platform {
        // The profile requires signing; the double's key may: "Ready for Acme Shops".
        j.wait_visible("#readiness").await;
        let ready = j.text("#readiness").await;
        assert!(ready.starts_with("Ready for Acme Shops"), "{ready}");
    }
    j.shot_at("test-ready", "#test-result").await;
    j.click(&next_of("test")).await;
    j.wait_step("handoff").await;
}

/// Step 6 with the link's code: nothing to paste; the host is shown before sending; the account
/// the dashboard names for the code is confirmed. Then Done.
async fn upload_with_link(j: &mut Journey, s: &Setup, account: &str, token: &str) {
    let line = j.text("#upload-line").await;
    assert_eq!(
        line.trim(),
        format!("Upload to Acme Shops — 127.0.0.1:{PROFILE_PORT}")
    );
    let received = j.wait_visible("#link-received").await.text().await.unwrap();
    assert_eq!(received, format!("A setup link asks to upload the key into the account it calls “{account}”. Nothing needs pasting."));
    assert_eq!(
        j.js(
            "return document.querySelector('#upload-token-field').hidden;",
            vec![]
        )
        .await,
        json!(true)
    );
    assert!(
        !j.page_text().await.contains(token),
        "the link's code reached the page"
    );
    confirm_account(j, "Test Merchant").await;
    j.shot_at("handoff-link", "[data-step=\"handoff\"] .actions")
        .await;
    let before = dashboard().stored().len();
    j.click(&next_of("handoff")).await;
    let up = j.handoff_status("upload").await;
    assert_eq!(up, "ok", "upload: {}", j.text("#handoff-results").await);
    let result = j.text("#handoff-results [data-result=\"upload\"]").await;
    assert!(
        result.contains(&format!("to Acme Shops (127.0.0.1:{PROFILE_PORT})")),
        "{result}"
    );
    let kc = j.handoff_status("keychain").await;
    assert_eq!(kc, "ok", "keychain: {}", j.text("#handoff-results").await);
    j.shot_at("handoff-results", "[data-step=\"handoff\"] .actions")
        .await;
    j.click(&next_of("handoff")).await;
    j.wait_step("done").await;
    let summary = j.text("#summary").await;
    assert!(
        summary.contains(&format!(
            "the Acme Shops dashboard (127.0.0.1:{PROFILE_PORT})"
        )),
        "{summary}"
    );
    j.shot_at("done", "#summary").await;
    let stored = dashboard().stored();
    assert_eq!(stored.len(), before + 1, "one upload");
    let u = &stored[before];
    assert_eq!(u.fields["key_id"], s.key_id);
    assert_eq!(
        u.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let html = j.page_text().await;
    assert!(!html.contains(&s.key.body), "key material in the page");
    // The keychain item and index are the platform's own, under its identifier.
    assert!(j
        .home
        .path()
        .join(".config/example.acme.keysetup/keys.json")
        .is_file());
}

/// The example platform's journey with its setup link, the way a merchant meets it: App Store
/// Connect opened in the app's own window (the loopback stand-in, driven by its stand-in merchant:
/// WebDriver drives only the wizard's window), the Issuer ID confirmed rather than pasted, the key
/// caught off the disk and tested with no further Next, the upload, Done. Counts the merchant's
/// actions (README: "Actions from launch to Done").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_p_platform_through_its_setup_link() {
    let Some(app) = platform_app() else { return };
    if !e2e::tools_ready("p-setup-link", true) {
        return;
    }
    let (s, home, mut env) = setup_nothing_downloaded(app);
    let asc = AscPages::start(&s.key.pem, &s.key_id, &s.issuer);
    asc.require_sign_in();
    let token = format!("link-{}", fixtures::key_id());
    env = env.var("ASC_WIZARD_E2E_ASC_BASE", asc.base());
    env.args = vec![format!(
        "acme-keys://setup?token={token}&account=Blue%20Shoes"
    )];
    let mut j = Journey::start("p-setup-link", home, env).await;
    // Journeys run one at a time: the shared dashboard expects this one's code only from now.
    dashboard().expect_token(&token);
    j.wait_step("prereqs").await;
    brand_and_help(&mut j).await;
    // From here every click and typed field is the merchant's (the help link above is optional).
    let before = j.actions();
    in_app_store_connect_here(&mut j, &s, &asc).await;
    let webview = j
        .home
        .path()
        .join(".local/share/example.acme.keysetup/asc-window/webview");
    assert!(webview.is_dir(), "the window keeps its own web data");
    upload_with_link(&mut j, &s, "Blue Shoes", &token).await;
    let wizard = j.actions() - before;
    let in_asc = Act::Generate.actions() + Act::Download.actions();
    eprintln!(
        "[p-setup-link] merchant actions from launch to Done: {wizard} in the wizard + {in_asc} in App Store Connect = {}, nothing pasted",
        wizard + in_asc
    );
    assert!(
        wizard + in_asc <= 16,
        "{wizard} + {in_asc} actions: the goal is at most 16"
    );
    // Done signed the window out of Apple: its web data is gone, and no file under HOME (WebKit's
    // caches, the window's data folder, the keychain's files included) holds the key in any form.
    let deadline = std::time::Instant::now() + WAIT;
    while webview.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!webview.exists(), "Done signs out of Apple in this app");
    assert_no_key_under(j.home.path(), &s.key.pem);
    let _ = &s.apple;
    j.finish().await;
}

/// Steps 1 to 5 through the App Store Connect window; ends on step 6.
async fn in_app_store_connect_here(j: &mut Journey, s: &Setup, asc: &AscPages) {
    for id in ["#pre-holder", "#pre-program", "#pre-2fa"] {
        j.click(id).await;
    }
    j.click(&next_of("prereqs")).await;
    j.wait_step("create").await;
    assert_eq!(
        j.text("#open-asc-here").await.trim(),
        "Open App Store Connect here",
        "the window comes first"
    );
    j.shot("create").await;
    j.click("#open-asc-here").await;
    // The stand-in, like Apple, sends a visitor who is not signed in to the sign-in page: the
    // wizard says so, at its first numbered step.
    let current = "return [document.querySelector('#asc-instruction')?.textContent || '', [...document.querySelectorAll('#asc-steps > li')].findIndex(li => li.classList.contains('current')) + 1];";
    let at = j
        .wait_js(
            "the guide at the sign-in page",
            &format!("const r = (() => {{ {current} }})(); return r[1] === 1 ? r : null;"),
            vec![],
            WAIT,
        )
        .await;
    assert!(at[0].as_str().unwrap().starts_with("Sign in"), "{at}");
    j.shot("create-asc-sign-in").await;
    asc.act(Act::SignIn);
    // Back on the keys page: the guide moves on and the one Issuer ID shown is offered.
    j.wait_visible("#asc-issuer-use").await;
    assert_eq!(j.text("#asc-issuer-id").await.trim(), s.issuer);
    let at = j.js(current, vec![]).await;
    assert_eq!(at[1], json!(3), "the keys page is step 3 of the list: {at}");
    j.shot("create-asc-issuer-offered").await;
    j.click("#asc-issuer-use").await;
    j.wait_visible("#asc-issuer-used").await;
    // A link that leaves App Store Connect goes to the system browser (the recorded opener), not
    // into the window: the merchant carries on there as if nothing happened.
    asc.act(Act::OffListLink);
    let opened = j.home.path().join("opened.log");
    let deadline = std::time::Instant::now() + WAIT;
    while !std::fs::read_to_string(&opened)
        .unwrap_or_default()
        .contains(asc_pages::OFF_LIST_LINK)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the help link never reached the browser"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Generate and Download (taken only by the keys page: had the window followed the link, they
    // would never be): the key is caught, checked, its IDs checked and tested with Apple,
    // with no Next pressed.
    asc.act(Act::Generate);
    asc.act(Act::Download);
    j.wait_step("test").await;
    assert_eq!(
        j.wait_attr("#test-result", "data-outcome", Duration::from_secs(60))
            .await,
        "valid"
    );
    assert_eq!(asc.acts_left(), 0);
    assert_eq!(asc.downloads(), 1);
    let ids = j
        .js(
            "return [document.querySelector('#key-id').value, document.querySelector('#issuer-id').value, document.querySelector('#fingerprint').textContent.trim()];",
            vec![],
        )
        .await;
    assert_eq!(ids, json!([s.key_id, s.issuer, s.key.fingerprint]));
    j.wait_visible("#readiness").await;
    assert!(j
        .text("#readiness")
        .await
        .starts_with("Ready for Acme Shops"));
    j.shot_at("test-ready", "#test-result").await;
    j.click(&next_of("test")).await;
    j.wait_step("handoff").await;
}

/// No regular file under `dir` holds the key: its PEM body, a line of it, or its base64 form (a
/// `data:` address or Apple's JSON carries that).
fn assert_no_key_under(dir: &std::path::Path, pem: &str) {
    use base64ct::{Base64, Encoding};
    let line = pem.lines().nth(2).unwrap().to_string();
    let b64 = Base64::encode_string(pem.as_bytes());
    let b64_part = b64[40..100].to_string();
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                stack.push(entry.path());
            } else if ft.is_file() {
                files += 1;
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(&line) && !text.contains(&b64_part),
                    "the key is on disk at {}",
                    entry.path().display()
                );
            }
        }
    }
    assert!(files > 0, "the search found the app's files");
}

/// A second launch with a link hands it to the open wizard (single instance) and exits; the
/// open wizard then shows it. Before any link: the code must be pasted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_q_second_link_to_the_running_wizard() {
    let Some(app) = platform_app() else { return };
    if !e2e::tools_ready("q-second-link", true) {
        return;
    }
    let (s, home, env) = setup(app.clone());
    let vars = env.vars.clone();
    let mut j = Journey::start("q-second-link", home, env).await;
    to_handoff(&mut j, &s).await;
    assert_eq!(
        j.js(
            "return document.querySelector('#upload-token-field').hidden;",
            vec![]
        )
        .await,
        json!(false)
    );
    assert!(
        j.is_disabled(&next_of("handoff")).await,
        "no link yet: the code must be pasted"
    );
    j.shot("handoff-no-link").await;

    let token = format!("second-{}", fixtures::key_id());
    dashboard().expect_token(&token);
    second_launch(
        &j,
        &app,
        &vars,
        &format!("acme-keys://setup?token={token}&account=Red%20Hats"),
    );
    j.wait_visible("#link-received").await;
    upload_with_link(&mut j, &s, "Red Hats", &token).await;
    j.finish().await;
}

/// The account the dashboard names for the chosen code is shown; Save waits for the tick.
async fn confirm_account(j: &mut Journey, name: &str) {
    j.wait_visible("#account-check").await;
    let said = j.text("#account-said").await;
    assert_eq!(
        said.trim(),
        format!(
            "The setup code belongs to the account “{name}”, as 127.0.0.1:{PROFILE_PORT} says."
        )
    );
    assert!(
        j.is_disabled(&next_of("handoff")).await,
        "nothing is sent before the account is confirmed"
    );
    let why = j.text("[data-step=\"handoff\"] .blocker").await;
    assert!(why.contains("Confirm the account"), "{why}");
    assert_eq!(
        j.text("#confirm-account-label").await.trim(),
        format!("Yes, upload into “{name}”")
    );
    j.click("#confirm-account").await;
    j.wait_enabled(&next_of("handoff")).await;
}

/// Launch the app again with `link`: it hands the link to the open wizard and exits.
fn second_launch(j: &Journey, app: &PathBuf, vars: &[(String, String)], link: &str) {
    let mut second = std::process::Command::new(app);
    second
        .arg(link)
        .env("HOME", j.home.path())
        .env("XDG_CONFIG_HOME", j.home.path().join(".config"))
        .env("XDG_DATA_HOME", j.home.path().join(".local/share"))
        .env("XDG_CACHE_HOME", j.home.path().join(".cache"))
        .env(
            "DISPLAY",
            std::env::var("DISPLAY").expect("the journey runs on DISPLAY"),
        )
        .envs(vars.iter().cloned())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = second.spawn().expect("launch the app a second time");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the second launch did not hand its link on and exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "second launch: {status}");
}

/// The command lines of the running copies of `app` (found by /proc/PID/exe).
fn command_lines_of(app: &PathBuf) -> Vec<String> {
    let app = std::fs::canonicalize(app).unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .filter(|e| std::fs::read_link(e.path().join("exe")).is_ok_and(|x| x == app))
        .map(|e| {
            String::from_utf8_lossy(&std::fs::read(e.path().join("cmdline")).unwrap_or_default())
                .into_owned()
        })
        .collect()
}

/// A second setup link arrives while the first waits: it replaces nothing. Both are listed
/// (their account hints alike, as a forged link would make them), Save waits for the choice;
/// the merchant picks the link they opened, the dashboard names the account that code belongs
/// to, the merchant confirms it, and the key goes with that code alone. The first link's code
/// is not readable in the app's /proc/PID/cmdline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_t_two_links_and_the_account() {
    let Some(app) = platform_app() else { return };
    if !e2e::tools_ready("t-two-links", true) {
        return;
    }
    let (s, home, mut env) = setup(app.clone());
    let vars = env.vars.clone();
    let mine = format!("mine-{}", fixtures::key_id());
    let theirs = format!("theirs-{}", fixtures::key_id());
    env.args = vec![format!(
        "acme-keys://setup?token={mine}&account=Blue%20Shoes"
    )];
    let mut j = Journey::start("t-two-links", home, env).await;
    dashboard().expect_token(&mine);
    dashboard().account_for(&mine, "Blue Shoes Ltd");
    dashboard().account_for(&theirs, "Mallory Inc");
    to_handoff(&mut j, &s).await;
    let lines = command_lines_of(&app);
    assert!(!lines.is_empty(), "the app is running");
    assert!(
        lines.iter().all(|l| !l.contains(&mine)),
        "the setup code is readable in /proc/PID/cmdline: {lines:?}"
    );

    second_launch(
        &j,
        &app,
        &vars,
        &format!("acme-keys://setup?token={theirs}&account=Blue%20Shoes"),
    );
    j.wait_visible("#link-choices").await;
    let received = j.text("#link-received").await;
    assert!(
        received.starts_with("2 setup links ask to upload the key"),
        "{received}"
    );
    let labels = j.text("#link-choice-list").await;
    assert!(
        labels.contains("Setup link 1: for the account it calls “Blue Shoes”"),
        "{labels}"
    );
    assert!(
        labels.contains("Setup link 2: for the account it calls “Blue Shoes”"),
        "{labels}"
    );
    assert!(
        j.is_disabled(&next_of("handoff")).await,
        "nothing is sent before the merchant chooses"
    );
    let why = j.text("[data-step=\"handoff\"] .blocker").await;
    assert!(
        why.contains("Choose the setup link you opened yourself"),
        "{why}"
    );
    let page = j.page_text().await;
    assert!(
        !page.contains(&mine) && !page.contains(&theirs),
        "a code reached the page"
    );
    j.shot_at("handoff-two-links", "[data-step=\"handoff\"] .actions")
        .await;

    j.click("#link-choice-list label:first-child input").await;
    confirm_account(&mut j, "Blue Shoes Ltd").await;
    j.shot_at("handoff-account", "[data-step=\"handoff\"] .actions")
        .await;
    let before = dashboard().stored().len();
    j.click(&next_of("handoff")).await;
    let up = j.handoff_status("upload").await;
    assert_eq!(up, "ok", "upload: {}", j.text("#handoff-results").await);
    let stored = dashboard().stored();
    assert_eq!(stored.len(), before + 1, "one upload");
    assert_eq!(
        stored[before].header("authorization"),
        Some(format!("Bearer {mine}").as_str()),
        "the key went into the chosen code's account"
    );
    assert!(
        dashboard().lookups().iter().all(|(t, _)| *t != theirs),
        "the other link's code was never sent"
    );
    j.shot_at("handoff-results", "[data-step=\"handoff\"] .actions")
        .await;
    j.finish().await;
}

/// The background check finds an update a few seconds after start-up and the banner says so,
/// without downloading it; "Install and restart" downloads it, and its signature (not from the
/// profile's key) is refused with the core's words: nothing installed, the wizard still running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_r_update_offered_and_refused() {
    let Some(app) = platform_app() else { return };
    if !e2e::tools_ready("r-update", true) {
        return;
    }
    let (_s, home, env) = setup(app);
    let mut j = Journey::start("r-update", home, env).await;
    let server = update_server::UpdateServer::start_on(UPDATE_PORT);
    let (_, stranger) = update_server::signer();
    server.offer(
        "9.9.9",
        &update_server::sign(&stranger, update_server::ARTIFACT, "9.9.9"),
    );
    j.wait_step("prereqs").await;
    let banner = j.wait_visible("#update-banner").await;
    let said = banner.text().await.unwrap();
    assert!(
        said.contains("Version 9.9.9 is ready. It installs only when you choose"),
        "{said}"
    );
    assert!(
        !server
            .hits
            .lock()
            .unwrap()
            .iter()
            .any(|p| p == "/app.tar.gz"),
        "nothing is downloaded before the merchant asks"
    );
    j.shot_at("update-ready", "#update-banner").await;
    j.click("#install-update").await;
    let refused = j
        .wait_js(
            "the update's refusal",
            "const t = document.querySelector('#update-problem').textContent; return t ? t : null;",
            vec![],
            Duration::from_secs(30),
        )
        .await;
    let refused = refused.as_str().unwrap_or_default();
    assert!(
        refused.starts_with(
            "The update to version 9.9.9 was refused: its signature is not from the publisher"
        ),
        "{refused}"
    );
    assert!(
        server
            .hits
            .lock()
            .unwrap()
            .iter()
            .any(|p| p == "/app.tar.gz"),
        "downloaded when asked"
    );
    assert_eq!(
        j.js(
            "return document.querySelector('#install-update').hidden;",
            vec![]
        )
        .await,
        json!(true),
        "a refused update is not offered again"
    );
    j.shot_at("update-refused", "#update-banner").await;
    // Still the same wizard, on its first step.
    j.wait_step("prereqs").await;
    j.finish().await;
}

/// The generic build takes a destination from a link, but sends nothing until the merchant
/// confirms its host and the account that host names for the code: Next waits with the reason,
/// then the upload goes there with the link's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_s_generic_link_with_a_destination_to_confirm() {
    if !e2e::tools_ready("s-generic-link", true) {
        return;
    }
    let dash = dashboard_double::DashboardDouble::start();
    let (s, home, mut env) = setup(e2e::app_binary());
    let token = format!("generic-{}", fixtures::key_id());
    dash.expect_token(&token);
    let host = dash.upload_url().split('/').nth(2).unwrap().to_owned();
    let to: String = url::form_urlencoded::byte_serialize(dash.upload_url().as_bytes()).collect();
    env.args = vec![format!(
        "asc-key-wizard://setup?token={token}&upload_url={to}"
    )];
    let mut j = Journey::start("s-generic-link", home, env).await;
    j.wait_step("prereqs").await;
    assert_eq!(
        j.text(".brand").await.trim(),
        "ASC Key Wizard",
        "the generic build keeps its name"
    );
    through_steps(&mut j, &s, false).await;
    j.wait_visible("#link-received").await;
    j.wait_visible("#link-confirm").await;
    assert_eq!(
        j.text("#confirm-host-label").await.trim(),
        format!("Send it to {host}")
    );
    assert!(
        j.is_disabled(&next_of("handoff")).await,
        "nothing is sent before the host is confirmed"
    );
    let why = j.text("[data-step=\"handoff\"] .blocker").await;
    assert!(why.contains(&format!("Tick “Send it to {host}”")), "{why}");
    j.shot_at("handoff-confirm-host", "[data-step=\"handoff\"] .actions")
        .await;
    j.click("#confirm-host").await;
    // The host ticked, the dashboard there is asked whose account the code belongs to.
    j.wait_visible("#account-check").await;
    assert_eq!(
        j.text("#account-said").await.trim(),
        format!("The setup code belongs to the account “Test Merchant”, as {host} says.")
    );
    j.click("#confirm-account").await;
    j.click("#do-keychain").await; // this journey is about the upload alone
    j.click(&next_of("handoff")).await;
    let up = j.handoff_status("upload").await;
    assert_eq!(up, "ok", "upload: {}", j.text("#handoff-results").await);
    j.shot_at("handoff-results", "[data-step=\"handoff\"] .actions")
        .await;
    let stored = dash.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert!(!j.page_text().await.contains(&token));
    j.finish().await;
}
