//! Text-level repairs: undo what e-mail, Windows, JSON, YAML, env files and CI
//! secret stores do to a `.p8`, then hand the DER to `parse`.
//!
//! Each repair records a note; anything unrecoverable becomes one specific
//! problem. The order matters: BOM → UTF-16 (`transit`) → line endings →
//! transport (RTF, e-mail, HTML, word processors: `wild`, `mail`) → outer whitespace →
//! quotes → fastlane JSON → literal `\n` → PEM block, or, without a PEM
//! block, a base64-encoded file or a bare base64 body.

use super::found::{bad_base64, damaged_marker, decode_wiped, empty, not_a_key, Found};
use super::parse::{self, Parsed};
use super::pem::from_pem;
use super::{transit, wild};
use crate::core::problem::{Code, WayOut};
use crate::core::wipe;
use crate::core::{Note, Problem};
use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded};
use zeroize::Zeroizing;

/// How deep the unwrapping may go: JSON → base64 file → PEM is the longest real chain.
const MAX_DEPTH: u8 = 3;
/// Shortest text worth trying as base64 (a P-256 key body is 160+ characters).
const MIN_BASE64_LEN: usize = 32;

/// Find the key in raw input bytes, repairing on the way.
pub(crate) fn find_key(bytes: &[u8], found: &mut Found) -> Result<Parsed, Problem> {
    from_bytes(bytes, found, 0).map_err(|p| transit::blame(p, &found.notes))
}

fn from_bytes(bytes: &[u8], found: &mut Found, depth: u8) -> Result<Parsed, Problem> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            found.note(
                Code::BomRemoved,
                "An invisible marker (a “byte order mark”) at the start of the file was removed.",
            );
            rest
        }
        None => bytes,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(empty());
    }
    if let Some(decoded) = transit::utf16(bytes) {
        let decoded = decoded?;
        found.note(
            Code::Utf16Decoded,
            "The file was saved as UTF-16 text (as Windows PowerShell 5 writes it); it was read as plain text.",
        );
        return match text_of(decoded.as_bytes()) {
            _ if decoded.trim().is_empty() => Err(empty()),
            Some(text) => from_text(text, found, depth),
            None => Err(not_a_key_default()),
        };
    }
    match text_of(bytes) {
        Some(text) => from_text(text, found, depth),
        None => from_binary(bytes),
    }
}

/// Text if valid UTF-8 without control characters other than tab/CR/LF.
fn text_of(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'));
    clean.then_some(text)
}

fn from_binary(bytes: &[u8]) -> Result<Parsed, Problem> {
    if bytes.first() == Some(&0x30) {
        let mut parsed = parse::parse_der(bytes)?;
        parsed.notes.insert(
            0,
            Note::new(
                Code::DerConverted,
                "The key was in binary (DER) form; it was converted to the text form Apple ships.",
            ),
        );
        return Ok(parsed);
    }
    if let Some(problem) = transit::word_document(bytes) {
        return Err(problem);
    }
    Err(match bytes {
        [b'P', b'K', 3, 4, ..] => not_a_key(
            "This is a ZIP archive, not a key.",
            "Unzip it and choose the AuthKey_XXXXXXXXXX.p8 file inside.",
        ),
        _ => not_a_key_default(),
    })
}

fn from_text(text: &str, found: &mut Found, depth: u8) -> Result<Parsed, Problem> {
    let mut text: Zeroizing<String> = Zeroizing::new(text.to_owned());
    if text.contains('\r') {
        found.note(
            Code::CrlfNormalized,
            "Windows line endings were changed to the plain ones keys use.",
        );
        // Rebinding drops (and so zeroizes) the previous copy; one pass, one sized buffer.
        text = wipe::replaced(&text, &[("\r\n", "\n"), ("\r", "\n")]);
    }
    let plain_notes = found.notes.clone();
    let plain_ids = (found.json_key_id.clone(), found.json_issuer_id.clone());
    let mut undone = Zeroizing::new(String::with_capacity(text.len()));
    undone.push_str(&text);
    if let Some(attached) = wild::undo(&mut undone, found, depth < MAX_DEPTH) {
        return from_bytes(&attached, found, depth + 1);
    }
    if found.notes.len() == plain_notes.len() {
        note_outer_whitespace(&text, found);
        return from_plain(&text, found, depth);
    }
    // Space around a decoded page or document is the decoder's, not damage to the key.
    let result = from_plain(&undone, found, depth);
    if result.is_ok() {
        return result;
    }
    // A plain key in text that only looked transported (a stray "=3D" or "<a" around it): the
    // text as given wins when it holds the key.
    let mut plain = Found {
        notes: plain_notes,
        json_key_id: plain_ids.0,
        json_issuer_id: plain_ids.1,
    };
    note_outer_whitespace(&text, &mut plain);
    match from_plain(&text, &mut plain, depth) {
        Ok(parsed) => {
            *found = plain;
            Ok(parsed)
        }
        Err(_) => result,
    }
}

