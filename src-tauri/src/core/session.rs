//! The wizard's working set: the one key the user selected, held here behind an
//! opaque id so the webview only ever sees metadata. Replacing or clearing the
//! selection drops the `PrivateKey`, which zeroizes its bytes.
//!
//! Tauri-free so it can be tested without a window; the app shell keeps one
//! `Session` in a `Mutex`.

use crate::core::apple::Verification;
use crate::core::ids::KeyIds;
use crate::core::key::{self, CheckInput, PrivateKey, Report};
use crate::core::problem::Code;
use crate::core::Problem;
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
    verification: Option<(KeyIds, Verification)>,
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
        Ok(self.load_bytes(&bytes, key::file_name_of(path), Some(path.to_path_buf()), Source::File))
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
    pub fn record_verification(&mut self, key_ref: &str, ids: &KeyIds, verification: &Verification) {
        if let Some(sel) = self.selected.as_mut().filter(|s| s.id == key_ref) {
            sel.verification = Some((ids.clone(), verification.clone()));
        }
    }

    /// Apple's last answer for this key, if it was asked with the same IDs.
    pub fn verification_for(&self, key_ref: &str, ids: &KeyIds) -> Option<&Verification> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_ref_is_refused() {
        let s = Session::new();
        assert_eq!(s.get("nope").unwrap_err().code, "no_key_selected");
    }
}
