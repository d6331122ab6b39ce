//! The shape every face shows: a `Problem` (`{code, message, hint}`, a `detail`, a `WayOut`), the `WayOut` each face words itself, and a `Note` for a repair.

use super::{Class, Code};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Something that stops the user, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable snake_case code; UI, CLI and tests switch on it.
    pub code: Code,
    /// One line: what is wrong, in plain words.
    pub message: String,
    /// One line: what to do next, complete without naming any face's controls.
    pub hint: String,
    /// The library's or the operating system's own text, when the problem wraps one: shown
    /// under "Details" in the wizard, in `--json`, and with `-v`; never part of `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The control that gets the person out, when a face has one: each face adds its own
    /// words for it (`--replace` in the CLI, a button in the wizard). Never serialised, so
    /// the JSON shape stays `{code, message, hint}`.
    #[serde(skip)]
    pub way_out: Option<WayOut>,
}

/// A face's words for each way out (`None`: that face has no such control).
pub type Words = fn(WayOut) -> Option<&'static str>;

/// A way out of a problem that each face words itself (`cli/words.rs`, `app/words.rs`); the
/// wizard also receives it by name (`replace_saved`, …) to offer its button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WayOut {
    /// Save the chosen key again, replacing the one saved under its Key ID.
    ReplaceSaved,
    /// Write over the file that is in the way.
    Overwrite,
    /// Look at the keys saved on this computer.
    ListSaved,
    /// Give the Key ID in its own place, not as the key.
    GiveKeyId,
    /// Give the Issuer ID in its own place, not as the key.
    GiveIssuerId,
    /// Name the upload address (or a settings file that has one).
    UploadAddress,
    /// Hand over the dashboard's setup token.
    SetupToken,
    /// Leave the API address at Apple's, or change the override.
    ApiBase,
    /// Name the folder to write to.
    OutFolder,
    /// Point at the platform's settings file.
    ConfigPath,
}

impl Problem {
    pub fn new(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            hint: hint.into(),
            detail: None,
            way_out: None,
        }
    }

    /// This problem with the library's or the OS's own text kept apart from the plain words.
    pub fn detail(mut self, text: impl std::fmt::Display) -> Self {
        self.detail = Some(crate::core::text::printable(&text.to_string()));
        self
    }

    /// This problem with a way out that each face words itself.
    pub fn way_out(mut self, way: WayOut) -> Self {
        self.way_out = Some(way);
        self
    }

    /// `hint` followed by a face's words for the way out (`words` maps it; `None` = that face
    /// has no such control, and the core's hint stands alone).
    pub fn worded(mut self, words: Words) -> Self {
        if let Some(extra) = self.way_out.take().and_then(words) {
            self.hint = format!("{} {extra}", self.hint.trim_end());
        }
        self
    }

    pub fn is(&self, code: Code) -> bool {
        self.code == code
    }

    /// What this problem means for the person, and the CLI's exit code.
    pub fn class(&self) -> Class {
        self.code.class()
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
    pub code: Code,
    pub message: String,
}

impl Note {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Note {
            code,
            message: message.into(),
        }
    }
}
