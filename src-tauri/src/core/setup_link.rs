//! The setup link a dashboard opens: `<scheme>://setup?token=…&account=…` (see
//! `docs/platforms-profile.md`). Its token is kept here like a pasted one — never logged, never
//! sent to the webview, wiped after use — and a link whose token was used is refused.

use crate::core::destination::host_of;
use crate::core::problem::Code;
use crate::core::Problem;
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The generic build's scheme; a platform build uses its profile's `setup_link_scheme`.
pub const GENERIC_SCHEME: &str = "asc-key-wizard";

/// The scheme this build answers to.
pub fn scheme() -> &'static str {
    crate::core::profile::embedded().and_then(|p| p.setup_link_scheme.as_deref()).unwrap_or(GENERIC_SCHEME)
}

/// A link as it arrived: the token stays in Rust.
pub struct SetupLink {
    token: Zeroizing<String>,
    /// The merchant's account on the dashboard, as the dashboard names it ("Blue Shoes Ltd").
    pub account: Option<String>,
    /// Generic build only: where the link asks the key to go (the merchant confirms its host).
    pub upload_url: Option<String>,
}

impl std::fmt::Debug for SetupLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupLink").field("token", &"<redacted>").field("account", &self.account).field("upload_url", &self.upload_url).finish()
    }
}

/// What the wizard may know of a link: never the token.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkInfo {
    /// "Setup code received from your dashboard" (or why the link was refused).
    pub message: String,
    pub account: Option<String>,
    /// The host the link names, to be confirmed before anything is sent (generic build only).
    pub confirm_host: Option<String>,
    pub problem: Option<Problem>,
}

fn refused(message: impl Into<String>) -> Problem {
    Problem::new(Code::SetupLinkInvalid, message, "Nothing was sent. Open the setup link again from your dashboard, or paste the setup code by hand.")
}

/// Read a link. `platform_build`: a destination in it is refused (the profile's is the only one).
pub fn parse(raw: &str, scheme: &str, platform_build: bool) -> Result<SetupLink, Problem> {
    let url = url::Url::parse(raw.trim()).map_err(|_| refused("The setup link could not be read: it is not a link."))?;
    if !url.scheme().eq_ignore_ascii_case(scheme) {
        return Err(refused(format!("The link is not a setup link for this wizard (it should start with {scheme}://).")));
    }
    if url.host_str() != Some("setup") || !matches!(url.path(), "" | "/") || url.fragment().is_some() {
        return Err(refused(format!("The setup link is damaged: it should read {scheme}://setup?token=….")));
    }
    let (mut token, mut account, mut upload_url) = (None::<Zeroizing<String>>, None, None);
    for (name, value) in url.query_pairs() {
        let slot_taken = match name.as_ref() {
            "token" => token.replace(Zeroizing::new(value.into_owned())).is_some(),
            "account" => account.replace(value.into_owned()).is_some(),
            "upload_url" => upload_url.replace(value.into_owned()).is_some(),
            _ => false, // newer dashboards may add fields; they change nothing here
        };
        if slot_taken {
            return Err(refused(format!("The setup link names \"{name}\" twice, so it cannot be trusted.")));
        }
    }
    let token = token.filter(|t| !t.trim().is_empty()).ok_or_else(|| refused("The setup link holds no setup code."))?;
    if token.len() > 512 || !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(refused("The setup code in the link is not a setup code (too long, or with spaces or other characters)."));
    }
    let account = account.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
    if account.as_ref().is_some_and(|a| a.chars().count() > 80 || a.chars().any(char::is_control)) {
        return Err(refused("The account name in the setup link is too long or holds control characters."));
    }
    if let Some(u) = &upload_url {
        if platform_build {
            return Err(refused(format!(
                "The setup link names an upload address ({}), which this wizard never takes from a link: it sends keys only to its own platform.",
                host_of(u)
            )));
        }
        crate::core::config::validate_destination_url(u, "upload address in the setup link")?;
    }
    Ok(SetupLink { token, account, upload_url })
}

