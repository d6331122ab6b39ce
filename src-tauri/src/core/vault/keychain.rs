//! Choosing the platform credential store and turning its errors into problems
//! a merchant can act on.

use crate::core::problem::Code;
use crate::core::Problem;
use keyring_core::{CredentialStore, Error};
use std::sync::Arc;

/// What the user calls the store on this OS.
pub fn store_display_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "Keychain"
    } else if cfg!(target_os = "windows") {
        "Credential Manager"
    } else {
        "Secret Service"
    }
}

/// Connect to the OS credential store (once, at start-up).
#[cfg(target_os = "linux")]
pub fn open_platform_store() -> Result<Arc<CredentialStore>, Problem> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
pub fn open_platform_store() -> Result<Arc<CredentialStore>, Problem> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
pub fn open_platform_store() -> Result<Arc<CredentialStore>, Problem> {
    let store = windows_native_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub fn open_platform_store() -> Result<Arc<CredentialStore>, Problem> {
    Err(unavailable(
        "this operating system has no supported keychain".into(),
    ))
}

/// Map a keyring error to `keychain_unavailable` / `keychain_locked` /
/// `keychain_denied` / `not_found`. Stores report details as text only, so
/// the split between "locked" and "denied" goes by the platform's wording.
pub fn map_error(err: Error) -> Problem {
    let detail = err.to_string();
    let lower = detail.to_ascii_lowercase();
    let denied = [
        "prompt",
        "denied",
        "cancel",
        "not allowed",
        "authoriz",
        "interaction",
    ]
    .iter()
    .any(|w| lower.contains(w));
    match err {
        Error::NoEntry => Problem::new(
            Code::NotFound,
            "That key is not in the keychain.",
            "Save the key first, or check the Key ID.",
        ),
        Error::NoStorageAccess(_) if denied => denied_problem(detail),
        Error::NoStorageAccess(_) => locked(detail),
        Error::PlatformFailure(_) if lower.contains("locked") => locked(detail),
        Error::PlatformFailure(_) if denied => denied_problem(detail),
        _ => unavailable(detail),
    }
}

fn unavailable(detail: String) -> Problem {
    let hint = if cfg!(target_os = "linux") {
        "Start a Secret Service provider and unlock it: log in to a desktop session with GNOME Keyring \
         (gnome-keyring-daemon) or KWallet running, then try again. Your key was not written anywhere else."
    } else if cfg!(target_os = "macos") {
        "Open Keychain Access to check that your login keychain works, then try again."
    } else {
        "Check that Windows Credential Manager works (Control Panel → Credential Manager), then try again."
    };
    Problem::new(
        Code::KeychainUnavailable,
        format!("The {} could not be reached.", store_display_name()),
        hint,
    )
    .detail(detail)
}

fn locked(detail: String) -> Problem {
    let hint = if cfg!(target_os = "linux") {
        "Unlock your keyring (for example in \"Passwords and Keys\"), then try again."
    } else {
        "Unlock your keychain with your login password, then try again."
    };
    Problem::new(
        Code::KeychainLocked,
        format!("The {} is locked.", store_display_name()),
        hint,
    )
    .detail(detail)
}

fn denied_problem(detail: String) -> Problem {
    Problem::new(
        Code::KeychainDenied,
        format!("Access to the {} was refused.", store_display_name()),
        "Try again and choose Allow when the system asks whether ASC Key Wizard may use the keychain.",
    )
    .detail(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_matches_tauri_identifier() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], super::super::SERVICE);
    }

    #[test]
    fn maps_errors_to_codes() {
        let boxed = |s: &str| -> keyring_core::error::PlatformError { s.to_owned().into() };
        assert_eq!(map_error(Error::NoEntry).code, "not_found");
        assert_eq!(
            map_error(Error::NoStorageAccess(boxed("SS Error: object locked"))).code,
            "keychain_locked"
        );
        assert_eq!(
            map_error(Error::NoStorageAccess(boxed("SS error: prompt dismissed"))).code,
            "keychain_denied"
        );
        let p = map_error(Error::PlatformFailure(boxed(
            "no secret service provider or dbus session found",
        )));
        assert_eq!(p.code, "keychain_unavailable");
        assert!(p.message.contains(store_display_name()));
    }
}
