//! The keychain and the Saved keys screen. Vault calls block (D-Bus), so they
//! run on the blocking pool.

use crate::app::commands::verify;
use crate::app::state::AppState;
use crate::core::apple::Tested;
use crate::core::ids::{self, KeyIds, KeyKind};
use crate::core::problem::Code;
use crate::core::vault::{store_display_name, IndexEntry, SaveOutcome, SaveRequest, SaveStatus, Vault};
use crate::core::Problem;
use serde::Serialize;
use tauri::State;

#[derive(Debug, Serialize)]
pub struct SaveResult {
    pub key_id: String,
    pub status: SaveStatus,
    pub store_name: &'static str,
    /// `valid` or `not_tested`: what the Saved keys screen will show.
    pub last_outcome: String,
    pub message: String,
}

/// One row of the Saved keys screen.
#[derive(Debug, Serialize)]
pub struct SavedRow {
    pub key_id: String,
    pub label: String,
    pub issuer_id: Option<String>,
    pub kind: KeyKind,
    pub fingerprint: String,
    pub saved_at: String,
    /// `not_tested` when never tested.
    pub last_outcome: String,
    pub last_message: Option<String>,
    pub last_verified_at: Option<String>,
}

impl From<IndexEntry> for SavedRow {
    fn from(e: IndexEntry) -> Self {
        SavedRow {
            last_outcome: e.last_test.as_ref().map_or_else(|| Code::NotTested.to_string(), |t| t.outcome.clone()),
            last_message: e.last_test.as_ref().map(|t| t.message.clone()),
            last_verified_at: e.last_test.map(|t| t.at),
            key_id: e.key_id,
            label: e.label,
            issuer_id: e.issuer_id,
            kind: e.kind,
            fingerprint: e.fingerprint,
            saved_at: e.saved_at,
        }
    }
}

/// Run blocking vault work off the async workers. Every vault call of the
/// wizard goes through here, so its problems get the wizard's wording here.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    job: impl FnOnce(Vault) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let slot = state.vault_slot();
    tauri::async_runtime::spawn_blocking(move || job(slot.get()?))
        .await
        .map_err(|e| Problem::new(Code::Internal, format!("The keychain task stopped unexpectedly: {e}."), "Try again."))?
        .map_err(in_wizard_words)
}

/// The core's hints name the CLI's controls (`--replace`, `list`, `--force`); in the
/// wizard the same way out is a button or a screen. Every wizard command that reaches the
/// vault or writes a file passes its problems through here.
pub(crate) fn in_wizard_words(mut p: Problem) -> Problem {
    let hint = match p.code {
        Code::KeyExistsDifferent => {
            "Nothing was changed. If the key you chose now is the right one, press \
             “Replace the saved key”: the one saved before is then gone for good."
        }
        Code::KeychainItemDamaged => {
            "Choose the key's .p8 file in the wizard and, when saving, press “Replace the saved key”; \
             or delete this key under Saved keys."
        }
        Code::FileExists => {
            "Nothing was overwritten. Move or rename the file that is there now, then export again."
        }
        Code::NotFound => {
            "It may have been deleted from another window or the command line: open Saved keys to \
             see what is saved, or save the key again from its .p8 file."
        }
        _ => return p,
    };
    p.hint = hint.to_owned();
    p
}

#[tauri::command]
pub async fn save_to_keychain(
    state: State<'_, AppState>,
    key_ref: String,
    key_id: String,
    issuer_id: Option<String>,
    kind: Option<KeyKind>,
    label: Option<String>,
    replace: Option<bool>,
) -> Result<SaveResult, Problem> {
    let ids = KeyIds::parse(&key_id, issuer_id.as_deref(), kind.unwrap_or_default())?;
    let (key, verification) = {
        let s = state.session();
        // Only a valid answer counts; no answer (offline) saves as "not yet tested".
        let v = s.verification_for(&key_ref, &ids).filter(|v| v.is_valid()).cloned();
        (s.get(&key_ref)?.key.clone(), v)
    };
    let outcome = blocking(&state, move |vault| {
        vault.save(&SaveRequest {
            creds: ids.credentials(&key),
            label: label.as_deref(),
            verification: verification.as_ref(),
            replace: replace.unwrap_or(false),
        })
    })
    .await?;
    Ok(SaveResult::from(outcome))
}

impl From<SaveOutcome> for SaveResult {
    fn from(outcome: SaveOutcome) -> SaveResult {
        let tested = outcome.entry.last_test.as_ref().map_or(Code::NotTested.as_str(), |t| t.outcome.as_str());
        SaveResult {
            last_outcome: tested.to_owned(),
            message: outcome.message(),
            store_name: store_display_name(),
            status: outcome.status,
            key_id: outcome.entry.key_id,
        }
    }
}

#[tauri::command]
pub async fn list_saved(state: State<'_, AppState>) -> Result<Vec<SavedRow>, Problem> {
    let keys = blocking(&state, |vault| vault.list()).await?;
    Ok(keys.into_iter().map(SavedRow::from).collect())
}

/// Test a saved key with Apple again and remember the outcome.
#[tauri::command]
pub async fn retest_saved(state: State<'_, AppState>, key_id: String) -> Result<Tested, Problem> {
    let id = ids::parse_key_id(&key_id)?;
    let stored = blocking(&state, move |vault| vault.load(&id)).await?;
    let ids = KeyIds::from(&stored);
    let verification = verify::run(&state, &stored.key, &ids).await?;
    let (v, id) = (verification.clone(), stored.key_id.clone());
    blocking(&state, move |vault| vault.record_test(&id, &v)).await?;
    Ok(verification.into())
}

#[tauri::command]
pub async fn delete_saved(state: State<'_, AppState>, key_id: String) -> Result<(), Problem> {
    let id = ids::parse_key_id(&key_id)?;
    blocking(&state, move |vault| vault.delete(&id)).await
}
