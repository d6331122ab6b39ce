//! Where an export lands (issue 21 §4): without a named place, a private folder outside any git
//! work tree (altool's own folder for altool); and never, unless the user named the place, a
//! file inside a work tree that git does not ignore, where a `git add -A` would commit the key.

use super::formats::Home;
use super::ExportFormat;
use crate::core::fsutil::{create_private_dir, refuse_symlinked_dir, tighten_private_dir};
use crate::core::problem::{Code, WayOut};
use crate::core::Problem;
use std::path::{Path, PathBuf};

/// `~/.appstoreconnect/private_keys`, one of the folders altool searches.
pub fn altool_dir() -> Result<PathBuf, Problem> {
    dirs::home_dir()
        .map(|h| h.join(".appstoreconnect").join("private_keys"))
        .ok_or_else(no_home)
}

/// The private folder exports go to when no place is named: `exports` in the app's local data
/// folder (`$XDG_DATA_HOME` or `~/.local/share` on Linux, `~/Library/Application Support` on
/// macOS, `%LOCALAPPDATA%` on Windows: not the roaming profile, which a domain may copy to a
/// server), owner-only. Not the current folder: that is often a repository.
pub fn exports_dir() -> Result<PathBuf, Problem> {
    dirs::data_local_dir()
        .map(|d| d.join(crate::core::vault::SERVICE).join("exports"))
        .ok_or_else(no_home)
}

fn no_home() -> Problem {
    Problem::new(
        Code::StorageUnavailable,
        "Could not find your home folder.",
        "Name the folder to write the key to.",
    )
    .way_out(WayOut::OutFolder)
}

pub fn altool_file_name(key_id: &str) -> String {
    format!("AuthKey_{key_id}.p8")
}

/// The file name a format gets inside a folder.
pub(super) fn default_file_name(format: ExportFormat, key_id: &str) -> String {
    format.file_name(key_id)
}

/// The folder a format goes to when no place is named: altool's own, else [`exports_dir`].
pub fn default_dir(format: ExportFormat) -> Result<PathBuf, Problem> {
    match format.spec().home {
        Home::Altool => altool_dir(),
        Home::Exports => exports_dir(),
    }
}

/// Where a format goes when no place is named.
pub fn default_path(format: ExportFormat, key_id: &str) -> Result<PathBuf, Problem> {
    Ok(default_dir(format)?.join(default_file_name(format, key_id)))
}

/// Create the default folder (and its parent when it is ours), owner-only, links refused.
pub(super) fn make_default_dir(format: ExportFormat) -> Result<(), Problem> {
    let dir = default_dir(format)?;
    if let Some(parent) = dir.parent() {
        // ~/.appstoreconnect and the app's data folder are ours to create and make private.
        refuse_symlinked_dir(parent)?;
        create_private_dir(parent)?;
        tighten_private_dir(parent);
    }
    create_private_dir(&dir)?;
    tighten_private_dir(&dir);
    Ok(())
}

/// The git work tree `path` would be in: the nearest folder above it holding `.git` (a folder,
/// or the file a linked work tree or a submodule has).
pub fn work_tree(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Whether git ignores `path` in the work tree at `root` (`git check-ignore -q`: 0 ignored, 1
/// not). Without git, or when git cannot tell, it is not ignored: the answer that keeps the key
/// out of a commit.
fn ignored(root: &Path, path: &Path) -> bool {
    let mut git = std::process::Command::new("git");
    git.arg("-C")
        .arg(root)
        .args(["check-ignore", "-q", "--"])
        .arg(path);
    // The repository is the one around the file, not one the environment points at.
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_CEILING_DIRECTORIES",
    ] {
        git.env_remove(var);
    }
    git.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(windows)]
    {
        // The wizard has no console: no window flashing up for git.
        use std::os::windows::process::CommandExt;
        git.creation_flags(0x0800_0000);
    }
    git.status().is_ok_and(|s| s.code() == Some(0))
}