/// The text after the transport repairs: quotes, fastlane JSON, `\n` escapes, then the PEM block
/// or base64.
fn from_plain(text: &str, found: &mut Found, depth: u8) -> Result<Parsed, Problem> {
    let mut body: &str = text.trim();

    if let Some(inner) = strip_quotes(body) {
        found.note(Code::QuotesRemoved, "Quotes around the key were removed.");
        if inner != inner.trim() {
            found.note(
                Code::WhitespaceTrimmed,
                "Extra spaces, indentation or blank lines were removed.",
            );
        }
        body = inner.trim();
        if body.is_empty() {
            return Err(empty());
        }
    }

    if depth == 0 && body.starts_with('{') {
        if let Some(result) = from_json(body, found, depth) {
            return result;
        }
    }

    let unescaped;
    if body.contains("\\n") || body.contains("\\r") {
        found.note(
            Code::EscapedNewlines,
            "Line breaks written as the two characters \\n were turned back into real line breaks.",
        );
        // PHP's json_encode also escapes slashes, which base64 uses.
        let escapes = [("\\r\\n", "\n"), ("\\n", "\n"), ("\\r", "\n"), ("\\/", "/")];
        unescaped = wipe::replaced(body, &escapes);
        body = unescaped.trim();
    }

    if body.contains("-----BEGIN") {
        return from_pem(body, found);
    }
    from_bare_base64(body, found, depth)
}

/// Leading whitespace, or more than one trailing newline, around the whole text.
fn note_outer_whitespace(text: &str, found: &mut Found) {
    let trailing = &text[text.trim_end().len()..];
    if text.starts_with(char::is_whitespace) || !(trailing.is_empty() || trailing == "\n") {
        found.note(
            Code::WhitespaceTrimmed,
            "Extra spaces, indentation or blank lines were removed.",
        );
    }
}

/// The inside of matching quotes around the whole text, if any.
fn strip_quotes(s: &str) -> Option<&str> {
    let first = s.chars().next()?;
    let last = s.chars().next_back()?;
    let pair = matches!(
        (first, last),
        ('"', '"')
            | ('\'', '\'')
            | ('`', '`')
            | ('“' | '”' | '„', '”' | '“')
            | ('‘' | '‚', '’' | '‘')
            | ('«', '»')
    );
    (pair && s.len() >= first.len_utf8() + last.len_utf8())
        .then(|| &s[first.len_utf8()..s.len() - last.len_utf8()])
}

/// A fastlane `api_key.json`: `{"key_id", "issuer_id", "key", …}`. `None`
/// when the text is not JSON at all (then it may still hold a PEM block).
fn from_json(text: &str, found: &mut Found, depth: u8) -> Option<Result<Parsed, Problem>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    let id = |name: &str| object.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    found.json_key_id = id("key_id");
    found.json_issuer_id = id("issuer_id");
    let Some(key) = object.get("key").and_then(|v| v.as_str()) else {
        if object.get("key_filepath").is_some_and(|v| v.is_string()) {
            return Some(Err(not_a_key(
                "This fastlane JSON file only points to the key file (“key_filepath”); it holds no key.",
                "Choose the .p8 file named in its “key_filepath” field instead.",
            )));
        }
        return Some(Err(not_a_key(
            "This JSON file holds no key (no “key” field).",
            "Choose the .p8 file itself, or a fastlane api_key.json whose “key” field holds the key.",
        )));
    };
    found.note(
        Code::FastlaneJson,
        "The key was taken from a fastlane api_key.json file, with its Key ID and Issuer ID.",
    );
    let key = Zeroizing::new(key.to_owned());
    if key.trim().is_empty() {
        return Some(Err(Problem::new(
            Code::Empty,
            "The “key” field of this JSON file is empty.",
            "Paste the whole contents of the .p8 file into the “key” field, or choose the .p8 file itself.",
        )));
    }
    Some(from_bytes(key.as_bytes(), found, depth + 1))
}

