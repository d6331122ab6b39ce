//! Undo what e-mail and web pages do to a key: a MIME attachment, quoted-printable, HTML markup and entities, and `> ` reply quoting.

use zeroize::Zeroizing;

/// The decoded body of the first base64 MIME part (a `.p8` attached to an `.eml`) that holds a
/// key: PEM text, DER or UTF-16. `None` when the text is no such message.
pub(super) fn attachment(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut in_headers = true;
    let mut base64 = false;
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if in_headers {
            if line.trim().is_empty() {
                in_headers = false;
                if base64 {
                    let body: Vec<&str> = lines
                        .by_ref()
                        .take_while(|l| !l.starts_with("--"))
                        .collect();
                    if let Some(bytes) = decode_part(&body) {
                        return Some(bytes);
                    }
                    in_headers = true; // the boundary line just consumed opens the next part
                    base64 = false;
                }
                continue;
            }
            if let Some(value) = header(line, "content-transfer-encoding") {
                base64 = value.eq_ignore_ascii_case("base64");
            }
        } else if line.starts_with("--") {
            in_headers = true;
            base64 = false;
        }
    }
    None
}

fn decode_part(lines: &[&str]) -> Option<Zeroizing<Vec<u8>>> {
    use base64ct::{Base64, Encoding};
    let len: usize = lines.iter().map(|l| l.len()).sum();
    let mut compact = Zeroizing::new(String::with_capacity(len));
    for l in lines {
        compact.extend(l.chars().filter(|c| !c.is_whitespace()));
    }
    let mut buf = Zeroizing::new(vec![0u8; compact.len()]);
    let n = Base64::decode(compact.as_str(), &mut buf).ok()?.len();
    buf.truncate(n);
    // A key file in any of the forms the check reads (PEM, even damaged; DER; UTF-16), not the
    // message's own text or a logo.
    let pem = buf.windows(11).any(|w| w == b"PRIVATE KEY");
    let binary = matches!(buf.first(), Some(0x30 | 0xFF | 0xFE));
    (pem || binary).then_some(buf)
}

/// Quoted-printable decoded (`=3D` for `=`, `=` at a line's end joining it to the next), when the
/// text says so in a header or carries `=3D`, which no key holds. A key's own `==` padding before
/// a line break looks like a soft break, so nothing weaker is taken as a sign.
pub(super) fn quoted_printable(text: &str) -> Option<Zeroizing<String>> {
    let header = text.lines().any(|l| {
        header(l, "content-transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("quoted-printable"))
    });
    if !header && !text.contains("=3D") {
        return None;
    }
    let b = text.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(b.len()));
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            // A soft line break, perhaps after trailing spaces the mailer left.
            let after = b[i + 1..]
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count();
            if b.get(i + 1 + after) == Some(&b'\n') {
                i += 2 + after;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    // Decoded bytes that are not UTF-8 are some other charset: leave the text as it was.
    let text = std::str::from_utf8(&out).ok()?;
    let mut s = Zeroizing::new(String::with_capacity(text.len()));
    s.push_str(text);
    Some(s)
}

/// The value of `line` if it is the header `name` (compared without copying the line).
fn header<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let (n, value) = line.split_once(':')?;
    n.trim().eq_ignore_ascii_case(name).then(|| value.trim())
}

/// The next closing `-->` or `</name` at or after an offset, each found once and remembered until
/// passed, so many unclosed `<!--` or `<style>` cost one search, not one each.
#[derive(Default)]
struct Closes(Vec<(String, Option<usize>)>);

impl Closes {
    fn next(&mut self, text: &str, from: usize, close: &str) -> Option<usize> {
        let search = || {
            let rest = text.get(from..)?;
            let at = if close == "-->" {
                rest.find(close)
            } else {
                // `</name`, any case, without copying the text.
                rest.match_indices("</").map(|(i, _)| i).find(|i| {
                    rest.get(i + 2..i + close.len())
                        .is_some_and(|n| n.eq_ignore_ascii_case(&close[2..]))
                })
            };
            at.map(|i| from + i)
        };
        if let Some(entry) = self.0.iter_mut().find(|(c, _)| c == close) {
            if entry.1.is_some_and(|at| at < from) {
                entry.1 = search();
            }
            return entry.1;
        }
        let at = search();
        self.0.push((close.to_owned(), at));
        at
    }
}

/// A PEM marker's dashes: no markup ever hides or spans them.
const MARKER: &str = "-----";

/// Tags that end a line of text when a page or an HTML e-mail is turned back into text.
const BREAKS: &[&str] = &[
    "br",
    "p",
    "div",
    "pre",
    "tr",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "table",
];
/// Tags whose content is never text.
const HIDDEN: &[&str] = &["head", "style", "script", "title"];