/// The work tree `path` is exposed in: inside it, and not ignored by git.
pub fn exposed_in(path: &Path) -> Option<PathBuf> {
    let root = work_tree(path)?;
    (!ignored(&root, path)).then_some(root)
}

/// Where the wizard writes an export: Downloads (else home), where a merchant finds it; but
/// `None` (the private default) for a format with a folder of its own (altool's), and when that
/// place is in a git work tree that does not ignore the file.
pub fn wizard_folder(format: ExportFormat, key_id: &str) -> Option<PathBuf> {
    wizard_folder_in(
        dirs::download_dir()
            .filter(|d| d.is_dir())
            .or_else(dirs::home_dir),
        format,
        key_id,
    )
}

/// [`wizard_folder`] with the Downloads (or home) folder given, so the rule can be tested.
fn wizard_folder_in(
    downloads: Option<PathBuf>,
    format: ExportFormat,
    key_id: &str,
) -> Option<PathBuf> {
    if format.spec().home != Home::Exports {
        return None;
    }
    let dir = downloads?;
    exposed_in(&dir.join(default_file_name(format, key_id)))
        .is_none()
        .then_some(dir)
}

/// An export not named by the user would land where git would commit it.
pub(super) fn in_repository(path: &Path, root: &Path) -> Problem {
    Problem::new(
        Code::ExportInRepository,
        format!(
            "{} is inside the git repository at {} and git does not ignore it: a `git add -A` would commit the private key.",
            path.display(),
            root.display()
        ),
        "Nothing was written. Choose a folder outside the repository (or name this one if you really mean it, and add the file to .gitignore).",
    )
    .way_out(WayOut::OutFolder)
}

/// Said when the user named a place inside a work tree that does not ignore it.
pub(super) fn in_repository_note(root: &Path) -> String {
    format!(
        "This file is inside the git repository at {} and git does not ignore it: add it to .gitignore or delete it once used, or a `git add -A` will commit your private key.",
        root.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_tree_is_the_nearest_folder_with_git() {
        let dir = tempfile::tempdir().unwrap();
        let (outer, inner) = (
            dir.path().join("home"),
            dir.path().join("home/projects/shop"),
        );
        std::fs::create_dir_all(outer.join(".git")).unwrap();
        std::fs::create_dir_all(&inner).unwrap();
        // A linked work tree or a submodule has a `.git` file.
        std::fs::write(inner.join(".git"), "gitdir: ../../.git/worktrees/shop\n").unwrap();
        assert_eq!(
            work_tree(&inner.join("a/AuthKey_X.p8")),
            Some(inner.clone())
        );
        assert_eq!(
            work_tree(&outer.join("Downloads/AuthKey_X.p8")),
            Some(outer.clone())
        );
        assert_eq!(
            work_tree(&dir.path().join("elsewhere/AuthKey_X.p8"))
                .filter(|r| r.starts_with(dir.path())),
            None
        );
    }

    /// Issue 21 §4, the wizard's side: Downloads kept in a git work tree that does not ignore the
    /// file is left for the private folder (`None`); a plain Downloads is used as it is.
    #[test]
    fn the_wizard_leaves_a_downloads_folder_that_git_would_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (home, plain) = (dir.path().join("home"), dir.path().join("plain/Downloads"));
        std::fs::create_dir_all(home.join(".git")).unwrap();
        std::fs::create_dir_all(home.join("Downloads")).unwrap();
        std::fs::create_dir_all(&plain).unwrap();
        let format = ExportFormat::Fastlane;
        assert_eq!(
            wizard_folder_in(Some(home.join("Downloads")), format, "2X9R4HXF34"),
            None
        );
        assert_eq!(
            wizard_folder_in(Some(plain.clone()), format, "2X9R4HXF34"),
            Some(plain)
        );
        assert_eq!(
            wizard_folder_in(
                Some(home.join("Downloads")),
                ExportFormat::Altool,
                "2X9R4HXF34"
            ),
            None,
            "altool keeps its own folder"
        );
    }
}
