//! The check report and the `check` entry point: repair, parse, trial-sign,
//! then reconcile the Key ID / Issuer ID from the caller, a fastlane JSON and
//! the file name.

use super::found::Found;
use super::read::{too_large, MAX_INPUT_BYTES};
use super::repair;
use super::{parse, PrivateKey};
use crate::core::ids::{winners, IdSources, KeyKind};
use crate::core::problem::Words;
use crate::core::{Note, Problem};
use serde::Serialize;

/// What the caller hands to the check.
#[derive(Default, Clone)]
pub struct CheckInput<'a> {
    pub bytes: &'a [u8],
    /// The file's name (not the path), for `AuthKey_<KEYID>.p8` / `SubscriptionKey_*` hints.
    pub file_name: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub issuer_id: Option<&'a str>,
    /// The kind the caller says the key is: an individual key's given Key ID may have another
    /// length than 10 (a warning, `core::ids::normalize_key_id_as`).
    pub kind: KeyKind,
}

/// Only the length of the bytes: they may be a private key.
impl std::fmt::Debug for CheckInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckInput")
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("file_name", &self.file_name)
            .field("key_id", &self.key_id)
            .field("issuer_id", &self.issuer_id)
            .field("kind", &self.kind)
            .finish()
    }
}

/// What the check found. Never holds key material.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Report {
    pub ok: bool,
    pub key_id: Option<String>,
    pub issuer_id: Option<String>,
    pub fingerprint: Option<String>,
    pub notes: Vec<Note>,
    pub problems: Vec<Problem>,
    /// Things worth telling that do not make the key unusable
    /// (`key_id_mismatch`, `subscription_key`, …).
    pub warnings: Vec<Problem>,
}

impl Report {
    /// A report for input that could not even be read (`too_large`,
    /// `file_not_found`, …), so callers print one shape for every outcome.
    pub fn unreadable(problem: Problem) -> Self {
        Report {
            problems: vec![problem],
            ..Report::default()
        }
    }

    /// This report with a face's words for the ways out of its problems and warnings.
    pub fn worded(mut self, words: Words) -> Self {
        self.problems = self.problems.into_iter().map(|p| p.worded(words)).collect();
        self.warnings = self.warnings.into_iter().map(|p| p.worded(words)).collect();
        self
    }

    pub fn has(&self, code: &str) -> bool {
        self.notes.iter().any(|n| n.code == code)
            || self.problems.iter().any(|p| p.code == code)
            || self.warnings.iter().any(|w| w.code == code)
    }
}

/// The report plus, when usable, the parsed key (kept inside Rust).
#[derive(Debug)]
pub struct Checked {
    pub report: Report,
    pub key: Option<PrivateKey>,
}

/// Check key bytes offline. `key` is `Some` exactly when `report.ok`.
pub fn check(input: CheckInput<'_>) -> Checked {
    let mut report = Report::default();
    let mut found = Found::default();
    let parsed = if input.bytes.len() > MAX_INPUT_BYTES {
        Err(too_large())
    } else {
        repair::find_key(input.bytes, &mut found)
    };

    let key = match parsed {
        Ok(parsed) => {
            found.notes.extend(parsed.notes);
            let key = PrivateKey::from_secret(parsed.secret);
            let derived = key.public_key();
            if !parsed
                .embedded_publics
                .iter()
                .all(|p| parse::public_key_matches(p, &derived))
            {
                report.problems.push(parse::mismatch());
                None
            } else if trial_signature_works(&key) {
                report.fingerprint = Some(key.fingerprint().to_owned());
                Some(key)
            } else {
                report.problems.push(parse::invalid_scalar());
                None
            }
        }
        Err(problem) => {
            report.problems.push(problem);
            None
        }
    };
    report.notes = std::mem::take(&mut found.notes);
    reconcile_ids(&input, &found, &mut report);

    report.ok = key.is_some() && report.problems.is_empty();
    let key = if report.ok { key } else { None };
    Checked { report, key }
}

/// The key must actually produce an ES256 signature its own public key accepts.
fn trial_signature_works(key: &PrivateKey) -> bool {
    const MESSAGE: &[u8] = b"asc-key-wizard offline self-test";
    key.verify_es256(MESSAGE, &key.sign_es256(MESSAGE))
}

