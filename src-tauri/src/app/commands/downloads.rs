//! Catching the download: watch from step 2, offer the new file in step 3, and at Done move it to
//! the trash once a checked copy is safe (`core::downloads` decides all of it).

use crate::app::error::Result;
use crate::app::state::{off_thread, AppState};
use crate::core::downloads::{self, Cleanup, Offer};
use crate::core::session::Loaded;
use tauri::{AppHandle, Emitter, Runtime, State};

/// Start watching the download folders; a new `AuthKey_*.p8` is announced as `key-downloaded`.
#[tauri::command]
pub fn watch_downloads<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<()> {
    Ok(state.watch_downloads(move |d| drop(app.emit("key-downloaded", d.offered())))?)
}

/// The newest key file found since the watch began, with the offer's words.
#[tauri::command]
pub fn downloaded_key(state: State<'_, AppState>) -> Option<Offer> {
    state.latest_download().map(|d| d.offered())
}

/// Check the found file, as for a picked one.
#[tauri::command]
pub async fn use_downloaded_key(state: State<'_, AppState>) -> Result<Loaded> {
    let found = state.latest_download().ok_or_else(downloads::nothing_found)?;
    Ok(state.load_path(found.path).await?)
}

/// Done's offer to move the download to the trash: only for a file in a download folder, and only
/// once a checked copy is safe.
#[tauri::command]
pub fn cleanup_offer(state: State<'_, AppState>, key_ref: String) -> Result<Option<Cleanup>> {
    Ok(state.cleanup_offer(&key_ref)?)
}

/// Move the selected key's download to the trash (the offer is checked again first).
#[tauri::command]
pub async fn trash_downloaded(state: State<'_, AppState>, key_ref: String) -> Result<String> {
    let offer = state.cleanup_offer(&key_ref)?.ok_or_else(downloads::nothing_to_remove)?;
    Ok(off_thread("Moving the file to the trash", move || downloads::move_to_trash(&offer.path)).await?)
}
