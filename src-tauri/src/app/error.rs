//! What a command's failure looks like to the webview: the core's `{code, message, hint}`, with
//! the wizard's words for the way out added once, here, for every command (`?` converts).

use crate::app::words::wizard_words;
use crate::core::Problem;
use serde::{Serialize, Serializer};

/// A problem on its way to the webview, already in the wizard's words.
#[derive(Debug)]
pub struct Error(pub Problem);

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        Error(p.worded(wizard_words))
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Every command's result.
pub type Result<T> = std::result::Result<T, Error>;
