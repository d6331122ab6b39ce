//! The one rule for where a key or a token may be sent, shared by the Apple client and the
//! dashboard upload: https anywhere; plain http only to this computer (127.0.0.0/8, ::1, or the
//! exact name `localhost`, pinned to 127.0.0.1 so no resolver is asked); never user info in the
//! address; and a proxy only ever as a tunnel for https to another host.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use url::{Host, Url};

pub use crate::core::url_rule::{has_user_info, is_loopback};

/// The address as it may be shown: without any user info, or a placeholder when it does not parse.
pub fn redact(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(mut url) => {
            if has_user_info(&url) {
                let _ = url.set_username("");
                let _ = url.set_password(None);
            }
            url.to_string()
        }
        // Unparsable text may still hold `user:pass@host`: keep only what follows the last '@'.
        Err(_) => match raw.rsplit_once('@') {
            Some((_, rest)) => format!("…@{rest}"),
            None => raw.to_owned(),
        },
    }
}

/// The host a key would go to, as the wizard and the CLI show it before sending ("dashboard.acme.example",
/// with a port only when it is not the scheme's own); the redacted text when it does not parse.
pub fn host_of(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => redact(raw),
        },
        Err(_) => redact(raw),
    }
}

/// "Upload to Acme Shops — dashboard.acme.example": said before anything is sent.
pub fn upload_line(platform_name: &str, url: &str) -> String {
    format!("Upload to {platform_name} — {}", host_of(url))
}

/// Apply the proxy and name rules to a client for `url`: no proxy for plain http or loopback
/// (a proxy would see the token and the key in clear text); `localhost` resolved to 127.0.0.1
/// here, never by the system resolver.
pub fn police(mut builder: reqwest::ClientBuilder, url: &Url) -> reqwest::ClientBuilder {
    if url.scheme() != "https" || is_loopback(url) {
        builder = builder.no_proxy();
    } else if let Some(var) = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
    {
        // reqwest tunnels https through it (CONNECT) unless NO_PROXY names the host; say so in -v.
        log::info!(
            "{var} is set: https to {} may go through that proxy (a CONNECT tunnel)",
            url.host_str().unwrap_or("")
        );
    }
    if matches!(url.host(), Some(Host::Domain(_))) && is_loopback(url) {
        let port = url.port_or_known_default().unwrap_or(80);
        let host = url.host_str().unwrap_or("localhost");
        builder = builder.resolve(host, SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_host_shown_is_where_the_key_goes() {
        assert_eq!(
            host_of("https://dashboard.acme.example/api/keys?x=1"),
            "dashboard.acme.example"
        );
        assert_eq!(
            host_of("https://u:p@dashboard.acme.example:8443/k"),
            "dashboard.acme.example:8443"
        );
        assert_eq!(host_of("http://127.0.0.1:9/k"), "127.0.0.1:9");
        assert_eq!(
            upload_line("Acme Shops", "https://dashboard.acme.example/k"),
            "Upload to Acme Shops — dashboard.acme.example"
        );
    }

    #[test]
    fn only_this_computer_is_loopback() {
        for yes in [
            "http://127.0.0.1:1/",
            "http://127.9.8.7/",
            "http://[::1]:8/",
            "http://localhost:1/",
            "http://LocalHost/",
        ] {
            assert!(is_loopback(&url(yes)), "{yes}");
        }
        for no in [
            "http://localhost.:1/",
            "http://localhost.example/",
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://example.com/",
        ] {
            assert!(!is_loopback(&url(no)), "{no}");
        }
    }

    #[test]
    fn user_info_is_found_and_never_shown() {
        assert!(has_user_info(&url("http://user:secret@127.0.0.1:1/")));
        assert!(has_user_info(&url("https://user@example.com/")));
        assert!(!has_user_info(&url("https://example.com/")));
        let shown = redact("http://user:secret@127.0.0.1:1/x");
        assert!(
            !shown.contains("secret") && !shown.contains("user"),
            "{shown}"
        );
        assert!(!redact("ht!tp://user:secret@host").contains("secret"));
    }
}
