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
        // The web view's own processes may still be writing their last files as the window goes:
        // a folder that refills while it is removed is tried again, for up to two seconds.
        let mut tries = 0;
        loop {
            match std::fs::remove_dir_all(&self.webview) {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(_) if tries < 20 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => {
                    return Err(Problem::new(
                        Code::WriteFailed,
                        "The App Store Connect window's sign-in could not be removed.",
                        "Close the wizard and try again; or sign out on the App Store Connect page itself.",
                    )
                    .detail(&e))
                }
            }
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
