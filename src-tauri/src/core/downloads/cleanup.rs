//! Done's offer to move the real download to the trash. It stands only for a key file that is
//! a download (named like one, in the OS's download folder or seen arriving this session in a
//! folder that is neither a tool's nor one remembered from a pick: those are watched, never
//! cleaned) holding the very key whose safe copy exists; at the click the
//! safe copy is read back again, because an export can be deleted and a keychain item removed in
//! Saved keys after it was made.

use super::{is_key_download, same_path, SafeCopy};
use crate::core::problem::Code;
use crate::core::vault::Vault;
use crate::core::Problem;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What the trash is called where the merchant looks for it.
pub const fn trash_name() -> &'static str {
    if cfg!(target_os = "windows") {
        "Recycle Bin"
    } else {
        "Trash"
    }
}

/// Done's offer to remove the download.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Cleanup {
    /// The file to move (never sent to the webview).
    #[serde(skip)]
    pub path: PathBuf,
    /// The safe copy to read back at the click, and the fingerprint it and the file must have.
    #[serde(skip)]
    pub safe: SafeCopy,
    #[serde(skip)]
    pub fingerprint: String,
    pub file_name: String,
    pub folder: String,
    pub trash: &'static str,
    /// Why, and what stays: shown beside the button.
    pub message: String,
    /// The button's words.
    pub action: String,
}

/// What the offer is decided from.
#[derive(Debug, Clone, Copy)]
pub struct CleanupFacts<'a> {
    /// The selected key's file (`None` for pasted text).
    pub path: Option<&'a Path>,
    /// The selected key's fingerprint: the safe copy was made of this key.
    pub fingerprint: &'a str,
    pub safe: Option<&'a SafeCopy>,
    /// The files the watch saw arrive this session.
    pub seen: &'a [PathBuf],
    /// Folders remembered from picks (watched, never cleaned).
    pub remembered: &'a [PathBuf],
    /// The OS's download folder.
    pub os_folder: Option<&'a Path>,
}

/// The offer, when it stands (see the module's rules).
pub fn cleanup_offer(f: &CleanupFacts<'_>) -> Option<Cleanup> {
    let (path, safe) = (f.path?, f.safe?);
    let file_name = path.file_name()?.to_str()?.to_owned();
    let folder = path.parent()?;
    let in_downloads = f.os_folder.is_some_and(|d| same_path(d, folder));
    let arrived = f.seen.iter().any(|s| same_path(s, path))
        && !f.remembered.iter().any(|r| same_path(r, folder));
    if !is_key_download(&file_name) || in_tool_folder(path) || !(in_downloads || arrived) {
        return None;
    }
    if matches!(safe, SafeCopy::Export { path: export } if same_path(export, path)) {
        return None;
    }
    if fingerprint_of_file(path).as_deref() != Some(f.fingerprint) {
        return None;
    }
    let shown = folder
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("Downloads")
        .to_owned();
    Some(Cleanup {
        message: format!(
            "{file_name} is still in {shown}. Apple will not let you download this key again, and {} is checked and safe: the download can go.",
            safe_words(safe)
        ),
        action: format!("Move {file_name} to the {}", trash_name()),
        trash: trash_name(),
        folder: shown,
        file_name,
        path: path.to_path_buf(),
        safe: safe.clone(),
        fingerprint: f.fingerprint.to_owned(),
    })
}

/// Folders where tools look for a key (altool's `~/.appstoreconnect/private_keys`, a repository's
/// `fastlane/`): a key there is in use, never a download to clean up.
fn in_tool_folder(path: &Path) -> bool {
    path.parent()
        .into_iter()
        .flat_map(Path::components)
        .any(|c| {
            let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
            matches!(c.as_str(), ".appstoreconnect" | "private_keys" | "fastlane")
        })
}

/// At the click: the safe copy is still there and still this key, and so is the download.
/// `vault` opens the keychain only for a keychain copy.
pub fn recheck_safe_copy(
    offer: &Cleanup,
    vault: impl FnOnce() -> Result<Vault, Problem>,
) -> Result<(), Problem> {
    let found = match &offer.safe {
        SafeCopy::Keychain { key_id, .. } => vault()?.load(key_id).ok().map(|k| k.fingerprint),
        SafeCopy::Export { path } => fingerprint_of_file(path),
    };
    if found.as_deref() != Some(offer.fingerprint.as_str()) {
        return Err(safe_copy_missing(&offer.safe));
    }
    if fingerprint_of_file(&offer.path).as_deref() != Some(offer.fingerprint.as_str()) {
        return Err(super::nothing_to_remove());
    }
    Ok(())
}

/// The safe copy is gone (or holds another key) since it was made: the download stays.
pub fn safe_copy_missing(safe: &SafeCopy) -> Problem {
    Problem::new(
        Code::SafeCopyMissing,
        format!(
            "{} is no longer there (or holds another key), so the download stays.",
            upper_first(&safe_words(safe))
        ),
        "Nothing was moved. Save the key again (keychain or export), then move the download.",
    )
}

/// The fingerprint of the key in a file, if it holds a usable one (any format the check reads:
/// a `.p8`, fastlane's JSON, an env file).
pub(crate) fn fingerprint_of_file(path: &Path) -> Option<String> {
    crate::core::key::check_path(path, None, None, Default::default())
        .ok()?
        .report
        .fingerprint
}

