//! The HTTP side: which base URL, one GET with a capped body, and what went
//! wrong on the wire. No outcome decisions here.

use crate::core::destination::{has_user_info, redact};
use crate::core::problem::{Code, WayOut};
use crate::core::Problem;
use std::time::{Duration, Instant, SystemTime};
use url::Url;

/// The environment variable that overrides the API base (tests, proxies).
pub const API_BASE_ENV: &str = "ASC_API_BASE";

/// `--api-base` > `ASC_API_BASE` (when non-empty) > Apple's address.
/// `http://` is accepted only for loopback hosts; anything else must be https.
pub fn resolve_api_base(explicit: Option<&str>) -> Result<Url, Problem> {
    // An address that is not text must not be dropped silently: the run would then talk to
    // Apple directly, not to the proxy or double the person set up.
    let env = match std::env::var(API_BASE_ENV) {
        Ok(v) => Some(v),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) if explicit.is_some_and(|s| !s.trim().is_empty()) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Problem::new(
                Code::ApiBaseInvalid,
                format!("The environment variable {API_BASE_ENV} holds bytes that are not text, so it is not a web address."),
                format!("Set {API_BASE_ENV} to an https:// address, or unset it to talk to Apple directly."),
            ))
        }
    };
    let raw = explicit
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or(env.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .unwrap_or(super::DEFAULT_API_BASE);
    check_api_base(raw)
}

/// Where requests go instead of Apple's servers when `ASC_API_BASE` is set: its host (and port),
/// or the redacted text when it is not a usable address. The wizard shows it on the test step,
/// so an override set in the environment is never silent.
pub fn api_override() -> Option<String> {
    let raw = std::env::var(API_BASE_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())?;
    let url = Url::parse(raw.trim()).ok();
    let host = url
        .as_ref()
        .and_then(|u| Some((u.host_str()?.to_owned(), u.port())));
    Some(match host {
        Some((h, Some(port))) => format!("{h}:{port}"),
        Some((h, None)) => h,
        None => redact(raw.trim()),
    })
}

/// Parse and police one base URL (see [`resolve_api_base`]).
pub fn check_api_base(raw: &str) -> Result<Url, Problem> {
    let shown = redact(raw);
    let invalid = || {
        Problem::new(
            Code::ApiBaseInvalid,
            format!("The App Store Connect API address \"{shown}\" is not a usable web address."),
            "Use an https:// address, or remove the override to talk to Apple directly.",
        )
        .way_out(WayOut::ApiBase)
    };
    let url = Url::parse(raw).map_err(|_| invalid())?;
    if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid());
    }
    if has_user_info(&url) {
        return Err(Problem::new(
            Code::ApiBaseInvalid,
            format!("The App Store Connect API address {shown} contains a user name or password."),
            "Remove the part before '@' from the address: the key's token is the only credential sent.",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Problem::new(
            Code::ApiBaseNotHttps,
            format!("The API address {shown} uses plain http, which is only allowed for this computer (localhost)."),
            "Use an https:// address, or remove the override to talk to Apple directly.",
        )
        .way_out(WayOut::ApiBase)),
        _ => Err(invalid()),
    }
}

pub use crate::core::destination::is_loopback;

/// `base` + `path_and_query`, keeping any path prefix of the base (proxies).
pub fn endpoint(base: &Url, path_and_query: &str) -> String {
    format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query)
}

/// One HTTP client per verify run.
pub fn build_client(base: &Url, connect_timeout: Duration) -> Result<reqwest::Client, Problem> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(concat!("asc-key-wizard/", env!("CARGO_PKG_VERSION")))
        // A redirect could lead to a plain-http host: never follow one.
        .redirect(reqwest::redirect::Policy::none());
    builder = crate::core::destination::police(builder, base);
    builder.build().map_err(|e| {
        Problem::new(
            Code::TlsError,
            format!("The secure connection could not be prepared: {}.", e),
            "Check that this computer's certificate store is intact, then try again.",
        )
    })
}

/// What came back from one GET.
#[derive(Debug)]
pub struct Exchange {
    pub status: u16,
    /// Apple's `Date` header.
    pub date: Option<SystemTime>,
    pub retry_after: Option<Duration>,
    pub rate_limit: Option<String>,
    pub body: Body,
}

#[derive(Debug)]
pub enum Body {
    Complete(Vec<u8>),
    /// Longer than the cap: reading stopped there.
    TooLarge,
}

/// Why no answer came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetKind {
    Timeout,
    Tls,
    Unreachable,
}

/// No answer: what kind of failure, and the library's or the OS's own words for it (never the
/// address, which reqwest's top line repeats) for the outcome's `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetError {
    pub kind: NetKind,
    pub detail: String,
}

