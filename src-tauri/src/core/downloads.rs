//! Catching the key's download: watch the download folders for a new `AuthKey_*.p8` from the
//! moment the wizard sends the merchant to App Store Connect, and, once a checked copy is safe,
//! move the downloaded file to the trash (Apple lets a key be downloaded once; the copy left in
//! Downloads is the one most at risk).

use crate::core::ids::key_id_from_file_name;
use crate::core::key::MAX_INPUT_BYTES;
use crate::core::problem::Code;
pub use crate::core::session::SafeCopy;
use crate::core::Problem;
use notify::{RecursiveMode, Watcher as _};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How long a new file's size must stay the same before it is read (browsers write in pieces).
pub const SETTLE: Duration = Duration::from_millis(300);
/// How long to wait for a file to settle before giving up on it.
const SETTLE_LIMIT: Duration = Duration::from_secs(20);

/// The OS's download folder (or `~/Downloads` where the OS names none), then `extra` folders
/// (the folder a key was picked from before), each once and only if it exists.
pub fn download_folders(extra: &[PathBuf]) -> Vec<PathBuf> {
    let os = dirs::download_dir().or_else(|| dirs::home_dir().map(|h| h.join("Downloads")));
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in os.into_iter().chain(extra.iter().cloned()) {
        if dir.is_dir() && !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

const FOLDERS_FILE: &str = "key-folders.json";
/// Folders remembered, newest first.
const FOLDERS_KEPT: usize = 5;

/// The folders key files were picked from before (kept in the app's settings folder), newest first.
pub fn remembered_folders() -> Vec<PathBuf> {
    let Ok(dir) = crate::core::vault::app_config_dir() else { return Vec::new() };
    crate::core::fsutil::read_regular(&dir.join(FOLDERS_FILE), 16 * 1024)
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

/// Remember the folder a key file was picked from, to watch it next time (best effort: a folder
/// not remembered only means the OS's download folder is watched alone).
pub fn remember_folder(folder: &Path) {
    let Ok(dir) = crate::core::vault::app_config_dir() else { return };
    let mut kept = remembered_folders();
    kept.retain(|f| f != folder);
    kept.insert(0, folder.to_path_buf());
    kept.truncate(FOLDERS_KEPT);
    if crate::core::fsutil::create_private_dir(&dir).is_ok() {
        let json = serde_json::to_vec(&kept).unwrap_or_default();
        let _ = crate::core::fsutil::write_private_file(&dir.join(FOLDERS_FILE), &json, crate::core::fsutil::Overwrite::Replace);
    }
}

/// `AuthKey_<ID>.p8` (any case, with a browser's " (1)" copy suffix): what App Store Connect
/// downloads. Partial downloads (`.crdownload`, `.part`) do not match.
pub fn is_key_download(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".p8") && key_id_from_file_name(name).is_some()
}

/// A key file that appeared in a watched folder after the watch began.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Download {
    pub file_name: String,
    /// The Key ID in its name.
    pub key_id: Option<String>,
    #[serde(skip)]
    pub path: PathBuf,
    #[serde(skip)]
    pub seen: SystemTime,
}

impl Download {
    /// "Found AuthKey_2X9R4HXF34.p8, downloaded a few seconds ago."
    pub fn offer(&self, now: SystemTime) -> String {
        let secs = now.duration_since(self.seen).map_or(0, |d| d.as_secs());
        let ago = match secs {
            0..=59 => "a few seconds ago".to_owned(),
            60..=119 => "a minute ago".to_owned(),
            s => format!("{} minutes ago", s / 60),
        };
        format!("Found {}, downloaded {ago}.", self.file_name)
    }
}

/// A running watch: dropping it stops watching.
pub struct DownloadWatch {
    _watcher: notify::RecommendedWatcher,
    latest: Arc<Mutex<Option<Download>>>,
    pub folders: Vec<PathBuf>,
}

impl std::fmt::Debug for DownloadWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadWatch").field("folders", &self.folders).finish_non_exhaustive()
    }
}

