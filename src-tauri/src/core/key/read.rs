//! Bounded reading of key input. A `.p8` is ~250 bytes; anything over 64 KiB
//! is rejected without being read whole.

use crate::core::Problem;
use crate::core::problem::Code;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// Raw input bytes, zeroized on drop.
pub type KeyBytes = Zeroizing<Vec<u8>>;

/// Read at most `MAX_INPUT_BYTES` from a reader; one byte more means `too_large`.
pub fn read_reader(reader: impl Read) -> Result<KeyBytes, Problem> {
    let mut buf = Zeroizing::new(Vec::with_capacity(4096));
    reader
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| {
            Problem::new(
                Code::ReadFailed,
                format!("The key could not be read: {e}."),
                "Check that the file still exists and that you may read it, then try again.",
            )
        })?;
    if buf.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(buf)
}

/// Read a key file (or stdin for `-`).
pub fn read_path(path: &Path) -> Result<KeyBytes, Problem> {
    if path.as_os_str() == "-" {
        return read_reader(std::io::stdin().lock());
    }
    if path.is_dir() {
        return Err(Problem::new(
            Code::ReadFailed,
            format!("{} is a folder, not a key file.", path.display()),
            "Choose the AuthKey_XXXXXXXXXX.p8 file inside it.",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Problem::new(
            Code::FileNotFound,
            format!("There is no file at {}.", path.display()),
            "Check the path; the key usually sits in Downloads as AuthKey_XXXXXXXXXX.p8.",
        ),
        _ => Problem::new(
            Code::ReadFailed,
            format!("{} could not be opened: {e}.", path.display()),
            "Check that you may read the file, then try again.",
        ),
    })?;
    if file
        .metadata()
        .map(|m| m.len() > MAX_INPUT_BYTES as u64)
        .unwrap_or(false)
    {
        return Err(too_large());
    }
    read_reader(file)
}

pub fn too_large() -> Problem {
    Problem::new(
        Code::TooLarge,
        "This is far too big to be an App Store Connect key (over 64 KiB; a real .p8 is about 250 bytes).",
        "Choose the AuthKey_XXXXXXXXXX.p8 file you downloaded from App Store Connect.",
    )
}
