//! Key ID and Issuer ID normalisation: trim, strip quotes, fix case, take a Key ID from a
//! pasted file name, and the format checks (`key_id_format`, `issuer_id_format`).

use super::KeyKind;
use crate::core::problem::Code;
use crate::core::{Note, Problem};

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

/// `57246542-96fe-1a63-e053-0824d011072a`: 8-4-4-4-12 hex, lower-cased. No RFC 4122 checks.
///
/// 32 hex digits without dashes get their dashes back (with a note).
pub fn normalize_issuer_id(raw: &str) -> Result<Normalized, Problem> {
    let cleaned = unwrap_value(raw);
    let value = cleaned.as_str();
    let hint = format!("The Issuer ID is shown at the top of {WHERE_IDS_ARE}, shaped like 57246542-96fe-1a63-e053-0824d011072a.");

    if value.is_empty() {
        return Err(Problem::new(
            Code::IssuerIdFormat,
            "The Issuer ID is empty.",
            hint,
        ));
    }
    if is_key_id(&value.to_ascii_uppercase()) {
        return Err(Problem::new(
            Code::IssuerIdFormat,
            format!("“{value}” looks like a Key ID, not an Issuer ID."),
            format!("Give it as the Key ID instead. {hint}"),
        ));
    }
    let mut dashes_added = false;
    let lower = if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        dashes_added = true;
        let v = value.to_ascii_lowercase();
        format!(
            "{}-{}-{}-{}-{}",
            &v[..8],
            &v[8..12],
            &v[12..16],
            &v[16..20],
            &v[20..]
        )
    } else {
        value.to_ascii_lowercase()
    };
    if !looks_like_issuer_id(&lower) {
        return Err(Problem::new(
            Code::IssuerIdFormat,
            format!(
                "“{}” is not shaped like an Issuer ID (8-4-4-4-12 letters a–f and digits).",
                shorten(value)
            ),
            hint,
        ));
    }

    let mut notes = Vec::new();
    let case_changed = !dashes_added && lower != value;
    if cleaned != raw || dashes_added || case_changed {
        let mut what = what_changed(raw, &cleaned, false, case_changed, "small letters");
        if dashes_added {
            what = join_change(what, "dashes added");
        }
        notes.push(Note::new(
            Code::IssuerIdNormalized,
            format!("The Issuer ID was tidied up to {lower} ({what})."),
        ));
    }
    Ok(Normalized {
        value: lower,
        notes,
    })
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

/// `8-4-4-4-12` hex digits (either case).
fn looks_like_issuer_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Trim whitespace and one or more layers of surrounding quotes (straight,
/// curly, backticks) that come along when IDs are copied from docs or chats.
fn unwrap_value(raw: &str) -> String {
    let mut s = raw.trim();
    loop {
        let mut chars = s.chars();
        let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else {
            break;
        };
        let pair = matches!(
            (first, last),
            ('"', '"') | ('\'', '\'') | ('`', '`') | ('“', '”') | ('‘', '’') | ('«', '»')
        );
        if !pair {
            break;
        }
        s = s[first.len_utf8()..s.len() - last.len_utf8()].trim();
    }
    s.to_owned()
}

fn what_changed(raw: &str, cleaned: &str, from_name: bool, case: bool, case_word: &str) -> String {
    let mut what = String::new();
    if raw.trim() != raw {
        what = join_change(what, "spaces removed");
    }
    if raw.trim() != cleaned {
        what = join_change(what, "quotes removed");
    }
    if from_name {
        what = join_change(what, "taken from the file name");
    }
    if case {
        what = join_change(what, &format!("changed to {case_word}"));
    }
    what
}

fn join_change(mut acc: String, part: &str) -> String {
    if !acc.is_empty() {
        acc.push_str(", ");
    }
    acc.push_str(part);
    acc
}

/// IDs are echoed in messages; keep a pasted essay from flooding the screen.
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
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
    fn issuer_id_is_lower_cased_without_rfc4122_checks() {
        // Apple's example has version nibble 1 and variant bits that RFC 4122 would reject.
        let n = normalize_issuer_id("57246542-96FE-1A63-E053-0824D011072A").unwrap();
        assert_eq!(n.value, "57246542-96fe-1a63-e053-0824d011072a");
        assert_eq!(n.notes[0].code, "issuer_id_normalized");
        let n = normalize_issuer_id("57246542-96fe-1a63-e053-0824d011072a").unwrap();
        assert!(n.notes.is_empty());
        let n = normalize_issuer_id("'5724654296fe1a63e0530824d011072a'").unwrap();
        assert_eq!(n.value, "57246542-96fe-1a63-e053-0824d011072a");
        assert!(n.notes[0].message.contains("dashes"));
    }

    #[test]
    fn issuer_id_problems_say_what_is_wrong() {
        let p = normalize_issuer_id("2X9R4HXF34").unwrap_err();
        assert_eq!(p.code, "issuer_id_format");
        assert!(p.message.contains("Key ID"), "{}", p.message);
        let p = normalize_issuer_id("57246542-96fe-1a63-e053-0824d01107zz").unwrap_err();
        assert_eq!(p.code, "issuer_id_format");
        assert_eq!(
            normalize_issuer_id("").unwrap_err().code,
            "issuer_id_format"
        );
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
