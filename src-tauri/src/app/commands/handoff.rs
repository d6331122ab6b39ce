//! Handing the key on: platform config, opening fixed destinations, upload, exports.

use crate::app::commands::store::load_saved;
use crate::app::error::Result;
use crate::app::open;
use crate::app::state::{off_thread, stopped, AppState, Ticket};
use crate::core::account::{self, AccountAnswer};
use crate::core::config::Config;
use crate::core::destination::{host_of, upload_line};
use crate::core::export::{self, ExportFormat, Exported};
use crate::core::ids::KeyIds;
use crate::core::key::PrivateKey;
use crate::core::problem::Code;
use crate::core::session::SafeCopy;
use crate::core::setup_link::{self, LinkInfo};
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
    /// "Upload to Acme Shops — dashboard.acme.example": shown before anything is sent.
    pub upload_line: Option<String>,
    /// The host alone, for Done ("the Acme Shops dashboard (dashboard.acme.example)").
    pub upload_host: Option<String>,
    /// "Keychain", "Credential Manager", "Secret Service".
    pub store_name: &'static str,
}

/// The only places the app opens: a fixed list, mapped to URLs in Rust.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    AppStoreConnect,
    Dashboard,
    /// The platform profile's help link at this index (`{"help": 0}`).
    Help(usize),
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

impl From<&Config> for HandoffConfig {
    fn from(cfg: &Config) -> Self {
        HandoffConfig {
            platform_name: cfg.named_platform().map(str::to_owned),
            has_upload: cfg.has_upload(),
            has_dashboard: cfg.dashboard().is_some(),
            token_label: cfg.token_label().to_owned(),
            upload_line: cfg
                .upload_url
                .as_deref()
                .map(|u| upload_line(cfg.platform_name(), u)),
            upload_host: cfg.upload_url.as_deref().map(host_of),
            store_name: store_display_name(),
        }
    }
}

impl From<Exported> for HandResult {
    fn from(done: Exported) -> Self {
        HandResult {
            message: done.message(),
            path: Some(done.path.display().to_string()),
            commands: done.commands,
            notes: done.notes,
            warnings: done.warnings,
        }
    }
}

