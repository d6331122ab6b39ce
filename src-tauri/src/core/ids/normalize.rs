//! Key ID and Issuer ID normalisation: trim, strip quotes, fix case, take a Key ID from a
//! pasted file name, and the format checks (`key_id_format`, `issuer_id_format`).
//!
//! This file holds the Key ID rule (`is_key_id`, `normalize_key_id_as`, the file name's Key ID);
//! `issuer.rs` the Issuer ID's, `tidy.rs` what both do to a pasted value first.

mod issuer;
mod tidy;

pub use issuer::normalize_issuer_id;

use super::KeyKind;
use crate::core::problem::Code;
use crate::core::{Note, Problem};
use issuer::looks_like_issuer_id;
use tidy::{shorten, unwrap_value, what_changed};

/// A normalised ID plus the notes describing what was fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub value: String,
    pub notes: Vec<Note>,
}

const KEY_ID_LEN: usize = 10;
const WHERE_IDS_ARE: &str =
    "App Store Connect → Users and Access → Integrations → App Store Connect API";

/// The Key ID rule, the only copy: Apple's Key IDs are 10 characters, A–Z and 0–9 (observed),
/// as Apple writes them. The normalisers below word what is wrong when a value breaks it; anything
/// else that asks "is this a Key ID?" (the key check's "you gave an ID, not a key") asks this.
pub fn is_key_id(s: &str) -> bool {
    s.len() == KEY_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `2X9R4HXF34`: 10 characters, A–Z and 0–9, after trimming, unquoting and upper-casing.
///
/// A pasted file name (`AuthKey_2X9R4HXF34.p8`) is accepted too: merchants
/// often copy the file name instead of the ID column.
pub fn normalize_key_id(raw: &str) -> Result<Normalized, Problem> {
    normalize_key_id_as(raw, KeyKind::Team).map(|(n, _)| n)
}

/// The longest Key ID taken for an individual key (Apple documents no length; this only bounds
/// what is echoed and sent).
const KEY_ID_MAX_LEN: usize = 64;

/// As [`normalize_key_id`], by kind: team Key IDs are 10 characters (observed); for an
/// individual key, whose IDs are reported (unconfirmed) to differ, another length is a warning
/// returned beside the value, not a reason to refuse (`docs/app-store-connect.md`).
pub fn normalize_key_id_as(
    raw: &str,
    kind: KeyKind,
) -> Result<(Normalized, Option<Problem>), Problem> {
    let cleaned = unwrap_value(raw);
    let mut value = cleaned.as_str();
    let from_name = key_id_from_file_name(value);
    if let Some(id) = &from_name {
        value = id.as_str();
    }
    let upper = value.to_ascii_uppercase();

    if upper.is_empty() {
        return Err(Problem::new(
            Code::KeyIdFormat,
            "The Key ID is empty.",
            format!(
                "Copy the Key ID (10 letters and digits) from the key's row in {WHERE_IDS_ARE}."
            ),
        ));
    }
    if looks_like_issuer_id(value) {
        return Err(Problem::new(
            Code::KeyIdFormat,
            format!("“{}” looks like an Issuer ID, not a Key ID.", shorten(value)),
            format!(
                "Give it as the Issuer ID instead. The Key ID is the 10-character code in the key's row in {WHERE_IDS_ARE}."
            ),
        ));
    }
    if !upper.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Problem::new(
            Code::KeyIdFormat,
            format!("The Key ID “{}” contains characters other than letters and digits.", shorten(value)),
            format!("A Key ID is 10 letters and digits, like 2X9R4HXF34; copy it again from {WHERE_IDS_ARE}."),
        ));
    }
    let mut warning = None;
    if upper.len() != KEY_ID_LEN && kind == KeyKind::Individual && upper.len() <= KEY_ID_MAX_LEN {
        warning = Some(Problem::new(
            Code::KeyIdFormat,
            format!("The Key ID {upper} has {} characters; team keys' IDs have {KEY_ID_LEN}.", upper.len()),
            format!(
                "Individual keys are reported to have other lengths, so it is used as given. If Apple refuses the key, \
                 compare it with the Key ID under Individual Keys in {WHERE_IDS_ARE}."
            ),
        ));
    } else if upper.len() != KEY_ID_LEN {
        return Err(Problem::new(
            Code::KeyIdFormat,
            format!(
                "The Key ID “{}” has {} characters; Apple's Key IDs have {KEY_ID_LEN}.",
                shorten(value),
                upper.chars().count()
            ),
            format!("Copy the whole Key ID (like 2X9R4HXF34) from {WHERE_IDS_ARE}."),
        ));
    }

    let mut notes = Vec::new();
    if cleaned != raw || from_name.is_some() || upper != value {
        notes.push(Note::new(
            Code::KeyIdNormalized,
            format!(
                "The Key ID was tidied up to {upper} ({}).",
                what_changed(
                    raw,
                    &cleaned,
                    from_name.is_some(),
                    upper != value,
                    "capitals"
                )
            ),
        ));
    }
    Ok((
        Normalized {
            value: upper,
            notes,
        },
        warning,
    ))
}

