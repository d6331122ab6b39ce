//! The non-secret index of saved keys (`keys.json` in the app's config
//! folder). It never holds key material: only IDs, labels, fingerprints and
//! the last test result, so `list` works without touching the keychain.

use crate::core::apple::Verification;
use crate::core::fsutil::{create_private_dir, write_private_file, Overwrite};
use crate::core::fsutil::{read_regular, ReadError};
pub use crate::core::history::LastTest;
use crate::core::ids::KeyIds;
use crate::core::problem::Code;
use crate::core::text::io_plain;
use crate::core::Problem;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Current layout of `keys.json`.
const VERSION: u32 = 1;

/// One saved key, as shown by `list` and `show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    #[serde(flatten)]
    pub ids: KeyIds,
    pub label: String,
    /// `sha256:<hex>` of the public key: identifies the key without revealing it.
    pub fingerprint: String,
    /// RFC 3339, UTC.
    pub saved_at: String,
    /// `None` = not yet tested with Apple.
    pub last_test: Option<LastTest>,
    /// A change to this key was interrupted and the keychain could not be asked yet which
    /// state it kept (`recover.rs`); shown as such until the next change or `list` that can.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

/// A change begun on the keychain but not yet finished in the index: written to the index
/// before the keychain is touched, removed once both agree (`recover.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Intent {
    pub(crate) key_id: String,
    /// The entry once the change is done; `None` for a delete.
    pub(crate) after: Option<IndexEntry>,
}

// Here, not in `history`: the clock and the index's date format live with the index.
impl LastTest {
    pub fn from_verification(v: &Verification) -> LastTest {
        LastTest {
            at: now_rfc3339(),
            outcome: v.outcome,
            valid: v.is_valid(),
            message: v.message.clone(),
            http_status: v.http_status,
            change: None,
            detail: None,
        }
    }
}

/// An exclusive lock on `<index>.lock`, held across a whole change (keychain
/// check, write, index update): the wizard and the CLI may change saved keys at
/// the same moment, and without it one would undo the other's index update.
/// The OS drops the lock with the file, also when a process dies.
pub(crate) struct IndexLock {
    _file: std::fs::File,
}

impl IndexLock {
    /// Wait for the lock (other holders keep it for milliseconds).
    pub(crate) fn acquire(index_path: &Path) -> Result<IndexLock, Problem> {
        let failed = |e: &dyn std::fmt::Display| {
            Problem::new(
                Code::IndexWriteFailed,
                "The list of saved keys could not be locked for a change.",
                "Check that your user settings folder is writable, then try again.",
            )
            .detail(e)
        };
        if let Some(dir) = index_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|p| Problem {
                message: format!(
                    "The list of saved keys could not be locked for a change. {}",
                    p.message
                ),
                ..p
            })?;
        }
        let mut name = index_path.as_os_str().to_owned();
        name.push(".lock");
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(std::path::PathBuf::from(name))
            .map_err(|e| failed(&e))?;
        file.lock().map_err(|e| failed(&e))?;
        Ok(IndexLock { _file: file })
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Index {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    pub(crate) keys: Vec<IndexEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) intents: Vec<Intent>,
}

/// The saved keys in `keys.json` bytes, as `Index::load` reads them. Public only because the
/// fuzz targets (`src-tauri/fuzz`) feed it arbitrary bytes.
pub fn parse_entries(bytes: &[u8]) -> Result<Vec<IndexEntry>, Problem> {
    Index::parse(bytes, Path::new("keys.json")).map(|index| index.keys)
}

/// The index lists metadata only (about 400 bytes a key): 4 MiB is thousands of keys.
const MAX_INDEX_BYTES: u64 = 4 << 20;

impl Index {
    /// A missing file is an empty index; an unreadable one is a problem (we
    /// never silently drop what the user saved).
    pub(crate) fn load(path: &Path) -> Result<Index, Problem> {
        let (why, detail) = match read_regular(path, MAX_INDEX_BYTES) {
            Ok(bytes) => return Index::parse(&bytes, path),
            Err(ReadError::NotFound) => return Ok(Index::default()),
            Err(ReadError::NotRegular) => ("it is not a regular file".to_owned(), None),
            Err(ReadError::TooLarge) => (format!("it is over {} MiB", MAX_INDEX_BYTES >> 20), None),
            Err(ReadError::Io(e)) => (io_plain(&e).to_owned(), Some(e.to_string())),
        };
        let problem = Problem::new(
            Code::IndexUnreadable,
            format!(
                "The list of saved keys ({}) could not be read: {why}.",
                path.display()
            ),
            "Check that file (it should be a small JSON file), then try again.",
        );
        Err(match detail {
            Some(d) => problem.detail(d),
            None => problem,
        })
    }

