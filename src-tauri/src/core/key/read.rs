//! Bounded reading of key input. A `.p8` is ~250 bytes; anything over 64 KiB
//! is rejected without being read whole.

use crate::core::fsutil::{read_regular, ReadError};
use crate::core::problem::Code;
use crate::core::process::Locked;
use crate::core::text::io_plain;
use crate::core::Problem;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// Raw input bytes, zeroized on drop. `Debug` shows only the length, so key bytes cannot be
/// printed by accident. The allocation is locked in RAM while held (best effort,
/// `core::process::Locked`), so it is not written to swap.
pub struct KeyBytes(Locked<Vec<u8>>);

impl KeyBytes {
    fn new(mut bytes: Zeroizing<Vec<u8>>) -> Self {
        // Moved out, not copied: the allocation itself is what gets locked and wiped.
        KeyBytes(Locked::new(std::mem::take(&mut *bytes)))
    }
}

impl std::ops::Deref for KeyBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyBytes({} bytes)", self.0.len())
    }
}

/// Read at most `MAX_INPUT_BYTES` from a reader; one byte more means `too_large`.
pub fn read_reader(reader: impl Read) -> Result<KeyBytes, Problem> {
    // Room for the cap plus the one byte that detects "too large": reading never reallocates,
    // so no copy is left behind in freed memory, and the buffer is locked before the key arrives.
    let mut buf = KeyBytes::new(Zeroizing::new(Vec::with_capacity(MAX_INPUT_BYTES + 1)));
    buf.0
        .fill(|bytes| reader.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(bytes))
        .map_err(|e| {
            Problem::new(
                Code::ReadFailed,
                format!("The key could not be read: {}.", io_plain(&e)),
                "Check that the file still exists and that you may read it, then try again.",
            )
            .detail(&e)
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
    match read_regular(path, MAX_INPUT_BYTES as u64) {
        Ok(bytes) => Ok(KeyBytes::new(bytes)),
        Err(ReadError::NotFound) => Err(Problem::new(
            Code::FileNotFound,
            format!("There is no file at {}.", path.display()),
            "Check the path; the key usually sits in Downloads as AuthKey_XXXXXXXXXX.p8.",
        )),
        Err(ReadError::NotRegular) => Err(Problem::new(
            Code::NotAFile,
            format!("{} is not a regular file (it is a pipe, device or socket).", path.display()),
            "Choose the AuthKey_XXXXXXXXXX.p8 file itself; to pass the key as text, use - and standard input.",
        )),
        Err(ReadError::TooLarge) => Err(too_large()),
        Err(ReadError::Io(e)) => Err(Problem::new(
            Code::ReadFailed,
            format!("{} could not be read: {}.", path.display(), io_plain(&e)),
            "Check that you may read the file, then try again.",
        )
        .detail(&e)),
    }
}

pub fn too_large() -> Problem {
    Problem::new(
        Code::TooLarge,
        "This is far too big to be an App Store Connect key (over 64 KiB; a real .p8 is about 250 bytes).",
        "Choose the AuthKey_XXXXXXXXXX.p8 file you downloaded from App Store Connect.",
    )
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// `VmLck` of this process in kB (Linux).
    fn locked_kb() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmLck:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn key_buffers_are_locked_in_ram_while_held() {
        let bytes = read_reader(&[b'k'; 1000][..]).unwrap();
        // 64 KiB + 1 of capacity: at least 15 whole pages are locked (other tests only add).
        assert!(locked_kb() >= 60, "VmLck {} kB", locked_kb());
        assert_eq!(bytes.len(), 1000);
        drop(bytes);
    }
}
