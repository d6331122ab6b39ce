//! The keychain and the Saved keys screen. Vault calls block (D-Bus), so they
//! run on the blocking pool.

use crate::app::commands::verify;
use crate::app::error::Result;
use crate::app::state::{off_thread, AppState};
use crate::core::apple::VerifyOptions;
use crate::core::ids::{self, KeyIds};
use crate::core::problem::{Class, Code};
use crate::core::readiness::Tested;
use crate::core::retest::{self, Retest};
use crate::core::session::SafeCopy;
use crate::core::vault::compare::{compare_text, TextComparison};
use crate::core::vault::{
    store_display_name, IndexEntry, SaveOutcome, SaveStatus, StoredKey, Vault,
};
use crate::core::Problem;
use serde::Serialize;
use tauri::State;
use zeroize::Zeroizing;

#[derive(Debug, Serialize)]
pub struct SaveResult {
    pub key_id: String,
    pub status: SaveStatus,
    pub store_name: &'static str,
    /// `valid` or `not_tested`: what the Saved keys screen will show.
    pub last_outcome: Code,
    pub message: String,
}

/// One row of the Saved keys screen.
#[derive(Debug, Serialize)]
pub struct SavedRow {
    #[serde(flatten)]
    pub ids: KeyIds,
    pub label: String,
    pub fingerprint: String,
    pub saved_at: String,
    /// `not_tested` when never tested.
    pub last_outcome: Code,
    /// What the last outcome means (`usable` when it was valid), so the screen never decides by
    /// code; `None` when never tested.
    pub last_class: Option<Class>,
    pub last_message: Option<String>,
    pub last_verified_at: Option<String>,
    /// Whole days since the last test (or since saved, when never tested).
    pub age_days: Option<i64>,
    /// Why this key deserves a look (a changed answer, an old test): the launch banner's words.
    pub attention: Option<String>,
}

impl From<IndexEntry> for SavedRow {
    fn from(e: IndexEntry) -> Self {
        let now = crate::core::vault::now_secs();
        SavedRow {
            age_days: retest::age_days(&e, now),
            attention: retest::attention(&e, now),
            last_outcome: e.last_test.as_ref().map_or(Code::NotTested, |t| t.outcome),
            last_class: e.last_test.as_ref().map(|t| t.outcome.class()),
            last_message: e.last_test.as_ref().map(|t| t.message.clone()),
            last_verified_at: e.last_test.map(|t| t.at),
            ids: e.ids,
            label: e.label,
            fingerprint: e.fingerprint,
            saved_at: e.saved_at,
        }
    }
}

impl From<SaveOutcome> for SaveResult {
    fn from(outcome: SaveOutcome) -> SaveResult {
        let tested = outcome
            .entry
            .last_test
            .as_ref()
            .map_or(Code::NotTested, |t| t.outcome);
        SaveResult {
            last_outcome: tested,
            message: outcome.message(),
            store_name: store_display_name(),
            status: outcome.status,
            key_id: outcome.entry.ids.key_id.to_string(),
        }
    }
}

/// Run blocking vault work off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    job: impl FnOnce(Vault) -> std::result::Result<T, Problem> + Send + 'static,
) -> std::result::Result<T, Problem> {
    let slot = state.vault_slot();
    off_thread("The keychain task", move || job(slot.get()?)).await
}

/// A saved key read back from the keychain, by the Key ID the webview names.
pub(crate) async fn load_saved(
    state: &AppState,
    key_id: &str,
) -> std::result::Result<StoredKey, Problem> {
    let id = ids::parse_key_id(key_id)?;
    blocking(state, move |vault| vault.load(&id)).await
}

/// Save the selected key with its accepted IDs (and Apple's answer when it was valid).
#[tauri::command]
pub async fn save_to_keychain(
    state: State<'_, AppState>,
    key_ref: String,
    label: Option<String>,
    replace: Option<bool>,
) -> Result<SaveResult> {
    let ready = state.session().ready(&key_ref)?;
    let save = move |vault: Vault| {
        vault.save(&ready.save_request(label.as_deref(), replace.unwrap_or(false)))
    };
    let saved = blocking(&state, save).await?;
    // Written and read back: the download may go to the trash now.
    let key_id = saved.entry.ids.key_id.to_string();
    state.session().record_safe_copy(
        &key_ref,
        SafeCopy::Keychain {
            store: store_display_name(),
            key_id,
        },
    );
    Ok(saved.into())
}

#[tauri::command]
pub async fn list_saved(state: State<'_, AppState>) -> Result<Vec<SavedRow>> {
    let keys = blocking(&state, |vault| vault.list()).await?;
    Ok(keys.into_iter().map(SavedRow::from).collect())
}

/// Test a saved key with Apple again and remember the outcome.
#[tauri::command]
pub async fn retest_saved(state: State<'_, AppState>, key_id: String) -> Result<Tested> {
    let stored = load_saved(&state, &key_id).await?;
    let verification =
        verify::run(&state, &stored.key, &stored.ids, &VerifyOptions::default()).await?;
    let (v, id, fingerprint) = (verification.clone(), stored.ids.key_id, stored.fingerprint);
    // Recorded only if the key tested is still the one saved (else `key_changed_during_test`).
    blocking(&state, move |vault| {
        vault.record_test(&id, &fingerprint, &v)
    })
    .await?;
    Ok(verification.into())
}

#[tauri::command]
pub async fn delete_saved(state: State<'_, AppState>, key_id: String) -> Result<()> {
    let id = ids::parse_key_id(&key_id)?;
    Ok(blocking(&state, move |vault| vault.delete(&id)).await?)
}

/// Test every saved key again (two at a time) and say what changed for each.
#[tauri::command]
pub async fn retest_all_saved(state: State<'_, AppState>) -> Result<Vec<Retest>> {
    let loaded = blocking(&state, |vault| retest::load_all(&vault)).await?;
    let answers = retest::ask_all(&loaded, &VerifyOptions::default()).await;
    Ok(blocking(&state, move |vault| {
        Ok(retest::record_all(&vault, loaded, answers))
    })
    .await?)
}

/// Is this text (what a CI secret store gave back) the same key as the saved `key_id`?
#[tauri::command]
pub async fn compare_saved(
    state: State<'_, AppState>,
    key_id: String,
    text: String,
) -> Result<TextComparison> {
    // Our copy is wiped when done; the IPC layer's own request buffer is outside our reach.
    let text = Zeroizing::new(text);
    Ok(blocking(&state, move |vault| compare_text(&vault, &key_id, &text)).await?)
}
