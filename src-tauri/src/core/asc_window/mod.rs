//! The embedded App Store Connect window's rules, Tauri-free: where it may go (`navigation`), how the key's download is caught off the disk (`catch`), which page it shows and what to do there (`pages`).
//!
//! `app/asc_window/` applies these to a real webview; every decision and every word lives here so
//! it is tested without a window.

pub mod catch;
pub mod fallback;
pub mod navigation;
pub mod pages;
pub mod way;

pub use catch::{from_data_url, take_finished, Caught};
pub use navigation::{Rule, Verdict};
pub use pages::{issuer_offer, recognise, Page};
pub use way::Way;

use crate::core::fsutil;
use crate::core::problem::Code;
use crate::core::Problem;
use std::path::{Path, PathBuf};

/// How long the window's web data must stay gone for a sign-out to count.
pub const SIGN_OUT_SETTLE: std::time::Duration = std::time::Duration::from_millis(800);
/// How long a sign-out keeps removing a folder that comes back.
pub const SIGN_OUT_LIMIT: std::time::Duration = std::time::Duration::from_secs(8);

/// The window's own folders, under the app's local data folder (0700 each). `webview` is its web
/// data (cookies: the Apple sign-in kept across launches, so a merchant waiting for Apple's Request
/// Access stays signed in), never shared with the wizard's: on Linux the download handler belongs
/// to the web context, and web contexts are keyed by this folder. `downloads` holds a `blob:` or
/// attachment download only until it is read.
#[derive(Debug, Clone)]
pub struct Folders {
    pub webview: PathBuf,
    pub downloads: PathBuf,
}

impl Folders {
    /// The folders under `base` (the app's local data folder, or a test's temporary one).
    pub fn under(base: &Path) -> Folders {
        let root = base.join("asc-window");
        Folders {
            webview: root.join("webview"),
            downloads: root.join("downloads"),
        }
    }

    /// The folders of this user's app.
    pub fn of_app() -> Result<Folders, Problem> {
        let base = dirs::data_local_dir()
            .map(|d| d.join(crate::core::vault::SERVICE))
            .ok_or_else(|| {
                Problem::new(
                    Code::AscWindowFailed,
                    "This computer has no folder for the app's data.",
                    "Use my browser instead.",
                )
            })?;
        Ok(Folders::under(&base))
    }

    /// Create both, owner-only; a download left by a crash is wiped first.
    pub fn prepare(&self) -> Result<(), Problem> {
        fsutil::create_private_dir(&self.webview)?;
        fsutil::tighten_private_dir(&self.webview);
        catch::prepare_folder(&self.downloads)?;
        self.wipe_downloads();
        Ok(())
    }

    /// "Sign out of Apple in this app", and Finish: the window's web data goes (Apple's sign-in
    /// with it), and any download not yet read. The window must be closed first.
    pub fn sign_out(&self) -> Result<(), Problem> {
        self.wipe_downloads();
        // The web view's own processes finish clearing its data after the window is gone (WebKitGTK
        // clears asynchronously) and may write their files again: the folder is removed until it
        // has stayed gone for `SIGN_OUT_SETTLE`, for up to `SIGN_OUT_LIMIT`.
        let started = std::time::Instant::now();
        let mut gone_since: Option<std::time::Instant> = None;
        loop {
            let removed = match std::fs::remove_dir_all(&self.webview) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e),
            };
            if removed.is_ok() && !self.webview.exists() {
                let since = *gone_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() >= SIGN_OUT_SETTLE {
                    return Ok(());
                }
            } else {
                gone_since = None;
            }
            if started.elapsed() >= SIGN_OUT_LIMIT {
                return Err(Problem::new(
                    Code::WriteFailed,
                    "The App Store Connect window's sign-in could not be removed.",
                    "Close the wizard and try again; or sign out on the App Store Connect page itself.",
                )
                .detail(removed.err().map_or("the folder came back".to_owned(), |e| e.to_string())));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    fn wipe_downloads(&self) {
        for entry in std::fs::read_dir(&self.downloads)
            .into_iter()
            .flatten()
            .flatten()
        {
            catch::wipe_file(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_out_removes_the_sign_in_and_any_unread_download() {
        let dir = tempfile::tempdir().unwrap();
        let f = Folders::under(dir.path());
        f.prepare().unwrap();
        std::fs::write(f.webview.join("cookies.sqlite"), "session").unwrap();
        std::fs::write(f.downloads.join("AuthKey_X.p8"), "key").unwrap();
        // A crash left a download: the next opening wipes it, and keeps the sign-in.
        f.prepare().unwrap();
        assert_eq!(std::fs::read_dir(&f.downloads).unwrap().count(), 0);
        assert!(f.webview.join("cookies.sqlite").exists());
        std::fs::write(f.downloads.join("AuthKey_X.p8"), "key").unwrap();
        f.sign_out().unwrap();
        assert!(!f.webview.exists());
        assert_eq!(std::fs::read_dir(&f.downloads).unwrap().count(), 0);
        f.sign_out().unwrap();
    }

    #[test]
    fn a_sign_in_folder_that_comes_back_is_removed_again() {
        let dir = tempfile::tempdir().unwrap();
        let f = Folders::under(dir.path());
        f.prepare().unwrap();
        let webview = f.webview.clone();
        // As WebKitGTK finishing its asynchronous clear after the window went: the folder is
        // written once more, a moment after it was removed.
        let late = std::thread::spawn(move || {
            while webview.exists() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
            std::fs::create_dir_all(&webview).unwrap();
            std::fs::write(webview.join("cookies.sqlite"), "late").unwrap();
        });
        f.sign_out().unwrap();
        late.join().unwrap();
        assert!(!f.webview.exists(), "the late write was removed too");
    }

    #[test]
    fn a_caught_key_loads_as_a_picked_file_with_no_path() {
        use p256::pkcs8::{EncodePrivateKey, LineEnding};
        let pem = p256::SecretKey::random(&mut rand_core::OsRng)
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap();
        let url = format!(
            "data:;base64,{}",
            <base64ct::Base64 as base64ct::Encoding>::encode_string(pem.as_bytes())
        );
        let caught = from_data_url(&url, Some("AuthKey_2X9R4HXF34.p8")).unwrap();
        let mut session = crate::core::session::Session::new();
        let loaded = session.load_caught(&caught);
        assert!(loaded.report.ok);
        assert_eq!(loaded.report.key_id.as_deref(), Some("2X9R4HXF34"));
        assert_eq!(loaded.source, crate::core::session::Source::Caught);
        let key_ref = loaded.key_ref.unwrap();
        assert!(session.get(&key_ref).is_ok());
        assert!(
            session.path(&key_ref).is_err(),
            "nothing of it is on disk to show"
        );
    }
}