    fn parse(bytes: &[u8], path: &Path) -> Result<Index, Problem> {
        serde_json::from_slice(bytes).map_err(|e| {
            Problem::new(
                Code::IndexUnreadable,
                format!("The list of saved keys ({}) is damaged.", path.display()),
                "Move that file away and save your keys again; the keys themselves are still in the keychain.",
            )
            .detail(&e)
        })
    }

    pub(crate) fn save(&mut self, path: &Path) -> Result<(), Problem> {
        self.version = VERSION;
        self.keys.sort_by(|a, b| a.ids.key_id.cmp(&b.ids.key_id));
        let failed = |p: Problem| {
            Problem::new(
                Code::IndexWriteFailed,
                format!("The list of saved keys could not be written. {}", p.message),
                "Check that your user settings folder is writable and the disk is not full, then try again.",
            )
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(failed)?;
        }
        let json = serde_json::to_vec_pretty(self).expect("plain JSON index");
        write_private_file(path, &json, Overwrite::Replace).map_err(failed)
    }

    /// The file's bytes as they are now (`None`: no file), to put back after a failed change.
    pub(crate) fn snapshot(path: &Path) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        read_regular(path, MAX_INDEX_BYTES).ok()
    }

    /// Put the file back exactly as [`Index::snapshot`] saw it (best effort: a leftover intent is
    /// settled by the next change or `list`).
    pub(crate) fn put_back(path: &Path, snapshot: Option<&[u8]>) {
        let result = match snapshot {
            Some(bytes) => {
                write_private_file(path, bytes, Overwrite::Replace).map_err(|p| p.message)
            }
            None => std::fs::remove_file(path).map_err(|e| e.to_string()),
        };
        if let Err(e) = result {
            log::warn!("could not put the list of saved keys back after a failed change: {e}");
        }
    }

    pub(crate) fn get(&self, key_id: &str) -> Option<&IndexEntry> {
        self.keys.iter().find(|e| e.ids.key_id == key_id)
    }

    pub(crate) fn get_mut(&mut self, key_id: &str) -> Option<&mut IndexEntry> {
        self.keys.iter_mut().find(|e| e.ids.key_id == key_id)
    }

    pub(crate) fn upsert(&mut self, entry: IndexEntry) {
        match self.get_mut(&entry.ids.key_id) {
            Some(slot) => *slot = entry,
            None => self.keys.push(entry),
        }
    }

    /// True when something was removed.
    pub(crate) fn remove(&mut self, key_id: &str) -> bool {
        let before = self.keys.len();
        self.keys.retain(|e| e.ids.key_id != key_id);
        self.keys.len() != before
    }
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_rfc3339() -> String {
    rfc3339(now_secs())
}

/// Unix seconds now (0 on a clock set before 1970).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2026-12-03T18:30:00Z` (as [`rfc3339`] writes it) to Unix seconds; `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant), the inverse of `rfc3339` below.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Unix seconds to RFC 3339 UTC (days-from-civil inverse, Howard Hinnant).
pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_round_trips() {
        for secs in [0i64, 951_782_400, 1_800_000_000, 4_102_444_799] {
            assert_eq!(
                super::parse_rfc3339(&super::rfc3339(secs)),
                Some(secs),
                "{secs}"
            );
        }
        for bad in [
            "",
            "2026-12-03",
            "2026-13-03T00:00:00Z",
            "2026-12-03T00:00:00+01:00",
            "2026-12-03t00:00:00Z",
        ] {
            assert_eq!(super::parse_rfc3339(bad), None, "{bad}");
        }
    }

    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_710_663), "2026-11-26T16:31:03Z");
    }

    #[test]
    fn an_unknown_outcome_in_an_old_index_is_read_with_its_text() {
        let entry = r#"{"key_id":"2X9R4HXF34","issuer_id":null,"kind":"individual","label":"x","fingerprint":"sha256:00","saved_at":"2026-01-01T00:00:00Z","last_test":{"at":"2026-01-02T00:00:00Z","outcome":"key_on_holiday","valid":false,"message":"Gone fishing.","http_status":418}}"#;
        let known = entry.replace("key_on_holiday", "not_authorized");
        let index = format!(r#"{{"version":1,"keys":[{entry},{known}]}}"#);
        let keys = parse_entries(index.as_bytes())
            .expect("an unknown outcome never makes the list unreadable");
        let unknown = keys[0].last_test.as_ref().unwrap();
        assert_eq!(
            (unknown.outcome, unknown.detail.as_deref()),
            (Code::UnknownOutcome, Some("key_on_holiday"))
        );
        assert_eq!(
            (unknown.message.as_str(), unknown.http_status),
            ("Gone fishing.", Some(418))
        );
        let known = keys[1].last_test.as_ref().unwrap();
        assert_eq!(
            (known.outcome, known.detail.as_deref()),
            (Code::NotAuthorized, None)
        );
        // Written back, a known outcome is exactly what was read.
        let again = serde_json::to_value(known).unwrap();
        assert_eq!(again["outcome"], "not_authorized");
        assert!(again.get("detail").is_none(), "{again}");
    }
}
