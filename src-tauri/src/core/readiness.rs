//! "Ready for Acme Shops": what a key Apple accepted may do, against what the platform requires; and `Tested`, the answer as the wizard gets it (above `apple`, which knows no platform).

use crate::core::apple::{Capabilities, Verification};
use crate::core::config::Config;
use crate::core::problem::Class;
use serde::Serialize;

/// Said after a valid test when the platform names what it requires.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Readiness {
    pub ready: bool,
    /// "Ready for Acme Shops." or "Not ready for Acme Shops: …".
    pub message: String,
    /// The required capabilities this key lacks (or that could not be checked).
    pub missing: Vec<String>,
    /// What to do; empty when ready.
    pub hint: String,
}

/// What each capability lets the platform do, in the merchant's words.
fn words(capability: &str) -> &'static str {
    match capability {
        "signing" => "manage certificates and app IDs, which building and submitting apps needs",
        "users" => "see the team's users and roles",
        _ => "do what the platform asks",
    }
}

fn has(caps: &Capabilities, capability: &str) -> Option<bool> {
    match capability {
        "signing" => caps.signing,
        "users" => caps.users,
        _ => None,
    }
}

/// `None` unless Apple accepted the key and the platform named what it requires.
pub fn readiness(cfg: &Config, v: &Verification) -> Option<Readiness> {
    if !v.is_valid() || cfg.required_capabilities.is_empty() {
        return None;
    }
    let name = cfg.platform_name();
    let (mut missing, mut unknown) = (Vec::new(), Vec::new());
    for cap in &cfg.required_capabilities {
        match has(&v.capabilities, cap) {
            Some(true) => {}
            Some(false) => missing.push(cap.clone()),
            None => unknown.push(cap.clone()),
        }
    }
    if missing.is_empty() && unknown.is_empty() {
        return Some(Readiness {
            ready: true,
            message: format!("Ready for {name}: this key may do everything {name} needs."),
            missing,
            hint: String::new(),
        });
    }
    if missing.is_empty() {
        let what: Vec<&str> = unknown.iter().map(|c| words(c)).collect();
        return Some(Readiness {
            ready: false,
            message: format!(
                "Not yet known whether this key may {}, as {name} needs: Apple did not say.",
                what.join(", or ")
            ),
            missing: unknown,
            hint: "Test again in a few minutes.".into(),
        });
    }
    let what: Vec<&str> = missing.iter().map(|c| words(c)).collect();
    missing.extend(unknown);
    Some(Readiness {
        ready: false,
        message: format!("Not ready for {name}: this key may not {}.", what.join(", or ")),
        missing,
        hint: "A key's access cannot be changed afterwards. In App Store Connect, create a new key with Admin access, download it, and choose that file here.".into(),
    })
}

/// A verification as the wizard receives it: Apple's answer plus its [`Class`] and what the
/// wizard shows for it (the 401 checklist as items, …), so the webview never decides by code.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tested {
    #[serde(flatten)]
    pub verification: Verification,
    pub class: Class,
    /// The 401 checklist, one item each, minus what the follow-ups ruled out; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<&'static str>,
    /// Apple accepts the key, but not as given (another kind, the file name's Key ID).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_as_given: bool,
    /// A line the wizard adds to the hint (how far the clock is off, in seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint_note: Option<String>,
    /// "Ready for Acme Shops" or what the key lacks; only when the platform requires something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Readiness>,
}

impl From<Verification> for Tested {
    fn from(verification: Verification) -> Tested {
        let shown = crate::core::apple::words::shown(&verification);
        Tested {
            class: verification.class(),
            checklist: shown.checklist,
            not_as_given: shown.not_as_given,
            hint_note: shown.hint_note,
            verification,
            readiness: None,
        }
    }
}

impl Tested {
    /// The answer, with what it means for the platform the keys go to.
    pub fn for_platform(verification: Verification, cfg: &Config) -> Tested {
        let readiness = readiness(cfg, &verification);
        Tested {
            readiness,
            ..Tested::from(verification)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(signing: Option<bool>, users: Option<bool>) -> Verification {
        Verification {
            http_status: Some(200),
            apps_total: Some(0),
            capabilities: Capabilities { signing, users },
            ..Verification::by_hand("valid", "Valid API Key", "")
        }
    }

    fn acme(caps: &[&str]) -> Config {
        Config {
            platform_name: Some("Acme Shops".into()),
            required_capabilities: caps.iter().map(|c| c.to_string()).collect(),
            ..Config::default()
        }
    }

    #[test]
    fn a_key_with_what_the_platform_needs_is_ready() {
        let r = readiness(&acme(&["signing"]), &valid(Some(true), Some(false))).unwrap();
        assert!(r.ready && r.missing.is_empty() && r.hint.is_empty());
        assert_eq!(
            r.message,
            "Ready for Acme Shops: this key may do everything Acme Shops needs."
        );
    }

    #[test]
    fn a_missing_capability_is_named_with_what_to_do() {
        let r = readiness(
            &acme(&["signing", "users"]),
            &valid(Some(false), Some(true)),
        )
        .unwrap();
        assert!(!r.ready);
        assert_eq!(r.missing, ["signing"]);
        assert!(
            r.message
                .starts_with("Not ready for Acme Shops: this key may not manage certificates"),
            "{}",
            r.message
        );
        assert!(
            r.hint.contains("create a new key with Admin access"),
            "{}",
            r.hint
        );
    }

    #[test]
    fn an_unchecked_capability_is_not_called_ready() {
        let r = readiness(&acme(&["users"]), &valid(Some(true), None)).unwrap();
        assert!(!r.ready && r.missing == ["users"] && r.hint.contains("Test again"));
    }

    #[test]
    fn nothing_is_said_without_requirements_or_a_valid_key() {
        assert_eq!(readiness(&acme(&[]), &valid(Some(true), Some(true))), None);
        let mut refused = valid(Some(true), Some(true));
        refused.outcome = crate::core::problem::Code::NotAuthorized;
        assert_eq!(readiness(&acme(&["signing"]), &refused), None);
    }
}
