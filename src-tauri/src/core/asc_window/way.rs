//! Which way step 2 takes the merchant to App Store Connect (this app's window, or their browser), remembered across launches.
//!
//! The window is the default. A merchant who chose the browser, or was sent there by a fallback
//! (a sign-in that cannot finish in a system web view, a window that cannot open), keeps that
//! choice: the next launch opens step 2 with the browser first rather than offering the window that
//! failed them again. One word in the app's settings folder; nothing secret.

use crate::core::fsutil::{create_private_dir, read_regular, write_private_file, Overwrite};
use crate::core::vault::app_config_dir;
use crate::core::Problem;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// "Open App Store Connect here": the embedded window, which catches the key off the disk.
    #[default]
    Here,
    /// "Use my browser instead": the numbered steps and the download watch.
    Browser,
}

const FILE: &str = "asc-way.json";

/// The way kept in the app's settings folder; the window when none was chosen or the file is
/// unreadable.
pub fn load() -> Way {
    app_config_dir()
        .ok()
        .and_then(|d| load_from(&d))
        .unwrap_or_default()
}

/// Keep the merchant's choice.
pub fn remember(way: Way) -> Result<(), Problem> {
    remember_in(&app_config_dir()?, way)
}

fn load_from(dir: &Path) -> Option<Way> {
    let bytes = read_regular(&dir.join(FILE), 256).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn remember_in(dir: &Path, way: Way) -> Result<(), Problem> {
    create_private_dir(dir)?;
    let json = serde_json::to_vec(&way).unwrap_or_default();
    write_private_file(&dir.join(FILE), &json, Overwrite::Replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_by_default_and_the_choice_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_from(dir.path()).unwrap_or_default(), Way::Here);
        remember_in(dir.path(), Way::Browser).unwrap();
        assert_eq!(load_from(dir.path()), Some(Way::Browser));
        remember_in(dir.path(), Way::Here).unwrap();
        assert_eq!(load_from(dir.path()), Some(Way::Here));
        std::fs::write(dir.path().join(FILE), b"\"sideways\"").unwrap();
        assert_eq!(load_from(dir.path()), None, "only known ways come back");
        assert_eq!(serde_json::to_value(Way::Browser).unwrap(), "browser");
    }
}
