//! What the Tauri shell keeps between commands. The key itself lives in
//! `core::session::Session`; this only adds locking, reading off the UI thread and the
//! cancel handles.

use crate::app::downloads::DownloadWatch;
use crate::app::words::wizard_words;
use crate::core::config::{self, Config};
use crate::core::downloads::{self, Cleanup, CleanupFacts, Download, Offer};
use crate::core::key;
use crate::core::problem::Code;
use crate::core::session::{Loaded, Session};
use crate::core::setup_link::Links;
use crate::core::vault::Vault;
use crate::core::Problem;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{oneshot, watch};

#[derive(Default)]
pub struct AppState {
    session: Mutex<Session>,
    /// Fires to cancel the running `verify_key`.
    cancel_verify: Mutex<Option<oneshot::Sender<()>>>,
    /// Opened on first use (the platform keychain), or injected by tests.
    vault: VaultSlot,
    /// The destination config, loaded on first use (`ASC_WIZARD_CONFIG`, app folder, default).
    config: Mutex<Option<Config>>,
    /// Bumped by "Start over" and by closing the window: uploads and exports begun before stop.
    work: Work,
    /// The dashboard's setup link (its code never leaves Rust).
    links: Mutex<Links>,
    /// The watch on the download folders, from step 2 on.
    downloads: Mutex<Option<DownloadWatch>>,
}

struct Work(watch::Sender<u64>);

impl Default for Work {
    fn default() -> Work {
        Work(watch::channel(0).0)
    }
}

/// Taken when an upload or export starts; says whether "Start over" came since.
pub struct Ticket(watch::Receiver<u64>);

impl Ticket {
    /// Resolves when the work this ticket belongs to should stop.
    pub async fn cancelled(&mut self) {
        let _ = self.0.changed().await;
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.has_changed().unwrap_or(true)
    }
}

