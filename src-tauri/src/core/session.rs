//! The wizard's working set: the one key the user selected, held here behind an
//! opaque id so the webview only ever sees metadata. Replacing or clearing the
//! selection drops the `PrivateKey`, which zeroizes its bytes.
//!
//! Tauri-free so it can be tested without a window; the app shell keeps one
//! `Session` in a `Mutex`.

use crate::core::apple::Verification;
use crate::core::credentials::Credentials;
use crate::core::ids::{self, KeyKind};
use crate::core::key::{self, CheckInput, PrivateKey, Report};
use crate::core::problem::Code;
use crate::core::vault::StoredKey;
use crate::core::{Note, Problem};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where the selected key came from (the UI offers "show the file" only for files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    File,
    Text,
}

/// What the webview learns about a loaded key: never the key itself.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Loaded {
    /// Opaque handle to the key kept in Rust; `None` when the key is unusable.
    pub key_ref: Option<String>,
    pub file_name: Option<String>,
    pub source: Source,
    pub report: Report,
}

/// The key the wizard is working on.
#[derive(Debug)]
pub struct Selected {
    pub id: String,
    pub key: PrivateKey,
    pub file_name: Option<String>,
    pub path: Option<PathBuf>,
    pub source: Source,
    /// Apple's last answer, with the IDs it was asked with.
    verification: Option<(Ids, Verification)>,
}

/// Normalised IDs as the commands use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ids {
    pub key_id: String,
    /// `None` for individual keys.
    pub issuer_id: Option<String>,
    pub kind: KeyKind,
}