/// The Key ID in `AuthKey_<KEYID>.p8`, if the name has that shape.
///
/// Browsers add ` (1)` or `-1` to repeated downloads; that suffix is dropped.
/// The returned ID is upper-cased but not validated: callers decide what a
/// malformed one means.
pub fn key_id_from_file_name(name: &str) -> Option<String> {
    let name = name.trim();
    let lower = name.to_ascii_lowercase();
    let rest = lower.strip_prefix("authkey_")?;
    // TextEdit and Notepad sometimes save a copy as `.p8.txt`.
    let stem_len = rest
        .strip_suffix(".p8")
        .or_else(|| rest.strip_suffix(".p8.txt"))
        .map(str::len)?;
    let stem = &name["authkey_".len().."authkey_".len() + stem_len];
    // Drop a download-duplicate suffix: "ABC (1)" or "ABC-1" / "ABC_1".
    let stem = match stem.find([' ', '(']) {
        Some(i) => &stem[..i],
        None => stem,
    };
    let stem = match stem.rsplit_once(['-', '_']) {
        Some((head, tail))
            if !tail.is_empty()
                && tail.bytes().all(|b| b.is_ascii_digit())
                && head.len() == KEY_ID_LEN =>
        {
            head
        }
        _ => stem,
    };
    if stem.is_empty() {
        return None;
    }
    Some(stem.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_is_trimmed_unquoted_and_upper_cased() {
        let n = normalize_key_id("  \"2x9r4hxf34\" ").unwrap();
        assert_eq!(n.value, "2X9R4HXF34");
        assert_eq!(n.notes.len(), 1);
        assert_eq!(n.notes[0].code, "key_id_normalized");
        let n = normalize_key_id("2X9R4HXF34").unwrap();
        assert!(n.notes.is_empty());
        let n = normalize_key_id("“2X9R4HXF34”").unwrap();
        assert_eq!(n.value, "2X9R4HXF34");
        assert_eq!(n.notes.len(), 1);
    }

    #[test]
    fn the_key_id_rule_is_what_the_normaliser_accepts_as_is() {
        for id in [
            "2X9R4HXF34",
            "2x9r4hxf34",
            "2X9R4HXF3",
            "2X9R4HXF345",
            "2X9R4-XF34",
            "ÉX9R4HXF34",
        ] {
            let as_is = normalize_key_id(id).is_ok_and(|n| n.value == id);
            assert_eq!(is_key_id(id), as_is, "{id}");
        }
    }

    #[test]
    fn key_id_from_a_pasted_file_name() {
        let n = normalize_key_id("AuthKey_2X9R4HXF34.p8").unwrap();
        assert_eq!(n.value, "2X9R4HXF34");
        assert!(n.notes[0].message.contains("file name"), "{:?}", n.notes);
    }

    #[test]
    fn key_id_problems_say_what_is_wrong() {
        let p = normalize_key_id("57246542-96fe-1a63-e053-0824d011072a").unwrap_err();
        assert_eq!(p.code, "key_id_format");
        assert!(p.message.contains("Issuer ID"), "{}", p.message);
        let p = normalize_key_id("2X9R4HXF3").unwrap_err();
        assert!(p.message.contains("9 characters"), "{}", p.message);
        let p = normalize_key_id("2X9R4-XF34").unwrap_err();
        assert!(p.message.contains("other than letters"), "{}", p.message);
        assert_eq!(normalize_key_id("  ").unwrap_err().code, "key_id_format");
        assert_eq!(normalize_key_id("\"\"").unwrap_err().code, "key_id_format");
    }

    #[test]
    fn key_id_from_file_names() {
        assert_eq!(
            key_id_from_file_name("AuthKey_2X9R4HXF34.p8").as_deref(),
            Some("2X9R4HXF34")
        );
        assert_eq!(
            key_id_from_file_name("authkey_2x9r4hxf34.P8").as_deref(),
            Some("2X9R4HXF34")
        );
        assert_eq!(
            key_id_from_file_name("AuthKey_2X9R4HXF34 (1).p8").as_deref(),
            Some("2X9R4HXF34")
        );
        assert_eq!(
            key_id_from_file_name("AuthKey_2X9R4HXF34-2.p8").as_deref(),
            Some("2X9R4HXF34")
        );
        assert_eq!(
            key_id_from_file_name("AuthKey_BAD.p8").as_deref(),
            Some("BAD")
        );
        assert_eq!(key_id_from_file_name("SubscriptionKey_2X9R4HXF34.p8"), None);
        assert_eq!(key_id_from_file_name("key.pem"), None);
        assert_eq!(key_id_from_file_name("AuthKey_.p8"), None);
        assert_eq!(key_id_from_file_name("AuthKey_é.p8").as_deref(), Some("é"));
    }
}
