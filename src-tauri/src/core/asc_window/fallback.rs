//! When the wizard offers "Use my browser instead" on its own, and the reason it gives in plain words.
//!
//! The embedded window cannot do everything a browser does: security keys and passkeys do not work
//! in every system web view (WebKitGTK has no WebAuthn), and Apple's pages may change. A merchant
//! stuck on one page is offered the browser with the likely reason, once per page visit.

use super::Page;
use serde::Serialize;
use std::time::Duration;

/// On the sign-in page this long: sign-in probably cannot finish here.
pub const SIGN_IN_STALL: Duration = Duration::from_secs(4 * 60);
/// On any other page this long without the key: the guidance probably does not fit the page.
pub const PAGE_STALL: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Still on the sign-in page.
    SignInStalled,
    /// Still on one page of App Store Connect.
    PageStalled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fallback {
    pub reason: Reason,
    pub message: &'static str,
}

/// The offer after `stayed` on `page` (`None`: not yet). `no_webauthn`: this system's web view
/// cannot use security keys or passkeys (WebKitGTK), so the sign-in reason names them.
pub fn after(page: Page, stayed: Duration, no_webauthn: bool) -> Option<Fallback> {
    let (reason, message) = match page {
        Page::SignIn if stayed < SIGN_IN_STALL => return None,
        Page::SignIn if no_webauthn => (
            Reason::SignInStalled,
            "Signing in seems stuck. If your Apple Account uses a security key or a passkey, it cannot be used in this window on this system: use your browser instead.",
        ),
        Page::SignIn => (
            Reason::SignInStalled,
            "Signing in seems stuck. Apple's sign-in may not finish in this window: use your browser instead.",
        ),
        _ if stayed < PAGE_STALL => return None,
        _ => (
            Reason::PageStalled,
            "App Store Connect may look different from what this guide expects. Use your browser instead and follow the numbered steps.",
        ),
    };
    Some(Fallback { reason, message })
}

/// Whether this system's web view lacks WebAuthn (security keys, passkeys).
pub fn no_webauthn_here() -> bool {
    cfg!(target_os = "linux")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_is_offered_only_after_a_stall_with_the_reason() {
        let min = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(after(Page::SignIn, min(1), true), None);
        let stuck = after(Page::SignIn, min(5), true).unwrap();
        assert_eq!(stuck.reason, Reason::SignInStalled);
        assert!(stuck.message.contains("security key"));
        assert!(!after(Page::SignIn, min(5), false)
            .unwrap()
            .message
            .contains("security key"));
        assert_eq!(after(Page::ApiKeys, min(5), true), None);
        assert_eq!(
            after(Page::Unknown, min(11), false).unwrap().reason,
            Reason::PageStalled
        );
        assert_eq!(
            serde_json::to_value(Reason::SignInStalled).unwrap(),
            "sign_in_stalled"
        );
    }
}
