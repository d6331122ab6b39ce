//! Writing files that hold key material: owner-only permissions, written
//! atomically (temp file + rename in the same folder), never clobbering an
//! existing file unless the caller explicitly asked to.

use crate::core::Problem;
use crate::core::problem::Code;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    file.take(max + 1).read_to_end(&mut buf).map_err(ReadError::Io)?;
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

/// Write `bytes` to `path` with mode 0600, atomically.
///
/// With `Overwrite::Refuse`, an existing file is left untouched and
/// `file_exists` is returned. On any failure nothing is left behind: the temp
/// file is removed and the destination is either the old file or absent.
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
    if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp{}", std::process::id()));
    let result = write_tmp(&tmp, bytes).and_then(|()| publish(&tmp, path, overwrite));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(path),
        _ => Problem::new(
            Code::WriteFailed,
            format!("Could not write {}: {e}.", path.display()),
            "Check that the folder is writable and the disk is not full, then try again.",
        ),
    })
}

fn exists(path: &Path) -> Problem {
    Problem::new(
        Code::FileExists,
        format!("{} already exists; it was left untouched.", path.display()),
        "Choose another file name, or move the file that is there now.",
    )
}

fn write_tmp(tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file: File = options.open(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn publish(tmp: &Path, path: &Path, overwrite: Overwrite) -> std::io::Result<()> {
    match overwrite {
        // rename() would silently replace; hard_link fails if the target exists,
        // which closes the race between our exists-check and the write.
        Overwrite::Refuse => {
            fs::hard_link(tmp, path)?;
            fs::remove_file(tmp)
        }
        Overwrite::Replace => fs::rename(tmp, path),
    }
}

/// Create a directory (and parents) that only the owner can enter (0700).
pub fn create_private_dir(dir: &Path) -> Result<(), Problem> {
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
            format!("Could not create the folder {}: {e}.", dir.display()),
            "Check the permissions of the parent folder, then try again.",
        )
    })
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
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
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
        let err = write_private_file(&dir.path().join("nope/key.p8"), b"x", Overwrite::Refuse).unwrap_err();
        assert_eq!(err.code, "write_failed");
    }
}
