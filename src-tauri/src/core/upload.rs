//! Uploading a key to the merchant's dashboard (protocol: `docs/upload-protocol.md`).
//!
//! `POST upload_url`, multipart fields `issuer_id`, `key_id`, `key_kind` and
//! the file part `private_key` (`AuthKey_<KEYID>.p8`, canonical PEM), with
//! `Authorization: Bearer <setup token>`, one `Idempotency-Key` for every try
//! of one upload, and `User-Agent: asc-key-wizard/<version>`. Connection
//! errors and 5xx are retried (at most 3 tries, with backoff); 4xx never.

use crate::core::config::{validate_destination_url, Config};
use crate::core::credentials::Credentials;
use crate::core::ids::KeyKind;
use crate::core::problem::{Code, WayOut};
use crate::core::Problem;
use serde::Serialize;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Longest server message shown to the user.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// Response bodies are read up to this size, the rest is ignored.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024;

/// `asc-key-wizard/<version>`.
pub fn user_agent() -> String {
    format!("asc-key-wizard/{}", env!("CARGO_PKG_VERSION"))
}

/// Where and how to upload. Time-outs and backoff are injectable for tests.
#[derive(Clone)]
pub struct UploadOptions {
    pub url: String,
    /// The setup token from the dashboard. Never logged.
    pub token: Zeroizing<String>,
    /// What the platform calls the token, for messages ("setup token").
    pub token_label: String,
    /// Platform name for messages ("your platform").
    pub platform_name: String,
    pub connect_timeout: Duration,
    /// Whole request, per try.
    pub request_timeout: Duration,
    /// Tries in total (connection errors and 5xx only); at least 1.
    pub max_attempts: u32,
    /// Wait before the 2nd try; doubled for each further try.
    pub backoff: Duration,
    /// Fixed key for tests; a fresh UUID v4 per upload otherwise.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl UploadOptions {
    pub fn new(url: impl Into<String>, token: Zeroizing<String>) -> Self {
        UploadOptions {
            url: url.into(),
            token,
            token_label: "setup token".into(),
            platform_name: "your platform".into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            max_attempts: 3,
            backoff: Duration::from_millis(500),
            idempotency_key: None,
        }
    }

    /// The destination from the config; `url_override` is `--to URL`.
    pub fn from_config(
        config: &Config,
        url_override: Option<&str>,
        token: Zeroizing<String>,
    ) -> Result<Self, Problem> {
        if let Some(to) = url_override {
            crate::core::profile::other_destination(crate::core::profile::Door::Address(to))?;
        }
        let url = url_override.map(str::to_owned).or_else(|| config.upload_url.clone()).ok_or_else(|| {
            Problem::new(
                Code::UploadNotConfigured,
                "No upload address is set up, so the key cannot be uploaded automatically.",
                "Ask your platform for its upload address or settings file, or add the key to your dashboard by hand.",
            )
            .way_out(WayOut::UploadAddress)
        })?;
        let mut opts = UploadOptions::new(url, token);
        opts.token_label = config.token_label().to_owned();
        opts.platform_name = config.platform_name().to_owned();
        Ok(opts)
    }
}

/// A finished upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadReceipt {
    pub url: String,
    pub http_status: u16,
    pub attempts: u32,
    pub idempotency_key: String,
    pub elapsed_ms: u64,
    /// The server's own message, if it sent one.
    pub message: Option<String>,
}

impl UploadReceipt {
    /// One line saying what happened, the same in the CLI and the wizard.
    pub fn message(&self, platform_name: &str, key_id: &str) -> String {
        let host = crate::core::destination::host_of(&self.url);
        let mut line = format!("Uploaded key {key_id} to {platform_name} ({host}).");
        if let Some(said) = self.message.as_deref().filter(|m| !m.is_empty()) {
            line.push_str(&format!(" The dashboard said: “{said}”"));
        }
        line
    }
}

/// The client for one request to the dashboard (the upload, the account look-up): its time
/// limits, no redirects, our user agent, and no proxy for plain http or this computer (it would
/// see the token, and the key, in clear text).
pub(crate) fn dashboard_client(
    opts: &UploadOptions,
    url: &url::Url,
) -> Result<reqwest::Client, Problem> {
    let builder = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent());
    crate::core::destination::police(builder, url)
        .build()
        .map_err(|e| {
            Problem::new(
                Code::NetworkUnreachable,
                "Could not prepare the connection.",
                "Try again.",
            )
            .detail(&e)
        })
}

