//! Signed updates for a platform build whose profile names an update endpoint and key: checked
//! in the background after start-up (never delaying the first step), offered to the merchant,
//! installed only when asked. No `updates` in the profile (and the generic build): no updater.

use crate::app::error::Result;
use crate::core::profile;
use crate::core::updates::{self, Refusal, UpdateNotice};
use crate::core::Problem;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_updater::{Update, UpdaterExt};

pub use crate::app::events::UPDATE_READY as UPDATE_READY_EVENT;
/// How long after start-up the check waits: the first step is up and idle by then.
const CHECK_AFTER: Duration = Duration::from_secs(3);

/// The update found by the background check, until it is installed.
#[derive(Default)]
pub struct Pending(Mutex<Option<Update>>);

impl Pending {
    fn get(&self) -> std::sync::MutexGuard<'_, Option<Update>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Put the profile's updater settings into Tauri's config; `true` when the plugin is wanted.
pub fn configure<R: Runtime>(context: &mut tauri::Context<R>) -> bool {
    let Some(u) = profile::embedded().and_then(|p| p.updates.as_ref()) else {
        return false;
    };
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), updates::plugin_config(u));
    true
}

/// After start-up, look for an update once; tell the window when one is ready.
pub fn check_later<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CHECK_AFTER).await;
        match check(&app).await {
            Ok(Some(update)) => {
                *app.state::<Pending>().get() = Some(update);
                let _ = app.emit_to("main", UPDATE_READY_EVENT, ());
            }
            Ok(None) => log::info!("no update"),
            // In the background a failed check is not the merchant's problem: logged only.
            Err(e) => log::info!("update check failed: {}", e.message),
        }
    });
}

/// Ask the update server (from the plugin's config) whether a newer signed version exists.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> std::result::Result<Option<Update>, Problem> {
    let offline = |e: tauri_plugin_updater::Error| updates::refused(Refusal::Network, "?", e);
    app.updater()
        .map_err(offline)?
        .check()
        .await
        .map_err(offline)
}

/// Download the update and verify its signature (what `install_update` does before installing).
pub async fn fetch(update: &Update) -> std::result::Result<Vec<u8>, Problem> {
    use tauri_plugin_updater::Error as E;
    update.download(|_, _| {}, || {}).await.map_err(|e| {
        let why = match &e {
            E::Minisign(_)
            | E::Base64(_)
            | E::SignatureUtf8(_)
            | E::SignedVersionMismatch { .. }
            | E::MissingSignedVersion => Refusal::Signature,
            E::Reqwest(_) | E::Network(_) | E::Io(_) => Refusal::Network,
            _ => Refusal::Install,
        };
        updates::refused(why, &update.version, e)
    })
}

/// The update waiting to be installed, if any.
#[tauri::command]
pub fn update_status(pending: State<'_, Pending>) -> Option<UpdateNotice> {
    pending
        .get()
        .as_ref()
        .map(|u| updates::ready(&u.version, u.body.clone()))
}

/// Download, verify, install, restart. Only when the merchant asked.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, Pending>,
) -> Result<()> {
    let Some(update) = pending.get().take() else {
        return Ok(());
    };
    let bytes = match fetch(&update).await {
        Ok(bytes) => bytes,
        Err(problem) => {
            // Unreachable: offer it again later. A refused signature: never again this run.
            if problem.code == crate::core::problem::Code::UpdateUnavailable {
                *pending.get() = Some(update);
            }
            return Err(problem.into());
        }
    };
    update
        .install(bytes)
        .map_err(|e| updates::refused(Refusal::Install, &update.version, e))?;
    app.restart();
}
