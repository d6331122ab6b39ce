//! The Issuer ID: tidied (quotes, spaces, case, dashes put back) and checked as 8-4-4-4-12 hex, with no RFC 4122 checks; a Key ID given in its place is named as one.

use super::tidy::{join_change, shorten, unwrap_value, what_changed};
use super::{is_key_id, Normalized, WHERE_IDS_ARE};
use crate::core::problem::Code;
use crate::core::{Note, Problem};

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

/// `8-4-4-4-12` hex digits (either case).
pub(super) fn looks_like_issuer_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
