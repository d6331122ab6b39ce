//! Which addresses may load in the App Store Connect window, and which go to the system browser.
//!
//! Only Apple's sign-in and App Store Connect hosts load there, over https on the default port and
//! with no user name in the address. A `data:` address is the key itself (App Store Connect hands it
//! over that way): it goes only to the download hook, which catches it in memory. Any other web address goes to the
//! system browser, where the merchant sees the real address bar; anything else is refused.

use crate::core::problem::Code;
use crate::core::url_rule::{has_user_info, is_loopback};
use crate::core::Problem;
use url::Url;

/// The hosts that load in the window. App Store Connect itself, and the hosts its sign-in moves the
/// top-level page to (Apple's sign-in service, Apple Account pages for two-factor and trust).
/// Spelled exactly: `appstoreconnect.apple.com.evil.example` is another host.
pub const APPLE_HOSTS: &[&str] = &[
    "appstoreconnect.apple.com",
    "idmsa.apple.com",
    "appleid.apple.com",
];

/// Where the window opens.
pub const APPLE_START: &str = "https://appstoreconnect.apple.com/access/integrations/api";

/// What to do with an address the window is about to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Load it in the window.
    Load,
    /// A `data:` address: the download of the key. Let through to the download hook, which
    /// decodes it in memory (`catch::from_data_url`) and cancels it; never handed to another program.
    Catch,
    /// Not ours to show: open it in the system browser instead.
    SystemBrowser,
    /// Neither load nor open it anywhere (`javascript:`, `file:`, user names in addresses, …).
    Refuse,
}

/// The window's navigation rule: Apple's hosts, or (an `e2e-seam` build's tests only) the loopback
/// stand-in of App Store Connect, the one origin allowed over plain http.
#[derive(Debug, Clone)]
pub struct Rule {
    stand_in: Option<Url>,
}

impl Rule {
    /// The rule of every shipped build.
    pub fn apple() -> Rule {
        Rule { stand_in: None }
    }

    /// The rule for the tests' loopback stand-in at `base` (http or https on 127.0.0.0/8, `::1` or
    /// `localhost`): that origin loads instead of Apple's. Only an `e2e-seam` build calls this.
    pub fn stand_in(base: &str) -> Result<Rule, Problem> {
        let refused = || {
            Problem::new(
                Code::AscWindowFailed,
                "The App Store Connect stand-in address is not an address on this computer.",
                "Give an http://127.0.0.1:PORT/ address (tests only).",
            )
        };
        let url = Url::parse(base).map_err(|_| refused())?;
        if !matches!(url.scheme(), "http" | "https") || !is_loopback(&url) || has_user_info(&url) {
            return Err(refused());
        }
        Ok(Rule {
            stand_in: Some(url),
        })
    }

    /// The address the window opens at.
    pub fn start(&self) -> Url {
        match &self.stand_in {
            Some(base) => base
                .join("access/integrations/api")
                .unwrap_or_else(|_| base.clone()),
            None => Url::parse(APPLE_START).expect("a valid constant"),
        }
    }

    /// Whether `url` loads in the window (top-level navigation).
    pub fn decide(&self, url: &Url) -> Verdict {
        match url.scheme() {
            "data" => Verdict::Catch,
            // A blob is the page's own data; it may load only when made by an origin we load.
            "blob" => match Url::parse(url.path()) {
                Ok(inner) if self.loads(&inner) => Verdict::Load,
                _ => Verdict::Refuse,
            },
            "about" if url.as_str() == "about:blank" => Verdict::Load,
            "http" | "https" if has_user_info(url) => Verdict::Refuse,
            "http" | "https" if self.loads(url) => Verdict::Load,
            "http" | "https" => Verdict::SystemBrowser,
            _ => Verdict::Refuse,
        }
    }

    /// A new window (`target=_blank`, `window.open`): never opened inside; a web address goes to
    /// the system browser, anything else nowhere.
    pub fn new_window(&self, url: &Url) -> Verdict {
        match url.scheme() {
            "http" | "https" if !has_user_info(url) => Verdict::SystemBrowser,
            _ => Verdict::Refuse,
        }
    }