impl DownloadWatch {
    /// Watch `folders` (not their subfolders) for new key files; `found` is called (on a
    /// background thread) once per file, when its size has settled.
    pub fn start(folders: Vec<PathBuf>, found: impl Fn(&Download) + Send + Sync + 'static) -> Result<DownloadWatch, Problem> {
        let started = SystemTime::now();
        // Key files already there are old news unless written again after this moment.
        let before: HashSet<PathBuf> = folders.iter().flat_map(|d| key_files_in(d)).collect();
        let latest: Arc<Mutex<Option<Download>>> = Arc::default();
        let pending: Arc<Mutex<HashSet<PathBuf>>> = Arc::default();
        let found = Arc::new(found);
        let (latest2, pending2) = (latest.clone(), pending.clone());
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            for path in event.paths {
                let named = path.file_name().and_then(|n| n.to_str()).is_some_and(is_key_download);
                // One settling thread per file, however many events its writing raises.
                if !named || !pending2.lock().unwrap_or_else(|e| e.into_inner()).insert(path.clone()) {
                    continue;
                }
                let (latest, pending, found, old) = (latest2.clone(), pending2.clone(), found.clone(), before.contains(&path));
                std::thread::spawn(move || {
                    if let Some(d) = settled(&path, started, old) {
                        *latest.lock().unwrap_or_else(|e| e.into_inner()) = Some(d.clone());
                        found(&d);
                    }
                    pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&path);
                });
            }
        })
        .map_err(watch_failed)?;
        for dir in &folders {
            watcher.watch(dir, RecursiveMode::NonRecursive).map_err(watch_failed)?;
        }
        Ok(DownloadWatch { _watcher: watcher, latest, folders })
    }

    /// The newest key file found since the watch began.
    pub fn latest(&self) -> Option<Download> {
        self.latest.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn key_files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_key_download)).collect())
        .unwrap_or_default()
}

/// Wait until `path` is a regular file whose size (1 byte to 64 KiB) stays the same for
/// [`SETTLE`]; a file that was there before the watch counts only if written since.
fn settled(path: &Path, started: SystemTime, existed: bool) -> Option<Download> {
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
            return Some(Download { key_id: key_id_from_file_name(&file_name), file_name, path: path.to_path_buf(), seen: SystemTime::now() });
        }
        last = Some(size);
    }
    None
}

fn watch_failed(e: notify::Error) -> Problem {
    Problem::new(
        Code::WatchFailed,
        "The wizard cannot watch the Downloads folder for the key.",
        "Choose the downloaded file yourself once it is there.",
    )
    .detail(e)
}

/// What the trash is called where the merchant looks for it.
pub const fn trash_name() -> &'static str {
    if cfg!(target_os = "windows") {
        "Recycle Bin"
    } else {
        "Trash"
    }
}

/// A found download as the wizard offers it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Offer {
    pub file_name: String,
    pub key_id: Option<String>,
    /// "Found AuthKey_2X9R4HXF34.p8, downloaded a few seconds ago."
    pub message: String,
}

impl Download {
    pub fn offered(&self) -> Offer {
        Offer { file_name: self.file_name.clone(), key_id: self.key_id.clone(), message: self.offer(SystemTime::now()) }
    }
}

/// Done's offer to remove the download.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Cleanup {
    /// The file to move (never sent to the webview).
    #[serde(skip)]
    pub path: PathBuf,
    pub file_name: String,
    pub folder: String,
    pub trash: &'static str,
    /// Why, and what stays: shown beside the button.
    pub message: String,
    /// The button's words.
    pub action: String,
}

/// The offer, only for a key file that sits in a download folder and only once a safe copy exists.
pub fn cleanup_offer(key_path: Option<&Path>, safe: Option<&SafeCopy>, folders: &[PathBuf]) -> Option<Cleanup> {
    let (path, safe) = (key_path?, safe?);
    let file_name = path.file_name()?.to_str()?.to_owned();
    let folder = path.parent()?;
    if !folders.iter().any(|f| same_dir(f, folder)) || !path.is_file() {
        return None;
    }
    let shown = folder.file_name().and_then(|n| n.to_str()).unwrap_or("Downloads").to_owned();
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
    })
}

