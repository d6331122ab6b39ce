//! A key file found in a watched folder: when it counts as arrived (its size settled, written
//! after the watch began), what is kept of it (name, Key ID, origin, size and time) and the words
//! it is offered with. The watch itself (the `notify` crate) is the wizard's: `app/downloads/`.

use super::{is_key_download, origin_host};
use crate::core::ids::key_id_from_file_name;
use crate::core::key::MAX_INPUT_BYTES;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a new file's size must stay the same before it is read (browsers write in pieces).
pub const SETTLE: Duration = Duration::from_millis(300);
/// How long to wait for a file to settle before giving up on it.
const SETTLE_LIMIT: Duration = Duration::from_secs(20);

/// A key file that appeared in a watched folder after the watch began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Names exactly this file as it was found: "Use this file" sends it back.
    pub id: u64,
    pub file_name: String,
    /// The Key ID in its name.
    pub key_id: Option<String>,
    /// The host the OS says it was downloaded from, when it records one.
    pub origin: Option<String>,
    pub path: PathBuf,
    pub seen: SystemTime,
    /// Size and modification time when it settled: a file changed since is not the one offered.
    stamp: (u64, Option<SystemTime>),
}

impl Download {
    /// "Found AuthKey_2X9R4HXF34.p8, downloaded a few seconds ago (from appstoreconnect.apple.com)."
    pub fn offer(&self, now: SystemTime) -> String {
        let secs = now.duration_since(self.seen).map_or(0, |d| d.as_secs());
        let ago = match secs {
            0..=59 => "a few seconds ago".to_owned(),
            60..=119 => "a minute ago".to_owned(),
            s => format!("{} minutes ago", s / 60),
        };
        let from = self
            .origin
            .as_ref()
            .map_or_else(String::new, |h| format!(" (from {h})"));
        format!("Found {}, downloaded {ago}{from}.", self.file_name)
    }

    pub fn offered(&self) -> Offer {
        Offer {
            id: self.id,
            file_name: self.file_name.clone(),
            key_id: self.key_id.clone(),
            origin: self.origin.clone(),
            message: self.offer(SystemTime::now()),
        }
    }

    /// Whether the file on disk is still the one found (same size and modification time).
    pub fn unchanged(&self) -> bool {
        std::fs::symlink_metadata(&self.path)
            .is_ok_and(|m| m.file_type().is_file() && stamp(&m) == self.stamp)
    }

    /// The same file as `other` found, unchanged in between (an attribute touched is no news).
    pub fn same_as(&self, other: &Download) -> bool {
        self.path == other.path && self.stamp == other.stamp
    }
}

/// A found download as the wizard offers it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Offer {
    pub id: u64,
    pub file_name: String,
    pub key_id: Option<String>,
    /// The host it came from, where the OS records one.
    pub origin: Option<String>,
    /// "Found AuthKey_2X9R4HXF34.p8, downloaded a few seconds ago."
    pub message: String,
}

/// The key files in `dir` now (the watch's "old news" unless written again).
pub fn key_files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(is_key_download)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn stamp(meta: &std::fs::Metadata) -> (u64, Option<SystemTime>) {
    (meta.len(), meta.modified().ok())
}

/// Wait until `path` is a regular file whose size (1 byte to 64 KiB) stays the same for
/// [`SETTLE`]; a file that was there before the watch counts only if written since. Blocks
/// (up to 20 s): the watch runs it on a thread of its own.
pub fn settled(path: &Path, started: SystemTime, existed: bool) -> Option<Download> {
    let deadline = std::time::Instant::now() + SETTLE_LIMIT;
    let mut last = None;
    while std::time::Instant::now() < deadline {
        std::thread::sleep(SETTLE);
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.file_type().is_file() || meta.len() as usize > MAX_INPUT_BYTES {
            return None;
        }
        let size = meta.len();
        if size > 0 && last == Some(size) {
            let written = meta.modified().ok()?;
            if existed && written < started {
                return None;
            }
            let file_name = path.file_name()?.to_str()?.to_owned();
            return Some(Download {
                id: 0,
                key_id: key_id_from_file_name(&file_name),
                file_name,
                origin: origin_host(path),
                path: path.to_path_buf(),
                seen: SystemTime::now(),
                stamp: stamp(&meta),
            });
        }
        last = Some(size);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file counts once its size holds still; one that was there before the watch began counts
    /// only when written since. Offered with its Key ID and how long ago it came.
    #[test]
    fn a_settled_file_is_found_and_an_old_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&file, "key").unwrap();
        let later = SystemTime::now() + Duration::from_secs(60);
        assert_eq!(
            settled(&file, later, true),
            None,
            "there before, not written since"
        );
        let d = settled(&file, later, false).expect("new since the watch began");
        assert_eq!(
            (d.file_name.as_str(), d.key_id.as_deref()),
            ("AuthKey_2X9R4HXF34.p8", Some("2X9R4HXF34"))
        );
        assert!(d.unchanged() && d.same_as(&d));
        assert_eq!(
            d.offer(d.seen + Duration::from_secs(125)),
            "Found AuthKey_2X9R4HXF34.p8, downloaded 2 minutes ago."
        );
        assert_eq!(key_files_in(dir.path()), std::slice::from_ref(&file));
        std::fs::write(&file, "another key").unwrap();
        assert!(!d.unchanged(), "written again: not the file found");
    }
}
