//! Handing the key on: platform config, opening fixed destinations, upload, exports.

use crate::app::commands::store::{blocking, in_wizard_words};
use crate::app::open;
use crate::app::state::AppState;
use crate::core::export::{self, ExportFormat, Exported};
use crate::core::ids::KeyKind;
use crate::core::key::PrivateKey;
use crate::core::problem::Code;
use crate::core::ids::{self, KeyIds};
use crate::core::upload::{self, UploadOptions};
use crate::core::vault::store_display_name;
use crate::core::Problem;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tauri::State;
use zeroize::Zeroizing;

/// The App Store Connect page where team keys are created.
pub const ASC_INTEGRATIONS_URL: &str = "https://appstoreconnect.apple.com/access/integrations/api";

/// What the hand-off step shows (no secrets, no URLs the webview could misuse).
#[derive(Debug, Serialize)]
pub struct HandoffConfig {
    pub platform_name: Option<String>,
    pub has_upload: bool,
    pub has_dashboard: bool,
    pub token_label: String,
    /// "Keychain", "Credential Manager", "Secret Service".
    pub store_name: &'static str,
}

/// The only places the app opens: a fixed list, mapped to URLs in Rust.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    AppStoreConnect,
    Dashboard,
}

#[derive(Debug, Serialize)]
pub struct HandResult {
    pub message: String,
    /// Where a file was written (exports).
    pub path: Option<String>,
    /// Command lines to run next (altool export).
    pub commands: Vec<String>,
    pub notes: Vec<String>,
    /// `{code, message, hint}` shown beside the result (e.g. `xcrun_macos_only`).
    pub warnings: Vec<Problem>,
}

#[tauri::command]
pub fn handoff_config(state: State<'_, AppState>) -> Result<HandoffConfig, Problem> {
    let cfg = state.config()?;
    Ok(HandoffConfig {
        platform_name: cfg.platform_name.clone().filter(|n| !n.trim().is_empty()),
        has_upload: cfg.has_upload(),
        has_dashboard: cfg.dashboard().is_some(),
        token_label: cfg.token_label().to_owned(),
        store_name: store_display_name(),
    })
}

#[tauri::command]
pub fn open_destination(state: State<'_, AppState>, which: Destination) -> Result<(), Problem> {
    match which {
        Destination::AppStoreConnect => open::open_url(ASC_INTEGRATIONS_URL),
        Destination::Dashboard => {
            let url = state.config()?.dashboard().ok_or_else(no_dashboard)?;
            open::open_url(url.as_str())
        }
    }
}

#[tauri::command]
pub async fn upload_key(
    state: State<'_, AppState>,
    key_ref: String,
    key_id: String,
    issuer_id: Option<String>,
    kind: Option<KeyKind>,
    token: String,
) -> Result<HandResult, Problem> {
    let token = Zeroizing::new(token);
    let ids = KeyIds::parse(&key_id, issuer_id.as_deref(), kind.unwrap_or_default())?;
    let key = state.session().get(&key_ref)?.key.clone();
    let cfg = state.config()?;
    let opts = UploadOptions::from_config(&cfg, None, token)?;
    let receipt = upload::upload(&ids.credentials(&key), &opts).await?;
    let mut message = format!("Uploaded to {} with Key ID {}.", opts.platform_name, ids.key_id);
    if let Some(server) = receipt.message.filter(|m| !m.is_empty()) {
        message.push_str(&format!(" The dashboard said: “{server}”"));
    }
    Ok(HandResult {
        message,
        path: None,
        commands: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
    })
}

#[tauri::command]
pub async fn export_key(
    state: State<'_, AppState>,
    key_ref: String,
    key_id: String,
    issuer_id: Option<String>,
    kind: Option<KeyKind>,
    format: ExportFormat,
) -> Result<HandResult, Problem> {
    let ids = KeyIds::parse(&key_id, issuer_id.as_deref(), kind.unwrap_or_default())?;
    let key = state.session().get(&key_ref)?.key.clone();
    write_export(key, ids, format).await
}

#[tauri::command]
pub async fn export_saved(
    state: State<'_, AppState>,
    key_id: String,
    format: ExportFormat,
) -> Result<HandResult, Problem> {
    let id = ids::parse_key_id(&key_id)?;
    let stored = blocking(&state, move |vault| vault.load(&id)).await?;
    let ids = KeyIds::from(&stored);
    write_export(stored.key, ids, format).await
}

/// Write an export where a merchant finds it: altool's own folder, or Downloads
/// (then home) for fastlane/env. Never overwrites.
async fn write_export(key: PrivateKey, ids: KeyIds, format: ExportFormat) -> Result<HandResult, Problem> {
    let done = tauri::async_runtime::spawn_blocking(move || {
        let out = export_folder(format);
        export::export(&ids.credentials(&key), format, out.as_deref(), false)
    })
    .await
    .map_err(|e| Problem::new(Code::Internal, format!("The export stopped unexpectedly: {e}."), "Try again."))?
    .map_err(in_wizard_words)?;
    Ok(describe(done))
}

fn export_folder(format: ExportFormat) -> Option<PathBuf> {
    match format {
        ExportFormat::Altool => None,
        _ => dirs::download_dir().filter(|d| d.is_dir()).or_else(dirs::home_dir),
    }
}

fn describe(done: Exported) -> HandResult {
    HandResult {
        message: done.message(),
        path: Some(done.path.display().to_string()),
        commands: done.commands,
        notes: done.notes,
        warnings: done.warnings,
    }
}

fn no_dashboard() -> Problem {
    Problem::new(
        Code::NoDashboard,
        "No dashboard address is set up for this app.",
        "Open your platform's dashboard in the browser yourself and find its Apple API key section.",
    )
}
