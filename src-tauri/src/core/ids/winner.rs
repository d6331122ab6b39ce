//! Which ID wins, decided once (issue 23 §2): the Key ID and Issuer ID the person gave, else a
//! fastlane JSON's, else the one in the key file's name; what disagrees is a warning. The key
//! check reports the winners, and both faces take them from its report.

use super::{
    key_id_from_file_name, key_id_mismatch, normalize_issuer_id, normalize_key_id,
    normalize_key_id_as, KeyKind, Normalized,
};
use crate::core::problem::Code;
use crate::core::{Note, Problem};

/// Where a key's IDs may come from.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdSources<'a> {
    /// Given by the person (a flag, the wizard's fields).
    pub key_id: Option<&'a str>,
    pub issuer_id: Option<&'a str>,
    pub kind: KeyKind,
    /// Found in a fastlane `api_key.json` the key came in.
    pub json_key_id: Option<&'a str>,
    pub json_issuer_id: Option<&'a str>,
    /// The key file's name (`AuthKey_<KEYID>.p8`); a whole path is tolerated.
    pub file_name: Option<&'a str>,
}

/// The IDs that won, and what was said on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Winners {
    pub key_id: Option<String>,
    pub issuer_id: Option<String>,
    pub notes: Vec<Note>,
    /// A given ID that is malformed.
    pub problems: Vec<Problem>,
    /// Disagreements, malformed IDs the person did not type, a subscription key's file name.
    pub warnings: Vec<Problem>,
}

/// Which ID wins: the given one, else a fastlane JSON's, else the file name's (the Issuer ID: the
/// given one, else the JSON's). Disagreements become warnings. A malformed ID is a problem only
/// when the caller gave it; otherwise it is a warning.
pub fn winners(input: &IdSources<'_>) -> Winners {
    let mut won = Winners::default();
    let mut report_warning = Vec::new();
    // Key ID.
    let kind = input.kind;
    let mut key_id = given_id(
        input.key_id,
        |raw| {
            let (normalized, warning) = normalize_key_id_as(raw, kind)?;
            report_warning.extend(warning);
            Ok(normalized)
        },
        &mut won,
    );
    won.warnings.append(&mut report_warning);
    let mut source = "given";
    if let Some(raw) = input.json_key_id {
        match normalize_key_id(raw) {
            Ok(n) => match &key_id {
                Some(current) if *current != n.value => won.warnings.push(key_id_mismatch(
                    "the fastlane JSON",
                    &n.value,
                    current,
                    source,
                )),
                Some(_) => {}
                None if input.key_id.is_none() => {
                    key_id = Some(n.value);
                    source = "the fastlane JSON";
                }
                None => {}
            },
            Err(p) => won.warnings.push(not_given_id(p, "the fastlane JSON")),
        }
    }
    if let Some(name) = input.file_name {
        // Callers should pass the bare name; tolerate a whole path anyway.
        let name = std::path::Path::new(name)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(name);
        if let Some(raw) = key_id_from_file_name(name) {
            match normalize_key_id(&raw) {
                Ok(n) => match &key_id {
                    Some(current) if *current != n.value => won.warnings.push(key_id_mismatch(
                        "the file name",
                        &n.value,
                        current,
                        source,
                    )),
                    Some(_) => {}
                    None if input.key_id.is_none() => key_id = Some(n.value),
                    None => {}
                },
                Err(p) => won.warnings.push(not_given_id(p, "the file name")),
            }
        }
        if name
            .trim()
            .to_ascii_lowercase()
            .starts_with("subscriptionkey_")
        {
            won.warnings.push(Problem::new(
                Code::SubscriptionKey,
                "The file name says this is an In-App Purchase (subscription) key, not an App Store Connect API key.",
                "Create a Team key in App Store Connect → Users and Access → Integrations → App Store Connect API and use its AuthKey_XXXXXXXXXX.p8.",
            ));
        }
    }
    won.key_id = key_id;

    // Issuer ID.
    let mut issuer = given_id(input.issuer_id, normalize_issuer_id, &mut won);
    if let Some(raw) = input.json_issuer_id {
        match normalize_issuer_id(raw) {
            Ok(n) => match &issuer {
                Some(current) if *current != n.value => won.warnings.push(Problem::new(
                    Code::IssuerIdMismatch,
                    format!("The fastlane JSON names Issuer ID {}, but {current} was given.", n.value),
                    "Check the Issuer ID at the top of App Store Connect → Users and Access → Integrations; the given one is used.",
                )),
                Some(_) => {}
                None if input.issuer_id.is_none() => issuer = Some(n.value),
                None => {}
            },
            Err(p) => won.warnings.push(not_given_id(p, "the fastlane JSON")),
        }
    }
    won.issuer_id = issuer;
    won
}

/// An ID the caller gave, normalised: its notes are kept, and a malformed one
/// is a problem (the user typed it, so it must not be silently replaced).
fn given_id(
    given: Option<&str>,
    normalize: impl FnOnce(&str) -> Result<Normalized, Problem>,
    won: &mut Winners,
) -> Option<String> {
    match normalize(given?) {
        Ok(n) => {
            won.notes.extend(n.notes);
            Some(n.value)
        }
        Err(p) => {
            won.problems.push(p);
            None
        }
    }
}

/// An ID problem from a source the user did not type: say where it came from.
fn not_given_id(mut p: Problem, place: &str) -> Problem {
    p.message = format!("In {place}: {}", p.message);
    p
}
