//! The App Store Connect client and its outcomes. (Stub: the verify work fills
//! this in; the signatures below are the contract the CLI, vault and app use.)

use crate::core::ids::KeyKind;
use crate::core::key::PrivateKey;
use serde::Serialize;

pub const DEFAULT_API_BASE: &str = "https://api.appstoreconnect.apple.com";

/// Who is asking: the parsed key and its IDs (already normalised).
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub key: &'a PrivateKey,
    pub key_id: &'a str,
    /// Required for team keys, ignored for individual keys.
    pub issuer_id: Option<&'a str>,
    pub kind: KeyKind,
}

/// Where and how to ask.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// `--api-base`; `None` falls back to `ASC_API_BASE`, then `DEFAULT_API_BASE`.
    pub api_base: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppSummary {
    pub name: String,
    pub bundle_id: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Capabilities {
    /// Certificates / bundle IDs readable: `None` when not probed.
    pub signing: Option<bool>,
    pub users: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub remaining: u32,
}

/// What Apple said, as the `apple` object of `verify --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verification {
    /// `valid`, `not_authorized`, `clock_skew`, `forbidden_role`, … (stable codes).
    pub outcome: String,
    pub message: String,
    pub hint: String,
    pub http_status: Option<u16>,
    pub attempts: u32,
    pub elapsed_ms: u64,
    pub apps_total: Option<u32>,
    pub apps: Vec<AppSummary>,
    pub capabilities: Capabilities,
    pub rate_limit: Option<RateLimit>,
    pub clock_offset_s: Option<i64>,
}

impl Verification {
    pub fn is_valid(&self) -> bool {
        self.outcome == "valid"
    }
}

/// Ask Apple whether the key works. Never panics, never logs key or token.
pub async fn verify(_creds: &Credentials<'_>, _opts: &VerifyOptions) -> Verification {
    todo!()
}
