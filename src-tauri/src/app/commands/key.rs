//! Choosing the key: picker, path, pasted text, ID checks. Each returns
//! metadata only; the key stays in `AppState`.

use crate::app::{open, picker, state::AppState};
use crate::core::ids::KeyKind;
use crate::core::problem::Code;
use crate::core::ids::{self, IdsCheck};
use crate::core::session::Loaded;
use crate::core::Problem;
use std::path::PathBuf;
use tauri::{Runtime, State, Window};
use zeroize::Zeroize;

/// Native file dialog, then the offline check. `None` = the user cancelled.
#[tauri::command]
pub async fn pick_key_file<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> Result<Option<Loaded>, Problem> {
    let Some(path) = picker::pick_p8(&window).await? else { return Ok(None) };
    state.session().load_path(&path).map(Some)
}

#[tauri::command]
pub fn load_key_file(state: State<'_, AppState>, path: PathBuf) -> Result<Loaded, Problem> {
    state.session().load_path(&path)
}

#[tauri::command]
pub fn load_key_text(state: State<'_, AppState>, mut text: String) -> Result<Loaded, Problem> {
    let loaded = state.session().load_text(&text);
    // Our copy is wiped; the IPC layer's own request buffer is outside our reach.
    text.zeroize();
    loaded
}

/// Forget the selected key ("Start over").
#[tauri::command]
pub fn clear_key(state: State<'_, AppState>) {
    state.session().clear();
}

#[tauri::command]
pub fn check_ids(
    state: State<'_, AppState>,
    key_id: String,
    issuer_id: Option<String>,
    kind: Option<KeyKind>,
    key_ref: Option<String>,
) -> IdsCheck {
    let session = state.session();
    let file_name = key_ref.as_deref().and_then(|r| session.get(r).ok()).and_then(|s| s.file_name.as_deref());
    ids::check_ids(&key_id, issuer_id.as_deref().unwrap_or(""), kind.unwrap_or_default(), file_name)
}

/// Show the selected `.p8` in the file manager (guided hand-off: "upload this file").
#[tauri::command]
pub fn reveal_key_file(state: State<'_, AppState>, key_ref: String) -> Result<(), Problem> {
    let path = state.session().get(&key_ref)?.path.clone().ok_or_else(|| {
        Problem::new(
            Code::NoFile,
            "This key was pasted as text, so there is no file to show.",
            "Export it (for example as an altool .p8 file) or save it in the keychain instead.",
        )
    })?;
    open::reveal(&path)
}