/// Upload the key (an individual key's `issuer_id` is left out of the form).
/// Never logs the key or the token.
pub async fn upload(req: &Credentials<'_>, opts: &UploadOptions) -> Result<UploadReceipt, Problem> {
    let url = validate_destination_url(&opts.url, "upload address")?;
    let token = opts.token.trim();
    if token.is_empty() {
        return Err(missing_token(&opts.token_label));
    }
    let auth = Zeroizing::new(format!("Bearer {token}"));
    let mut auth_header = reqwest::header::HeaderValue::from_str(&auth).map_err(|_| {
        Problem::new(
            Code::TokenInvalid,
            format!(
                "The {} contains characters that cannot be sent (line breaks or similar).",
                opts.token_label
            ),
            format!(
                "Copy the {} again from your dashboard and paste only the token.",
                opts.token_label
            ),
        )
    })?;
    auth_header.set_sensitive(true);

    let client = dashboard_client(opts, &url)?;

    let idem = opts
        .idempotency_key
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let started = Instant::now();
    let max = opts.max_attempts.max(1);
    let pem = pem_body(req);
    let mut attempt = 0;
    loop {
        attempt += 1;
        log::debug!("upload try {attempt}/{max}: POST {}", url.as_str());
        let sent = client
            .post(url.clone())
            .header(reqwest::header::AUTHORIZATION, auth_header.clone())
            .header("Idempotency-Key", &idem)
            .multipart(form(req, &pem)?)
            .send()
            .await;
        // Only 5xx and transport errors (not time-outs) fall through to a retry.
        let problem = match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let body = read_capped(resp).await;
                log::debug!(
                    "upload answer: HTTP {status} after {} ms",
                    started.elapsed().as_millis()
                );
                if (200..300).contains(&status) {
                    return Ok(UploadReceipt {
                        url: url.to_string(),
                        http_status: status,
                        attempts: attempt,
                        idempotency_key: idem,
                        elapsed_ms: started.elapsed().as_millis() as u64,
                        message: server_message(&body),
                    });
                }
                let problem = status_problem(status, &body, opts);
                if status < 500 {
                    return Err(problem);
                }
                problem
            }
            Err(e) if e.is_timeout() => return Err(timeout(opts)),
            Err(e) => transport_problem(&e, opts),
        };
        if attempt >= max {
            return Err(problem);
        }
        let wait = opts.backoff.saturating_mul(1 << (attempt - 1).min(16));
        log::debug!(
            "upload will retry in {} ms ({})",
            wait.as_millis(),
            problem.code
        );
        tokio::time::sleep(wait).await;
    }
}

/// The key's PEM, copied once per upload into a buffer that is wiped when the last reference
/// goes. `Bytes` shares it by reference count, so a retry sends the same buffer instead of a
/// new unwiped `to_vec()` copy per try.
fn pem_body(req: &Credentials<'_>) -> bytes::Bytes {
    bytes::Bytes::from_owner(Zeroizing::new(req.key.canonical_pem().as_bytes().to_vec()))
}

fn form(req: &Credentials<'_>, pem: &bytes::Bytes) -> Result<reqwest::multipart::Form, Problem> {
    let kind = match req.kind {
        KeyKind::Team => "team",
        KeyKind::Individual => "individual",
    };
    // Unavoidable library copies: hyper may gather the parts into its write buffer, and rustls
    // encrypts into its own records; neither is wiped (docs/security.md, "copies").
    let part = reqwest::multipart::Part::stream_with_length(pem.clone(), pem.len() as u64)
        .file_name(format!("AuthKey_{}.p8", req.key_id))
        .mime_str("application/x-pem-file")
        .expect("static MIME type parses");
    let mut form = reqwest::multipart::Form::new();
    if let Some(issuer) = req.issuer_id {
        form = form.text("issuer_id", issuer.to_owned());
    }
    Ok(form
        .text("key_id", req.key_id.to_owned())
        .text("key_kind", kind)
        .part("private_key", part))
}

/// Read at most `MAX_RESPONSE_BYTES` of the body.
pub(crate) async fn read_capped(mut resp: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = MAX_RESPONSE_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_RESPONSE_BYTES {
            break;
        }
    }
    body
}

/// `{"error":{"message":…}}`, `{"error":"…"}`, `{"message":…}`, or the text itself;
/// control characters removed, trimmed to `MAX_MESSAGE_CHARS`.
pub fn server_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let from_json = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            let pick = |v: &serde_json::Value| v.as_str().map(str::to_owned);
            v.pointer("/error/message")
                .and_then(pick)
                .or_else(|| v.get("error").and_then(pick))
                .or_else(|| v.get("message").and_then(pick))
        });
    let raw = match from_json {
        Some(m) => m,
        None if text.trim_start().starts_with('{') || text.trim_start().starts_with('<') => {
            // JSON without a message, or an HTML error page: not worth showing raw.
            if text.trim_start().starts_with('<') {
                return None;
            }
            text.into_owned()
        }
        None => text.into_owned(),
    };
    let clean = crate::core::text::printable(&raw);
    if clean.is_empty() {
        return None;
    }
    Some(match clean.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((i, _)) => format!("{}…", &clean[..i]),
        None => clean,
    })
}

fn said(body: &[u8]) -> String {
    server_message(body)
        .map(|m| format!(" The server said: \"{m}\""))
        .unwrap_or_default()
}

