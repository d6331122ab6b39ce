//! Choosing the key: picker, path, pasted text, ID checks. Each returns
//! metadata only; the key stays in `AppState`.

use crate::app::error::Result;
use crate::app::words::wizard_words;
use crate::app::{open, picker, state::AppState};
use crate::core::ids::{IdsCheck, KeyKind};
use crate::core::session::Loaded;
use std::path::PathBuf;
use tauri::{Runtime, State, Window};
use zeroize::Zeroize;

/// Native file dialog, then the offline check. `None` = the user cancelled.
#[tauri::command]
pub async fn pick_key_file<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> Result<Option<Loaded>> {
    let Some(path) = picker::pick_p8(&window).await? else {
        return Ok(None);
    };
    Ok(Some(state.load_path(path).await?))
}

#[tauri::command]
pub async fn load_key_file(state: State<'_, AppState>, path: PathBuf) -> Result<Loaded> {
    Ok(state.load_path(path).await?)
}

#[tauri::command]
pub fn load_key_text(state: State<'_, AppState>, mut text: String) -> Result<Loaded> {
    let loaded = state.session().load_text(&text);
    // Our copy is wiped; the IPC layer's own request buffer is outside our reach.
    text.zeroize();
    Ok(loaded?.worded(wizard_words))
}

/// Forget the selected key ("Start over") and stop what is running for it.
#[tauri::command]
pub fn clear_key(state: State<'_, AppState>) {
    state.forget();
}

/// The live check of the ID fields; what it accepts is kept with the selected key.
#[tauri::command]
pub fn check_ids(
    state: State<'_, AppState>,
    key_id: String,
    issuer_id: Option<String>,
    kind: Option<KeyKind>,
    key_ref: Option<String>,
) -> IdsCheck {
    let kind = kind.unwrap_or_default();
    state.session().check_ids(
        &key_id,
        issuer_id.as_deref().unwrap_or(""),
        kind,
        key_ref.as_deref(),
    )
}

/// Show the selected `.p8` in the file manager (guided hand-off: "upload this file").
#[tauri::command]
pub fn reveal_key_file(state: State<'_, AppState>, key_ref: String) -> Result<()> {
    let path = state.session().path(&key_ref)?.to_path_buf();
    Ok(open::reveal(&path)?)
}
