//! A key's IDs, decided here once: the `KeyId` and `IssuerId` types, `KeyKind`, `KeyIds`, the rules, the wizard's live
//! field check, and the wording of the ID codes (`key_id_missing`, `issuer_id_missing`,
//! `key_id_mismatch`). Normalisation itself is in [`normalize`].
//!
//! Apple's Key IDs are 10 characters A–Z/0–9 (observed); Issuer IDs are
//! 8-4-4-4-12 hex but *not* RFC 4122 UUIDs, so no version/variant checks.

mod normalize;
mod winner;

pub use normalize::{
    is_key_id, key_id_from_file_name, normalize_issuer_id, normalize_key_id, normalize_key_id_as,
    Normalized,
};
pub use winner::{winners, IdSources, Winners};

use crate::core::problem::Code;
use crate::core::{Note, Problem};
use serde::{Deserialize, Serialize};

/// Team keys carry an Issuer ID; individual keys sign with `sub: "user"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    #[default]
    Team,
    Individual,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A value that already passed the rules (read back from the keychain or the index,
            /// or made by the normalisers here).
            pub(crate) fn normalised(value: String) -> Self {
                $name(value)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

id_type! {
    /// A normalised Key ID (`2X9R4HXF34`): made only by the rules in `normalize.rs`.
    KeyId
}

id_type! {
    /// A normalised Issuer ID (`57246542-96fe-1a63-e053-0824d011072a`), lower case.
    IssuerId
}

/// A key's IDs, normalised: what verify, save, upload and export take, decided here once. Every
/// record that names a key (the index, the keychain item, the Saved keys row) embeds it
/// (`#[serde(flatten)]`: the same three JSON fields as before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyIds {
    pub key_id: KeyId,
    /// `None` for individual keys.
    pub issuer_id: Option<IssuerId>,
    pub kind: KeyKind,
}

/// One ID field as the UI shows it: the cleaned-up value or what is wrong.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FieldCheck {
    pub value: Option<String>,
    pub problem: Option<Problem>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct IdsCheck {
    pub key_id: FieldCheck,
    pub issuer_id: FieldCheck,
    /// `key_id_mismatch` (not the Key ID in the file name), `individual_key`.
    pub warnings: Vec<Problem>,
}

impl IdsCheck {
    pub fn is_ok(&self, kind: KeyKind) -> bool {
        self.key_id.problem.is_none()
            && (kind == KeyKind::Individual || self.issuer_id.problem.is_none())
    }

    /// The IDs this check accepted, or its first problem (`key_id_*` before `issuer_id_*`).
    pub fn accepted(&self, kind: KeyKind) -> Result<KeyIds, Problem> {
        if let Some(p) = self
            .key_id
            .problem
            .clone()
            .or_else(|| self.issuer_id.problem.clone())
        {
            return Err(p);
        }
        Ok(KeyIds {
            key_id: KeyId(self.key_id.value.clone().unwrap_or_default()),
            issuer_id: match kind {
                KeyKind::Team => self.issuer_id.value.clone().map(IssuerId),
                KeyKind::Individual => None,
            },
            kind,
        })
    }
}

fn field(
    raw: &str,
    missing: Problem,
    normalize: impl FnOnce(&str) -> Result<Normalized, Problem>,
) -> FieldCheck {
    if raw.trim().is_empty() {
        return FieldCheck {
            problem: Some(missing),
            ..FieldCheck::default()
        };
    }
    match normalize(raw) {
        Ok(n) => FieldCheck {
            value: Some(n.value),
            problem: None,
            notes: n.notes,
        },
        Err(p) => FieldCheck {
            problem: Some(p),
            ..FieldCheck::default()
        },
    }
}

/// Live validation of both IDs, plus warnings against the selected file's name. An individual
/// key's Key ID of another length than 10 is a warning (`key_id_format`), a team key's a problem.
pub fn check_ids(
    key_id: &str,
    issuer_id: &str,
    kind: KeyKind,
    file_name: Option<&str>,
) -> IdsCheck {
    let mut warnings = Vec::new();
    let key = match kind {
        KeyKind::Team => field(key_id, missing_key_id(), normalize_key_id),
        KeyKind::Individual => field(key_id, missing_key_id(), |raw| {
            let (normalized, warning) = normalize_key_id_as(raw, KeyKind::Individual)?;
            warnings.extend(warning);
            Ok(normalized)
        }),
    };
    let issuer = match kind {
        KeyKind::Team => field(issuer_id, missing_issuer_id(), normalize_issuer_id),
        KeyKind::Individual => FieldCheck::default(),
    };
    if let (Some(value), Some(from_name)) = (&key.value, file_name.and_then(key_id_from_file_name))
    {
        if *value != from_name {
            warnings.push(key_id_mismatch("the file name", &from_name, value, "given"));
        }
    }
    if kind == KeyKind::Individual {
        warnings.push(Problem::new(
            Code::IndividualKey,
            "Individual keys cannot create signing certificates or profiles, so app platforms usually cannot build with them.",
            "If your platform builds and submits your app, create a Team key instead (Integrations → Team Keys).",
        ));
    }
    IdsCheck {
        key_id: key,
        issuer_id: issuer,
        warnings,
    }
}

impl KeyIds {
    /// Normalised IDs for a command, or the first problem (`key_id_missing`, `key_id_format`,
    /// `issuer_id_missing`, `issuer_id_format`). Individual keys carry no Issuer ID.
    pub fn parse(key_id: &str, issuer_id: Option<&str>, kind: KeyKind) -> Result<KeyIds, Problem> {
        parse_ids(key_id, issuer_id, kind)
    }
}

/// A Key ID on its own (a saved key to show, test, export or delete), normalised.
/// The saved key may be an individual one, whose Key ID may have another length than 10, so the
/// individual rule applies (letters and digits, at most 64): the keychain says whether it exists.
pub fn parse_key_id(raw: &str) -> Result<String, Problem> {
    let key = field(raw, missing_key_id(), |raw| {
        normalize_key_id_as(raw, KeyKind::Individual).map(|(n, _)| n)
    });
    match key.problem {
        Some(p) => Err(p),
        None => Ok(key.value.unwrap_or_default()),
    }
}

fn parse_ids(key_id: &str, issuer_id: Option<&str>, kind: KeyKind) -> Result<KeyIds, Problem> {
    check_ids(key_id, issuer_id.unwrap_or(""), kind, None).accepted(kind)
}

/// `key_id_missing`: the one wording for an empty Key ID.
pub fn missing_key_id() -> Problem {
    Problem::new(
        Code::KeyIdMissing,
        "No Key ID was given, and the file name does not contain one.",
        "Copy the Key ID (10 letters and digits) from the key's row in App Store Connect → Users and \
         Access → Integrations; Apple's file name AuthKey_<Key ID>.p8 carries it too.",
    )
}

/// `issuer_id_missing`: the one wording for a team key without its Issuer ID.
pub fn missing_issuer_id() -> Problem {
    Problem::new(
        Code::IssuerIdMissing,
        "No Issuer ID was given; a team key needs it to talk to Apple.",
        "Copy the Issuer ID from the top of App Store Connect → Users and Access → Integrations → Team Keys.",
    )
}

/// `key_id_mismatch`: `place` (the file name, the fastlane JSON) names `there`, but `used`
/// came from `source` ("given" when the person typed it).
pub fn key_id_mismatch(place: &str, there: &str, used: &str, source: &str) -> Problem {
    let origin = if source == "given" {
        "was given".to_owned()
    } else {
        format!("comes from {source}")
    };
    Problem::new(
        Code::KeyIdMismatch,
        format!("{} says Key ID {there}, but {used} {origin}.", capitalize(place)),
        format!(
            "Check which Key ID belongs to this key in App Store Connect → Users and Access → Integrations; {used} is used. Apple refuses a key paired with the wrong Key ID."
        ),
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_ids_are_reported_missing_and_individual_needs_no_issuer() {
        let c = check_ids("  ", "", KeyKind::Team, None);
        assert_eq!(
            c.key_id.problem.as_ref().map(|p| p.code.as_str()),
            Some("key_id_missing")
        );
        assert_eq!(
            c.issuer_id.problem.as_ref().map(|p| p.code.as_str()),
            Some("issuer_id_missing")
        );
        assert!(!c.is_ok(KeyKind::Team));
        let c = check_ids("", "", KeyKind::Individual, None);
        assert!(c.issuer_id.problem.is_none());
        assert!(c.warnings.iter().any(|w| w.code == "individual_key"));
    }

    #[test]
    fn an_individual_keys_id_of_another_length_is_a_warning_a_team_keys_a_problem() {
        let c = check_ids("abcdefghijkl", "", KeyKind::Individual, None);
        assert_eq!(c.key_id.value.as_deref(), Some("ABCDEFGHIJKL"), "{c:?}");
        assert!(
            c.key_id.problem.is_none() && c.is_ok(KeyKind::Individual),
            "{c:?}"
        );
        assert!(
            c.warnings
                .iter()
                .any(|w| w.code == "key_id_format" && w.message.contains("12 characters")),
            "{c:?}"
        );
        assert_eq!(
            KeyIds::parse("ABCDEFGHIJKL", None, KeyKind::Individual)
                .unwrap()
                .key_id,
            "ABCDEFGHIJKL"
        );
        let team = check_ids(
            "abcdefghijkl",
            "57246542-96fe-1a63-e053-0824d011072a",
            KeyKind::Team,
            None,
        );
        assert_eq!(team.key_id.problem.map(|p| p.code), Some(Code::KeyIdFormat));
        assert_eq!(
            KeyIds::parse(
                "ABCDEFGHIJKL",
                Some("57246542-96fe-1a63-e053-0824d011072a"),
                KeyKind::Team
            )
            .unwrap_err()
            .code,
            "key_id_format"
        );
        // Still letters and digits only, and bounded, for both kinds.
        assert!(check_ids("ABC-DEF-GHI", "", KeyKind::Individual, None)
            .key_id
            .problem
            .is_some());
        assert!(check_ids(&"A".repeat(65), "", KeyKind::Individual, None)
            .key_id
            .problem
            .is_some());
    }

    #[test]
    fn a_lone_key_id_and_both_faces_share_the_id_codes() {
        assert_eq!(
            parse_key_id(" 'AuthKey_2x9r4hxf34.p8' ").unwrap(),
            "2X9R4HXF34"
        );
        assert_eq!(parse_key_id("  ").unwrap_err().code, "key_id_missing");
        assert_eq!(parse_key_id("2X9-R4").unwrap_err().code, "key_id_format");
        // A saved individual key's Key ID of another length can still be named.
        assert_eq!(parse_key_id("abcdefghijkl").unwrap(), "ABCDEFGHIJKL");
        let ids = KeyIds::parse(
            "2x9r4hxf34",
            Some("57246542-96FE-1a63-e053-0824d011072a"),
            KeyKind::Team,
        )
        .unwrap();
        assert_eq!(
            ids.issuer_id.as_deref(),
            Some("57246542-96fe-1a63-e053-0824d011072a")
        );
        assert_eq!(
            KeyIds::parse("2X9R4HXF34", Some("x"), KeyKind::Individual)
                .unwrap()
                .issuer_id,
            None
        );
        assert_eq!(
            KeyIds::parse("2X9R4HXF34", None, KeyKind::Team).unwrap_err(),
            missing_issuer_id()
        );
        // The wizard's live check words a file-name mismatch as the offline check does.
        let c = check_ids(
            "2X9R4HXF35",
            "",
            KeyKind::Individual,
            Some("AuthKey_2X9R4HXF34.p8"),
        );
        let w = c
            .warnings
            .iter()
            .find(|w| w.code == "key_id_mismatch")
            .expect("mismatch warning");
        assert_eq!(
            *w,
            key_id_mismatch("the file name", "2X9R4HXF34", "2X9R4HXF35", "given")
        );
    }
}
