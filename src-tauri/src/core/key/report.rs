//! The check report and the `check` entry point. (Stub: the foundation work fills this in.)

use super::PrivateKey;
use crate::core::{Note, Problem};
use serde::Serialize;

/// What the caller hands to the check.
#[derive(Debug, Default, Clone)]
pub struct CheckInput<'a> {
    pub bytes: &'a [u8],
    /// The file's name (not the path), for `AuthKey_<KEYID>.p8` / `SubscriptionKey_*` hints.
    pub file_name: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub issuer_id: Option<&'a str>,
}

/// What the check found. Never holds key material.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Report {
    pub ok: bool,
    pub key_id: Option<String>,
    pub issuer_id: Option<String>,
    pub fingerprint: Option<String>,
    pub notes: Vec<Note>,
    pub problems: Vec<Problem>,
    /// Things worth telling that do not make the key unusable
    /// (`key_id_mismatch`, `subscription_key`, …).
    pub warnings: Vec<Problem>,
}

/// The report plus, when usable, the parsed key (kept inside Rust).
#[derive(Debug)]
pub struct Checked {
    pub report: Report,
    pub key: Option<PrivateKey>,
}

pub fn check(_input: CheckInput<'_>) -> Checked {
    todo!("offline check")
}
