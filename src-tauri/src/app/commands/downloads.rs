//! Catching the download: watch from step 2, offer every new file in step 3 (never the one in
//! use), and at Done move the real download to the trash once a checked copy is safe and still
//! there (`core::downloads` decides all of it; `app::downloads` watches and moves the file).

use crate::app::downloads::move_to_trash;
use crate::app::error::Result;
use crate::app::state::{off_thread, AppState};
use crate::core::downloads::{self, Cleanup, Offer};
use crate::core::session::Loaded;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

/// Start watching the download folders; each new `AuthKey_*.p8` sends `key-downloaded` with the
/// whole list of offers as it stands (the key in use left out), so the page never keeps a stale one.
#[tauri::command]
pub fn watch_downloads<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<()> {
    Ok(state.watch_downloads(move |_| {
        let offers = app.state::<AppState>().download_offers();
        drop(app.emit(crate::app::events::KEY_DOWNLOADED, offers));
    })?)
}

/// Every key file found since the watch began, newest first, with the offer's words; never the
/// key already in use.
#[tauri::command]
pub fn downloaded_key(state: State<'_, AppState>) -> Vec<Offer> {
    state.download_offers()
}

/// Check exactly the found file `id` names (the newest when absent), as for a picked one; refused
/// if it changed since it was offered.
#[tauri::command]
pub async fn use_downloaded_key(state: State<'_, AppState>, id: Option<u64>) -> Result<Loaded> {
    let found = state.offered_download(id)?;
    Ok(state.load_path(found.path).await?)
}

/// Done's offer to move the download to the trash: only for the real download holding the key
/// whose checked copy is safe. Off the window's thread: deciding reads the file.
#[tauri::command]
pub async fn cleanup_offer<R: Runtime>(
    app: AppHandle<R>,
    key_ref: String,
) -> Result<Option<Cleanup>> {
    Ok(off_thread("Checking the download", move || {
        app.state::<AppState>().cleanup_offer(&key_ref)
    })
    .await?)
}

/// Move the selected key's download to the trash: the offer is checked again, and the safe copy
/// read back (keychain by Key ID, or the export file), first; otherwise nothing moves.
#[tauri::command]
pub async fn trash_downloaded<R: Runtime>(app: AppHandle<R>, key_ref: String) -> Result<String> {
    Ok(off_thread("Moving the file to the trash", move || {
        let state = app.state::<AppState>();
        let offer = state
            .cleanup_offer(&key_ref)?
            .ok_or_else(downloads::nothing_to_remove)?;
        let vault = state.vault_slot();
        downloads::recheck_safe_copy(&offer, || vault.get())?;
        move_to_trash(&offer.path)
    })
    .await?)
}
