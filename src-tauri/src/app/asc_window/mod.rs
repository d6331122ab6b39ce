//! The App Store Connect window: a second webview on Apple's site (or, in an `e2e-seam` build, the tests' loopback stand-in) with the core's navigation rule and download catch applied.
//!
//! The window is in no capability, and remote origins are refused by Tauri's ACL anyway: its page
//! can call no command, event or plugin. It talks to the wizard only through the hooks below, which
//! send the main window metadata (the page, the check's report, an Issuer ID to confirm), never
//! the key. Addresses are never logged: a `data:` address is the key itself.

use crate::app::error::{Error, Result};
use crate::app::words::wizard_words;
use crate::app::{open, state::AppState};
use crate::core::asc_window::{catch, way, Caught, Folders, Page, Rule, Verdict, Way};
use crate::core::session::Loaded;
use crate::core::Problem;
use serde::Serialize;
use sha2::Digest;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::webview::{DownloadEvent, NewWindowResponse, PageLoadEvent};
use tauri::{AppHandle, Emitter, Manager, Runtime, Url, WebviewUrl, WebviewWindowBuilder};

mod follow;
use follow::{follow, show_page};

/// The window's label: named by no capability.
pub const LABEL: &str = "asc";
// What the window tells the main window, named with every other event in `app::events`.
pub use crate::app::events::{
    ASC_FALLBACK as FALLBACK_EVENT, ASC_ISSUER_OFFERED as ISSUER_EVENT,
    ASC_KEY_CAUGHT as CAUGHT_EVENT, ASC_PAGE as PAGE_EVENT,
};

#[derive(Debug, Clone, Serialize)]
pub struct PagePayload {
    pub page: Page,
    pub instruction: &'static str,
    /// Which of step 2's numbered steps the page is at (1-based), for the wizard to mark.
    pub step: Option<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaughtPayload {
    pub loaded: Option<Loaded>,
    pub problem: Option<Problem>,
}

/// Open the window, or bring it forward if it is open.
#[tauri::command]
pub fn open_asc_window<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    Ok(open_window(&app)?)
}

/// "Sign out of Apple in this app" (and Finish): close the window, remove its web data. Async:
/// the removal waits for the web view's processes to stop writing, off the window's thread.
#[tauri::command]
pub async fn sign_out_of_apple<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    let signing_out = tauri::async_runtime::spawn_blocking(move || sign_out(&app));
    Ok(signing_out.await.map_err(|e| {
        Problem::new(
            crate::core::problem::Code::Internal,
            "Signing out of Apple in this app stopped halfway.",
            "Try again.",
        )
        .detail(&e)
    })??)
}

/// Remember the way the merchant chose in step 2 (the window, or the browser).
#[tauri::command]
pub fn choose_asc_way(way: Way) -> Result<()> {
    Ok(way::remember(way)?)
}

/// The rule in force: Apple's, or the stand-in an `e2e-seam` build is pointed at.
pub fn rule() -> std::result::Result<Rule, Problem> {
    #[cfg(feature = "e2e-seam")]
    if let Ok(base) = std::env::var("ASC_WIZARD_E2E_ASC_BASE") {
        return Rule::stand_in(&base);
    }
    Ok(Rule::apple())
}

/// Sign out: the web view's data is cleared through the web view first, because on Linux its web
/// context (with the sign-in cookies in memory) outlives the window and keeps writing to its
/// folder; then the window goes and the folder is removed.
pub fn sign_out<R: Runtime>(app: &AppHandle<R>) -> std::result::Result<(), Problem> {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.clear_all_browsing_data();
        let _ = window.destroy();
    }
    Folders::of_app()?.sign_out()
}

/// The wizard's window closed: the App Store Connect window goes with it (it is only hidden when
/// the merchant closes it, so the app would otherwise keep running unseen).
pub fn close_with_wizard<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.destroy();
    }
}

/// The window's rule and download in flight, read by the hooks at each call rather than captured:
/// on Linux the hooks of the first window stay attached to its web context (keyed by the data
/// directory, which a reopened window shares), so they must follow the window opened now.
#[derive(Default)]
struct Current {
    rule: Mutex<Option<Rule>>,
    /// Where the download in flight goes and the name it was offered under: macOS reports no
    /// path when it finishes, and the name gives the Key ID.
    pending: Mutex<Option<(PathBuf, Option<String>)>>,
    /// The last `data:` download caught (its SHA-256): hooks attached twice catch it once.
    last_data: Mutex<Option<[u8; 32]>>,
    /// The file names (`AuthKey_<KEYID>.p8`) of the keys caught while the app runs: a failed
    /// download under one of them is the second download of that key.
    caught_names: Mutex<std::collections::HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn current_rule<R: Runtime>(app: &AppHandle<R>) -> Rule {
    let rule = app
        .try_state::<Current>()
        .and_then(|c| lock(&c.rule).clone());
    rule.unwrap_or_else(Rule::apple)
}

pub fn open_window<R: Runtime>(app: &AppHandle<R>) -> std::result::Result<(), Problem> {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
        return Ok(());
    }
    let rule = rule()?;
    let folders = Folders::of_app()?;
    folders.prepare()?;
    if app.try_state::<Current>().is_none() {
        app.manage(Current::default());
    }
    let current = app.state::<Current>();
    *lock(&current.rule) = Some(rule.clone());
    *lock(&current.pending) = None;
    *lock(&current.last_data) = None;
    let (nav_app, win_app, dl_app, load_app) = (app.clone(), app.clone(), app.clone(), app.clone());
    let dl_dir = folders.downloads.clone();
    let mut builder = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::External(rule.start()))
        .title("App Store Connect")
        .inner_size(WIDTH, 800.0);
    if let Some((x, y)) = beside_the_wizard(app) {
        builder = builder.position(x, y);
    }
    builder
        .data_directory(folders.webview.clone())
        .on_navigation(move |url| navigate(&nav_app, url))
        .on_new_window(move |url, _| {
            if current_rule(&win_app).new_window(&url) == Verdict::SystemBrowser {
                to_browser(&url);
            }
            NewWindowResponse::Deny
        })
        .on_download(move |_, event| download(&dl_app, &dl_dir, event))
        .on_page_load(move |window, payload| {
            if payload.event() == PageLoadEvent::Finished {
                show_page(&load_app, &window, payload.url());
            }
        })
        .build()
        .map(|window| {
            // Closing only hides it: the page (a key not yet downloaded) is still there when the
            // merchant opens it again.
            let hidden = window.clone();
            window.on_window_event(move |event| {
                if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                    api.prevent_close();
                    let _ = hidden.hide();
                }
            });
            follow(app.clone(), window)
        })
        .map_err(|e| {
            Problem::new(
                crate::core::problem::Code::AscWindowFailed,
                "The App Store Connect window could not be opened here.",
                "Use my browser instead: the wizard watches Downloads for the key.",
            )
            .detail(&e)
        })
}

