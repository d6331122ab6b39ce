//! What the Tauri shell keeps between commands. The key itself lives in
//! `core::session::Session`; this only adds locking and the cancel handle.

use crate::core::config::{self, Config};
use crate::core::session::Session;
use crate::core::vault::Vault;
use crate::core::Problem;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::oneshot;

#[derive(Default)]
pub struct AppState {
    session: Mutex<Session>,
    /// Fires to cancel the running `verify_key`.
    cancel_verify: Mutex<Option<oneshot::Sender<()>>>,
    /// Opened on first use (the platform keychain), or injected by tests.
    vault: VaultSlot,
    /// The destination config, loaded on first use (`ASC_WIZARD_CONFIG`, app folder, default).
    config: Mutex<Option<Config>>,
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

    /// Window closed: forget the key (zeroized on drop) and stop any request.
    pub fn forget(&self) {
        self.session().clear();
        self.cancel_verify();
    }
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
