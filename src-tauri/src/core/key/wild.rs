//! Undo what the way a key travelled did to its text, in order: RTF, an e-mail attachment, quoted-printable, HTML, reply quotes (`mail`), invisible characters and autocorrected dashes.

use super::found::Found;
use super::mail;
use crate::core::problem::Code;
use zeroize::Zeroizing;

/// Undo in `text` what RTF, e-mail, web pages and word processors did, noting each repair.
/// `Some` is the attachment to read instead, when the text was an e-mail with the key attached.
pub(super) fn undo(
    text: &mut Zeroizing<String>,
    found: &mut Found,
    deeper: bool,
) -> Option<Zeroizing<Vec<u8>>> {
    if let Some(t) = rtf(text) {
        found.note(
            Code::RtfDecoded,
            "The key was in a rich-text (RTF) document; its plain text was used.",
        );
        *text = t;
    }
    if deeper && !text.contains("-----BEGIN") {
        if let Some(bytes) = mail::attachment(text) {
            found.note(
                Code::EmailAttachmentDecoded,
                "The key was taken from the attachment of a saved e-mail (.eml).",
            );
            return Some(bytes);
        }
    }
    type Step = fn(&str) -> Option<Zeroizing<String>>;
    let steps: [(Step, Code, &str); 5] = [
        (mail::quoted_printable, Code::QuotedPrintableDecoded, "The e-mail encoding “quoted-printable” (=3D for =, = at line ends) was undone."),
        (mail::html, Code::HtmlDecoded, "The key was in HTML (a web page or e-mail); its tags and entities such as &#43; were turned back into text."),
        (mail::reply_quotes, Code::EmailQuotesRemoved, "The “> ” reply quoting an e-mail program put before each line was removed."),
        (visible, Code::InvisibleCharactersRemoved, "Invisible characters a word processor or web page adds (zero-width and no-break spaces, soft hyphens, line separators) were removed."),
        (dashes, Code::DashesRestored, "Dashes that autocorrect turned into “–” or “—” in the BEGIN/END lines were restored."),
    ];
    for (step, code, message) in steps {
        if let Some(t) = step(text) {
            found.note(code, message);
            *text = t;
        }
    }
    None
}

/// Characters autocorrect and typesetting put in place of `-`: only ever undone around a
/// BEGIN/END marker, where dashes carry no key data.
fn dash_like(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// What a word processor or web page adds that a key never holds: `Some(replacement)`.
fn invisible(c: char) -> Option<&'static str> {
    match c {
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Some(""),
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => Some(" "),
        '\u{2028}' | '\u{2029}' => Some("\n"),
        _ => None,
    }
}