impl HandResult {
    fn said(message: String) -> Self {
        HandResult {
            message,
            path: None,
            commands: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

#[tauri::command]
pub fn handoff_config(state: State<'_, AppState>) -> Result<HandoffConfig> {
    Ok(HandoffConfig::from(&state.config()?))
}

#[tauri::command]
pub fn open_destination(state: State<'_, AppState>, which: Destination) -> Result<()> {
    Ok(open::open_url(&url_of(&state, which)?)?)
}

/// What the setup links said, if any came (never a code).
#[tauri::command]
pub fn setup_link(state: State<'_, AppState>) -> Option<LinkInfo> {
    state.links().info()
}

/// The merchant chose one of several pending setup links (by its `id` in `choices`).
#[tauri::command]
pub fn choose_setup_link(state: State<'_, AppState>, id: u32) -> Result<Option<LinkInfo>> {
    let mut links = state.links();
    links.choose(id)?;
    Ok(links.info())
}

/// Ask the dashboard whose account the code belongs to (the chosen link's when `token` is empty;
/// `confirmed_host` as for `upload_key`). The answer is remembered for exactly that code and
/// destination; `upload_key` sends a link's code only after the merchant confirmed it.
#[tauri::command]
pub async fn lookup_account(
    state: State<'_, AppState>,
    token: String,
    confirmed_host: Option<String>,
) -> Result<AccountAnswer> {
    let pick = state.links().pick();
    let (token, to, _) =
        setup_link::choose(Zeroizing::new(token), pick, confirmed_host.as_deref())?;
    let opts = UploadOptions::from_config(&state.config()?, to.as_deref(), token)?;
    let answer = account::look_up(&opts).await?;
    state.links().remember_account(
        account::answer_key(&opts.token, &opts.url),
        answer.name.clone(),
    );
    Ok(answer)
}

/// Upload the selected key with its accepted IDs; stops if the wizard is started over. An empty
/// `token` means the chosen setup link's; `confirmed_host` is the host the merchant ticked for a
/// link that names its own destination (generic build), `confirmed_account` the account name the
/// look-up showed and the merchant ticked (`""`: "send anyway" when the dashboard could not say).
#[tauri::command]
pub async fn upload_key(
    state: State<'_, AppState>,
    key_ref: String,
    token: String,
    confirmed_host: Option<String>,
    confirmed_account: Option<String>,
) -> Result<HandResult> {
    let mut ticket = state.ticket();
    let pick = state.links().pick();
    // `sent` is the hash of the link's code taken now: a link arriving during the upload
    // changes neither what is sent nor what is marked used.
    let (token, to, sent) =
        setup_link::choose(Zeroizing::new(token), pick, confirmed_host.as_deref())?;
    let (ready, opts) = (
        state.session().ready(&key_ref)?,
        UploadOptions::from_config(&state.config()?, to.as_deref(), token)?,
    );
    if sent.is_some() {
        let key = account::answer_key(&opts.token, &opts.url);
        account::confirmed(state.links().account(&key), confirmed_account.as_deref())?;
    }
    let creds = ready.credentials();
    let receipt = tokio::select! { r = upload::upload(&creds, &opts) => r?, () = ticket.cancelled() => return Err(stopped().into()) };
    if let Some(sent) = sent {
        state.links().used(sent);
    }
    Ok(HandResult::said(
        receipt.message(&opts.platform_name, &ready.ids.key_id),
    ))
}

#[tauri::command]
pub async fn export_key(
    state: State<'_, AppState>,
    key_ref: String,
    format: ExportFormat,
) -> Result<HandResult> {
    let ready = state.session().ready(&key_ref)?;
    let written = write_export(state.ticket(), ready.key, ready.ids, format).await?;
    if let Some(path) = &written.path {
        state
            .session()
            .record_safe_copy(&key_ref, SafeCopy::Export { path: path.into() });
    }
    Ok(written)
}

#[tauri::command]
pub async fn export_saved(
    state: State<'_, AppState>,
    key_id: String,
    format: ExportFormat,
) -> Result<HandResult> {
    let stored = load_saved(&state, &key_id).await?;
    Ok(write_export(state.ticket(), stored.key, stored.ids, format).await?)
}

/// The URL behind a fixed destination.
fn url_of(state: &AppState, which: Destination) -> std::result::Result<String, Problem> {
    match which {
        Destination::AppStoreConnect => Ok(ASC_INTEGRATIONS_URL.to_owned()),
        Destination::Dashboard => Ok(state
            .config()?
            .dashboard()
            .ok_or_else(no_dashboard)?
            .to_string()),
        // Checked at build time (https only); the webview names an index, never a URL.
        Destination::Help(i) => crate::core::profile::embedded()
            .and_then(|p| p.help_links.get(i))
            .map(|l| l.url.clone())
            .ok_or_else(|| {
                Problem::new(
                    Code::BadDestination,
                    "That help link is not part of this wizard.",
                    "Use the help links the wizard shows.",
                )
            }),
    }
}

/// Write an export where a merchant finds it: altool's own folder, or Downloads
/// (then home) for fastlane/env. Never overwrites; nothing is written after "Start over".
async fn write_export(
    ticket: Ticket,
    key: PrivateKey,
    ids: KeyIds,
    format: ExportFormat,
) -> std::result::Result<HandResult, Problem> {
    off_thread("The export", move || {
        if ticket.is_cancelled() {
            return Err(stopped());
        }
        export::export(
            &ids.credentials(&key),
            format,
            export_folder(format, &ids.key_id).as_deref(),
            false,
        )
    })
    .await
    .map(HandResult::from)
}

/// Downloads (else home), unless git would pick the file up there (`core::export` decides).
fn export_folder(format: ExportFormat, key_id: &str) -> Option<PathBuf> {
    export::wizard_folder(format, key_id)
}

fn no_dashboard() -> Problem {
    Problem::new(
        Code::NoDashboard,
        "No dashboard address is set up for this app.",
        "Open your platform's dashboard in the browser yourself and find its Apple API key section.",
    )
}
