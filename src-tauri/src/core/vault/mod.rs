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

pub mod compare;
pub mod index;
pub mod keychain;
mod problems;
mod record;
mod recover;
mod save;
// The in-memory store is a test double: never in a shipped build.
#[cfg(any(test, feature = "test-support"))]
pub mod memory;

pub use index::{now_rfc3339, now_secs, parse_rfc3339, IndexEntry, LastTest};
pub use keychain::{open_platform_store, store_display_name};
pub use save::{label_for, SaveOutcome, SaveRequest, SaveStatus};

use problems::{corrupt, not_found};
use record::read_secret;

use crate::core::apple::Verification;
use crate::core::ids::KeyIds;
use crate::core::key::PrivateKey;
use crate::core::problem::Code;
use crate::core::Problem;
use index::{Index, IndexLock};
use keyring_core::{CredentialStore, Entry};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The keychain service name: the app identifier (`tauri.conf.json`'s in the generic build, a
/// test checks that the two agree; the profile's in a platform build).
pub const SERVICE: &str = crate::core::profile::IDENTIFIER;

/// The longest label a key may be saved under, in characters. Windows Credential Manager keeps at
/// most 2560 bytes per secret (`CRED_MAX_CREDENTIAL_BLOB_SIZE`); the record is about 560 bytes
/// without its label, so even 100 four-byte characters stay far below that
/// (`tests/suite/vault_memory.rs` measures the largest record for both key kinds).
pub const LABEL_MAX_CHARS: usize = 100;

/// Name of the index file inside [`app_config_dir`].
pub const INDEX_FILE: &str = "keys.json";

/// The app's config folder: `<config dir>/<identifier>` (`dev.asckeywizard.wizard` in the generic build)
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

/// The index path used by [`Vault::open`].
pub fn default_index_path() -> Result<PathBuf, Problem> {
    Ok(app_config_dir()?.join(INDEX_FILE))
}

/// A key read back from the keychain, ready to re-test, export or upload.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub key: PrivateKey,
    pub ids: KeyIds,
    pub label: String,
    pub fingerprint: String,
    pub saved_at: String,
}

/// The keychain plus the index. Cheap to clone. The platform store is opened on first use, so
/// `list` and `show` (which read only the index) work when the keychain is locked or absent.
#[derive(Clone)]
pub struct Vault {
    store: StoreSlot,
    index_path: PathBuf,
}

#[derive(Clone)]
enum StoreSlot {
    Given(Arc<CredentialStore>),
    Platform(Arc<Mutex<Option<Arc<CredentialStore>>>>),
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("index_path", &self.index_path)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// The platform keychain (opened when first needed) and the index in [`app_config_dir`].
    pub fn open() -> Result<Vault, Problem> {
        Ok(Vault {
            store: StoreSlot::Platform(Arc::default()),
            index_path: default_index_path()?,
        })
    }

    /// Any credential store (tests: `memory::MemoryStore` (feature `test-support`)) and index file.
    pub fn with_store(store: Arc<CredentialStore>, index_path: PathBuf) -> Vault {
        Vault {
            store: StoreSlot::Given(store),
            index_path,
        }
    }

    pub fn index_path(&self) -> &Path {
        &self.index_path
    }

    /// Every saved key (from the index; the keychain is asked only to settle an interrupted
    /// change, so there are no prompts).
    pub fn list(&self) -> Result<Vec<IndexEntry>, Problem> {
        Ok(self.settled_index()?.keys)
    }

    /// Metadata of one saved key (never the key itself).
    pub fn show(&self, key_id: &str) -> Result<IndexEntry, Problem> {
        self.settled_index()?
            .get(key_id)
            .cloned()
            .ok_or_else(|| not_found(key_id))
    }

    fn settled_index(&self) -> Result<Index, Problem> {
        let mut index = Index::load(&self.index_path)?;
        if !index.intents.is_empty() {
            let _lock = IndexLock::acquire(&self.index_path)?;
            index = Index::load(&self.index_path)?;
            self.settle(&mut index)?;
        }
        Ok(index)
    }

    /// Remember the outcome of a new test with Apple, for the key with `fingerprint` (the one
    /// that was sent to Apple). A key replaced under the same Key ID while it was being tested
    /// (`save --replace`, the wizard's Replace) must not inherit the old key's answer: then
    /// nothing is recorded and the answer is `key_changed_during_test`.
    pub fn record_test(
        &self,
        key_id: &str,
        fingerprint: &str,
        verification: &Verification,
    ) -> Result<IndexEntry, Problem> {
        let _lock = IndexLock::acquire(&self.index_path)?;
        let mut index = Index::load(&self.index_path)?;
        self.settle(&mut index)?;
        let entry = index.get_mut(key_id).ok_or_else(|| not_found(key_id))?;
        if entry.fingerprint != fingerprint {
            return Err(problems::changed_during_test(key_id));
        }
        // What changed since the previous test is kept until the next one (the launch banner).
        let change = crate::core::history::compare(entry.last_test.as_ref(), verification);
        let mut test = LastTest::from_verification(verification);
        test.change = change.trend.is_news().then_some(change.message);
        entry.last_test = Some(test);
        let updated = entry.clone();
        index.save(&self.index_path)?;
        Ok(updated)
    }

    /// Delete the keychain item and its index entry. A key present in only one
    /// of the two is still removed; a key in neither is `not_found`.
    pub fn delete(&self, key_id: &str) -> Result<(), Problem> {
        let _lock = IndexLock::acquire(&self.index_path)?;
        let mut index = Index::load(&self.index_path)?;
        self.settle(&mut index)?;
        let entry = self.entry(key_id)?;
        let in_index = index.get(key_id).is_some();
        let before = Index::snapshot(&self.index_path);
        if in_index {
            self.begin(&mut index, key_id, None)?;
        }
        let in_keychain = match entry.delete_credential() {
            Ok(()) => true,
            Err(keyring_core::Error::NoEntry) => false,
            Err(e) => {
                Index::put_back(&self.index_path, before.as_ref().map(|b| b.as_slice()));
                return Err(keychain::map_error(e));
            }
        };
        crate::core::fsutil::fail_point("after_keychain");
        if !in_keychain && !in_index {
            return Err(not_found(key_id));
        }
        index.intents.retain(|i| i.key_id != key_id);
        index.remove(key_id);
        index.save(&self.index_path)
    }

    /// Read a saved key back from the keychain.
    pub fn load(&self, key_id: &str) -> Result<StoredKey, Problem> {
        let entry = self.entry(key_id)?;
        let record = read_secret(&entry, key_id)?.ok_or_else(|| not_found(key_id))?;
        let key = record.key().ok_or_else(|| corrupt(key_id))?;
        Ok(StoredKey {
            fingerprint: key.fingerprint().to_owned(),
            key,
            ids: record.ids.clone(),
            label: record.label.clone(),
            saved_at: record.saved_at.clone(),
        })
    }

    fn store(&self) -> Result<Arc<CredentialStore>, Problem> {
        match &self.store {
            StoreSlot::Given(store) => Ok(store.clone()),
            StoreSlot::Platform(slot) => {
                let mut slot = slot.lock().unwrap_or_else(|poison| poison.into_inner());
                if let Some(store) = slot.as_ref() {
                    return Ok(store.clone());
                }
                let store = open_platform_store()?;
                *slot = Some(store.clone());
                Ok(store)
            }
        }
    }

    pub(crate) fn entry(&self, key_id: &str) -> Result<Entry, Problem> {
        Entry::new_in_store(&self.store()?, SERVICE, key_id).map_err(keychain::map_error)
    }
}
