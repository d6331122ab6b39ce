//! How a pasted ID is tidied before it is checked (spaces, layers of quotes), and the words of the note that says what changed.

/// Trim whitespace and one or more layers of surrounding quotes (straight,
/// curly, backticks) that come along when IDs are copied from docs or chats.
pub(super) fn unwrap_value(raw: &str) -> String {
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

pub(super) fn what_changed(
    raw: &str,
    cleaned: &str,
    from_name: bool,
    case: bool,
    case_word: &str,
) -> String {
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

pub(super) fn join_change(mut acc: String, part: &str) -> String {
    if !acc.is_empty() {
        acc.push_str(", ");
    }
    acc.push_str(part);
    acc
}

/// IDs are echoed in messages; keep a pasted essay from flooding the screen.
pub(super) fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}
