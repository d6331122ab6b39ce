//! Asking Apple, cancellable from the UI.

use crate::app::error::Result;
use crate::app::state::AppState;
use crate::core::apple::{self, Verification, VerifyOptions};
use crate::core::ids::KeyIds;
use crate::core::key::PrivateKey;
use crate::core::problem::Code;
use crate::core::readiness::Tested;
use crate::core::Problem;
use tauri::State;

/// Ask Apple about the selected key with the IDs its check accepted.
#[tauri::command]
pub async fn verify_key(state: State<'_, AppState>, key_ref: String) -> Result<Tested> {
    let ready = state.session().ready(&key_ref)?;
    let verification = run(&state, &ready.key, &ready.ids, &ready.verify_options()).await?;
    state
        .session()
        .record_verification(&key_ref, &ready.ids, &verification);
    Ok(Tested::for_platform(
        verification,
        &state.config().unwrap_or_default(),
    ))
}

/// `true` when a running test was stopped.
#[tauri::command]
pub fn cancel_verify(state: State<'_, AppState>) -> bool {
    state.cancel_verify()
}

/// Verify, racing the cancel signal: dropping the request future aborts it.
pub(crate) async fn run(
    state: &AppState,
    key: &PrivateKey,
    ids: &KeyIds,
    opts: &VerifyOptions,
) -> std::result::Result<Verification, Problem> {
    let cancel = state.start_verify();
    let creds = ids.credentials(key);
    tokio::select! {
        v = apple::verify(&creds, opts) => Ok(v),
        Ok(()) = cancel => Err(Problem::new(
            Code::Cancelled,
            "The test was cancelled before Apple answered.",
            "Press “Test API Key” to try again, or continue without a test.",
        )),
    }
}
