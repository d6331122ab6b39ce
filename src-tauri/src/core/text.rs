//! Text that arrives from outside (Apple's answers, the dashboard's message, paths) made safe to
//! print and to serialise: control characters become spaces, paths are shown even when not UTF-8.

use serde::Serializer;
use std::path::Path;

/// `s` without control characters (C0, DEL, C1: ESC sequences cannot reach a terminal), with
/// blanks folded and trimmed.
pub fn printable(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from a link or a server, made fit to show inside the wizard's own sentences: `printable`,
/// then without Unicode format characters (bidi overrides such as U+202E, zero-width spaces, the
/// BOM, tags: they could make "Blue Shoes" display as something else), at most `max` characters
/// (the rest becomes "…").
pub fn shown(s: &str, max: usize) -> String {
    let kept: String = printable(s).chars().filter(|c| !is_format(*c)).collect();
    let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    if kept.chars().count() <= max {
        return kept;
    }
    let mut cut: String = kept.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Unicode category Cf (format), plus the line and paragraph separators.
fn is_format(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// What an I/O error means, in plain words (the error's own text goes to a problem's `detail`).
pub fn io_plain(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "it or its folder does not exist",
        PermissionDenied => "you do not have permission",
        StorageFull | QuotaExceeded => "the disk is full",
        ReadOnlyFilesystem => "the disk is read-only",
        FileTooLarge => "the file is too large",
        IsADirectory => "it is a folder",
        TimedOut | WouldBlock => "it did not answer in time",
        _ => "the system refused",
    }
}

/// An error's causes (hyper, rustls, the OS) for a `detail`, without the error's own top line:
/// reqwest's repeats the address, which may carry a token in its query.
pub fn causes(e: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut cause = e.source();
    while let Some(c) = cause {
        parts.push(printable(&c.to_string()));
        cause = c.source();
    }
    if parts.is_empty() {
        "no further detail".to_owned()
    } else {
        parts.join(": ")
    }
}

/// Serialise a path as text even when it is not valid UTF-8 (`serialize_with`). serde's own
/// `Path` impl fails on such a path, and `serde_json::json!` turns that failure into a panic:
/// after an export had already been written. Invalid bytes become U+FFFD, as in `display()`.
pub fn serialize_path<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::{printable, shown};

    #[test]
    fn shown_text_loses_bidi_and_format_characters_and_is_capped() {
        assert_eq!(
            shown("Blue\u{202E}seohS\u{202C} \u{200B}Ltd\u{FEFF}\u{2066}", 80),
            "BlueseohS Ltd"
        );
        assert_eq!(shown("a\u{1b}[31mb\nc", 80), "a [31mb c");
        assert_eq!(shown(&"x".repeat(100), 10), format!("{}…", "x".repeat(9)));
        assert_eq!(shown("\u{E0041}\u{200F}", 10), "");
    }
    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_still_serialises() {
        use std::os::unix::ffi::OsStrExt;
        use std::path::Path;
        #[derive(serde::Serialize)]
        struct P<'a>(#[serde(serialize_with = "super::serialize_path")] &'a Path);
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/tmp/caf\xe9/key.p8"));
        assert!(
            serde_json::to_value(path).is_err(),
            "serde's own impl refuses it"
        );
        assert_eq!(
            serde_json::to_value(P(path)).unwrap(),
            "/tmp/caf\u{fffd}/key.p8"
        );
    }

    #[test]
    fn escapes_and_controls_never_survive() {
        assert_eq!(printable("My \u{1b}[31mApp\u{1b}[0m\r\n"), "My [31mApp [0m");
        assert_eq!(printable("a\u{9b}2Jb\u{7f}c"), "a 2Jb c");
        assert_eq!(printable("  Ünïcödé  stays "), "Ünïcödé stays");
        assert!(!printable("\u{1b}]0;title\u{7}").contains('\u{1b}'));
    }
}
