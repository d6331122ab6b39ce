//! The App Store Connect client: ask Apple whether a key works and say
//! precisely what Apple answered.
//!
//! - `client`: base URL rules (https, or http for loopback only), one GET with a capped body.
//! - `outcome`: reading Apple's answers (error codes, app lists, rate limit).
//! - `words`: every outcome (`Answer`) and its words, the 401 checklist, the wizard's extras.
//! - `answer`: the answer type (`Verification`).
//! - `diagnose`: the follow-ups after a 401 that a fresh token did not clear.
//! - `options`: `VerifyOptions`, how to ask (limits, retries, what the follow-ups may try).
//! - `run`: one run, from the first request to the `Verification`.
//!
//! The run: `GET /v1/apps` (401 retried once with a fresh token, then at most three follow-ups;
//! 429 and 5xx retried with backoff, at most 3 tries in all), then — only when that
//! succeeded — read-only probes of certificates, bundle IDs and users.
//! Every request, each retry included, carries its own token whose `scope` is exactly that
//! request and which lives 5 minutes (`Lifetime::DEFAULT`).

mod answer;
pub mod client;
mod diagnose;
mod options;
pub mod outcome;
mod run;
pub mod words;

pub use answer::{AppSummary, Capabilities, FollowUp, RateLimit, Verification};
pub use options::VerifyOptions;
pub use run::{offset_secs, verify};
// `diagnose.rs` continues a run (`super::Run`).
use run::Run;

pub use crate::core::credentials::Credentials;

pub const DEFAULT_API_BASE: &str = "https://api.appstoreconnect.apple.com";

/// The check request, and the read-only capability probes.
pub const APPS_PATH: &str = "/v1/apps?limit=200&fields[apps]=name,bundleId";
pub const CERTIFICATES_PATH: &str = "/v1/certificates?limit=1";
pub const BUNDLE_IDS_PATH: &str = "/v1/bundleIds?limit=1";
pub const USERS_PATH: &str = "/v1/users?limit=1";

/// A clock difference beyond this is reported as `clock_skew`.
pub const CLOCK_SKEW_LIMIT_S: i64 = 30;