/// The plain text of an RTF document (WordPad, TextEdit, Word's "Rich Text"): groups that are
/// not text (font tables, pictures, `{\*…}`) are skipped, `\par` and `\line` become line breaks.
pub(super) fn rtf(text: &str) -> Option<Zeroizing<String>> {
    const SKIP: &[&str] = &[
        "fonttbl",
        "colortbl",
        "stylesheet",
        "info",
        "pict",
        "header",
        "footer",
        "listtable",
        "listoverridetable",
        "rsidtbl",
        "generator",
        "xmlnstbl",
        "themedata",
        "datastore",
        "latentstyles",
    ];
    let text = text.trim_start();
    if !text.starts_with("{\\rtf") {
        return None;
    }
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    // Per open group: skipped, and the `\ucN` count of fallback characters after `\uN`.
    let mut groups: Vec<(bool, usize)> = Vec::new();
    let mut fallback = 0usize;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let skipping = groups.last().is_some_and(|g| g.0);
        let uc = groups.last().map_or(1, |g| g.1);
        match b[i] {
            b'{' => {
                // A group is skipped when its parent is, or when it opens with `\*` or a known destination.
                let rest = &text[i + 1..];
                let word = rest.strip_prefix('\\').map(|r| {
                    r.split(|c: char| !c.is_ascii_alphabetic())
                        .next()
                        .unwrap_or("")
                });
                let skip =
                    skipping || rest.starts_with("\\*") || word.is_some_and(|w| SKIP.contains(&w));
                groups.push((skip, uc));
                i += 1;
            }
            b'}' => {
                groups.pop();
                i += 1;
            }
            b'\r' | b'\n' => i += 1,
            b'\\' => {
                let start = i + 1;
                let Some(&next) = b.get(start) else { break };
                if !next.is_ascii_alphabetic() {
                    // Control symbols: escaped characters, `\'hh`, `\~` (no-break space), `\-` (soft hyphen).
                    i = start + 1;
                    let c = match next {
                        b'\\' | b'{' | b'}' => Some(next as char),
                        b'~' => Some('\u{00A0}'),
                        b'-' => Some('\u{00AD}'),
                        b'_' => Some('\u{2011}'),
                        b'\'' => {
                            let hex = text
                                .get(start + 1..start + 3)
                                .and_then(|h| u8::from_str_radix(h, 16).ok());
                            i = start + 3;
                            hex.map(cp1252)
                        }
                        _ => None,
                    };
                    if let Some(c) = c {
                        emit(&mut out, &mut fallback, skipping, c);
                    }
                    continue;
                }
                let mut j = start;
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                let word = &text[start..j];
                let num_start = j;
                if j < b.len() && b[j] == b'-' {
                    j += 1;
                }
                while j < b.len() && b[j].is_ascii_digit() && j - num_start < 10 {
                    j += 1;
                }
                let num: Option<i64> = text[num_start..j].parse().ok();
                if j < b.len() && b[j] == b' ' {
                    j += 1; // the delimiting space belongs to the control word
                }
                i = j;
                match (word, num) {
                    ("bin", Some(n)) => i = i.saturating_add(n.max(0) as usize),
                    ("uc", Some(n)) => {
                        if let Some(g) = groups.last_mut() {
                            g.1 = n.clamp(0, 8) as usize;
                        }
                    }
                    ("u", Some(n)) => {
                        // Negative for code points above 32767 (a signed 16-bit number).
                        let c = char::from_u32(if n < 0 { (n + 65536) as u32 } else { n as u32 })
                            .unwrap_or('\u{FFFD}');
                        emit(&mut out, &mut fallback, skipping, c);
                        fallback = uc;
                    }
                    ("par" | "line" | "sect" | "page" | "row", _) => {
                        emit(&mut out, &mut fallback, skipping, '\n')
                    }
                    ("tab" | "cell", _) => emit(&mut out, &mut fallback, skipping, '\t'),
                    ("emdash", _) => emit(&mut out, &mut fallback, skipping, '—'),
                    ("endash", _) => emit(&mut out, &mut fallback, skipping, '–'),
                    ("lquote", _) => emit(&mut out, &mut fallback, skipping, '‘'),
                    ("rquote", _) => emit(&mut out, &mut fallback, skipping, '’'),
                    ("ldblquote", _) => emit(&mut out, &mut fallback, skipping, '“'),
                    ("rdblquote", _) => emit(&mut out, &mut fallback, skipping, '”'),
                    _ => {}
                }
            }
            _ => {
                // `\bin` and `\'hh` may have stepped into the middle of a character: step on.
                let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                    i += 1;
                    continue;
                };
                i += c.len_utf8();
                if fallback > 0 {
                    fallback -= 1; // the plain-text stand-in after a `\uN`
                } else if !skipping {
                    push(&mut out, c);
                }
            }
        }
    }
    Some(out)
}

fn emit(out: &mut Zeroizing<String>, fallback: &mut usize, skipping: bool, c: char) {
    *fallback = 0;
    if !skipping {
        push(out, c);
    }
}

/// Push without ever growing the buffer (a grown `String` leaves its old bytes unwiped): RTF
/// text is never longer than its source, which sized the buffer.
fn push(out: &mut Zeroizing<String>, c: char) {
    if out.len() + c.len_utf8() <= out.capacity() {
        out.push(c);
    }
}

/// Windows-1252, the code page RTF's `\'hh` escapes use.
fn cp1252(b: u8) -> char {
    match b {
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x96 => '–',
        0x97 => '—',
        0xA0 => '\u{00A0}',
        0xAD => '\u{00AD}',
        0x80..=0x9F => '\u{FFFD}',
        _ => b as char,
    }
}

