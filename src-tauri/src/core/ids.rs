//! Key ID and Issuer ID: normalisation (trim, strip quotes, fix case) and
//! format checks. (Stub: the foundation work fills this in.)

use crate::core::{Note, Problem};
use serde::{Deserialize, Serialize};

/// Team keys carry an Issuer ID; individual keys sign with `sub: "user"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    #[default]
    Team,
    Individual,
}

/// A normalised ID plus the notes describing what was fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub value: String,
    pub notes: Vec<Note>,
}

/// `2X9R4HXF34`: 10 characters, A–Z and 0–9, after trimming, unquoting and upper-casing.
pub fn normalize_key_id(_raw: &str) -> Result<Normalized, Problem> {
    todo!()
}

/// `57246542-96fe-1a63-e053-0824d011072a`: 8-4-4-4-12 hex, lower-cased. No RFC 4122 checks.
pub fn normalize_issuer_id(_raw: &str) -> Result<Normalized, Problem> {
    todo!()
}

/// The Key ID in `AuthKey_<KEYID>.p8`, if the name has that shape.
pub fn key_id_from_file_name(_name: &str) -> Option<String> {
    todo!()
}
