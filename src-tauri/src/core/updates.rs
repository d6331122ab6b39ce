//! What the wizard says about updates (a platform build with `updates` in its profile): one
//! ready, or why one was refused. The checking and installing is tauri-plugin-updater's.

use crate::core::problem::Code;
use crate::core::Problem;
use serde::Serialize;

/// An update that is ready to install when the merchant asks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UpdateNotice {
    pub version: String,
    /// "Version 0.2.0 is ready. It installs only when you choose, then the wizard restarts."
    pub message: String,
    /// The release notes, as the update server gave them.
    pub notes: Option<String>,
}

pub fn ready(version: &str, notes: Option<String>) -> UpdateNotice {
    UpdateNotice {
        version: version.to_owned(),
        message: format!("Version {version} is ready. It installs only when you choose, then the wizard restarts."),
        notes: notes.filter(|n| !n.trim().is_empty()),
    }
}

/// Why an update could not be installed.
pub enum Refusal {
    /// The download's signature is not from the key this build trusts, or not for this version.
    Signature,
    /// The download or the update server could not be reached.
    Network,
    /// Anything else (the installer failed).
    Install,
}

pub fn refused(why: Refusal, version: &str, detail: impl std::fmt::Display) -> Problem {
    let (code, message, hint) = match why {
        Refusal::Signature => (
            Code::UpdateSignatureInvalid,
            format!("The update to version {version} was refused: its signature is not from the publisher this app trusts."),
            "Nothing was installed, and this version keeps working. Tell your platform: the update it offers is not signed with its key.",
        ),
        Refusal::Network => (
            Code::UpdateUnavailable,
            format!("The update to version {version} could not be downloaded."),
            "Nothing was installed. Try again later; this version keeps working.",
        ),
        Refusal::Install => (
            Code::UpdateFailed,
            format!("The update to version {version} could not be installed."),
            "This version keeps working. Download the new installer from your platform instead.",
        ),
    };
    Problem::new(code, message, hint).detail(detail)
}

/// The updater's settings for this build's profile (`plugins.updater` in Tauri's config): the
/// profile is the one source, so a platform build needs no second copy of its key or endpoint.
pub fn plugin_config(updates: &crate::core::profile::rules::Updates) -> serde_json::Value {
    // Plain http is allowed by the profile rules only to this computer (test builds).
    let loopback = updates.endpoint.starts_with("http://");
    serde_json::json!({
        "pubkey": updates.pubkey,
        "endpoints": [updates.endpoint],
        // The signature must name the version the server announces: no replaying an older,
        // validly signed release under a newer number.
        "requireSignedVersion": true,
        "dangerousInsecureTransportProtocol": loopback,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_signature_says_nothing_was_installed() {
        let p = refused(Refusal::Signature, "0.2.0", "signature mismatch");
        assert_eq!(p.code, Code::UpdateSignatureInvalid);
        assert!(p.message.contains("0.2.0") && p.hint.starts_with("Nothing was installed"));
        assert_eq!(p.detail.as_deref(), Some("signature mismatch"));
    }

    #[test]
    fn only_loopback_may_be_plain_http() {
        let u = |e: &str| crate::core::profile::rules::Updates {
            endpoint: e.into(),
            pubkey: "k".into(),
        };
        assert_eq!(
            plugin_config(&u("https://u.example/x"))["dangerousInsecureTransportProtocol"],
            false
        );
        assert_eq!(
            plugin_config(&u("http://127.0.0.1:9/x"))["dangerousInsecureTransportProtocol"],
            true
        );
        assert_eq!(
            plugin_config(&u("https://u.example/x"))["requireSignedVersion"],
            true
        );
    }
}