const WIDTH: f64 = 1100.0;

/// Where the window goes so the wizard's instructions stay in view: right of the wizard's window,
/// kept on its screen (logical pixels); `None` leaves it to the system.
fn beside_the_wizard<R: Runtime>(app: &AppHandle<R>) -> Option<(f64, f64)> {
    let main = app.get_webview_window("main")?;
    let scale = main.scale_factor().ok()?;
    let at = main.outer_position().ok()?.to_logical::<f64>(scale);
    let size = main.outer_size().ok()?.to_logical::<f64>(scale);
    let screen = main.current_monitor().ok()??;
    let (left, right) = {
        let p = screen.position().to_logical::<f64>(scale);
        (p.x, p.x + screen.size().to_logical::<f64>(scale).width)
    };
    let x = (at.x + size.width + 8.0).min(right - WIDTH).max(left);
    Some((x, at.y))
}

/// `on_navigation`: load what the rule allows; hand other web addresses to the system browser.
/// A `data:` address goes on to the download hook, which catches it (see `download`).
fn navigate<R: Runtime>(app: &AppHandle<R>, url: &Url) -> bool {
    match current_rule(app).decide(url) {
        Verdict::Load | Verdict::Catch => true,
        Verdict::SystemBrowser => {
            to_browser(url);
            false
        }
        Verdict::Refuse => false,
    }
}

fn to_browser(url: &Url) {
    // Only web addresses reach here (the rule refuses the rest); `open_url` takes https alone, so
    // a plain-http link stays unopened. The address itself is not logged.
    if open::open_url(url.as_str()).is_err() {
        log::warn!("a link from the App Store Connect window could not be opened in the browser");
    }
}

fn download<R: Runtime>(
    app: &AppHandle<R>,
    dir: &std::path::Path,
    event: DownloadEvent<'_>,
) -> bool {
    let Some(current) = app.try_state::<Current>() else {
        return false;
    };
    match event {
        DownloadEvent::Requested { url, destination } => {
            let suggested = destination
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned);
            // The kind only, for the manual checks: the address itself is the key.
            log::info!("App Store Connect download of kind {}", url.scheme());
            if url.scheme() == "data" {
                // Decoded in memory; returning false cancels the download, so nothing is written.
                let digest: [u8; 32] = sha2::Sha256::digest(url.as_str().as_bytes()).into();
                if lock(&current.last_data).replace(digest) != Some(digest) {
                    let taken = catch::from_data_url(url.as_str(), suggested.as_deref());
                    if let (Ok(_), Some(name)) = (&taken, suggested) {
                        lock(&current.caught_names).insert(name);
                    }
                    hand_over(app, taken);
                }
                return false;
            }
            if current_rule(app).decide(&url) != Verdict::Load {
                return false;
            }
            // Never the proposed folder (the process's current folder on Linux, or Downloads).
            *destination = dir.join(format!("{}.part", uuid::Uuid::new_v4()));
            *lock(&current.pending) = Some((destination.clone(), suggested));
            true
        }
        DownloadEvent::Finished { path, success, .. } => {
            let Some((ours, suggested)) = lock(&current.pending).take() else {
                return true;
            };
            let path = path.filter(|p| p.starts_with(dir)).unwrap_or(ours);
            log::info!("App Store Connect download finished (success: {success})");
            let caught_before = suggested
                .as_ref()
                .is_some_and(|n| lock(&current.caught_names).contains(n));
            let taken = if success {
                catch::take_finished(&path, suggested.as_deref())
            } else {
                Err(catch::take_failed(&path, caught_before))
            };
            if let (Ok(_), Some(name)) = (&taken, suggested) {
                lock(&current.caught_names).insert(name);
            }
            hand_over(app, taken);
            true
        }
        _ => true,
    }
}

/// Load a caught key into the session exactly as a picked file, and tell the main window.
fn hand_over<R: Runtime>(app: &AppHandle<R>, caught: std::result::Result<Caught, Problem>) {
    let payload = match caught {
        Ok(caught) => {
            let loaded = app
                .state::<AppState>()
                .session()
                .load_caught(&caught)
                .worded(wizard_words);
            CaughtPayload {
                loaded: Some(loaded),
                problem: None,
            }
        }
        Err(problem) => CaughtPayload {
            loaded: None,
            problem: Some(Error::from(problem).0),
        },
    };
    if app.emit_to("main", CAUGHT_EVENT, payload).is_err() {
        log::warn!("could not tell the wizard about the App Store Connect download");
    }
}
