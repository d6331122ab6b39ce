//! Printing for people and for machines. Colour only on a terminal, never with
//! `NO_COLOR`; `--json` prints exactly one JSON object on stdout.

use crate::core::Problem;
use serde::Serialize;
use std::io::IsTerminal;

/// Print one JSON value on stdout.
pub fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("could not encode JSON: {e}"),
    }
}

/// Terminal styling decided once per process.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stdout() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color && std::io::stdout().is_terminal() && console_takes_escapes(),
        }
    }

    pub fn plain() -> Self {
        Style { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// "✔ text" in green.
    pub fn good(&self, text: &str) -> String {
        format!("{} {text}", self.paint("32", "✔"))
    }
    /// "! text" in yellow.
    pub fn warn(&self, text: &str) -> String {
        format!("{} {text}", self.paint("33", "!"))
    }
    /// "✘ text" in red.
    pub fn bad(&self, text: &str) -> String {
        format!("{} {text}", self.paint("31", "✘"))
    }
    /// "~ text" for repairs.
    pub fn fixed(&self, text: &str) -> String {
        format!("{} {text}", self.paint("36", "~"))
    }
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// Print a problem as two lines: what is wrong, then what to do.
pub fn print_problem(style: Style, problem: &Problem) {
    println!("{}", style.bad(&problem.message));
    println!("    {} {}", style.dim("What to do:"), problem.hint);
    if let Some(detail) = shown_detail(problem.detail.as_deref()) {
        println!("    {} {detail}", style.dim("Details:"));
    }
}

/// The library's or the OS's own text: printed with `-v` only (`--json` always carries it).
pub fn shown_detail(detail: Option<&str>) -> Option<&str> {
    detail.filter(|_| log::log_enabled!(target: "asc_key_wizard", log::Level::Debug))
}

/// Print a problem that stops a command before it could produce its normal
/// output: as JSON `{"error": {...}}` with `--json`, else on stderr.
pub fn print_failure(json: bool, problem: &Problem) {
    if json {
        print_json(&serde_json::json!({ "error": problem }));
    } else {
        eprintln!("error: {}\n  what to do: {}", problem.message, problem.hint);
        if let Some(detail) = shown_detail(problem.detail.as_deref()) {
            eprintln!("  details: {detail}");
        }
    }
}

/// Colour escapes need a console that interprets them. Windows' classic console does so only
/// once asked (virtual terminal processing, Windows 10 and later); where it refuses, print plain.
#[cfg(windows)]
fn console_takes_escapes() -> bool {
    use windows_sys::Win32::System::Console::{
        GetConsoleMode, GetStdHandle, SetConsoleMode, ENABLE_VIRTUAL_TERMINAL_PROCESSING,
        STD_OUTPUT_HANDLE,
    };
    // SAFETY: plain Win32 calls on this process's own standard output handle.
    unsafe {
        let handle = GetStdHandle(STD_OUTPUT_HANDLE);
        let mut mode = 0;
        GetConsoleMode(handle, &mut mode) != 0
            && (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
                || SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0)
    }
}

#[cfg(not(windows))]
fn console_takes_escapes() -> bool {
    true
}
