//! An in-memory credential store for tests and demos: items persist for the
//! life of the store (unlike keyring-core's mock, where each entry is its own
//! world) and faults can be injected to exercise the locked / denied /
//! unavailable paths. Never used for real keys.

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialPersistence, CredentialStore, Entry, Error, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

/// Which operations a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
    Delete,
    Any,
}

/// An injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Like "no Secret Service running".
    Unavailable,
    /// Like a locked collection.
    Locked,
    /// Like a dismissed permission prompt.
    Denied,
    /// Writes succeed but reads return different bytes.
    Garbled,
}

#[derive(Default)]
struct State {
    items: HashMap<(String, String), Zeroizing<Vec<u8>>>,
    faults: Vec<(Op, Fault)>,
}

/// Shared in-memory items plus injected faults.
#[derive(Default)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

impl MemoryStore {
    pub fn new() -> Arc<MemoryStore> {
        Arc::new(MemoryStore::default())
    }

    /// Make every matching operation fail from now on (until `clear_faults`).
    pub fn fail(&self, op: Op, fault: Fault) {
        self.state.lock().unwrap().faults.push((op, fault));
    }

    pub fn clear_faults(&self) {
        self.state.lock().unwrap().faults.clear();
    }

    /// The raw secret stored for (service, account), for test assertions.
    pub fn raw(&self, service: &str, account: &str) -> Option<Vec<u8>> {
        let state = self.state.lock().unwrap();
        state
            .items
            .get(&(service.to_owned(), account.to_owned()))
            .map(|v| v.to_vec())
    }

    /// Put raw bytes under (service, account), e.g. a damaged item.
    pub fn put_raw(&self, service: &str, account: &str, bytes: &[u8]) {
        let mut state = self.state.lock().unwrap();
        state.items.insert(
            (service.to_owned(), account.to_owned()),
            Zeroizing::new(bytes.to_vec()),
        );
    }

    /// How many items are stored.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// This store as the type `Vault::with_store` takes.
    pub fn as_store(self: &Arc<Self>) -> Arc<CredentialStore> {
        self.clone()
    }
}

fn fault_for(state: &State, op: Op) -> Option<Fault> {
    state
        .faults
        .iter()
        .find(|(o, _)| *o == op || *o == Op::Any)
        .map(|(_, f)| *f)
}

fn fault_error(fault: Fault) -> Option<Error> {
    let boxed = |s: &str| -> keyring_core::error::PlatformError { s.to_owned().into() };
    match fault {
        Fault::Unavailable => Some(Error::PlatformFailure(boxed(
            "no secret service provider or dbus session found",
        ))),
        Fault::Locked => Some(Error::NoStorageAccess(boxed("object locked"))),
        Fault::Denied => Some(Error::NoStorageAccess(boxed("prompt dismissed"))),
        Fault::Garbled => None,
    }
}

struct MemoryCred {
    state: Arc<Mutex<State>>,
    id: (String, String),
}

impl std::fmt::Debug for MemoryCred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MemoryCred").field(&self.id).finish()
    }
}

impl CredentialApi for MemoryCred {
    fn set_secret(&self, secret: &[u8]) -> Result<()> {
        let mut state = self.state.lock().unwrap();
        if let Some(err) = fault_for(&state, Op::Write).and_then(fault_error) {
            return Err(err);
        }
        state
            .items
            .insert(self.id.clone(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn get_secret(&self) -> Result<Vec<u8>> {
        let state = self.state.lock().unwrap();
        let fault = fault_for(&state, Op::Read);
        if let Some(err) = fault.and_then(fault_error) {
            return Err(err);
        }
        match state.items.get(&self.id) {
            Some(v) if fault == Some(Fault::Garbled) => Ok(v.iter().rev().copied().collect()),
            Some(v) => Ok(v.to_vec()),
            None => Err(Error::NoEntry),
        }
    }

    fn delete_credential(&self) -> Result<()> {
        let mut state = self.state.lock().unwrap();
        if let Some(err) = fault_for(&state, Op::Delete).and_then(fault_error) {
            return Err(err);
        }
        state
            .items
            .remove(&self.id)
            .map(|_| ())
            .ok_or(Error::NoEntry)
    }

    fn get_credential(&self) -> Result<Option<Arc<Credential>>> {
        let state = self.state.lock().unwrap();
        if state.items.contains_key(&self.id) {
            Ok(None)
        } else {
            Err(Error::NoEntry)
        }
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        Some(self.id.clone())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl CredentialStoreApi for MemoryStore {
    fn vendor(&self) -> String {
        "asc-key-wizard in-memory test store".into()
    }

    fn id(&self) -> String {
        format!("{:p}", Arc::as_ptr(&self.state))
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        _mods: Option<&HashMap<&str, &str>>,
    ) -> Result<Entry> {
        let cred = MemoryCred {
            state: self.state.clone(),
            id: (service.to_owned(), user.to_owned()),
        };
        Ok(Entry::new_with_credential(Arc::new(cred)))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn persistence(&self) -> CredentialPersistence {
        CredentialPersistence::ProcessOnly
    }
}