/// No PEM block: the whole file base64-encoded once, a bare body, or no key at all.
fn from_bare_base64(text: &str, found: &mut Found, depth: u8) -> Result<Parsed, Problem> {
    let compact = wipe::filtered(text, |c| !c.is_whitespace());
    if let Some(p) = id_lookalike(&compact) {
        return Err(p);
    }
    let base64ish = compact.len() >= MIN_BASE64_LEN
        && compact
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    if !base64ish {
        if text.contains("PRIVATE KEY") {
            return Err(damaged_marker());
        }
        return Err(not_a_key_default());
    }
    let decoded = decode_any_base64(&compact).ok_or_else(bad_base64)?;
    let inner = decoded.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&decoded);
    if depth < MAX_DEPTH && text_of(inner).is_some_and(|t| t.contains("-----BEGIN")) {
        found.note(
            Code::Base64FileDecoded,
            "The whole key file had been base64-encoded once (as CI secrets often are); it was decoded.",
        );
        return from_bytes(&decoded, found, depth + 1);
    }
    if decoded.first() == Some(&0x30) {
        found.note(
            Code::BodyOnlyWrapped,
            "Only the key's inner text was given; the BEGIN/END lines were added back.",
        );
        return parse::parse_der(&decoded);
    }
    Err(not_a_key(
        "This text is encoded data, but it holds no key.",
        "Choose the AuthKey_XXXXXXXXXX.p8 file you downloaded from App Store Connect.",
    ))
}

fn decode_any_base64(s: &str) -> Option<Zeroizing<Vec<u8>>> {
    decode_wiped::<Base64>(s)
        .or_else(|| decode_wiped::<Base64Unpadded>(s))
        .or_else(|| decode_wiped::<Base64Url>(s))
        .or_else(|| decode_wiped::<Base64UrlUnpadded>(s))
}

/// Someone picked or pasted an ID where the key was expected.
fn id_lookalike(s: &str) -> Option<Problem> {
    let unquoted = s.trim_matches(|c| c == '"' || c == '\'');
    if crate::core::ids::normalize_issuer_id(unquoted)
        .is_ok_and(|n| n.value.len() == 36 && unquoted.contains('-'))
    {
        return Some(
            not_a_key(
                "This is an Issuer ID, not a key.",
                "Give the Issuer ID on its own and choose the .p8 key file.",
            )
            .way_out(WayOut::GiveIssuerId),
        );
    }
    if crate::core::ids::is_key_id(unquoted) {
        return Some(
            not_a_key(
                "This looks like a Key ID, not a key.",
                "Give the Key ID on its own and choose the .p8 key file.",
            )
            .way_out(WayOut::GiveKeyId),
        );
    }
    None
}

fn not_a_key_default() -> Problem {
    not_a_key(
        "This file holds no key.",
        "Choose the AuthKey_XXXXXXXXXX.p8 file you downloaded from App Store Connect.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(strip_quotes("\"abc\""), Some("abc"));
        assert_eq!(strip_quotes("'abc'"), Some("abc"));
        assert_eq!(strip_quotes("\""), None);
        assert_eq!(strip_quotes("abc"), None);
    }

    #[test]
    fn lookalikes_and_blanks() {
        let mut f = Found::default();
        let p = find_key(b"2X9R4HXF34", &mut f).err().unwrap();
        assert!(p.message.contains("Key ID"), "{p}");
        let p = find_key(b"57246542-96fe-1a63-e053-0824d011072a\n", &mut f)
            .err()
            .unwrap();
        assert!(p.message.contains("Issuer ID"), "{p}");
        assert_eq!(find_key(b" \n\t", &mut f).err().unwrap().code, "empty");
        assert_eq!(find_key(b"\"\"", &mut f).err().unwrap().code, "empty");
        assert_eq!(
            find_key(b"PK\x03\x04rest", &mut f).err().unwrap().code,
            "not_a_key"
        );
    }
}