/// The problem for work stopped by "Start over" or closing the window.
pub fn stopped() -> Problem {
    Problem::new(
        Code::Cancelled,
        "Stopped because the wizard was started over.",
        "Nothing was sent or written. Choose the key again to continue.",
    )
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not lock the user out; the data stays consistent
    // because every critical section is a single assignment or read.
    m.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl AppState {
    pub fn session(&self) -> MutexGuard<'_, Session> {
        lock(&self.session)
    }

    /// The setup link received at launch or from a second launch.
    pub fn links(&self) -> MutexGuard<'_, Links> {
        lock(&self.links)
    }

    /// Replace the pending cancel handle; returns the receiver for the new run.
    pub fn start_verify(&self) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        *lock(&self.cancel_verify) = Some(tx);
        rx
    }

    /// Cancel the running verify; `false` when nothing was running.
    pub fn cancel_verify(&self) -> bool {
        match lock(&self.cancel_verify).take() {
            Some(tx) => tx.send(()).is_ok(),
            None => false,
        }
    }

    /// Use this vault instead of the platform keychain (tests, e2e).
    pub fn set_vault(&self, vault: Vault) {
        *lock(&self.vault.0) = Some(vault);
    }

    /// A handle to open the vault from a blocking thread.
    pub fn vault_slot(&self) -> VaultSlot {
        self.vault.clone()
    }

    /// Use this destination config (tests).
    pub fn set_config(&self, config: Config) {
        *lock(&self.config) = Some(config);
    }

    /// The destination config. A broken file is reported each time it is needed.
    pub fn config(&self) -> Result<Config, Problem> {
        let mut slot = lock(&self.config);
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let loaded = config::load(None)?.config;
        *slot = Some(loaded.clone());
        Ok(loaded)
    }

    /// "Start over" or the window closed: forget the key (zeroized on drop) and stop every
    /// request and export still running for it.
    pub fn forget(&self) {
        self.session().clear();
        self.cancel_verify();
        self.work.0.send_modify(|generation| *generation += 1);
    }

    /// Watch the download folders (the OS's and those keys were picked from before) for a new
    /// key file; `found` hears of each. Started once; later calls keep the running watch.
    pub fn watch_downloads(
        &self,
        found: impl Fn(&Download) + Send + Sync + 'static,
    ) -> Result<(), Problem> {
        self.watch_downloads_in(
            downloads::download_folders(&downloads::remembered_folders()),
            found,
        )
    }

    /// [`AppState::watch_downloads`] on the given folders (tests).
    pub fn watch_downloads_in(
        &self,
        folders: Vec<PathBuf>,
        found: impl Fn(&Download) + Send + Sync + 'static,
    ) -> Result<(), Problem> {
        let mut slot = lock(&self.downloads);
        if slot.is_none() {
            *slot = Some(DownloadWatch::start(folders, found)?);
        }
        Ok(())
    }

    /// Every key file downloaded since the watch began, newest first, except the key in use.
    pub fn download_offers(&self) -> Vec<Offer> {
        // The session first, then the watch: never both locks at once.
        let in_use = self.session().in_use();
        lock(&self.downloads)
            .as_ref()
            .map(|w| w.offers(in_use.as_deref()))
            .unwrap_or_default()
    }

    /// The downloaded file `id` names (the newest offered when `None`), exactly as it was offered.
    pub fn offered_download(&self, id: Option<u64>) -> Result<Download, Problem> {
        let id = match id {
            Some(id) => id,
            None => {
                self.download_offers()
                    .first()
                    .ok_or_else(downloads::nothing_found)?
                    .id
            }
        };
        lock(&self.downloads)
            .as_ref()
            .ok_or_else(downloads::nothing_found)?
            .take(id)
    }

    /// Done's offer to move the selected key's download to the trash, when it stands: the file
    /// arrived this session or sits in the OS's download folder, holds the key, and a checked
    /// copy of that key is safe (`core::downloads::cleanup_offer`).
    pub fn cleanup_offer(&self, key_ref: &str) -> Result<Option<Cleanup>, Problem> {
        let (seen, watched) = lock(&self.downloads)
            .as_ref()
            .map(|w| (w.seen(), w.folders.clone()))
            .unwrap_or_default();
        // Every folder watched besides the OS's came from a pick: watched, never cleaned.
        let remembered = [watched, downloads::remembered_folders()].concat();
        let os_folder = downloads::os_download_folder();
        let session = self.session();
        let (path, fingerprint, safe) = session.safe_copy(key_ref)?;
        let facts = CleanupFacts {
            path,
            fingerprint,
            safe,
            seen: &seen,
            remembered: &remembered,
            os_folder: os_folder.as_deref(),
        };
        Ok(downloads::cleanup_offer(&facts))
    }

    /// A ticket for an upload or export starting now.
    pub fn ticket(&self) -> Ticket {
        // A new receiver has seen the current generation: only a later bump cancels it.
        Ticket(self.work.0.subscribe())
    }

    /// Read the key file on a blocking thread, then check it under the session's lock (a slow
    /// or stuck file never freezes the window or blocks other commands). A failed read also
    /// drops the previous key: the user moved on from it.
    pub async fn load_path(&self, path: PathBuf) -> Result<Loaded, Problem> {
        self.session().clear();
        let bytes = {
            let path = path.clone();
            off_thread("Reading the file", move || {
                let bytes = key::read_path(&path)?;
                if let Some(folder) = path.parent() {
                    downloads::remember_folder(folder);
                }
                Ok(bytes)
            })
            .await?
        };
        Ok(self.session().load_read(&bytes, &path).worded(wizard_words))
    }
}

/// Run blocking work (a file, the keychain's D-Bus, an export) on the blocking pool, never on
/// the window's thread or an async worker; `what` names it if the task itself dies.
pub(crate) async fn off_thread<T: Send + 'static>(
    what: &str,
    job: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tauri::async_runtime::spawn_blocking(job)
        .await
        .map_err(|e| {
            Problem::new(
                Code::Internal,
                format!("{what} stopped unexpectedly: {e}."),
                "Try again.",
            )
        })?
}

/// The vault, opened lazily. Opening talks to the OS store (D-Bus on Linux,
/// which blocks), so `get` must run on a blocking thread, never an async worker.
#[derive(Clone, Default)]
pub struct VaultSlot(Arc<Mutex<Option<Vault>>>);

impl VaultSlot {
    pub fn get(&self) -> Result<Vault, Problem> {
        let mut slot = lock(&self.0);
        if let Some(v) = slot.as_ref() {
            return Ok(v.clone());
        }
        let vault = Vault::open()?;
        *slot = Some(vault.clone());
        Ok(vault)
    }
}
