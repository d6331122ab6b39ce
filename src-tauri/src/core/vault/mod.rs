//! Saving keys in the operating system's keychain.
//!
//! One keychain item per key (service = the app identifier, account = Key ID,
//! secret = a JSON record holding the canonical PEM), plus a non-secret index
//! file in the app's config folder so `list` works the same on every platform.
//!
//! The credential store is injected (`Vault::with_store`), so tests use
//! `memory::MemoryStore` (feature `test-support`) or a throwaway Secret Service instead of swapping a
//! process-wide default.
//!
//! All `Vault` methods block (the Linux store talks D-Bus through its own
//! runtime). From async code call them via `tokio::task::spawn_blocking`, never
//! directly on a runtime worker thread.

pub mod index;
pub mod keychain;
// The in-memory store is a test double: never in a shipped build.
#[cfg(any(test, feature = "test-support"))]
pub mod memory;

pub use index::{now_rfc3339, IndexEntry, LastTest};
pub use keychain::{open_platform_store, store_display_name};

use crate::core::apple::Verification;
use crate::core::credentials::Credentials;
use crate::core::ids::KeyKind;
use crate::core::key::PrivateKey;
use crate::core::Problem;
use crate::core::problem::Code;
use index::{Index, IndexLock};
use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The keychain service name: the app identifier from `tauri.conf.json`
/// (a test checks that the two agree).
pub const SERVICE: &str = "dev.asckeywizard.wizard";

/// The longest label a key may be saved under, in characters. Windows Credential Manager keeps at
/// most 2560 bytes per secret (`CRED_MAX_CREDENTIAL_BLOB_SIZE`); the record is about 560 bytes
/// without its label, so even 100 four-byte characters stay far below that
/// (`tests/vault_memory.rs` measures the largest record for both key kinds).
pub const LABEL_MAX_CHARS: usize = 100;

/// Name of the index file inside [`app_config_dir`].
pub const INDEX_FILE: &str = "keys.json";

/// The app's config folder: `<config dir>/dev.asckeywizard.wizard`
/// (`$XDG_CONFIG_HOME` or `~/.config` on Linux, `~/Library/Application Support`
/// on macOS, `%APPDATA%` on Windows). Not created here.
pub fn app_config_dir() -> Result<PathBuf, Problem> {
    dirs::config_dir().map(|d| d.join(SERVICE)).ok_or_else(|| {
        Problem::new(
            Code::StorageUnavailable,
            "Could not find your user settings folder (no home folder is set).",
            "Run the app as a normal user with a home folder, then try again.",
        )
    })
}

/// The saved keys listed in the index at `index_path`, without opening the
/// keychain (so `list` works even when the keychain is locked or absent).
pub fn list_index(index_path: &Path) -> Result<Vec<IndexEntry>, Problem> {
    Ok(Index::load(index_path)?.keys)
}

/// One index entry without opening the keychain; `not_found` when absent.
pub fn show_index(index_path: &Path, key_id: &str) -> Result<IndexEntry, Problem> {
    Index::load(index_path)?
        .get(key_id)
        .cloned()
        .ok_or_else(|| not_found(key_id))
}

/// The index path used by [`Vault::open`].
pub fn default_index_path() -> Result<PathBuf, Problem> {
    Ok(app_config_dir()?.join(INDEX_FILE))
}

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
        let (id, store) = (&self.entry.key_id, store_display_name());
        match self.status {
            SaveStatus::Unchanged => format!("Key {id} was already saved in the {store}; nothing changed."),
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

/// A key read back from the keychain, ready to re-test, export or upload.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub key: PrivateKey,
    pub key_id: String,
    pub issuer_id: Option<String>,
    pub kind: KeyKind,
    pub label: String,
    pub fingerprint: String,
    pub saved_at: String,
}

/// The secret JSON kept in the keychain item. Zeroized on drop.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct SecretRecord {
    key_id: String,
    issuer_id: Option<String>,
    #[zeroize(skip)]
    kind: KeyKind,
    private_key_pem: String,
    label: String,
    fingerprint: String,
    saved_at: String,
}

/// The keychain plus the index. Cheap to clone.
#[derive(Clone)]
pub struct Vault {
    store: Arc<CredentialStore>,
    index_path: PathBuf,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("index_path", &self.index_path)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// The platform keychain and the index in [`app_config_dir`].
    pub fn open() -> Result<Vault, Problem> {
        let store = open_platform_store()?;
        Ok(Vault::with_store(store, default_index_path()?))
    }

    /// Any credential store (tests: `memory::MemoryStore` (feature `test-support`)) and index file.
    pub fn with_store(store: Arc<CredentialStore>, index_path: PathBuf) -> Vault {
        Vault { store, index_path }
    }

    pub fn index_path(&self) -> &Path {
        &self.index_path
    }

