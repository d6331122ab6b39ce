//! The watch on the download folders (the `notify` crate, so the wizard's alone): every new key
//! file that settles there is kept, with where it came from, and offered until it is the key in
//! use. The watch reads a file's name, size and origin only; the key itself is read when the
//! merchant chooses "Use this file". What counts and how it is offered: `core::downloads`.

use crate::core::downloads::{
    is_key_download, key_files_in, not_as_offered, same_path, settled, Download, Offer,
};
use crate::core::problem::Code;
use crate::core::Problem;
use notify::{RecursiveMode, Watcher as _};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A running watch: dropping it stops watching.
pub struct DownloadWatch {
    _watcher: notify::RecommendedWatcher,
    /// Every key file found since the watch began, oldest first, one per path.
    found: Arc<Mutex<Vec<Download>>>,
    pub folders: Vec<PathBuf>,
}

impl std::fmt::Debug for DownloadWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadWatch")
            .field("folders", &self.folders)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl DownloadWatch {
    /// Watch `folders` (not their subfolders) for new key files; `found` is called (on a
    /// background thread) once per file, when its size has settled.
    pub fn start(
        folders: Vec<PathBuf>,
        found: impl Fn(&Download) + Send + Sync + 'static,
    ) -> Result<DownloadWatch, Problem> {
        let started = SystemTime::now();
        // Key files already there are old news unless written again after this moment.
        let before: HashSet<PathBuf> = folders.iter().flat_map(|d| key_files_in(d)).collect();
        let all: Arc<Mutex<Vec<Download>>> = Arc::default();
        let pending: Arc<Mutex<HashSet<PathBuf>>> = Arc::default();
        let next = Arc::new(AtomicU64::new(1));
        let found = Arc::new(found);
        let (all2, pending2) = (all.clone(), pending.clone());
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                // Reading a file (the wizard's own fingerprint check included) is no news.
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for path in event.paths {
                    let named = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(is_key_download);
                    // One settling thread per file, however many events its writing raises.
                    if !named || !lock(&pending2).insert(path.clone()) {
                        continue;
                    }
                    let (all, pending, found, next, old) = (
                        all2.clone(),
                        pending2.clone(),
                        found.clone(),
                        next.clone(),
                        before.contains(&path),
                    );
                    std::thread::spawn(move || {
                        if let Some(mut d) = settled(&path, started, old) {
                            let new = {
                                // The same name written again is the newer file: the old offer goes.
                                // The same file seen again (an attribute touched) is no news.
                                let mut all = lock(&all);
                                let known = all.iter().any(|o| o.same_as(&d));
                                if !known {
                                    d.id = next.fetch_add(1, Ordering::Relaxed);
                                    all.retain(|o| o.path != d.path);
                                    all.push(d.clone());
                                }
                                !known
                            };
                            if new {
                                found(&d);
                            }
                        }
                        lock(&pending).remove(&path);
                    });
                }
            })
            .map_err(watch_failed)?;
        for dir in &folders {
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(watch_failed)?;
        }
        Ok(DownloadWatch {
            _watcher: watcher,
            found: all,
            folders,
        })
    }

    /// Every key file found since the watch began and still there as found, newest first.
    pub fn candidates(&self) -> Vec<Download> {
        lock(&self.found)
            .iter()
            .rev()
            .filter(|d| d.unchanged())
            .cloned()
            .collect()
    }

    /// The newest key file found since the watch began.
    pub fn latest(&self) -> Option<Download> {
        self.candidates().into_iter().next()
    }

    /// What step 3 offers: every candidate except the file already in use, so a later event
    /// never shows the file just loaded again.
    pub fn offers(&self, in_use: Option<&Path>) -> Vec<Offer> {
        self.candidates()
            .iter()
            .filter(|d| !in_use.is_some_and(|u| same_path(&d.path, u)))
            .map(Download::offered)
            .collect()
    }

    /// The candidate `id` names, if the file is still exactly as it was offered.
    pub fn take(&self, id: u64) -> Result<Download, Problem> {
        let all = lock(&self.found);
        // An id no longer kept: the file was written again (a newer offer replaced it) or never was.
        let d = all
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| not_as_offered("The file offered"))?;
        if d.unchanged() {
            Ok(d.clone())
        } else {
            Err(not_as_offered(&d.file_name))
        }
    }

    /// The files the watch saw arrive this session (for the trash offer).
    pub fn seen(&self) -> Vec<PathBuf> {
        lock(&self.found).iter().map(|d| d.path.clone()).collect()
    }
}

