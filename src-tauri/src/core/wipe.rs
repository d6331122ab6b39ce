//! Secret text built in one buffer of the right size that is wiped on drop. A `String` or `Vec`
//! that grows moves its bytes and frees the old allocation unwiped, and `format!`, `replace` and
//! `collect` make such growing temporaries: every key copy that passes through here is made once.

use serde::Serialize;
use std::fmt;
use zeroize::Zeroizing;

/// Counts what would be written, keeping nothing.
struct Count(usize);

impl fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

impl std::io::Write for Count {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Text written by `write`, run twice: once to measure, once into a `String` of exactly that
/// capacity, so it never reallocates. `write` must write the same both times.
pub fn text(write: impl Fn(&mut dyn fmt::Write) -> fmt::Result) -> Zeroizing<String> {
    let mut count = Count(0);
    let _ = write(&mut count);
    let mut out = Zeroizing::new(String::with_capacity(count.0));
    let _ = write(&mut *out);
    out
}

/// `value` as pretty JSON plus a final newline, in a buffer of exactly that size.
pub fn json_pretty<T: Serialize>(value: &T) -> Result<Zeroizing<String>, serde_json::Error> {
    let mut count = Count(0);
    serde_json::to_writer_pretty(&mut count, value)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(count.0 + 1));
    serde_json::to_writer_pretty(&mut *bytes, value)?;
    bytes.push(b'\n');
    // serde_json writes UTF-8 only; the check cannot fail, and its error hands the bytes back.
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(s) => Ok(Zeroizing::new(s)),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Ok(Zeroizing::new(String::new()))
        }
    }
}

/// `s` with each `(from, to)` replaced, in one left-to-right pass that tries the pairs in order
/// at every position (for the pairs used here, the same result as chained `str::replace`). Every
/// `to` is no longer than its `from`, so `s.len()` bytes always suffice.
pub fn replaced(s: &str, pairs: &[(&str, &str)]) -> Zeroizing<String> {
    debug_assert!(pairs
        .iter()
        .all(|(from, to)| !from.is_empty() && to.len() <= from.len()));
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    let mut rest = s;
    'scan: while let Some(c) = rest.chars().next() {
        for (from, to) in pairs {
            if let Some(after) = rest.strip_prefix(from) {
                out.push_str(to);
                rest = after;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The characters of `s` that `keep` accepts; never more than `s.len()` bytes.
pub fn filtered(s: &str, keep: impl Fn(char) -> bool) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    out.extend(s.chars().filter(|c| keep(*c)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_written_into_a_buffer_of_exactly_its_size() {
        let pem = "-----BEGIN PRIVATE KEY-----\nABC\n-----END PRIVATE KEY-----\n".repeat(10);
        let t = text(|w| write!(w, "KEY=\"{}\"\n# {}\n", pem.trim_end(), 42));
        assert_eq!(t.as_str(), format!("KEY=\"{}\"\n# 42\n", pem.trim_end()));
        assert_eq!(t.capacity(), t.len(), "no growth, no spare room");
    }

    #[test]
    fn json_is_pretty_with_a_newline_and_never_grew() {
        let value = serde_json::json!({"key": "a\nb", "n": 1200, "list": [1, 2]});
        let j = json_pretty(&value).unwrap();
        assert_eq!(
            j.as_str(),
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
        );
        assert_eq!(j.capacity(), j.len());
    }

    #[test]
    fn one_pass_replacement_matches_chained_replace() {
        let escapes: &[(&str, &str)] =
            &[("\\r\\n", "\n"), ("\\n", "\n"), ("\\r", "\n"), ("\\/", "/")];
        let crlf: &[(&str, &str)] = &[("\r\n", "\n"), ("\r", "\n")];
        let chained_escapes = |s: &str| {
            s.replace("\\r\\n", "\n")
                .replace("\\n", "\n")
                .replace("\\r", "\n")
                .replace("\\/", "/")
        };
        let chained_crlf = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
        // Every string of up to 6 characters over the characters that matter, and then some.
        let alphabet = ['\\', 'r', 'n', '/', '\r', '\n', 'é'];
        let mut s = String::new();
        fn each(s: &mut String, alphabet: &[char], depth: usize, f: &mut dyn FnMut(&str)) {
            f(s);
            if depth == 0 {
                return;
            }
            for c in alphabet {
                s.push(*c);
                each(s, alphabet, depth - 1, f);
                s.pop();
            }
        }
        each(&mut s, &alphabet, 6, &mut |s| {
            assert_eq!(*replaced(s, escapes), chained_escapes(s), "{s:?}");
            assert_eq!(*replaced(s, crlf), chained_crlf(s), "{s:?}");
        });
        let long = "MIGTAgEA\\nMBMG\\r\\nByqG\\/SM49\r\n".repeat(40);
        let r = replaced(&long, escapes);
        assert_eq!(r.capacity(), long.len(), "sized once, never grown");
    }

    #[test]
    fn filtering_never_grows() {
        let s = " A B\u{200b}C \n".repeat(100);
        let f = filtered(&s, |c| !c.is_whitespace() && c != '\u{200b}');
        assert_eq!(f.as_str(), "ABC".repeat(100));
        assert_eq!(f.capacity(), s.len());
    }
}