/// The link in hand, and the codes already used (by hash), for this run of the app.
#[derive(Default)]
pub struct Links {
    current: Option<SetupLink>,
    refused: Option<Problem>,
    used: Vec<[u8; 32]>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Links {
    /// A link arrived (at launch, or handed on by a second launch). The last one wins.
    pub fn receive(&mut self, raw: &str) {
        match parse(raw, scheme(), crate::core::profile::embedded().is_some()) {
            Ok(link) if self.used.contains(&digest(&link.token)) => {
                self.current = None;
                self.refused = Some(Problem::new(
                    Code::SetupLinkUsed,
                    "This setup link was already used to upload a key, so its code was not sent again.",
                    "Nothing was sent. To upload again, open a new setup link from your dashboard.",
                ));
            }
            Ok(link) => (self.current, self.refused) = (Some(link), None),
            Err(problem) => (self.current, self.refused) = (None, Some(problem)),
        }
    }

    /// What the wizard shows; `None` when no link came.
    pub fn info(&self) -> Option<LinkInfo> {
        if let Some(problem) = &self.refused {
            return Some(LinkInfo { message: problem.message.clone(), account: None, confirm_host: None, problem: Some(problem.clone()) });
        }
        self.current.as_ref().map(|l| LinkInfo {
            message: match &l.account {
                Some(a) => format!("Setup code received from your dashboard, for {a}."),
                None => "Setup code received from your dashboard.".into(),
            },
            account: l.account.clone(),
            confirm_host: l.upload_url.as_deref().map(host_of),
            problem: None,
        })
    }

    /// The token and (generic build) the link's upload address, for one upload.
    pub fn token(&self) -> Option<(Zeroizing<String>, Option<String>)> {
        self.current.as_ref().map(|l| (l.token.clone(), l.upload_url.clone()))
    }

    /// The upload succeeded: forget the code, and refuse it if the same link comes again.
    pub fn used(&mut self) {
        if let Some(link) = self.current.take() {
            self.used.push(digest(&link.token));
        }
    }
}

/// The token and destination for one upload: a pasted code wins over the link's; a link naming
/// its own upload address needs that host confirmed by the merchant. Returns (token, `--to`
/// address, whether the link's code is used).
pub fn choose(
    pasted: Zeroizing<String>,
    link: Option<(Zeroizing<String>, Option<String>)>,
    confirmed_host: Option<&str>,
) -> Result<(Zeroizing<String>, Option<String>, bool), Problem> {
    let Some((token, to)) = link.filter(|_| pasted.trim().is_empty()) else {
        return Ok((pasted, None, false));
    };
    if let Some(url) = &to {
        let host = host_of(url);
        if confirmed_host != Some(host.as_str()) {
            return Err(Problem::new(
                Code::DestinationUnconfirmed,
                format!("The setup link asks to send the key to {host}, which you have not confirmed."),
                format!("Nothing was sent. Tick “Send it to {host}” if that is your platform's address; otherwise close the wizard and ask your platform."),
            ));
        }
    }
    Ok((token, to, true))
}

/// The first argument that is a link for `scheme` (how Linux and Windows hand a link to the app).
pub fn in_args(args: impl IntoIterator<Item = String>, scheme: &str) -> Option<String> {
    let prefix = format!("{scheme}:");
    args.into_iter().find(|a| a.len() > prefix.len() && a.is_char_boundary(prefix.len()) && a[..prefix.len()].eq_ignore_ascii_case(&prefix))
}

/// This process's arguments as text, skipping any that are not UTF-8 (`std::env::args` would
/// panic on those; a file path may well be one, and it is never a link).
pub fn process_args() -> impl Iterator<Item = String> {
    std::env::args_os().filter_map(|a| a.into_string().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_link_gives_its_code_and_account() {
        let l = parse("acme-keys://setup?token=tok_123-abc&account=Blue%20Shoes", "acme-keys", true).unwrap();
        assert_eq!(l.token.as_str(), "tok_123-abc");
        assert_eq!(l.account.as_deref(), Some("Blue Shoes"));
        assert!(!format!("{l:?}").contains("tok_123"));
    }

    #[test]
    fn malformed_links_say_what_is_wrong() {
        for (raw, words) in [
            ("not a link", "not a link"),
            ("https://setup?token=x", "not a setup link"),
            ("acme-keys://other?token=x", "damaged"),
            ("acme-keys://setup/more?token=x", "damaged"),
            ("acme-keys://setup?account=x", "no setup code"),
            ("acme-keys://setup?token=a&token=b", "twice"),
            ("acme-keys://setup?token=a%20b", "not a setup code"),
        ] {
            let p = parse(raw, "acme-keys", true).unwrap_err();
            assert_eq!(p.code, Code::SetupLinkInvalid);
            assert!(p.message.contains(words), "{raw}: {}", p.message);
        }
    }

    #[test]
    fn only_the_generic_build_takes_a_destination_from_a_link() {
        let raw = "asc-key-wizard://setup?token=t0k&upload_url=https%3A%2F%2Fdash.example%2Fk";
        let p = parse(raw, GENERIC_SCHEME, true).unwrap_err();
        assert!(p.message.contains("never takes") && p.message.contains("dash.example"), "{}", p.message);
        let l = parse(raw, GENERIC_SCHEME, false).unwrap();
        assert_eq!(l.upload_url.as_deref(), Some("https://dash.example/k"));
        let plain = "asc-key-wizard://setup?token=t0k&upload_url=http%3A%2F%2Fdash.example%2Fk";
        assert_eq!(parse(plain, GENERIC_SCHEME, false).unwrap_err().code, Code::ConfigInvalidUrl);
    }

    #[test]
    fn a_used_link_is_refused_when_it_comes_again() {
        let mut links = Links::default();
        links.receive("asc-key-wizard://setup?token=once");
        assert_eq!(links.info().unwrap().message, "Setup code received from your dashboard.");
        assert_eq!(links.token().unwrap().0.as_str(), "once");
        links.used();
        assert!(links.token().is_none());
        links.receive("asc-key-wizard://setup?token=once");
        assert_eq!(links.info().unwrap().problem.unwrap().code, Code::SetupLinkUsed);
        assert!(links.token().is_none());
        links.receive("asc-key-wizard://setup?token=fresh");
        assert!(links.info().unwrap().problem.is_none());
    }

    #[test]
    fn a_link_naming_a_host_needs_that_host_confirmed() {
        let link = || Some((Zeroizing::new("t0k".to_string()), Some("https://dash.example/k".to_string())));
        let none = Zeroizing::new(String::new());
        assert_eq!(choose(none.clone(), link(), None).unwrap_err().code, Code::DestinationUnconfirmed);
        assert_eq!(choose(none.clone(), link(), Some("other.example")).unwrap_err().code, Code::DestinationUnconfirmed);
        let (t, to, used) = choose(none.clone(), link(), Some("dash.example")).unwrap();
        assert_eq!((t.as_str(), to.as_deref(), used), ("t0k", Some("https://dash.example/k"), true));
        // A pasted code is the merchant's own choice: the link is left alone.
        let (t, to, used) = choose(Zeroizing::new("mine".into()), link(), None).unwrap();
        assert_eq!((t.as_str(), to, used), ("mine", None, false));
        let (t, _, used) = choose(none, Some((Zeroizing::new("t0k".into()), None)), None).unwrap();
        assert_eq!((t.as_str(), used), ("t0k", true));
    }

    #[test]
    fn the_link_is_found_among_the_arguments() {
        let args = ["/usr/bin/app", "--flag", "ACME-KEYS://setup?token=x"].map(String::from);
        assert_eq!(in_args(args, "acme-keys").as_deref(), Some("ACME-KEYS://setup?token=x"));
        assert_eq!(in_args(["app".to_string()], "acme-keys"), None);
        // A multi-byte character where the scheme would end is not a link, and no panic.
        assert_eq!(in_args(["acme-keyé://x".to_string()], "acme-keys"), None);
    }
}
