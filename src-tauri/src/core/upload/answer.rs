//! What the dashboard's answer (or its silence) means: the body read up to a cap, its message cleaned, and each status, broken connection and time-out in words.

use super::options::UploadOptions;
use crate::core::problem::Code;
use crate::core::Problem;

/// Longest server message shown to the user.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// Response bodies are read up to this size, the rest is ignored.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
