//! What the key's search learned on its way (the repairs' notes, IDs from a fastlane JSON) and the problems every step of it words the same: a leaf below `pem`, `wild` and `repair`.

use crate::core::problem::Code;
use crate::core::{Note, Problem};
use base64ct::Encoding;
use zeroize::Zeroizing;

/// What the repairs learned besides the key: notes and IDs from a fastlane JSON.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub notes: Vec<Note>,
    pub json_key_id: Option<String>,
    pub json_issuer_id: Option<String>,
}

impl Found {
    pub(crate) fn note(&mut self, code: Code, message: &str) {
        if !self.notes.iter().any(|n| n.code == code) {
            self.notes.push(Note::new(code, message));
        }
    }
}

/// `s` decoded into a wiped buffer of `s.len()` bytes (never less than the output), so neither
/// the result nor a failed try's partial output is left in freed memory (`decode_vec` would).
pub(crate) fn decode_wiped<E: Encoding>(s: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; s.len()]);
    let n = E::decode(s, &mut buf).ok()?.len();
    buf.truncate(n);
    Some(buf)
}

pub(crate) fn empty() -> Problem {
    Problem::new(
        Code::Empty,
        "The file is empty.",
        "Choose the AuthKey_XXXXXXXXXX.p8 file you downloaded from App Store Connect (about 250 bytes).",
    )
}

pub(crate) fn bad_base64() -> Problem {
    Problem::new(
        Code::BadBase64,
        "The key's text has been damaged: it contains characters or a length a key cannot have.",
        "Copy the key again from the original .p8 file without editing it, or choose the file itself.",
    )
}

pub(crate) fn damaged_marker() -> Problem {
    not_a_key(
        "The key's BEGIN or END line is damaged, so the key cannot be found.",
        "Use the original .p8 file; its first line must read -----BEGIN PRIVATE KEY-----.",
    )
}

pub(crate) fn not_a_key(message: &str, hint: &str) -> Problem {
    Problem::new(Code::NotAKey, message, hint)
}