/// The text of HTML (a web page, an HTML e-mail, a rich-text paste): tags dropped, line-ending
/// tags turned into line breaks, entities decoded. `None` when the text has no HTML in it.
pub(super) fn html(text: &str) -> Option<Zeroizing<String>> {
    // One look at each `<` and `&`: a known tag or a real entity makes it HTML.
    const SHOWN: &[&str] = &["span", "code", "html", "body", "font", "tt"];
    let known = |name: &str| BREAKS.contains(&name) || SHOWN.contains(&name);
    let tagged = text
        .match_indices('<')
        .any(|(i, _)| tag(&text[i..]).is_some_and(|(name, _, _)| known(&name)));
    let entities = text
        .match_indices('&')
        .any(|(i, _)| entity(&text[i..]).is_some());
    if !tagged && !entities {
        return None;
    }
    // A comment or hidden element around the key itself hides nothing: the key is what was sent.
    let markers = text.find(MARKER).zip(text.rfind(MARKER));
    let holds_key =
        |from: usize, to: usize| markers.is_some_and(|(first, last)| from <= last && first < to);
    let mut closes = Closes::default();
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let here = text.len() - rest.len();
        if c == '<' {
            if rest.starts_with("<!--") {
                // An unclosed comment runs to the end, as in a browser.
                let end = closes.next(text, here + 4, "-->");
                let to = end.map_or(text.len(), |e| e + 3);
                rest = if holds_key(here, to) {
                    &rest[4..]
                } else {
                    &text[to..]
                };
                continue;
            }
            if let Some((name, closing, len)) = tag(rest) {
                rest = &rest[len..];
                if !closing && HIDDEN.contains(&name.as_str()) {
                    let from = here + len;
                    let to = closes
                        .next(text, from, &format!("</{name}"))
                        .unwrap_or(text.len());
                    if !holds_key(from, to) {
                        rest = &text[to..];
                    }
                    continue;
                }
                if BREAKS.contains(&name.as_str()) {
                    if name == "br" {
                        out.push('\n');
                        // `<br>` then a line break in the source: one break, not a blank line.
                        rest = rest.strip_prefix('\n').unwrap_or(rest);
                    } else if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                }
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, len)) = entity(rest) {
                out.push(decoded);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// A tag at the start of `s`: its lower-case name, whether it closes, and its length.
fn tag(s: &str) -> Option<(String, bool, usize)> {
    let inner = s.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    if name_len == 0 || !inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    // The first `<` or `>` after this `<` (each byte is looked at by one tag only): a `>`.
    let end = 1 + s[1..].find(['<', '>'])?;
    // Never a "tag" around the key's own BEGIN/END line (a stray `<` in the text before it).
    if s.as_bytes()[end] != b'>' || end > 2000 || s[1..end].contains(MARKER) {
        return None;
    }
    Some((inner[..name_len].to_ascii_lowercase(), closing, end + 1))
}

/// An entity at the start of `s` (`&amp;`, `&#43;`, `&#x2F;`, …): the character and its length.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            // A no-break space in markup is layout, not a word processor's doing: a plain space.
            "nbsp" => ' ',
            "plus" => '+',
            "sol" => '/',
            "equals" => '=',
            "ndash" => '–',
            "mdash" => '—',
            "minus" => '−',
            "shy" => '\u{00AD}',
            "zwsp" => '\u{200B}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// The key's lines without the `> ` (or `>> `, `> > `) reply quoting a mail client added, when
/// the BEGIN line is quoted. `>` is no base64 character, so nothing of the key is lost.
pub(super) fn reply_quotes(text: &str) -> Option<Zeroizing<String>> {
    let quoted = text
        .lines()
        .any(|l| l.trim_start().starts_with('>') && l.contains("BEGIN ") && l.contains("-----"));
    if !quoted {
        return None;
    }
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    for line in text.split_inclusive('\n') {
        let mut l = line.trim_start_matches([' ', '\t']);
        if !l.starts_with('>') {
            out.push_str(line);
            continue;
        }
        while let Some(r) = l.strip_prefix('>') {
            l = r.strip_prefix(' ').unwrap_or(r);
        }
        out.push_str(l);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_tags_entities_and_comments() {
        let page = "<html><head><title>x</title></head><body><!-- c --><div>a&#43;b&#x2F;</div><div>c&nbsp;d<br>\ne</div>&bogus; &#xZZ;</body></html>";
        assert_eq!(html(page).unwrap().as_str(), "a+b/\nc d\ne\n&bogus; &#xZZ;");
        assert!(html("a < b > c").is_none());
        let _ = html("<p><!-- never closed");
        // Thousands of unclosed comments or styles around a key: one search each kind, not one each.
        let many = format!(
            "{}-----BEGIN{}",
            "<style><!--".repeat(5000),
            "<p>".repeat(5000)
        );
        assert!(html(&many).unwrap().contains("-----BEGIN"));
        // A stray `<a` before the key does not swallow it as a "tag".
        assert_eq!(
            html("&#38;<a\n-----BEGIN X-----\nAB\n-----END X-----\n>")
                .unwrap()
                .as_str(),
            "&<a\n-----BEGIN X-----\nAB\n-----END X-----\n>"
        );
        let _ = html("&#1114112; &#xD800; <p <br");
    }

    #[test]
    fn quoted_printable_only_when_it_says_so() {
        assert_eq!(
            quoted_printable("ab=3D=3D\ncd=  \nef").unwrap().as_str(),
            "ab==\ncdef"
        );
        // A key's own padding before a line break is not a soft line break.
        assert!(quoted_printable("AAAA==\n-----END").is_none());
        assert!(
            quoted_printable("x=3D\u{0}=FF").is_none(),
            "not UTF-8 once decoded"
        );
    }

    #[test]
    fn reply_quotes_and_attachments() {
        let quoted = "Dev wrote:\n> -----BEGIN X-----\n>> AB\n> > CD\n";
        assert_eq!(
            reply_quotes(quoted).unwrap().as_str(),
            "Dev wrote:\n-----BEGIN X-----\nAB\nCD\n"
        );
        assert!(reply_quotes("> hello\n").is_none());
        // "PRIVATE KEY\n" in base64, then a part that is not a key.
        let eml = "Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b\nContent-Transfer-Encoding: base64\n\nUFJJVkFURSBLRVkK\n--b--\n";
        assert_eq!(attachment(eml).unwrap().as_slice(), b"PRIVATE KEY\n");
        assert!(attachment("Content-Transfer-Encoding: base64\n\n!!!\n").is_none());
    }
}
