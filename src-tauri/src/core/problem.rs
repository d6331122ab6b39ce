//! The one error shape shared by the core, the CLI's `--json`, the Tauri
//! commands and the UI: `{code, message, hint}` with a stable snake_case code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Something that stops the user, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable snake_case code; UI, CLI and tests switch on it.
    pub code: String,
    /// One line: what is wrong, in plain words.
    pub message: String,
    /// One line: what to do next.
    pub hint: String,
}

impl Problem {
    pub fn new(code: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem { code: code.to_owned(), message: message.into(), hint: hint.into() }
    }

    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Problem {}

/// Something the check repaired or normalised: the key is still usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub code: String,
    pub message: String,
}

impl Note {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Note { code: code.to_owned(), message: message.into() }
    }
}
