//! Where a merchant left the wizard before any key existed (Apple may take days to grant API
//! access): kept as one word in the app's settings folder, so the next start reopens there.

use crate::core::fsutil::{create_private_dir, read_regular, write_private_file, Overwrite};
use crate::core::vault::app_config_dir;
use crate::core::Problem;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The steps worth coming back to. Later steps need the key file again, so they are not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// "Create the key in App Store Connect", step 1 done.
    Create,
}

const FILE: &str = "wizard-place.json";

/// The place kept in the app's settings folder; `None` when there is none or it is unreadable.
pub fn load() -> Option<Place> {
    load_from(&app_config_dir().ok()?)
}

/// Keep `place`, or forget it (`None`: step 1, Finish, "Start over").
pub fn remember(place: Option<Place>) -> Result<(), Problem> {
    remember_in(&app_config_dir()?, place)
}

fn load_from(dir: &Path) -> Option<Place> {
    let bytes = read_regular(&dir.join(FILE), 256).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn remember_in(dir: &Path, place: Option<Place>) -> Result<(), Problem> {
    let path = dir.join(FILE);
    match place {
        Some(p) => {
            create_private_dir(dir)?;
            let json = serde_json::to_vec(&p).unwrap_or_default();
            write_private_file(&path, &json, Overwrite::Replace)
        }
        None => {
            // Nothing kept is the same as nothing to forget.
            let _ = std::fs::remove_file(&path);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_kept_forgotten_and_garbage_ignored() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_from(dir.path()), None);
        remember_in(dir.path(), Some(Place::Create)).unwrap();
        assert_eq!(load_from(dir.path()), Some(Place::Create));
        remember_in(dir.path(), None).unwrap();
        assert_eq!(load_from(dir.path()), None);
        std::fs::write(dir.path().join(FILE), b"\"test\"").unwrap();
        assert_eq!(load_from(dir.path()), None, "only known steps come back");
    }
}
