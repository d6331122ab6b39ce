//! The App Store Connect window's follow of the page it shows: which page, its outline, the Issuer ID offer and the stall that offers the browser.

use super::{PagePayload, FALLBACK_EVENT, ISSUER_EVENT, LABEL, PAGE_EVENT};
use crate::core::asc_window::{fallback, pages, Page};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager, Runtime, Url};

/// App Store Connect is a single-page app: its address changes without a page load. Every 500 ms
/// (as the Apple-only peer does) the path is compared and the outline set again, since the page
/// redraws its controls; the thread ends with the window.
pub(super) fn follow<R: Runtime>(app: AppHandle<R>, window: tauri::WebviewWindow<R>) {
    std::thread::spawn(move || {
        let mut last = String::new();
        // Set once the keys page's Issuer ID was offered; cleared when the page changes.
        let offered = Arc::new(AtomicBool::new(false));
        // When the current page was reached, and whether its stall was reported.
        let (mut since, mut stall_told) = (std::time::Instant::now(), false);
        loop {
            std::thread::sleep(std::time::Duration::from_millis(500));
            if app.get_webview_window(LABEL).is_none() {
                break;
            }
            let Ok(url) = window.url() else { break };
            if !matches!(url.scheme(), "http" | "https") {
                continue;
            }
            let page = pages::recognise(url.path());
            if url.path() != last {
                last = url.path().to_owned();
                offered.store(false, Ordering::SeqCst);
                (since, stall_told) = (std::time::Instant::now(), false);
                show_page(&app, &window, &url);
            } else if let Some(selector) = page.outline() {
                let _ = window.eval(pages::outline_script(selector));
            }
            // The page draws the Issuer ID after it loads: read until one is offered.
            if page == Page::ApiKeys && !offered.load(Ordering::SeqCst) {
                read_issuer(&app, &window, offered.clone());
            }
            // Stuck on one page while the window is in view: offer the browser, with the reason.
            if !stall_told && window.is_visible().unwrap_or(false) {
                if let Some(offer) =
                    fallback::after(page, stayed(since), fallback::no_webauthn_here())
                {
                    stall_told = true;
                    let _ = app.emit_to("main", FALLBACK_EVENT, offer);
                }
            }
        }
    });
}

/// How long the page has shown, as the stall rule counts it. An `e2e-seam` build may run that clock
/// faster (`ASC_WIZARD_E2E_STALL_SCALE`, a factor) so a journey meets the fallback in seconds.
fn stayed(since: std::time::Instant) -> std::time::Duration {
    let shown = since.elapsed();
    #[cfg(feature = "e2e-seam")]
    if let Some(k) = std::env::var("ASC_WIZARD_E2E_STALL_SCALE")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        return shown * k;
    }
    shown
}

/// Tell the wizard which page shows, outline its next control, and on the keys page read the
/// Issuer ID with the one fixed script.
pub(super) fn show_page<R: Runtime>(
    app: &AppHandle<R>,
    window: &tauri::WebviewWindow<R>,
    url: &Url,
) {
    let page = pages::recognise(url.path());
    let _ = app.emit_to(
        "main",
        PAGE_EVENT,
        PagePayload {
            page,
            instruction: page.instruction(),
            step: page.step(),
        },
    );
    if let Some(selector) = page.outline() {
        let _ = window.eval(pages::outline_script(selector));
    }
}

/// Run the one fixed read-only script; offer the Issuer ID when exactly one was shown.
fn read_issuer<R: Runtime>(
    app: &AppHandle<R>,
    window: &tauri::WebviewWindow<R>,
    offered: Arc<AtomicBool>,
) {
    let app = app.clone();
    let _ = window.eval_with_callback(pages::ISSUER_SCRIPT, move |json| {
        // The script returns a JSON string, which the web view hands back as JSON again.
        let found: Vec<String> = serde_json::from_str::<String>(&json)
            .ok()
            .and_then(|inner| serde_json::from_str(&inner).ok())
            .unwrap_or_default();
        if let Some(issuer_id) = pages::issuer_offer(&found) {
            if !offered.swap(true, Ordering::SeqCst) {
                let _ = app.emit_to("main", ISSUER_EVENT, issuer_id);
            }
        }
    });
}
