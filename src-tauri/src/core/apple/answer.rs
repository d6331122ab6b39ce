//! What Apple said: the answer type `verify` returns (`Verification`), with the apps,
//! capabilities and rate limit it carries (`core::readiness::Tested` is what the wizard gets).

use crate::core::problem::{Class, Code};
use crate::core::Note;
use serde::Serialize;

/// A follow-up after a lasting 401 (`diagnose.rs`), as `apple.tried` names it when Apple refused
/// it too.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    /// A token signed on Apple's clock.
    AppleClock,
    /// The Key ID in the file name.
    FileKeyId,
    /// The other kind of key (team or individual).
    OtherKind,
}

impl FollowUp {
    /// How the 401's message names it.
    pub const fn words(self) -> &'static str {
        match self {
            FollowUp::AppleClock => "signing on Apple's clock",
            FollowUp::FileKeyId => "the Key ID from the file name",
            FollowUp::OtherKind => "the other kind of key (team or individual)",
        }
    }
}

// Tests and callers compare with the snake_case names `--json` uses.
impl PartialEq<&str> for FollowUp {
    fn eq(&self, other: &&str) -> bool {
        serde_json::to_value(self).is_ok_and(|v| v == *other)
    }
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
    /// `valid`, `not_authorized`, `clock_skew`, `forbidden_role`, … (serialised as its code).
    pub outcome: Code,
    pub message: String,
    pub hint: String,
    pub http_status: Option<u16>,
    /// Tries of the check request (`GET /v1/apps`); probes not counted.
    pub attempts: u32,
    pub elapsed_ms: u64,
    pub apps_total: Option<u32>,
    pub apps: Vec<AppSummary>,
    pub capabilities: Capabilities,
    pub rate_limit: Option<RateLimit>,
    /// Apple's clock minus ours, in seconds, from the last `Date` header.
    pub clock_offset_s: Option<i64>,
    /// The library's, the OS's or Apple's own words behind the outcome (a connection error's
    /// causes, Apple's error title and detail), shown under "Details"; absent when there are none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Usable, but worth a look: `clock_offset` when Apple accepted the key only when signed on
    /// its own clock.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Note>,
    /// The follow-ups after a 401 that Apple refused too, so they are ruled out: `apple_clock`,
    /// `file_key_id`, `other_kind` (see `diagnose.rs`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tried: Vec<FollowUp>,
}

#[cfg(any(test, feature = "test-support"))]
impl Verification {
    /// An answer made by hand, for tests: one attempt, nothing else known (`outcome` must name
    /// a code).
    pub fn by_hand(
        outcome: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Verification {
        Verification {
            outcome: Code::parse(outcome).unwrap_or_else(|| panic!("no code `{outcome}`")),
            message: message.into(),
            hint: hint.into(),
            http_status: None,
            attempts: 1,
            elapsed_ms: 1,
            apps_total: None,
            apps: Vec::new(),
            capabilities: Capabilities::default(),
            rate_limit: None,
            clock_offset_s: None,
            detail: None,
            warnings: Vec::new(),
            tried: Vec::new(),
        }
    }
}

impl Verification {
    pub fn is_valid(&self) -> bool {
        self.outcome == Code::Valid
    }

    /// Valid = usable, Apple said no = refused, no usable answer, or (a configuration problem
    /// passed through as an outcome) usage: decided by the outcome's [`Code`].
    pub fn class(&self) -> Class {
        self.outcome.class()
    }
}
