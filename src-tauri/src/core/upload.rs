//! Uploading a key to the merchant's dashboard (protocol: `docs/upload-protocol.md`).
//!
//! `POST upload_url`, multipart fields `issuer_id`, `key_id`, `key_kind` and
//! the file part `private_key` (`AuthKey_<KEYID>.p8`, canonical PEM), with
//! `Authorization: Bearer <setup token>`, one `Idempotency-Key` for every try
//! of one upload, and `User-Agent: asc-key-wizard/<version>`. Connection
//! errors and 5xx are retried (at most 3 tries, with backoff); 4xx never.
//!
//! This file sends (the form, the tries, the receipt); `options.rs` says where and how,
//! `answer.rs` what the dashboard's answer means.

mod answer;
mod options;

pub(crate) use answer::{read_capped, status_problem, timeout, transport_problem};
pub use answer::{server_message, MAX_MESSAGE_CHARS, MAX_RESPONSE_BYTES};
pub(crate) use options::dashboard_client;
pub use options::{missing_token, user_agent, UploadOptions};

use crate::core::config::validate_destination_url;
use crate::core::credentials::Credentials;
use crate::core::ids::KeyKind;
use crate::core::problem::Code;
use crate::core::Problem;
use serde::Serialize;
use std::time::Instant;
use zeroize::Zeroizing;

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
}