/// GET `url` with `Authorization: Bearer <token>`, reading at most `cap`
/// body bytes within `timeout`. Logs method, path, status, attempt and
/// elapsed time at debug level; never the token.
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    timeout: Duration,
    cap: usize,
    attempt: u32,
) -> Result<Exchange, NetError> {
    let started = Instant::now();
    let path = url_path(url);
    let result = tokio::time::timeout(timeout, async {
        let resp = client
            .get(url)
            .bearer_auth(token)
            .timeout(timeout)
            .send()
            .await
            .map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let date = header("date").and_then(|d| parse_date(&d));
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        let rate_limit = header("x-rate-limit");
        let body = read_capped(resp, cap).await?;
        Ok(Exchange {
            status,
            date,
            retry_after,
            rate_limit,
            body,
        })
    })
    .await
    .unwrap_or_else(|_| {
        Err(NetError {
            kind: NetKind::Timeout,
            detail: format!("no complete answer within {} ms", timeout.as_millis()),
        })
    });
    let ms = started.elapsed().as_millis();
    match &result {
        Ok(x) => log::debug!("GET {path} -> {} (attempt {attempt}, {ms} ms)", x.status),
        Err(e) => log::debug!("GET {path} -> {e:?} (attempt {attempt}, {ms} ms)"),
    }
    result
}

/// Stop reading as soon as the body passes `cap`: a 50 MiB answer is never buffered.
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Body, NetError> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Ok(Body::TooLarge);
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(classify)? {
        if buf.len() + chunk.len() > cap {
            return Ok(Body::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Body::Complete(buf))
}

/// The longest wait a `Retry-After` can ask for: Apple's limits reset within the hour, and a
/// hostile or broken answer must not turn into an absurd (or overflowing) number.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// A `Date` header as `get` reads it (public for the fuzz targets in `src-tauri/fuzz`).
pub fn parse_date(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value.trim()).ok()
}

fn url_path(url: &str) -> &str {
    // Only the path and query are logged (never the host's credentials, if any).
    url.find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or("/")
}

/// reqwest does not expose rustls' error type, so TLS failures are told apart
/// by the messages in the error chain.
fn classify(err: reqwest::Error) -> NetError {
    let detail = crate::core::text::causes(&err);
    if err.is_timeout() {
        return NetError {
            kind: NetKind::Timeout,
            detail,
        };
    }
    let mut chain = String::new();
    // The top-level message holds the URL (whose host could contain "tls"): skip it.
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        chain.push_str(&e.to_string().to_ascii_lowercase());
        chain.push_str(&format!(" {e:?} | ").to_ascii_lowercase());
        source = e.source();
    }
    const TLS_SIGNS: [&str; 8] = [
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "fatal alert",
        "peer is incompatible",
        "peer misbehaved",
        "invalidcontenttype",
    ];
    let kind = if TLS_SIGNS.iter().any(|s| chain.contains(s)) {
        NetKind::Tls
    } else {
        NetKind::Unreachable
    };
    NetError { kind, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_use_http() {
        for ok in [
            "https://api.appstoreconnect.apple.com",
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://[::1]:9000/",
            "http://localhost:1234/prefix",
            "http://LOCALHOST:1",
            "https://proxy.example.com/asc/",
        ] {
            assert!(check_api_base(ok).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("http://api.appstoreconnect.apple.com", "api_base_not_https"),
            ("http://10.0.0.1", "api_base_not_https"),
            ("http://128.0.0.1", "api_base_not_https"),
            ("http://localhost.example.com", "api_base_not_https"),
            ("http://[::2]", "api_base_not_https"),
            ("ftp://127.0.0.1", "api_base_invalid"),
            ("not a url", "api_base_invalid"),
            ("https://x.example/?q=1", "api_base_invalid"),
            // A trailing dot sends the name to DNS (issue 12): not this computer.
            ("http://LOCALHOST.", "api_base_not_https"),
            ("http://localhost.:8080", "api_base_not_https"),
            // User info would add a second Authorization header; it is never echoed.
            ("http://user:secret@127.0.0.1:8080", "api_base_invalid"),
            ("https://user:secret@api.example.com", "api_base_invalid"),
        ] {
            let p = check_api_base(bad).unwrap_err();
            assert_eq!(p.code, code, "{bad}");
            assert!(!p.message.contains("secret"), "{}", p.message);
        }
    }

    #[test]
    fn endpoint_keeps_prefix() {
        let base = Url::parse("https://proxy.example.com/asc/").unwrap();
        assert_eq!(
            endpoint(&base, "/v1/apps?limit=1"),
            "https://proxy.example.com/asc/v1/apps?limit=1"
        );
        let base = Url::parse("http://127.0.0.1:5").unwrap();
        assert_eq!(endpoint(&base, "/v1/apps"), "http://127.0.0.1:5/v1/apps");
        assert_eq!(
            url_path("http://127.0.0.1:5/v1/apps?limit=1"),
            "/v1/apps?limit=1"
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        // u64::MAX seconds once printed "Wait about 0 hours" (the rounding overflowed).
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(MAX_RETRY_AFTER)
        );
    }
}
