//! "Is this secret the same key?": what a CI secret store gave back, once checked and repaired,
//! against a saved key, by public-key fingerprint (the key itself is never compared or shown).

use super::index::IndexEntry;
use super::Vault;
use crate::core::key::{self, CheckInput, Report};
use crate::core::{Note, Problem};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Comparison {
    pub key_id: String,
    pub same: bool,
    /// The checked text's fingerprint; `None` when it is not a usable key.
    pub fingerprint: Option<String>,
    pub saved_fingerprint: String,
    pub message: String,
}

pub fn compare(report: &Report, saved: &IndexEntry) -> Comparison {
    let id = &saved.ids.key_id;
    let (same, message) = match report.fingerprint.as_deref().filter(|_| report.ok) {
        None => (false, format!("This is not a usable key, so it is not the saved key {id}.")),
        Some(fp) if fp == saved.fingerprint => {
            let repaired = if report.notes.is_empty() { String::new() } else { format!(" (after {} repair(s), listed above)", report.notes.len()) };
            (true, format!("The same key as the saved {id}{repaired}: the fingerprints match."))
        }
        Some(_) => (false, format!("Not the same key as the saved {id}: the fingerprints differ. The secret holds another key; replace it with the saved one (asc-key-wizard export --stored {id}).")),
    };
    Comparison {
        key_id: id.to_string(),
        same,
        fingerprint: report.fingerprint.clone(),
        saved_fingerprint: saved.fingerprint.clone(),
        message,
    }
}

/// The wizard's "Compare with text…": the pasted text checked (with the usual repairs) and
/// compared with the saved key `key_id`. The text is never kept; only the fingerprint is compared.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TextComparison {
    #[serde(flatten)]
    pub comparison: Comparison,
    /// The repairs the text needed (escaped newlines, quotes, base64, …).
    pub notes: Vec<Note>,
    /// Why the text is not a usable key, when it is not.
    pub problems: Vec<Problem>,
}

pub fn compare_text(vault: &Vault, key_id: &str, text: &str) -> Result<TextComparison, Problem> {
    if text.len() > key::MAX_INPUT_BYTES {
        return Err(key::read::too_large());
    }
    let saved = vault.show(&crate::core::ids::parse_key_id(key_id)?)?;
    let report = key::check(CheckInput {
        bytes: text.as_bytes(),
        ..CheckInput::default()
    })
    .report;
    Ok(TextComparison {
        comparison: compare(&report, &saved),
        notes: report.notes,
        problems: report.problems,
    })
}