/// `use_downloaded_key` with nothing found since the watch began.
pub fn nothing_found() -> Problem {
    Problem::new(Code::NoFile, "No downloaded key file was found yet.", "Choose the file yourself.")
}

/// `trash_downloaded` when the offer does not stand (no safe copy, not a download, gone).
pub fn nothing_to_remove() -> Problem {
    Problem::new(Code::NoFile, "There is no download to remove now.", "Save the key first; then the download can go.")
}

fn safe_words(safe: &SafeCopy) -> String {
    match safe {
        SafeCopy::Keychain { store } => format!("the copy in this computer's {store}"),
        SafeCopy::Export { path } => format!("the exported copy at {}", path.display()),
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Move the download to the trash (never a plain delete: the merchant can still get it back).
pub fn move_to_trash(path: &Path) -> Result<String, Problem> {
    trash::delete(path).map_err(|e| {
        Problem::new(
            Code::TrashFailed,
            format!("The file could not be moved to the {}.", trash_name()),
            "Nothing was deleted. Move the file yourself, or leave it where it is.",
        )
        .detail(e)
    })?;
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    Ok(format!("{name} is in the {}. The checked copy stays where it was saved.", trash_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_key_files_count() {
        for yes in ["AuthKey_2X9R4HXF34.p8", "authkey_2x9r4hxf34.P8", "AuthKey_2X9R4HXF34 (1).p8"] {
            assert!(is_key_download(yes), "{yes}");
        }
        for no in ["AuthKey_2X9R4HXF34.p8.crdownload", "AuthKey_2X9R4HXF34.p8.part", "key.p8", "AuthKey_.p8", "notes.txt"] {
            assert!(!is_key_download(no), "{no}");
        }
    }

    #[test]
    fn a_new_file_is_found_once_settled_and_an_old_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("AuthKey_OLDOLDOLD1.p8"), "old").unwrap();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let s2 = seen.clone();
        let watch = DownloadWatch::start(vec![dir.path().to_path_buf()], move |d| s2.lock().unwrap().push(d.file_name.clone())).unwrap();
        std::fs::write(dir.path().join("AuthKey_2X9R4HXF34.p8.crdownload"), "partial").unwrap();
        std::fs::rename(dir.path().join("AuthKey_2X9R4HXF34.p8.crdownload"), dir.path().join("AuthKey_2X9R4HXF34.p8")).unwrap();
        std::fs::write(dir.path().join("other.txt"), "x").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while watch.latest().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let d = watch.latest().expect("found");
        assert_eq!((d.file_name.as_str(), d.key_id.as_deref()), ("AuthKey_2X9R4HXF34.p8", Some("2X9R4HXF34")));
        assert!(d.offer(d.seen + Duration::from_secs(3)).starts_with("Found AuthKey_2X9R4HXF34.p8, downloaded a few seconds ago"));
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(*seen.lock().unwrap(), ["AuthKey_2X9R4HXF34.p8"], "once, and never the old file");
    }

    #[test]
    fn the_cleanup_is_offered_only_for_a_download_with_a_safe_copy() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&file, "k").unwrap();
        let folders = vec![dir.path().to_path_buf()];
        let safe = SafeCopy::Keychain { store: "Secret Service" };
        assert_eq!(cleanup_offer(Some(&file), None, &folders), None, "no safe copy yet");
        assert_eq!(cleanup_offer(Some(&file), Some(&safe), &[]), None, "not in a download folder");
        let offer = cleanup_offer(Some(&file), Some(&safe), &folders).unwrap();
        assert!(offer.message.contains("Apple will not let you download this key again"), "{}", offer.message);
        assert!(offer.message.contains("Secret Service"));
        assert_eq!(offer.action, format!("Move AuthKey_2X9R4HXF34.p8 to the {}", trash_name()));
    }
}