fn safe_words(safe: &SafeCopy) -> String {
    match safe {
        SafeCopy::Keychain { store, .. } => format!("the copy in this computer's {store}"),
        SafeCopy::Export { path } => format!("the exported copy at {}", path.display()),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Setup {
        _dir: tempfile::TempDir,
        downloads: PathBuf,
        root: PathBuf,
        fingerprint: String,
        pem: String,
        remembered: Vec<PathBuf>,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let downloads = dir.path().join("Downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let key = crate::core::key::PrivateKey::from_secret(p256::SecretKey::random(
            &mut rand_core::OsRng,
        ));
        let remembered = vec![downloads.clone(), dir.path().join("Desktop")];
        Setup {
            root: dir.path().to_path_buf(),
            _dir: dir,
            downloads,
            fingerprint: key.fingerprint().to_owned(),
            pem: key.canonical_pem().to_string(),
            remembered,
        }
    }

    fn keychain() -> SafeCopy {
        SafeCopy::Keychain {
            store: "Secret Service",
            key_id: "2X9R4HXF34".into(),
        }
    }

    fn facts<'a>(
        s: &'a Setup,
        path: &'a Path,
        safe: Option<&'a SafeCopy>,
        seen: &'a [PathBuf],
    ) -> CleanupFacts<'a> {
        CleanupFacts {
            path: Some(path),
            fingerprint: &s.fingerprint,
            safe,
            seen,
            remembered: &s.remembered,
            os_folder: Some(&s.downloads),
        }
    }

    #[test]
    fn the_cleanup_is_offered_only_for_a_download_with_a_safe_copy() {
        let s = setup();
        let file = s.downloads.join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&file, &s.pem).unwrap();
        let safe = keychain();
        assert_eq!(
            cleanup_offer(&facts(&s, &file, None, &[])),
            None,
            "no safe copy yet"
        );
        let offer = cleanup_offer(&facts(&s, &file, Some(&safe), &[])).unwrap();
        assert!(
            offer
                .message
                .contains("Apple will not let you download this key again"),
            "{}",
            offer.message
        );
        assert!(offer.message.contains("Secret Service"));
        assert_eq!(
            offer.action,
            format!("Move AuthKey_2X9R4HXF34.p8 to the {}", trash_name())
        );
    }

    /// Issue 21 §2: altool's folder, a repository's `fastlane/` and a folder remembered from a
    /// pick are never cleaned, even holding the very key; a file seen arriving elsewhere is.
    #[test]
    fn a_key_in_use_by_tools_or_in_a_remembered_folder_is_never_offered() {
        let s = setup();
        let safe = keychain();
        for folder in [
            ".appstoreconnect/private_keys",
            "repo/fastlane",
            "Desktop",
            "Elsewhere",
        ] {
            let dir = s.root.join(folder);
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("AuthKey_2X9R4HXF34.p8");
            std::fs::write(&file, &s.pem).unwrap();
            assert_eq!(
                cleanup_offer(&facts(&s, &file, Some(&safe), &[])),
                None,
                "{folder}"
            );
            let arrived = [file.clone()];
            let offered = cleanup_offer(&facts(&s, &file, Some(&safe), &arrived)).is_some();
            assert_eq!(
                offered,
                folder == "Elsewhere",
                "{folder}: only a file seen arriving outside tool and remembered folders"
            );
        }
    }

    /// Issue 21 §2: a file holding another key, a file not named like a download, and the
    /// export itself are not offered.
    #[test]
    fn only_the_very_key_named_as_a_download_is_offered() {
        let s = setup();
        let safe = keychain();
        let other = s.downloads.join("AuthKey_ZZZZZZZZZ9.p8");
        let key = crate::core::key::PrivateKey::from_secret(p256::SecretKey::random(
            &mut rand_core::OsRng,
        ));
        std::fs::write(&other, key.canonical_pem()).unwrap();
        assert_eq!(
            cleanup_offer(&facts(&s, &other, Some(&safe), &[])),
            None,
            "another key"
        );
        let renamed = s.downloads.join("my-key.p8");
        std::fs::write(&renamed, &s.pem).unwrap();
        assert_eq!(
            cleanup_offer(&facts(&s, &renamed, Some(&safe), &[])),
            None,
            "not a download's name"
        );
        let export = s.downloads.join("AuthKey_2X9R4HXF34 (1).p8");
        std::fs::write(&export, &s.pem).unwrap();
        let exported = SafeCopy::Export {
            path: export.clone(),
        };
        assert_eq!(
            cleanup_offer(&facts(&s, &export, Some(&exported), &[])),
            None,
            "the safe copy itself"
        );
    }

    /// Issue 21 §2: at the click the export is read back; deleted or replaced, nothing goes.
    #[test]
    fn a_deleted_export_refuses_the_trash() {
        let s = setup();
        let file = s.downloads.join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&file, &s.pem).unwrap();
        let export = s.root.join("asc_api_key_2X9R4HXF34.env");
        std::fs::write(&export, &s.pem).unwrap();
        let safe = SafeCopy::Export {
            path: export.clone(),
        };
        let offer = cleanup_offer(&facts(&s, &file, Some(&safe), &[])).unwrap();
        let no_vault = || -> Result<Vault, Problem> { panic!("an export needs no keychain") };
        assert!(recheck_safe_copy(&offer, no_vault).is_ok());
        std::fs::remove_file(&export).unwrap();
        assert_eq!(
            recheck_safe_copy(&offer, no_vault).unwrap_err().code,
            "safe_copy_missing"
        );
        assert!(file.exists());
    }
}
