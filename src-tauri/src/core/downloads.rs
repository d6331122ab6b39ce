//! Catching the key's download, the rules: which folders are watched for a new `AuthKey_*.p8`
//! from the moment the wizard sends the merchant to App Store Connect (this file), when a new
//! file counts and how it is offered (`found.rs`), where it came from (`origin.rs`), and when the
//! real download may go to the trash once a checked copy is safe (`cleanup.rs`: Apple lets a key
//! be downloaded once; the copy left in Downloads is the one most at risk). Plain core, built
//! headless too; the watch itself (`notify`) and the move to the Trash (`trash`) are the
//! wizard's, in `app/downloads/`.

use crate::core::ids::key_id_from_file_name;
use crate::core::problem::Code;
use crate::core::Problem;
use std::path::{Path, PathBuf};

mod cleanup;
mod found;
mod origin;

pub use crate::core::session::SafeCopy;
pub use cleanup::{
    cleanup_offer, recheck_safe_copy, safe_copy_missing, trash_name, Cleanup, CleanupFacts,
};
pub use found::{key_files_in, settled, Download, Offer, SETTLE};
pub use origin::{host_of, origin_host};

/// The OS's download folder (or `~/Downloads` where the OS names none): the one folder whose
/// key files may go to the trash without the watch having seen them arrive.
pub fn os_download_folder() -> Option<PathBuf> {
    dirs::download_dir().or_else(|| dirs::home_dir().map(|h| h.join("Downloads")))
}

/// The OS's download folder, then `extra` folders (the folder a key was picked from before),
/// each once and only if it exists. A world-writable folder is never watched: anyone on the
/// machine could drop a file there for the wizard to offer.
pub fn download_folders(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in os_download_folder()
        .into_iter()
        .chain(extra.iter().cloned())
    {
        if dir.is_dir() && !world_writable(&dir) && !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

/// Whether others may write into `dir` (`/tmp`, a shared folder); unreadable counts as yes.
pub fn world_writable(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(dir).map_or(true, |m| m.permissions().mode() & 0o002 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

const FOLDERS_FILE: &str = "key-folders.json";
/// Folders remembered, newest first.
const FOLDERS_KEPT: usize = 5;

/// The folders key files were picked from before (kept in the app's settings folder), newest first.
pub fn remembered_folders() -> Vec<PathBuf> {
    let Ok(dir) = crate::core::vault::app_config_dir() else {
        return Vec::new();
    };
    crate::core::fsutil::read_regular(&dir.join(FOLDERS_FILE), 16 * 1024)
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

/// Remember the folder a key file was picked from, to watch it next time (best effort: a folder
/// not remembered only means the OS's download folder is watched alone).
pub fn remember_folder(folder: &Path) {
    let Ok(dir) = crate::core::vault::app_config_dir() else {
        return;
    };
    let mut kept = remembered_folders();
    kept.retain(|f| f != folder);
    kept.insert(0, folder.to_path_buf());
    kept.truncate(FOLDERS_KEPT);
    if crate::core::fsutil::create_private_dir(&dir).is_ok() {
        let json = serde_json::to_vec(&kept).unwrap_or_default();
        let _ = crate::core::fsutil::write_private_file(
            &dir.join(FOLDERS_FILE),
            &json,
            crate::core::fsutil::Overwrite::Replace,
        );
    }
}

/// `AuthKey_<ID>.p8` (any case, with a browser's " (1)" copy suffix): what App Store Connect
/// downloads. Partial downloads (`.crdownload`, `.part`) do not match.
pub fn is_key_download(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".p8") && key_id_from_file_name(name).is_some()
}

/// `use_downloaded_key` with nothing found since the watch began.
pub fn nothing_found() -> Problem {
    Problem::new(
        Code::NoFile,
        "No downloaded key file was found yet.",
        "Choose the file yourself.",
    )
}

/// `use_downloaded_key` for a file no longer offered as it was (changed, moved, replaced).
pub fn not_as_offered(file_name: &str) -> Problem {
    Problem::new(
        Code::NoFile,
        format!("{file_name} changed or moved after the wizard found it."),
        "Choose the file yourself, or download the key again.",
    )
}

/// `trash_downloaded` when the offer does not stand (no safe copy, not a download, gone).
pub fn nothing_to_remove() -> Problem {
    Problem::new(
        Code::NoFile,
        "There is no download to remove now.",
        "Save the key first; then the download can go.",
    )
}

/// The same file or folder, however its path is spelled (a link, `..`).
pub fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_key_files_count() {
        for yes in [
            "AuthKey_2X9R4HXF34.p8",
            "authkey_2x9r4hxf34.P8",
            "AuthKey_2X9R4HXF34 (1).p8",
        ] {
            assert!(is_key_download(yes), "{yes}");
        }
        for no in [
            "AuthKey_2X9R4HXF34.p8.crdownload",
            "AuthKey_2X9R4HXF34.p8.part",
            "key.p8",
            "AuthKey_.p8",
            "notes.txt",
        ] {
            assert!(!is_key_download(no), "{no}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_world_writable_folder_is_never_watched() {
        use std::os::unix::fs::PermissionsExt;
        let (open, mine) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::set_permissions(open.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(mine.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let folders = download_folders(&[open.path().to_path_buf(), mine.path().to_path_buf()]);
        assert!(!folders.iter().any(|f| f == open.path()), "{folders:?}");
        assert!(folders.iter().any(|f| f == mine.path()), "{folders:?}");
    }
}
