//! The wizard's working set: the one key the user selected and the IDs its check accepted, held
//! here behind an opaque id so the webview only ever sees metadata, and later commands take just
//! that id. Replacing or clearing the selection drops the `PrivateKey`, which zeroizes its bytes.
//!
//! Tauri-free so it can be tested without a window; the app shell keeps one
//! `Session` in a `Mutex`.

use crate::core::apple::Verification;
use crate::core::credentials::Credentials;
use crate::core::ids::{self, IdsCheck, KeyIds, KeyKind};
use crate::core::key::{self, CheckInput, PrivateKey, Report};
use crate::core::problem::{Code, Words};
use crate::core::vault::SaveRequest;
use crate::core::Problem;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where the selected key came from (the UI offers "show the file" only for files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    File,
    Text,
    /// Caught from the App Store Connect window's download: checked like a file, but there is no
    /// file to show.
    Caught,
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

impl Loaded {
    /// This result with a face's words for the ways out of the report's problems.
    pub fn worded(mut self, words: Words) -> Loaded {
        self.report = self.report.worded(words);
        self
    }
}

/// The key the wizard is working on.
#[derive(Debug)]
pub struct Selected {
    pub id: String,
    pub key: PrivateKey,
    pub file_name: Option<String>,
    pub path: Option<PathBuf>,
    pub source: Source,
    /// The IDs the last [`Session::check_ids`] accepted for this key; `None` until then, or
    /// when the fields stopped being valid.
    ids: Option<KeyIds>,
    /// Apple's last answer for this key with those IDs (dropped when they change).
    verification: Option<Verification>,
    /// Where a checked copy of this key is safe (the keychain, read back; an export kept), so its
    /// download may go to the trash.
    safe_copy: Option<SafeCopy>,
    /// An Issuer ID typed before "Individual key" was chosen: after a 401 the key is tried as a
    /// team key with it (`key_is_team`).
    other_issuer: Option<String>,
}

/// Where the checked copy of the key is safe, so the downloaded file may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SafeCopy {
    /// Written to the keychain and read back (`Vault::save` compares what it reads back); read
    /// back again by `key_id` before the download goes (it may be deleted in Saved keys).
    Keychain { store: &'static str, key_id: String },
    /// An export file the merchant keeps.
    Export { path: PathBuf },
}

/// The selected key with its accepted IDs: what verify, save, upload and export work on.
#[derive(Debug, Clone)]
pub struct Ready {
    pub key: PrivateKey,
    pub ids: KeyIds,
    /// Apple's last answer, if it found the key valid (an offline try saves as "not yet tested").
    pub valid: Option<Verification>,
    /// The key's file name, for the follow-ups after Apple's 401 (`None` for pasted text).
    pub file_name: Option<String>,
    /// For an individual key, an Issuer ID the person typed: tried as a team key after a 401.
    pub issuer_id_to_try: Option<String>,
}

impl Ready {
    pub fn credentials(&self) -> Credentials<'_> {
        self.ids.credentials(&self.key)
    }

    /// How to ask Apple about this key: what the follow-ups after a 401 may try (the file name's
    /// Key ID, an Issuer ID typed for an individual key).
    pub fn verify_options(&self) -> crate::core::apple::VerifyOptions {
        let opts = crate::core::apple::VerifyOptions {
            issuer_id_to_try: self.issuer_id_to_try.clone(),
            ..Default::default()
        };
        opts.for_file(self.file_name.as_deref())
    }

    /// What the vault is asked to save for this key.
    pub fn save_request<'a>(&'a self, label: Option<&'a str>, replace: bool) -> SaveRequest<'a> {
        SaveRequest {
            creds: self.credentials(),
            label,
            verification: self.valid.as_ref(),
            replace,
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

    /// Check the bytes already read from the file at `path` (the wizard reads off the UI thread
    /// and outside the session's lock); on success they become the selection.
    pub fn load_read(&mut self, bytes: &[u8], path: &Path) -> Loaded {
        self.load_bytes(
            bytes,
            key::file_name_of(path),
            Some(path.to_path_buf()),
            Source::File,
        )
    }

    /// Check a key caught from the App Store Connect window exactly as a picked file (its suggested
    /// name gives the Key ID), with no path: nothing of it was kept on disk.
    pub fn load_caught(&mut self, caught: &crate::core::asc_window::Caught) -> Loaded {
        self.clear();
        self.load_bytes(
            &caught.bytes,
            caught.file_name.clone(),
            None,
            Source::Caught,
        )
    }

    /// Check pasted text (an email, a CI secret); on success it becomes the selection.
    pub fn load_text(&mut self, text: &str) -> Result<Loaded, Problem> {
        self.clear();
        if text.len() > key::MAX_INPUT_BYTES {
            return Err(key::read::too_large());
        }
        Ok(self.load_bytes(text.as_bytes(), None, None, Source::Text))
    }

    fn load_bytes(
        &mut self,
        bytes: &[u8],
        file_name: Option<String>,
        path: Option<PathBuf>,
        source: Source,
    ) -> Loaded {
        let checked = key::check(CheckInput {
            bytes,
            file_name: file_name.as_deref(),
            ..CheckInput::default()
        });
        let key_ref = match checked.key {
            Some(key) if checked.report.ok => {
                let id = uuid::Uuid::new_v4().to_string();
                self.selected = Some(Selected {
                    id: id.clone(),
                    key,
                    file_name: file_name.clone(),
                    path,
                    source,
                    ids: None,
                    verification: None,
                    safe_copy: None,
                    other_issuer: None,
                });
                Some(id)
            }
            _ => None,
        };
        Loaded {
            key_ref,
            file_name,
            source,
            report: checked.report,
        }
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

    /// The live check of the ID fields (against the selected file's name when `key_ref` names
    /// the selection). What it accepts is kept with the selection for the later commands; new
    /// IDs forget Apple's answer for the old ones.
    pub fn check_ids(
        &mut self,
        key_id: &str,
        issuer_id: &str,
        kind: KeyKind,
        key_ref: Option<&str>,
    ) -> IdsCheck {
        let sel = self
            .selected
            .as_mut()
            .filter(|s| key_ref == Some(s.id.as_str()));
        let file_name = sel.as_ref().and_then(|s| s.file_name.as_deref());
        let check = ids::check_ids(key_id, issuer_id, kind, file_name);
        if let Some(sel) = sel {
            let accepted = check.accepted(kind).ok();
            if sel.ids != accepted {
                sel.verification = None;
            }
            sel.ids = accepted;
            sel.other_issuer = match kind {
                KeyKind::Individual => ids::normalize_issuer_id(issuer_id).ok().map(|n| n.value),
                KeyKind::Team => None,
            };
        }
        check
    }

    /// The selected key and its accepted IDs (`no_key_selected`, `ids_not_checked`).
    pub fn ready(&self, key_ref: &str) -> Result<Ready, Problem> {
        let sel = self.get(key_ref)?;
        let ids = sel.ids.clone().ok_or_else(ids_not_checked)?;
        let valid = sel.verification.clone().filter(Verification::is_valid);
        Ok(Ready {
            key: sel.key.clone(),
            ids,
            valid,
            file_name: sel.file_name.clone(),
            issuer_id_to_try: sel.other_issuer.clone(),
        })
    }

    /// Remember Apple's answer, if the selection still has the IDs it was asked with.
    pub fn record_verification(
        &mut self,
        key_ref: &str,
        asked: &KeyIds,
        verification: &Verification,
    ) {
        if let Some(sel) = self
            .selected
            .as_mut()
            .filter(|s| s.id == key_ref && s.ids.as_ref() == Some(asked))
        {
            sel.verification = Some(verification.clone());
        }
    }

    /// A checked copy of the selected key is safe now (the keychain's is preferred when both are).
    pub fn record_safe_copy(&mut self, key_ref: &str, copy: SafeCopy) {
        if let Some(sel) = self.selected.as_mut().filter(|s| s.id == key_ref) {
            if !matches!(sel.safe_copy, Some(SafeCopy::Keychain { .. })) {
                sel.safe_copy = Some(copy);
            }
        }
    }

    /// The selected key's file, its fingerprint and its safe copy, if any. A safe copy is only
    /// ever recorded for the selected key, so it was made of the key with this fingerprint.
    pub fn safe_copy(
        &self,
        key_ref: &str,
    ) -> Result<(Option<&Path>, &str, Option<&SafeCopy>), Problem> {
        let sel = self.get(key_ref)?;
        Ok((
            sel.path.as_deref(),
            sel.key.fingerprint(),
            sel.safe_copy.as_ref(),
        ))
    }

    /// The selected key's file: the one step 3 no longer offers.
    pub fn in_use(&self) -> Option<PathBuf> {
        self.selected.as_ref()?.path.clone()
    }

    /// Where the selected key's file is (`no_file` for pasted text).
    pub fn path(&self, key_ref: &str) -> Result<&Path, Problem> {
        self.get(key_ref)?.path.as_deref().ok_or_else(no_file)
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

pub fn ids_not_checked() -> Problem {
    Problem::new(
        Code::IdsNotChecked,
        "The Key ID and Issuer ID for this key have not been checked yet (or are not valid now).",
        "Go back to “Enter the IDs” and fill in both fields.",
    )
}

fn no_file() -> Problem {
    Problem::new(
        Code::NoFile,
        "This key was pasted as text, so there is no file to show.",
        "Export it (for example as an altool .p8 file) or save it in the keychain instead.",
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

    #[test]
    fn the_selection_keeps_the_ids_its_check_accepted() {
        let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
        let mut s = Session::new();
        let key_ref = s.load_text(key.canonical_pem()).unwrap().key_ref.unwrap();
        assert_eq!(s.ready(&key_ref).unwrap_err().code, "ids_not_checked");
        let issuer = "57246542-96fe-1a63-e053-0824d011072a";
        assert!(s
            .check_ids(" 2x9r4hxf34 ", issuer, KeyKind::Team, Some(&key_ref))
            .is_ok(KeyKind::Team));
        let ready = s.ready(&key_ref).unwrap();
        assert_eq!(ready.ids.key_id, "2X9R4HXF34");
        assert_eq!(ready.ids.issuer_id.as_deref(), Some(issuer));
        // Fields that stop being valid take the accepted IDs away again.
        s.check_ids("2X9", issuer, KeyKind::Team, Some(&key_ref));
        assert_eq!(s.ready(&key_ref).unwrap_err().code, "ids_not_checked");
        // A check without the key's ref (no key chosen yet) keeps nothing.
        s.check_ids("2X9R4HXF34", issuer, KeyKind::Team, None);
        assert_eq!(s.ready(&key_ref).unwrap_err().code, "ids_not_checked");
    }

    #[test]
    fn the_follow_ups_get_the_file_name_key_id_and_an_issuer_typed_for_an_individual_key() {
        let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&path, key.canonical_pem()).unwrap();
        let mut s = Session::new();
        let key_ref = s
            .load_read(&std::fs::read(&path).unwrap(), &path)
            .key_ref
            .unwrap();
        let issuer = "57246542-96fe-1a63-e053-0824d011072a";
        s.check_ids("INDIVIDUAL1", issuer, KeyKind::Individual, Some(&key_ref));
        let opts = s.ready(&key_ref).unwrap().verify_options();
        assert_eq!(opts.file_key_id.as_deref(), Some("2X9R4HXF34"));
        assert_eq!(opts.issuer_id_to_try.as_deref(), Some(issuer));
        assert_eq!(
            s.ready(&key_ref).unwrap().ids.issuer_id,
            None,
            "the key itself stays individual"
        );
        // A team key's Issuer ID is its own, not one to try.
        s.check_ids("2X9R4HXF34", issuer, KeyKind::Team, Some(&key_ref));
        assert_eq!(
            s.ready(&key_ref).unwrap().verify_options().issuer_id_to_try,
            None
        );
    }
}
