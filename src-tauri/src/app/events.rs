//! Every event Rust sends the webview, named once (the webview's copy is `ui/events.js`).

/// A second launch handed on a setup link (no payload: the webview asks Rust).
pub const SETUP_LINK: &str = "setup-link";

/// A file was dropped on the window (payload: `app::DropPayload`).
pub const KEY_DROPPED: &str = "key-dropped";

/// A new `AuthKey_*.p8` appeared in a download folder (payload: every offer as it stands).
pub const KEY_DOWNLOADED: &str = "key-downloaded";

/// A signed update is ready (no payload: the webview asks `update_status`).
pub const UPDATE_READY: &str = "update-ready";

/// Every name above, for the test that keeps `ui/events.js` in step.
pub const ALL: [&str; 4] = [SETUP_LINK, KEY_DROPPED, KEY_DOWNLOADED, UPDATE_READY];