/// `text` without the invisible characters word processors and web pages add: zero-width
/// spaces and joiners, soft hyphens and stray byte order marks are dropped, no-break spaces
/// become spaces and line separators line breaks. `None` when there is none.
pub(super) fn visible(text: &str) -> Option<Zeroizing<String>> {
    if !text.chars().any(|c| invisible(c).is_some()) {
        return None;
    }
    // Every replacement is no longer than the character it replaces: `s.len()` bytes suffice.
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    for c in text.chars() {
        match invisible(c) {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    Some(out)
}

/// `text` with the dashes of its BEGIN/END markers restored where autocorrect made them en or
/// em dashes (`—–BEGIN PRIVATE KEY—–`). Only a run of dashes right before `BEGIN `/`END ` or
/// right after such a marker's label is touched. `None` when there is nothing to restore.
pub(super) fn dashes(text: &str) -> Option<Zeroizing<String>> {
    if text.is_ascii() || !text.chars().any(|c| c != '-' && dash_like(c)) {
        return None;
    }
    let mut out = Zeroizing::new(String::with_capacity(text.len() + 64));
    let mut changed = false;
    let mut rest = text;
    // The label of a marker just read (`BEGIN PRIVATE KEY`): the next dash run closes it.
    let mut after_label = false;
    while let Some(c) = rest.chars().next() {
        if dash_like(c) {
            let run_len = rest.find(|c: char| !dash_like(c)).unwrap_or(rest.len());
            let (run, after) = rest.split_at(run_len);
            let opens = after.starts_with("BEGIN ") || after.starts_with("END ");
            let typographic = run.chars().any(|c| c != '-');
            // Never grow the buffer: past its room, the text is left as it was.
            if typographic && (opens || after_label) && out.len() + 5 <= out.capacity() {
                out.push_str("-----");
                changed = true;
            } else if out.len() + run.len() <= out.capacity() {
                out.push_str(run);
            } else {
                return None;
            }
            after_label = opens && marker_label_len(after).is_some();
            rest = after;
            continue;
        }
        if after_label {
            // Skip over the label itself: letters, digits and spaces.
            let len = marker_label_len(rest).unwrap_or(0);
            if out.len() + len > out.capacity() {
                return None;
            }
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            after_label = len > 0 && rest.starts_with(dash_like);
            if len > 0 {
                continue;
            }
        }
        if out.len() + c.len_utf8() > out.capacity() {
            return None;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    changed.then_some(out)
}

/// The length of a marker's `BEGIN PRIVATE KEY` part: capital letters, digits and spaces.
fn marker_label_len(s: &str) -> Option<usize> {
    let len = s
        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' '))
        .unwrap_or(s.len());
    (len > 0 && len <= 64).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtf_keeps_text_and_drops_the_rest() {
        let doc = r"{\rtf1\ansi{\fonttbl{\f0 Courier;}}{\*\generator x;}\uc1 A\u8212-B\'41\~C{\pict 0102}\bin2 {}D\par}";
        assert_eq!(rtf(doc).unwrap().as_str(), "A—BA\u{A0}CD\n");
        assert!(rtf("no rtf").is_none());
        // Cut short anywhere, or with a huge \bin, it still ends without a panic.
        for end in 0..doc.len() {
            if let Some(prefix) = doc.get(..end) {
                let _ = rtf(prefix);
            }
        }
        let _ = rtf(r"{\rtf1 \bin99999999999 x\'é\u-1?");
    }

    #[test]
    fn dashes_are_restored_only_around_markers() {
        let text = "—–BEGIN PRIVATE KEY—–\nab–cd\n‒END PRIVATE KEY−\n";
        assert_eq!(
            dashes(text).unwrap().as_str(),
            "-----BEGIN PRIVATE KEY-----\nab–cd\n-----END PRIVATE KEY-----\n"
        );
        assert!(dashes("-----BEGIN PRIVATE KEY-----\n").is_none());
        assert!(dashes("a – b").is_none());
    }

    #[test]
    fn invisible_characters_go_and_separators_break_lines() {
        assert_eq!(
            visible("a\u{200B}b\u{AD}c\u{A0}d\u{2028}e")
                .unwrap()
                .as_str(),
            "abc d\ne"
        );
        assert!(visible("plain").is_none());
    }
}
