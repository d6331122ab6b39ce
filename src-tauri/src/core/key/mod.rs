//! The offline key check: read at most 64 KiB, repair what the wild does to
//! `.p8` files, parse strictly, and report `{ok, key_id, issuer_id,
//! fingerprint, notes, problems, warnings}`.
//!
//! - `read`: bounded reading from a path or stdin.
//! - `repair`: text-level fixes (BOM, CRLF, `\n`, quotes, wrapping, base64 file, fastlane JSON).
//! - `transit`, `wild`, `mail`: what the way a key travelled did (UTF-16, RTF, autocorrect, HTML,
//!   e-mail), undone first; `transit` also blames a damaged key on that way.
//! - `parse`: DER-level classification and strict P-256 parsing.
//! - `report`: the report type and the `check` entry point.

mod found;
mod mail;
mod parse;
mod pem;
mod private_key;
pub mod read;
mod repair;
pub mod report;
mod transit;
mod wild;

pub use private_key::PrivateKey;
pub use read::{read_path, read_reader, KeyBytes, MAX_INPUT_BYTES};
pub use report::{check, CheckInput, Checked, Report};

use crate::core::Problem;
use std::path::Path;

/// The strict DER parser alone, without the text repairs in front of it: `Ok` when `der` is a
/// valid P-256 private key. Public only because the fuzz targets (`src-tauri/fuzz`) drive it.
pub fn parse_der(der: &[u8]) -> Result<(), Problem> {
    parse::parse_der(der).map(drop)
}

/// The name to check a path's key under (`AuthKey_<KEYID>.p8` hints); `None` for `-` (stdin).
pub fn file_name_of(path: &Path) -> Option<String> {
    if path.as_os_str() == "-" {
        return None;
    }
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// Read a key file (or `-` for stdin) with the size cap and check it: the one way every face
/// loads a key from a path. `Err` only when nothing could be read (`file_not_found`, …).
pub fn check_path(
    path: &Path,
    key_id: Option<&str>,
    issuer_id: Option<&str>,
    kind: crate::core::ids::KeyKind,
) -> Result<Checked, Problem> {
    let bytes = read_path(path)?;
    let file_name = file_name_of(path);
    Ok(check(CheckInput {
        bytes: &bytes,
        file_name: file_name.as_deref(),
        key_id,
        issuer_id,
        kind,
    }))
}