pub(crate) fn status_problem(status: u16, body: &[u8], opts: &UploadOptions) -> Problem {
    let platform = &opts.platform_name;
    match status {
        401 | 403 => Problem::new(
            Code::UploadUnauthorized,
            format!("{platform} did not accept the {} (HTTP {status}).{}", opts.token_label, said(body)),
            format!(
                "Copy a fresh {} from {platform}'s dashboard and try again; tokens can expire or be used up.",
                opts.token_label
            ),
        ),
        413 => Problem::new(
            Code::UploadRejected,
            format!("{platform} refused the upload as too large (HTTP 413).{}", said(body)),
            "A key file is tiny, so the upload address is probably wrong: check it with your platform.",
        ),
        400..=499 => Problem::new(
            Code::UploadRejected,
            format!("{platform} refused the key (HTTP {status}).{}", said(body)),
            "Read the server's message above; if it is unclear, contact your platform's support.",
        ),
        500..=599 => Problem::new(
            Code::UploadUnavailable,
            format!("{platform} had trouble on its side (HTTP {status}), even after several tries.{}", said(body)),
            "Wait a few minutes and try again; the key was not changed.",
        ),
        _ => Problem::new(
            Code::UploadRejected,
            format!("{platform} gave an unexpected answer (HTTP {status})."),
            "Check the upload address with your platform (it may have moved).",
        ),
    }
}

pub(crate) fn transport_problem(e: &reqwest::Error, opts: &UploadOptions) -> Problem {
    transport_words(e, opts).detail(crate::core::text::causes(e))
}

fn transport_words(e: &reqwest::Error, opts: &UploadOptions) -> Problem {
    if e.is_connect() {
        Problem::new(
            Code::NetworkUnreachable,
            format!(
                "Could not connect to {} (tried several times).",
                opts.platform_name
            ),
            "Check your internet connection and the upload address, then try again.",
        )
    } else {
        Problem::new(
            Code::NetworkInterrupted,
            format!(
                "The connection to {} broke off before it answered.",
                opts.platform_name
            ),
            "Try again; an upload that was cut off is safe to repeat.",
        )
    }
}

pub(crate) fn timeout(opts: &UploadOptions) -> Problem {
    Problem::new(
        Code::NetworkTimeout,
        format!(
            "{} did not answer in time ({} s).",
            opts.platform_name,
            opts.request_timeout.as_secs()
        ),
        "Check your internet connection and try again in a few minutes.",
    )
}

/// The problem for an empty or absent token.
pub fn missing_token(token_label: &str) -> Problem {
    Problem::new(
        Code::MissingToken,
        format!("No {token_label} was given, so the dashboard would not accept the upload."),
        format!("Copy the {token_label} from your dashboard and give it with the upload."),
    )
    .way_out(WayOut::SetupToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_try_sends_the_one_wiped_copy_of_the_pem() {
        let key = crate::core::key::PrivateKey::from_secret(p256::SecretKey::random(
            &mut rand_core::OsRng,
        ));
        let creds = Credentials {
            key: &key,
            key_id: "2X9R4HXF34",
            issuer_id: None,
            kind: KeyKind::Individual,
        };
        let pem = pem_body(&creds);
        let retry = pem.clone();
        assert_eq!(&pem[..], key.canonical_pem().as_bytes());
        assert_eq!(
            retry.as_ptr(),
            pem.as_ptr(),
            "a retry shares the buffer, no new copy"
        );
    }

    #[test]
    fn extracts_server_messages() {
        assert_eq!(
            server_message(br#"{"error":{"message":"token expired"}}"#).as_deref(),
            Some("token expired")
        );
        assert_eq!(
            server_message(b"  plain\ntext  ").as_deref(),
            Some("plain text")
        );
        assert_eq!(server_message(b"<html><body>502</body></html>"), None);
        let long = "x".repeat(1000);
        let m = server_message(long.as_bytes()).unwrap();
        assert_eq!(m.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(m.ends_with('…'));
    }

    #[test]
    fn options_come_from_the_config() {
        let cfg = crate::core::config::parse(
            r#"{"platform_name":"Acme","upload_url":"https://acme.test/k","token_label":"setup code"}"#,
            "t",
        )
        .unwrap();
        let o = UploadOptions::from_config(&cfg, None, Zeroizing::new("t".into())).unwrap();
        assert_eq!(
            (
                o.url.as_str(),
                o.token_label.as_str(),
                o.platform_name.as_str()
            ),
            ("https://acme.test/k", "setup code", "Acme")
        );
        assert!(
            !format!("{o:?}").contains("\"t\""),
            "token redacted in Debug"
        );
        let none = crate::core::config::default_config();
        let err = UploadOptions::from_config(&none, None, Zeroizing::new("t".into())).unwrap_err();
        assert_eq!(err.code, "upload_not_configured");
        let o =
            UploadOptions::from_config(&none, Some("https://x.test/u"), Zeroizing::new("t".into()))
                .unwrap();
        assert_eq!(o.url, "https://x.test/u");
    }
}
