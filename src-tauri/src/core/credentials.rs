//! The one borrowed "key plus its IDs" value that verifying, signing,
//! exporting, uploading and saving all take.

use crate::core::ids::{KeyIds, KeyKind};
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

// Here rather than in `ids`: IDs are a leaf that knows no key; credentials join the two.
impl KeyIds {
    /// These IDs with `key`, as verify, export, upload and save take them.
    pub fn credentials<'a>(&'a self, key: &'a PrivateKey) -> Credentials<'a> {
        Credentials {
            key,
            key_id: &self.key_id,
            issuer_id: self.issuer_id.as_deref(),
            kind: self.kind,
        }
    }
}
