//! Saving a key: the request, the label rule, what happened, and the write itself (refuse a
//! different key unless asked, write, read back, then the index; crash-safe through
//! `recover.rs`).

use super::index::{now_rfc3339, IndexEntry, IndexLock, LastTest};
use super::problems::{corrupt, exists_different, label_invalid, label_too_long};
use super::record::{parse_record, read_raw, restore, write_and_compare, SecretRecord};
use super::{store_display_name, Index, Vault, LABEL_MAX_CHARS};
use crate::core::apple::Verification;
use crate::core::credentials::Credentials;
use crate::core::fsutil::fail_point;
use crate::core::ids::{IssuerId, KeyId, KeyIds};
use crate::core::Problem;
use serde::{Deserialize, Serialize};

/// What the caller wants saved.
#[derive(Debug, Clone, Copy)]
pub struct SaveRequest<'a> {
    /// The key and its normalised IDs (`issuer_id` `None` for individual keys).
    pub creds: Credentials<'a>,
    /// A name the user recognises; defaults to "App Store Connect key <KEYID>".
    pub label: Option<&'a str>,
    /// Apple's answer when the key was verified before saving; `None` = saved
    /// without verification ("not yet tested" in the index).
    pub verification: Option<&'a Verification>,
    /// Replace a *different* key already saved under the same Key ID.
    pub replace: bool,
}

/// What `save` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveStatus {
    /// A new keychain item was written.
    Saved,
    /// The same key was already saved: nothing in the keychain changed.
    Unchanged,
    /// A different key under the same Key ID was replaced (`replace: true`).
    Replaced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaveOutcome {
    pub status: SaveStatus,
    pub entry: IndexEntry,
}

impl SaveOutcome {
    /// One line saying what happened, the same in the CLI and the wizard.
    pub fn message(&self) -> String {
        let (id, store) = (&self.entry.ids.key_id, store_display_name());
        match self.status {
            SaveStatus::Unchanged => {
                format!("Key {id} was already saved in the {store}; nothing changed.")
            }
            SaveStatus::Replaced => {
                format!("Key {id} replaced the key saved before under that Key ID in the {store}.")
            }
            SaveStatus::Saved if self.entry.last_test.is_none() => {
                format!("Key {id} is saved in the {store}, marked “not yet tested”.")
            }
            SaveStatus::Saved => format!("Key {id} is saved in the {store}."),
        }
    }
}

impl Vault {
    /// Save a key: refuse a different key under the same Key ID unless `replace`, write, read
    /// back and compare, then update the index. On a failure the keychain is put back as it
    /// was; on a crash the next change or `list` finishes or undoes it (`recover.rs`).
    pub fn save(&self, req: &SaveRequest<'_>) -> Result<SaveOutcome, Problem> {
        let creds = &req.creds;
        let key_id = creds.key_id;
        // Checked before the lock and the keychain: a refused label touches nothing.
        let label = label_for(req.label, key_id)?;
        let _lock = IndexLock::acquire(self.index_path())?;
        let mut index = Index::load(self.index_path())?;
        self.settle(&mut index)?;
        let entry = self.entry(key_id)?;
        // The raw bytes are kept so a failed write can put them back exactly.
        let previous_raw = read_raw(&entry)?;
        let previous = previous_raw.as_ref().and_then(|b| parse_record(b));
        let ids = KeyIds {
            key_id: KeyId::normalised(key_id.to_owned()),
            issuer_id: creds.issuer_id.map(|i| IssuerId::normalised(i.to_owned())),
            kind: creds.kind,
        };
        let status = match (&previous_raw, &previous) {
            (None, _) => SaveStatus::Saved,
            (Some(_), Some(p))
                if p.ids == ids
                    && p.key()
                        .is_some_and(|k| k.fingerprint() == creds.key.fingerprint()) =>
            {
                SaveStatus::Unchanged
            }
            _ if req.replace => SaveStatus::Replaced,
            (Some(_), None) => return Err(corrupt(key_id)),
            (Some(_), Some(p)) => {
                let same_key = p
                    .key()
                    .is_some_and(|k| k.fingerprint() == creds.key.fingerprint());
                return Err(exists_different(key_id, same_key));
            }
        };
        let saved_at = match (&previous, status) {
            (Some(prev), SaveStatus::Unchanged) => prev.saved_at.clone(),
            _ => now_rfc3339(),
        };
        let mut item = IndexEntry {
            ids: ids.clone(),
            label: label.clone(),
            fingerprint: creds.key.fingerprint().to_owned(),
            saved_at: saved_at.clone(),
            last_test: req.verification.map(LastTest::from_verification),
            unconfirmed: false,
        };
        // Saving the same key again without a new test keeps the old result.
        if item.last_test.is_none() && status == SaveStatus::Unchanged {
            item.last_test = index.get(key_id).and_then(|e| e.last_test.clone());
        }
        if status != SaveStatus::Unchanged {
            let before = Index::snapshot(self.index_path());
            self.begin(&mut index, key_id, Some(item.clone()))?;
            let record = SecretRecord {
                ids,
                private_key_pem: creds.key.canonical_pem().to_owned(),
                label,
                fingerprint: creds.key.fingerprint().to_owned(),
                saved_at,
            };
            if let Err(p) = write_and_compare(&entry, &record.to_json()) {
                // Both as they were: the keychain item and the index file, byte for byte.
                restore(&entry, previous_raw.as_ref().map(|b| b.as_slice()));
                Index::put_back(self.index_path(), before.as_ref().map(|b| b.as_slice()));
                return Err(p);
            }
            fail_point("after_keychain");
        }
        index.intents.retain(|i| i.key_id != key_id);
        index.upsert(item.clone());
        if let Err(p) = index.save(self.index_path()) {
            if status != SaveStatus::Unchanged {
                restore(&entry, previous_raw.as_ref().map(|b| b.as_slice()));
            }
            return Err(p);
        }
        Ok(SaveOutcome {
            status,
            entry: item,
        })
    }
}

/// The label to save under (callers may check it before any network work): trimmed, the
/// default when empty, refused when longer than [`LABEL_MAX_CHARS`] or holding control
/// characters (they would garble `list` on a terminal).
pub fn label_for(label: Option<&str>, key_id: &str) -> Result<String, Problem> {
    let Some(l) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(format!("App Store Connect key {key_id}"));
    };
    let chars = l.chars().count();
    if chars > LABEL_MAX_CHARS {
        return Err(label_too_long(chars, LABEL_MAX_CHARS));
    }
    if l.chars().any(char::is_control) {
        return Err(label_invalid());
    }
    Ok(l.to_owned())
}
