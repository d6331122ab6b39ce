//! Writing files that hold key material: owner-only permissions, written
//! atomically (random temp file + no-replace rename in the same folder), never clobbering an
//! existing file unless the caller explicitly asked to, and sweeping our own stale temp files.

use crate::core::problem::{Code, WayOut};
use crate::core::text::io_plain;
use crate::core::Problem;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Why [`read_regular`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    /// A folder, pipe (FIFO), device or socket: never read, never waited on.
    NotRegular,
    /// Over the caller's limit.
    TooLarge,
    Io(std::io::Error),
}

/// Read a regular file of at most `max` bytes. Opened non-blocking on Unix so a FIFO cannot
/// hang the caller, its type checked on the open handle (no race with a swap of the path), then
/// read with a cap even if it grows meanwhile. The bytes are zeroized on drop.
pub fn read_regular(path: &Path, max: u64) -> Result<zeroize::Zeroizing<Vec<u8>>, ReadError> {
    use std::io::Read;
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge);
    }
    let mut buf = zeroize::Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
    file.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > max {
        return Err(ReadError::TooLarge);
    }
    Ok(buf)
}

/// Whether an existing destination may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Refuse,
    Replace,
}

/// Every temp file this app makes starts with this, so a stale one (a kill between write and
/// publish) is recognisable and only ours are ever removed.
pub const TEMP_PREFIX: &str = ".asc-key-wizard-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temp file older than this is dead: a write takes milliseconds.
pub const STALE_AFTER: Duration = Duration::from_secs(15 * 60);

/// Write `bytes` to `path` with mode 0600, atomically.
///
/// The bytes go to a temp file with a random name in the same folder, synced, then published
/// under `path`: with `Overwrite::Refuse` by a no-replace rename (`renameat2(RENAME_NOREPLACE)` on
/// Linux, `renamex_np(RENAME_EXCL)` on macOS, `MoveFileExW` without `REPLACE_EXISTING` on
/// Windows; a hard link only where that rename is unsupported: `tempfile`'s
/// `persist_noclobber`), so FAT and exFAT sticks, which have no hard links, work too and an
/// existing file is never replaced even if it appears meanwhile (`file_exists`). On any failure
/// the destination is the old file or absent, and only our own temp file is removed.
pub fn write_private_file(path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<(), Problem> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Problem::new(
            Code::WriteFailed,
            format!("The folder {} does not exist.", dir.display()),
            "Create the folder first, or choose another place to write the file.",
        ));
    }
    if path.file_name().is_none() {
        return Err(Problem::new(
            Code::WriteFailed,
            format!("{} names a folder, not a file.", path.display()),
            "Give a file name, for example AuthKey_<KEYID>.p8.",
        ));
    }
    if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    remove_stale_temps(&dir, STALE_AFTER);
    let result = injected_failure(path)
        .and_then(|()| write_tmp(&dir, bytes))
        .and_then(|tmp| {
            fail_point("before_publish");
            publish(tmp, path, overwrite)
        });
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(path),
        _ => Problem::new(
            Code::WriteFailed,
            format!("Could not write {}: {}.", path.display(), io_plain(&e)),
            "Check that the folder is writable and the disk is not full, then try again.",
        )
        .detail(&e),
    })?;
    sync_dir(&dir);
    Ok(())
}

fn exists(path: &Path) -> Problem {
    Problem::new(
        Code::FileExists,
        format!("{} already exists; it was left untouched.", path.display()),
        "Choose another file name, or move the file that is there now.",
    )
}

/// A new temp file in `dir` (random name, created exclusively, 0600), written and synced. If
/// anything fails, dropping the `NamedTempFile` removes it: ours, never another's.
fn write_tmp(dir: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(12);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

fn publish(tmp: tempfile::NamedTempFile, path: &Path, overwrite: Overwrite) -> std::io::Result<()> {
    // On failure both return the temp file, which is removed when dropped here.
    match overwrite {
        Overwrite::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| e.error),
        Overwrite::Replace => tmp.persist(path).map(drop).map_err(|e| e.error),
    }
}

