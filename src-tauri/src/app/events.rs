//! Every event Rust sends the webview, named once (the webview's copy is `ui/events.js`).

/// A second launch handed on a setup link (no payload: the webview asks Rust).
pub const SETUP_LINK: &str = "setup-link";

/// A file was dropped on the window (payload: `app::DropPayload`).
pub const KEY_DROPPED: &str = "key-dropped";

/// A new `AuthKey_*.p8` appeared in a download folder (payload: every offer as it stands).
pub const KEY_DOWNLOADED: &str = "key-downloaded";

/// A signed update is ready (no payload: the webview asks `update_status`).
pub const UPDATE_READY: &str = "update-ready";

/// The App Store Connect window shows a page (payload: `app::asc_window::PagePayload`).
pub const ASC_PAGE: &str = "asc-page";

/// The App Store Connect window caught a key, or could not (payload: `app::asc_window::CaughtPayload`).
pub const ASC_KEY_CAUGHT: &str = "asc-key-caught";

/// The keys page showed exactly one Issuer ID, for the merchant to confirm (payload: the ID).
pub const ASC_ISSUER_OFFERED: &str = "asc-issuer-offered";

/// The merchant seems stuck in the App Store Connect window (payload: `core::asc_window::fallback::Fallback`).
pub const ASC_FALLBACK: &str = "asc-fallback";

/// Every name above, for the test that keeps `ui/events.js` in step.
pub const ALL: [&str; 8] = [
    SETUP_LINK,
    KEY_DROPPED,
    KEY_DOWNLOADED,
    UPDATE_READY,
    ASC_PAGE,
    ASC_KEY_CAUGHT,
    ASC_ISSUER_OFFERED,
    ASC_FALLBACK,
];