fn watch_failed(e: notify::Error) -> Problem {
    Problem::new(
        Code::WatchFailed,
        "The wizard cannot watch the Downloads folder for the key.",
        "Choose the downloaded file yourself once it is there.",
    )
    .detail(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn wait_for(watch: &DownloadWatch, n: usize) -> Vec<Download> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while watch.candidates().len() < n && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        watch.candidates()
    }

    fn pem() -> String {
        let key = crate::core::key::PrivateKey::from_secret(p256::SecretKey::random(
            &mut rand_core::OsRng,
        ));
        key.canonical_pem().to_string()
    }

    #[test]
    fn a_new_file_is_found_once_settled_and_an_old_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("AuthKey_OLDOLDOLD1.p8"), "old").unwrap();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let s2 = seen.clone();
        let watch = DownloadWatch::start(vec![dir.path().to_path_buf()], move |d| {
            s2.lock().unwrap().push(d.file_name.clone())
        })
        .unwrap();
        std::fs::write(
            dir.path().join("AuthKey_2X9R4HXF34.p8.crdownload"),
            "partial",
        )
        .unwrap();
        std::fs::rename(
            dir.path().join("AuthKey_2X9R4HXF34.p8.crdownload"),
            dir.path().join("AuthKey_2X9R4HXF34.p8"),
        )
        .unwrap();
        std::fs::write(dir.path().join("other.txt"), "x").unwrap();
        let d = wait_for(&watch, 1).into_iter().next().expect("found");
        assert_eq!(
            (d.file_name.as_str(), d.key_id.as_deref()),
            ("AuthKey_2X9R4HXF34.p8", Some("2X9R4HXF34"))
        );
        assert!(d
            .offer(d.seen + Duration::from_secs(3))
            .starts_with("Found AuthKey_2X9R4HXF34.p8, downloaded a few seconds ago"));
        // Nothing else is coming: let a stray second report show if there were one.
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(
            *seen.lock().unwrap(),
            ["AuthKey_2X9R4HXF34.p8"],
            "once, and never the old file"
        );
    }

    /// Issue 21 §2: an automatic download landing after the real key does not hide it; both are
    /// offered, newest first, and each is taken exactly as it was offered.
    #[test]
    fn every_new_candidate_is_offered_and_taken_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let watch = DownloadWatch::start(vec![dir.path().to_path_buf()], |_| {}).unwrap();
        let (real, other) = (
            dir.path().join("AuthKey_2X9R4HXF34.p8"),
            dir.path().join("AuthKey_ZZZZZZZZZ9.p8"),
        );
        std::fs::write(&real, pem()).unwrap();
        wait_for(&watch, 1);
        std::fs::write(&other, pem()).unwrap();
        let found = wait_for(&watch, 2);
        let names: Vec<_> = watch
            .offers(None)
            .into_iter()
            .map(|o| o.file_name)
            .collect();
        assert_eq!(
            names,
            ["AuthKey_ZZZZZZZZZ9.p8", "AuthKey_2X9R4HXF34.p8"],
            "both, newest first"
        );
        let real_id = found.iter().find(|d| d.path == real).unwrap().id;
        assert_eq!(
            watch.take(real_id).unwrap().path,
            real,
            "exactly the file offered"
        );
        // Changed since it was offered (same size, later write): refused, never another file.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&real, pem()).unwrap();
        let f = std::fs::File::options().write(true).open(&real).unwrap();
        f.set_modified(SystemTime::now() + Duration::from_secs(5))
            .unwrap();
        assert_eq!(watch.take(real_id).unwrap_err().code, "no_file");
    }

    /// Issue 21 §7: the file already loaded (however its path is spelled) is never offered again.
    #[test]
    fn the_file_in_use_is_never_offered_again() {
        let dir = tempfile::tempdir().unwrap();
        let watch = DownloadWatch::start(vec![dir.path().to_path_buf()], |_| {}).unwrap();
        let file = dir.path().join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&file, pem()).unwrap();
        wait_for(&watch, 1);
        assert_eq!(watch.offers(None).len(), 1);
        assert!(watch.offers(Some(&file)).is_empty(), "the file in use");
        let spelled = dir.path().join(".").join("AuthKey_2X9R4HXF34.p8");
        assert!(
            watch.offers(Some(&spelled)).is_empty(),
            "the same file by another path"
        );
        assert_eq!(
            watch
                .offers(Some(&dir.path().join("AuthKey_OTHER12345.p8")))
                .len(),
            1
        );
    }
}
