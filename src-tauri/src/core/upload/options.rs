//! Where and how to reach the dashboard: `UploadOptions` (from the config or `--to`), the user agent, the token's own refusal, and the one client every request to it uses.

use crate::core::config::Config;
use crate::core::problem::{Code, WayOut};
use crate::core::Problem;
use std::time::Duration;
use zeroize::Zeroizing;

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