/// Make the new name durable: without syncing the folder a power cut can lose the rename.
/// Best effort (some file systems refuse to sync a folder); Windows has no folder handle to sync.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Remove temp files of ours in `dir` older than `older_than` (left by a kill between write
/// and publish; each holds a full copy of a key). Only regular files with our prefix and
/// suffix, never followed through links; a younger one may be another run's write in progress.
/// Returns how many were removed.
pub fn remove_stale_temps(dir: &Path, older_than: Duration) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        if meta.file_type().is_file()
            && age.is_some_and(|a| a >= older_than)
            && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Test-only: `ASC_WIZARD_FAIL_AT=<step>` aborts the process at that step, as a kill would.
/// Compiled only with the `test-support` feature, which release builds never enable.
#[cfg(feature = "test-support")]
pub fn fail_point(step: &str) {
    if std::env::var_os("ASC_WIZARD_FAIL_AT").is_some_and(|v| v == step) {
        std::process::abort();
    }
}

#[cfg(not(feature = "test-support"))]
#[inline(always)]
pub fn fail_point(_step: &str) {}

/// Test-only: every later write to `path` fails with an I/O error, as a full disk would, for
/// tests of what happens when a write fails after other changes were made. Per path, so
/// parallel tests in one process do not disturb each other.
#[cfg(feature = "test-support")]
pub fn fail_writes_to(path: &Path) {
    FAILING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.to_owned());
}

#[cfg(feature = "test-support")]
static FAILING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

#[cfg(feature = "test-support")]
fn injected_failure(path: &Path) -> std::io::Result<()> {
    let failing = FAILING.lock().unwrap_or_else(|e| e.into_inner());
    match failing.iter().any(|p| p == path) {
        true => Err(std::io::Error::other("injected write failure (test)")),
        false => Ok(()),
    }
}

#[cfg(not(feature = "test-support"))]
#[inline(always)]
fn injected_failure(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Create a directory (and parents) that only the owner can enter (0700). A symbolic link in
/// its place is refused (`folder_is_symlink`), never followed.
pub fn create_private_dir(dir: &Path) -> Result<(), Problem> {
    refuse_symlinked_dir(dir)?;
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| {
        Problem::new(
            Code::WriteFailed,
            format!(
                "Could not create the folder {}: {}.",
                dir.display(),
                io_plain(&e)
            ),
            "Check the permissions of the parent folder, then try again.",
        )
        .detail(&e)
    })
}

/// `folder_is_symlink` when `dir` is a symbolic link. A folder the app creates or makes
/// private must be a real folder: following a link would put the key, and the 0700, on
/// whatever it points at (another user's folder, a synced share, `/`).
pub fn refuse_symlinked_dir(dir: &Path) -> Result<(), Problem> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = fs::read_link(dir)
                .map(|t| format!(" (it points to {})", t.display()))
                .unwrap_or_default();
            Err(Problem::new(
                Code::FolderIsSymlink,
                format!("{} is a symbolic link{target}; the app does not follow links for folders it creates or makes private.", dir.display()),
                "Replace the link with a real folder (move what it points to into it), or write the key to another folder.",
            )
            .way_out(WayOut::OutFolder))
        }
        _ => Ok(()),
    }
}

/// Make an existing folder owner-only (0700), best effort. Opened with `O_NOFOLLOW` and changed
/// through the handle, so a link swapped in after the check is not followed either.
pub fn tighten_private_dir(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY)
            .open(dir);
        if let Ok(d) = opened {
            let _ = d.set_permissions(fs::Permissions::from_mode(0o700));
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_0600_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("AuthKey_TEST123456.p8");
        write_private_file(&path, b"one", Overwrite::Refuse).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let err = write_private_file(&path, b"two", Overwrite::Refuse).unwrap_err();
        assert_eq!(err.code, "file_exists");
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_private_file(&path, b"three", Overwrite::Replace).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        // No temp files left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_folder_is_a_clear_problem() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_private_file(&dir.path().join("nope/key.p8"), b"x", Overwrite::Refuse)
            .unwrap_err();
        assert_eq!(err.code, "write_failed");
    }
}
