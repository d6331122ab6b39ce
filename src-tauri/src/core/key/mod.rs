//! The offline key check: read at most 64 KiB, repair what the wild does to
//! `.p8` files, parse strictly, and report `{ok, key_id, issuer_id,
//! fingerprint, notes, problems, warnings}`.
//!
//! - `read`: bounded reading from a path or stdin.
//! - `repair`: text-level fixes (BOM, CRLF, `\n`, quotes, wrapping, base64 file, fastlane JSON).
//! - `parse`: DER-level classification and strict P-256 parsing.
//! - `report`: the report type and the `check` entry point.

mod parse;
mod private_key;
pub mod read;
mod repair;
pub mod report;

pub use private_key::PrivateKey;
pub use read::{read_path, read_reader, KeyBytes, MAX_INPUT_BYTES};
pub use report::{check, CheckInput, Checked, Report};