    fn loads(&self, url: &Url) -> bool {
        if has_user_info(url) {
            return false;
        }
        if let Some(base) = &self.stand_in {
            return url.origin() == base.origin();
        }
        url.scheme() == "https"
            && url.port().is_none()
            && url
                .host_str()
                .is_some_and(|h| APPLE_HOSTS.iter().any(|a| h.eq_ignore_ascii_case(a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(rule: &Rule, s: &str) -> Verdict {
        rule.decide(&Url::parse(s).unwrap())
    }

    #[test]
    fn apples_hosts_load_over_https_only() {
        let r = Rule::apple();
        for ok in [
            "https://appstoreconnect.apple.com/access/integrations/api",
            "https://APPSTORECONNECT.apple.com/login",
            "https://idmsa.apple.com/appleauth/auth/signin",
            "https://appleid.apple.com/account/manage",
            "https://appstoreconnect.apple.com:443/",
            "about:blank",
        ] {
            assert_eq!(decide(&r, ok), Verdict::Load, "{ok}");
        }
        assert_eq!(r.start().as_str(), APPLE_START);
        assert_eq!(
            decide(&r, "http://appstoreconnect.apple.com/"),
            Verdict::SystemBrowser
        );
        assert_eq!(
            decide(&r, "https://appstoreconnect.apple.com:8443/"),
            Verdict::SystemBrowser
        );
    }

    #[test]
    fn look_alike_hosts_go_to_the_system_browser() {
        let r = Rule::apple();
        for other in [
            "https://appstoreconnect.apple.com.evil.example/login",
            "https://evil-appstoreconnect.apple.com/",
            "https://appstoreconnect-apple.com/",
            "https://apple.com/",
            "https://developer.apple.com/help/app-store-connect/",
            "https://xn--ppstoreconnect-3gb.apple.com/",
            "https://appstoreconnect.apple.com./",
        ] {
            assert_eq!(decide(&r, other), Verdict::SystemBrowser, "{other}");
        }
    }

    #[test]
    fn user_names_in_addresses_are_refused_not_followed() {
        let r = Rule::apple();
        // The host here is evil.example; the user name only dresses it up as Apple.
        assert_eq!(
            decide(&r, "https://appstoreconnect.apple.com@evil.example/"),
            Verdict::Refuse
        );
        assert_eq!(
            decide(&r, "https://me:pw@appstoreconnect.apple.com/"),
            Verdict::Refuse
        );
        assert_eq!(
            r.new_window(&Url::parse("https://a@evil.example/").unwrap()),
            Verdict::Refuse
        );
    }

    #[test]
    fn other_schemes_never_load_and_data_is_caught() {
        let r = Rule::apple();
        assert_eq!(
            decide(
                &r,
                "data:application/octet-stream,-----BEGIN%20PRIVATE%20KEY"
            ),
            Verdict::Catch
        );
        assert_eq!(decide(&r, "DATA:text/plain;base64,AAAA"), Verdict::Catch);
        assert_eq!(
            decide(&r, "blob:https://appstoreconnect.apple.com/4f1c2b"),
            Verdict::Load
        );
        assert_eq!(
            decide(&r, "blob:https://evil.example/4f1c2b"),
            Verdict::Refuse
        );
        assert_eq!(decide(&r, "blob:null/4f1c2b"), Verdict::Refuse);
        for no in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "about:config",
            "ftp://apple.com/",
            "mailto:a@b.c",
        ] {
            assert_eq!(decide(&r, no), Verdict::Refuse, "{no}");
        }
        // New windows never open inside, and a key is never handed to another program.
        assert_eq!(
            r.new_window(&Url::parse("https://appstoreconnect.apple.com/x").unwrap()),
            Verdict::SystemBrowser
        );
        assert_eq!(
            r.new_window(&Url::parse("data:,x").unwrap()),
            Verdict::Refuse
        );
        assert_eq!(
            r.new_window(&Url::parse("javascript:void(0)").unwrap()),
            Verdict::Refuse
        );
    }

    #[test]
    fn the_stand_in_replaces_apple_and_only_on_this_computer() {
        let r = Rule::stand_in("http://127.0.0.1:4567/").unwrap();
        assert_eq!(
            r.start().as_str(),
            "http://127.0.0.1:4567/access/integrations/api"
        );
        assert_eq!(decide(&r, "http://127.0.0.1:4567/login"), Verdict::Load);
        assert_eq!(decide(&r, "blob:http://127.0.0.1:4567/abc"), Verdict::Load);
        assert_eq!(
            decide(&r, "http://127.0.0.1:4568/login"),
            Verdict::SystemBrowser
        );
        assert_eq!(
            decide(&r, "https://appstoreconnect.apple.com/"),
            Verdict::SystemBrowser
        );
        for bad in [
            "http://example.com/",
            "http://localhost.:1/",
            "file:///tmp/",
            "http://u@127.0.0.1:1/",
            "nonsense",
        ] {
            let p = Rule::stand_in(bad).unwrap_err();
            assert_eq!(p.code, Code::AscWindowFailed, "{bad}");
        }
    }
}