impl Ids {
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

/// The IDs a key was saved with.
impl From<&StoredKey> for Ids {
    fn from(stored: &StoredKey) -> Ids {
        Ids {
            key_id: stored.key_id.clone(),
            issuer_id: stored.issuer_id.clone(),
            kind: stored.kind,
        }
    }
}

#[derive(Debug, Default)]
pub struct Session {
    selected: Option<Selected>,
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Read and check a key file; on success it becomes the selection.
    pub fn load_path(&mut self, path: &Path) -> Result<Loaded, Problem> {
        // A failed read also drops the previous key: the user moved on from it.
        self.clear();
        let bytes = key::read_path(path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(self.load_bytes(&bytes, name, Some(path.to_path_buf()), Source::File))
    }

    /// Check pasted text (an email, a CI secret); on success it becomes the selection.
    pub fn load_text(&mut self, text: &str) -> Result<Loaded, Problem> {
        self.clear();
        if text.len() > key::MAX_INPUT_BYTES {
            return Err(key::read::too_large());
        }
        Ok(self.load_bytes(text.as_bytes(), None, None, Source::Text))
    }

    fn load_bytes(&mut self, bytes: &[u8], file_name: Option<String>, path: Option<PathBuf>, source: Source) -> Loaded {
        let checked = key::check(CheckInput { bytes, file_name: file_name.as_deref(), key_id: None, issuer_id: None });
        let key_ref = match checked.key {
            Some(key) if checked.report.ok => {
                let id = uuid::Uuid::new_v4().to_string();
                self.selected = Some(Selected {
                    id: id.clone(),
                    key,
                    file_name: file_name.clone(),
                    path,
                    source,
                    verification: None,
                });
                Some(id)
            }
            _ => None,
        };
        Loaded { key_ref, file_name, source, report: checked.report }
    }

    /// The selected key, if `key_ref` still names it.
    pub fn get(&self, key_ref: &str) -> Result<&Selected, Problem> {
        match &self.selected {
            Some(sel) if sel.id == key_ref => Ok(sel),
            _ => Err(no_key_selected()),
        }
    }

    pub fn selected(&self) -> Option<&Selected> {
        self.selected.as_ref()
    }

    /// Remember Apple's answer for this key and these IDs.
    pub fn record_verification(&mut self, key_ref: &str, ids: &Ids, verification: &Verification) {
        if let Some(sel) = self.selected.as_mut().filter(|s| s.id == key_ref) {
            sel.verification = Some((ids.clone(), verification.clone()));
        }
    }

    /// Apple's last answer for this key, if it was asked with the same IDs.
    pub fn verification_for(&self, key_ref: &str, ids: &Ids) -> Option<&Verification> {
        let sel = self.get(key_ref).ok()?;
        sel.verification.as_ref().filter(|(asked, _)| asked == ids).map(|(_, v)| v)
    }

    /// Forget the key (zeroized on drop).
    pub fn clear(&mut self) {
        self.selected = None;
    }
}

pub fn no_key_selected() -> Problem {
    Problem::new(
        Code::NoKeySelected,
        "No key file is selected (or it was replaced by another one).",
        "Go back to “Choose the key file” and choose the .p8 file again.",
    )
}

/// One ID field as the UI shows it: the cleaned-up value or what is wrong.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FieldCheck {
    pub value: Option<String>,
    pub problem: Option<Problem>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct IdsCheck {
    pub key_id: FieldCheck,
    pub issuer_id: FieldCheck,
    /// `key_id_mismatch` (not the Key ID in the file name), `individual_key`.
    pub warnings: Vec<Problem>,
}

impl IdsCheck {
    pub fn is_ok(&self, kind: KeyKind) -> bool {
        self.key_id.problem.is_none() && (kind == KeyKind::Individual || self.issuer_id.problem.is_none())
    }
}

fn field(raw: &str, missing: Problem, normalize: fn(&str) -> Result<ids::Normalized, Problem>) -> FieldCheck {
    if raw.trim().is_empty() {
        return FieldCheck { problem: Some(missing), ..FieldCheck::default() };
    }
    match normalize(raw) {
        Ok(n) => FieldCheck { value: Some(n.value), problem: None, notes: n.notes },
        Err(p) => FieldCheck { problem: Some(p), ..FieldCheck::default() },
    }
}

/// Live validation of both IDs, plus warnings against the selected file's name.
pub fn check_ids(key_id: &str, issuer_id: &str, kind: KeyKind, file_name: Option<&str>) -> IdsCheck {
    let key = field(key_id, missing_key_id(), ids::normalize_key_id);
    let issuer = match kind {
        KeyKind::Team => field(issuer_id, missing_issuer_id(), ids::normalize_issuer_id),
        KeyKind::Individual => FieldCheck::default(),
    };
    let mut warnings = Vec::new();
    if let (Some(value), Some(from_name)) = (&key.value, file_name.and_then(ids::key_id_from_file_name)) {
        if *value != from_name {
            warnings.push(Problem::new(
                Code::KeyIdMismatch,
                format!("The file name says the Key ID is {from_name}, but you entered {value}."),
                "Use the Key ID from the file name, unless you renamed the file. A wrong Key ID makes Apple refuse the key.",
            ));
        }
    }
    if kind == KeyKind::Individual {
        warnings.push(Problem::new(
            Code::IndividualKey,
            "Individual keys cannot create signing certificates or profiles, so app platforms usually cannot build with them.",
            "If your platform builds and submits your app, create a Team key instead (Integrations → Team Keys).",
        ));
    }
    IdsCheck { key_id: key, issuer_id: issuer, warnings }
}

/// Normalised IDs for a command, or the first problem.
pub fn ids(key_id: &str, issuer_id: Option<&str>, kind: KeyKind) -> Result<Ids, Problem> {
    let checked = check_ids(key_id, issuer_id.unwrap_or(""), kind, None);
    if let Some(p) = checked.key_id.problem {
        return Err(p);
    }
    if let Some(p) = checked.issuer_id.problem {
        return Err(p);
    }
    Ok(Ids {
        key_id: checked.key_id.value.unwrap_or_default(),
        issuer_id: match kind {
            KeyKind::Team => checked.issuer_id.value,
            KeyKind::Individual => None,
        },
        kind,
    })
}

fn missing_key_id() -> Problem {
    Problem::new(
        Code::KeyIdMissing,
        "The Key ID is empty.",
        "Copy it from the key's row on the Integrations page (10 letters and digits), or from the file name.",
    )
}

fn missing_issuer_id() -> Problem {
    Problem::new(
        Code::IssuerIdMissing,
        "The Issuer ID is empty.",
        "Copy it from the top of the Team Keys page in App Store Connect (Users and Access → Integrations).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_ids_are_reported_missing_and_individual_needs_no_issuer() {
        let c = check_ids("  ", "", KeyKind::Team, None);
        assert_eq!(c.key_id.problem.as_ref().map(|p| p.code.as_str()), Some("key_id_missing"));
        assert_eq!(c.issuer_id.problem.as_ref().map(|p| p.code.as_str()), Some("issuer_id_missing"));
        assert!(!c.is_ok(KeyKind::Team));
        let c = check_ids("", "", KeyKind::Individual, None);
        assert!(c.issuer_id.problem.is_none());
        assert!(c.warnings.iter().any(|w| w.code == "individual_key"));
    }

    #[test]
    fn unknown_key_ref_is_refused() {
        let s = Session::new();
        assert_eq!(s.get("nope").unwrap_err().code, "no_key_selected");
    }
}
