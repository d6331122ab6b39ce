//! "Is this secret the same key?": what a CI secret store gave back, once checked and repaired,
//! against a saved key, by public-key fingerprint (the key itself is never compared or shown).

use super::index::IndexEntry;
use crate::core::key::Report;
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
    Comparison { key_id: id.to_string(), same, fingerprint: report.fingerprint.clone(), saved_fingerprint: saved.fingerprint.clone(), message }
}
