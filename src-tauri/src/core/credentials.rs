//! The one borrowed "key plus its IDs" value that verifying, signing,
//! exporting, uploading and saving all take.

use crate::core::ids::KeyKind;
use crate::core::key::PrivateKey;

/// A parsed key and its IDs (already normalised).
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub key: &'a PrivateKey,
    /// Normalised Key ID (10 characters).
    pub key_id: &'a str,
    /// Required for team keys; `None` (or ignored) for individual keys.
    pub issuer_id: Option<&'a str>,
    pub kind: KeyKind,
}