/// The IDs the check reports: which wins is decided in `core::ids::winners` (given, else a
/// fastlane JSON's, else the file name's).
fn reconcile_ids(input: &CheckInput<'_>, found: &Found, report: &mut Report) {
    let won = winners(&IdSources {
        key_id: input.key_id,
        issuer_id: input.issuer_id,
        kind: input.kind,
        json_key_id: found.json_key_id.as_deref(),
        json_issuer_id: found.json_issuer_id.as_deref(),
        file_name: input.file_name,
    });
    report.key_id = won.key_id;
    report.issuer_id = won.issuer_id;
    report.notes.extend(won.notes);
    report.problems.extend(won.problems);
    report.warnings.extend(won.warnings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_individual_keys_given_key_id_may_have_another_length() {
        let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
        let pem = key.canonical_pem().to_owned();
        let given = |kind| {
            check(CheckInput {
                bytes: pem.as_bytes(),
                key_id: Some("abcdefghijkl"),
                kind,
                ..Default::default()
            })
        };
        let individual = given(KeyKind::Individual);
        assert!(individual.report.ok, "{:?}", individual.report);
        assert_eq!(individual.report.key_id.as_deref(), Some("ABCDEFGHIJKL"));
        assert!(individual
            .report
            .warnings
            .iter()
            .any(|w| w.code == "key_id_format"));
        let team = given(KeyKind::Team);
        assert!(
            !team.report.ok
                && team
                    .report
                    .problems
                    .iter()
                    .any(|p| p.code == "key_id_format")
        );
    }
    use p256::SecretKey;

    fn apple_pem() -> (PrivateKey, String) {
        let key = PrivateKey::from_secret(SecretKey::random(&mut rand_core::OsRng));
        let pem = key.canonical_pem().to_owned();
        (key, pem)
    }

    fn codes(r: &Report) -> Vec<&str> {
        r.notes
            .iter()
            .map(|n| n.code.as_str())
            .chain(r.problems.iter().map(|p| p.code.as_str()))
            .collect()
    }

    #[test]
    fn debug_never_shows_the_bytes() {
        let (_, pem) = apple_pem();
        let input = CheckInput {
            bytes: pem.as_bytes(),
            ..CheckInput::default()
        };
        let shown = format!("{input:?}");
        assert!(
            !shown.contains("PRIVATE") && !shown.contains(&pem[40..80]),
            "{shown}"
        );
        let bytes = crate::core::key::read_reader(pem.as_bytes()).unwrap();
        let shown = format!("{bytes:?}");
        assert!(
            shown.contains("bytes") && !shown.contains(&pem[40..80]) && !shown.contains("45, 45"),
            "{shown}"
        );
    }

    #[test]
    fn apple_form_is_clean_and_fills_key_id_from_the_name() {
        let (key, pem) = apple_pem();
        let c = check(CheckInput {
            bytes: pem.as_bytes(),
            file_name: Some("AuthKey_2X9R4HXF34.p8"),
            ..Default::default()
        });
        assert!(c.report.ok, "{:?}", c.report);
        assert!(codes(&c.report).is_empty(), "{:?}", c.report);
        assert_eq!(c.report.key_id.as_deref(), Some("2X9R4HXF34"));
        assert_eq!(c.report.fingerprint.as_deref(), Some(key.fingerprint()));
        assert_eq!(c.key.unwrap().canonical_pem(), pem);
        let json = serde_json::to_string(&c.report).unwrap();
        assert!(!json.contains(&key.base64_body()[40..80]));
    }

    #[test]
    fn a_bad_given_id_makes_the_report_not_ok() {
        let (_, pem) = apple_pem();
        let c = check(CheckInput {
            bytes: pem.as_bytes(),
            key_id: Some("nope"),
            ..Default::default()
        });
        assert!(!c.report.ok);
        assert!(c.key.is_none());
        assert!(c.report.fingerprint.is_some());
        assert_eq!(codes(&c.report), ["key_id_format"]);
    }

    #[test]
    fn mismatch_and_subscription_warnings() {
        let (_, pem) = apple_pem();
        let c = check(CheckInput {
            bytes: pem.as_bytes(),
            file_name: Some("AuthKey_AAAAAAAAAA.p8"),
            key_id: Some("BBBBBBBBBB"),
            ..Default::default()
        });
        assert!(c.report.ok);
        assert_eq!(c.report.key_id.as_deref(), Some("BBBBBBBBBB"));
        assert_eq!(c.report.warnings[0].code, "key_id_mismatch");
        let c = check(CheckInput {
            bytes: pem.as_bytes(),
            file_name: Some("SubscriptionKey_AAAAAAAAAA.p8"),
            ..Default::default()
        });
        assert!(c.report.ok);
        assert_eq!(c.report.warnings[0].code, "subscription_key");
        assert_eq!(c.report.key_id, None);
    }

    #[test]
    fn too_large_without_parsing() {
        let big = vec![b'A'; MAX_INPUT_BYTES + 1];
        let c = check(CheckInput {
            bytes: &big,
            ..Default::default()
        });
        assert_eq!(codes(&c.report), ["too_large"]);
    }
}