    /// Save a key: refuse a different key under the same Key ID unless
    /// `replace`, write, read back and compare, then update the index. On any
    /// failure the keychain is put back as it was and the index is untouched.
    pub fn save(&self, req: &SaveRequest<'_>) -> Result<SaveOutcome, Problem> {
        let creds = &req.creds;
        // Checked before the lock and the keychain: a refused label touches nothing.
        let label = label_for(req.label, creds.key_id)?;
        let _lock = IndexLock::acquire(&self.index_path)?;
        let entry = self.entry(creds.key_id)?;
        // The raw bytes are kept so a failed write can put them back exactly.
        let previous_raw = read_raw(&entry)?;
        let previous = previous_raw
            .as_ref()
            .and_then(|b| serde_json::from_slice::<SecretRecord>(b).ok());
        let mut status = SaveStatus::Saved;
        if previous_raw.is_some() {
            let same_key = previous.as_ref().and_then(record_fingerprint).as_deref()
                == Some(creds.key.fingerprint());
            let same_ids = previous
                .as_ref()
                .is_some_and(|p| p.issuer_id.as_deref() == creds.issuer_id && p.kind == creds.kind);
            if same_key && same_ids {
                status = SaveStatus::Unchanged;
            } else if req.replace {
                status = SaveStatus::Replaced;
            } else if previous.is_none() {
                return Err(corrupt(creds.key_id));
            } else {
                return Err(exists_different(creds.key_id, same_key));
            }
        }

        let saved_at = match (&previous, status) {
            (Some(prev), SaveStatus::Unchanged) => prev.saved_at.clone(),
            _ => now_rfc3339(),
        };
        let mut index = Index::load(&self.index_path)?;
        if status != SaveStatus::Unchanged {
            let record = SecretRecord {
                key_id: creds.key_id.to_owned(),
                issuer_id: creds.issuer_id.map(str::to_owned),
                kind: creds.kind,
                private_key_pem: creds.key.canonical_pem().to_owned(),
                label: label.clone(),
                fingerprint: creds.key.fingerprint().to_owned(),
                saved_at: saved_at.clone(),
            };
            let json = Zeroizing::new(serde_json::to_vec(&record).expect("plain JSON record"));
            if let Err(p) = write_and_compare(&entry, &json) {
                restore(&entry, previous_raw.as_ref().map(|b| b.as_slice()));
                return Err(p);
            }
        }

        let mut item = IndexEntry {
            key_id: creds.key_id.to_owned(),
            issuer_id: creds.issuer_id.map(str::to_owned),
            kind: creds.kind,
            label,
            fingerprint: creds.key.fingerprint().to_owned(),
            saved_at,
            last_test: req.verification.map(LastTest::from_verification),
        };
        // Saving the same key again without a new test keeps the old result.
        if item.last_test.is_none() && status == SaveStatus::Unchanged {
            item.last_test = index.get(creds.key_id).and_then(|e| e.last_test.clone());
        }
        index.upsert(item.clone());
        if let Err(p) = index.save(&self.index_path) {
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

    /// Every saved key (from the index; no keychain access, so no prompts).
    pub fn list(&self) -> Result<Vec<IndexEntry>, Problem> {
        list_index(&self.index_path)
    }

    /// Metadata of one saved key (never the key itself).
    pub fn show(&self, key_id: &str) -> Result<IndexEntry, Problem> {
        show_index(&self.index_path, key_id)
    }

    /// Remember the outcome of a new test with Apple.
    pub fn record_test(
        &self,
        key_id: &str,
        verification: &Verification,
    ) -> Result<IndexEntry, Problem> {
        let _lock = IndexLock::acquire(&self.index_path)?;
        let mut index = Index::load(&self.index_path)?;
        let entry = index.get_mut(key_id).ok_or_else(|| not_found(key_id))?;
        entry.last_test = Some(LastTest::from_verification(verification));
        let updated = entry.clone();
        index.save(&self.index_path)?;
        Ok(updated)
    }

    /// Delete the keychain item and its index entry. A key present in only one
    /// of the two is still removed; a key in neither is `not_found`.
    pub fn delete(&self, key_id: &str) -> Result<(), Problem> {
        let _lock = IndexLock::acquire(&self.index_path)?;
        let mut index = Index::load(&self.index_path)?;
        let entry = self.entry(key_id)?;
        let in_keychain = match entry.delete_credential() {
            Ok(()) => true,
            Err(keyring_core::Error::NoEntry) => false,
            Err(e) => return Err(keychain::map_error(e)),
        };
        let in_index = index.remove(key_id);
        if !in_keychain && !in_index {
            return Err(not_found(key_id));
        }
        if in_index {
            index.save(&self.index_path)?;
        }
        Ok(())
    }

    /// Read a saved key back from the keychain.
    pub fn load(&self, key_id: &str) -> Result<StoredKey, Problem> {
        let entry = self.entry(key_id)?;
        let record = read_secret(&entry, key_id)?.ok_or_else(|| not_found(key_id))?;
        let key = parse_pem(&record.private_key_pem).ok_or_else(|| corrupt(key_id))?;
        Ok(StoredKey {
            fingerprint: key.fingerprint().to_owned(),
            key,
            key_id: record.key_id.clone(),
            issuer_id: record.issuer_id.clone(),
            kind: record.kind,
            label: record.label.clone(),
            saved_at: record.saved_at.clone(),
        })
    }

    fn entry(&self, key_id: &str) -> Result<Entry, Problem> {
        Entry::new_in_store(&self.store, SERVICE, key_id).map_err(keychain::map_error)
    }
}

/// The item's bytes; `None` when there is none.
fn read_raw(entry: &Entry) -> Result<Option<Zeroizing<Vec<u8>>>, Problem> {
    match entry.get_secret() {
        Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain::map_error(e)),
    }
}

/// `None` when there is no item; an error when the keychain failed or the item
/// is not ours / damaged.
fn read_secret(entry: &Entry, key_id: &str) -> Result<Option<SecretRecord>, Problem> {
    match read_raw(entry)? {
        Some(bytes) => serde_json::from_slice::<SecretRecord>(&bytes)
            .map(Some)
            .map_err(|_| corrupt(key_id)),
        None => Ok(None),
    }
}

fn write_and_compare(entry: &Entry, json: &[u8]) -> Result<(), Problem> {
    entry.set_secret(json).map_err(keychain::map_error)?;
    let back = Zeroizing::new(entry.get_secret().map_err(keychain::map_error)?);
    if back.as_slice() != json {
        return Err(Problem::new(
            Code::KeychainWriteFailed,
            format!("The {} did not keep the key correctly (it read back different data).", store_display_name()),
            "Nothing was saved. Try again; if it keeps failing, restart the keychain service or your computer.",
        ));
    }
    Ok(())
}

/// Best effort: put back the previous item, or remove the new one.
fn restore(entry: &Entry, previous: Option<&[u8]>) {
    let result = match previous {
        Some(bytes) => entry.set_secret(bytes),
        None => match entry.delete_credential() {
            Err(keyring_core::Error::NoEntry) => Ok(()),
            other => other,
        },
    };
    if let Err(e) = result {
        log::warn!("could not undo a failed keychain write: {e}");
    }
}

fn record_fingerprint(record: &SecretRecord) -> Option<String> {
    parse_pem(&record.private_key_pem).map(|k| k.fingerprint().to_owned())
}

fn parse_pem(pem: &str) -> Option<PrivateKey> {
    use p256::pkcs8::DecodePrivateKey;
    p256::SecretKey::from_pkcs8_pem(pem)
        .ok()
        .map(PrivateKey::from_secret)
}

/// The label to save under (callers may check it before any network work): trimmed, the default when empty, refused when longer than
/// [`LABEL_MAX_CHARS`] or holding control characters (they would garble `list` on a terminal).
pub fn label_for(label: Option<&str>, key_id: &str) -> Result<String, Problem> {
    let Some(l) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(format!("App Store Connect key {key_id}"));
    };
    let chars = l.chars().count();
    if chars > LABEL_MAX_CHARS {
        return Err(Problem::new(
            Code::LabelTooLong,
            format!("The label has {chars} characters; at most {LABEL_MAX_CHARS} fit in every keychain."),
            "Choose a shorter label. Nothing was saved.",
        ));
    }
    if l.chars().any(char::is_control) {
        return Err(Problem::new(
            Code::LabelInvalid,
            "The label holds control characters (such as tabs or line breaks).",
            "Use a label of plain text on one line. Nothing was saved.",
        ));
    }
    Ok(l.to_owned())
}

pub(crate) fn not_found(key_id: &str) -> Problem {
    Problem::new(
        Code::NotFound,
        format!("No key with the Key ID {key_id} is saved on this computer."),
        "Check the Key ID (run `list` to see the saved keys), or save the key first.",
    )
}

fn corrupt(key_id: &str) -> Problem {
    Problem::new(
        Code::KeychainItemDamaged,
        format!("The {} item for Key ID {key_id} does not hold a key this app can read.", store_display_name()),
        "Save the key again from its .p8 file with --replace, or delete the item and save it again.",
    )
}

fn exists_different(key_id: &str, same_key: bool) -> Problem {
    let message = if same_key {
        format!("This key is already saved under Key ID {key_id}, but with a different Issuer ID or key type.")
    } else {
        format!("A different key is already saved under the Key ID {key_id}.")
    };
    Problem::new(
        Code::KeyExistsDifferent,
        message,
        "Nothing was changed. If the new one is right, save again with --replace (the old one is then gone for good).",
    )
}
