//! Text that arrives from outside (Apple's answers, the dashboard's message) made safe to print:
//! control characters, terminal escapes among them, become spaces and runs of blanks fold to one.

/// `s` without control characters (C0, DEL, C1: ESC sequences cannot reach a terminal), with
/// blanks folded and trimmed.
pub fn printable(s: &str) -> String {
    let spaced: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_and_controls_never_survive() {
        assert_eq!(printable("My \u{1b}[31mApp\u{1b}[0m\r\n"), "My [31mApp [0m");
        assert_eq!(printable("a\u{9b}2Jb\u{7f}c"), "a 2Jb c");
        assert_eq!(printable("  Ünïcödé  stays "), "Ünïcödé stays");
        assert!(!printable("\u{1b}]0;title\u{7}").contains('\u{1b}'));
    }
}
