//! Keeping the keychain and the index in step through a crash. Every change writes an
//! [`Intent`] to the index before it touches the keychain and removes it once both agree; the
//! next change, `list` or `show` that finds one asks the keychain which state it kept, and
//! makes the index say the same. The keychain is the truth: the index only describes it.

use super::index::{Index, IndexEntry, Intent};
use super::record::{parse_record, read_raw};
use super::Vault;
use crate::core::fsutil::fail_point;
use crate::core::Problem;

impl Vault {
    /// Record that `key_id` is about to become `after` (`None`: deleted), before the keychain
    /// is touched.
    pub(crate) fn begin(
        &self,
        index: &mut Index,
        key_id: &str,
        after: Option<IndexEntry>,
    ) -> Result<(), Problem> {
        index.intents.retain(|i| i.key_id != key_id);
        index.intents.push(Intent {
            key_id: key_id.to_owned(),
            after,
        });
        index.save(self.index_path())?;
        fail_point("after_intent");
        Ok(())
    }

    /// Resolve every interrupted change against the keychain. Holds no lock itself: callers
    /// hold the index lock. When the keychain cannot be asked, the entries stay, marked
    /// `unconfirmed`, and the intents wait for a later call.
    pub(crate) fn settle(&self, index: &mut Index) -> Result<(), Problem> {
        if index.intents.is_empty() {
            return Ok(());
        }
        let intents = std::mem::take(&mut index.intents);
        let mut waiting = Vec::new();
        for intent in intents {
            match self.kept(&intent.key_id) {
                Ok(kept) => apply(index, intent, kept),
                Err(p) => {
                    log::warn!(
                        "an interrupted change to key {} waits for the keychain: {}",
                        intent.key_id,
                        p.message
                    );
                    waiting.push(intent);
                }
            }
        }
        let resolved = waiting.is_empty();
        for intent in &waiting {
            match index.get_mut(&intent.key_id) {
                Some(entry) => entry.unconfirmed = true,
                None => index.keys.extend(intent.after.clone().map(|e| IndexEntry {
                    unconfirmed: true,
                    ..e
                })),
            }
        }
        index.intents = waiting;
        if resolved {
            index.save(self.index_path())?;
        }
        Ok(())
    }

    /// What the keychain holds for `key_id`: its fingerprint and IDs, `None` when nothing.
    fn kept(&self, key_id: &str) -> Result<Option<Kept>, Problem> {
        let entry = self.entry(key_id)?;
        Ok(read_raw(&entry)?.map(|raw| match parse_record(&raw) {
            Some(record) => Kept::Record(IndexEntry {
                ids: record.ids.clone(),
                label: record.label.clone(),
                fingerprint: record.fingerprint.clone(),
                saved_at: record.saved_at.clone(),
                last_test: None,
                unconfirmed: false,
            }),
            None => Kept::Damaged,
        }))
    }
}

// One value per recovery at start-up: boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Kept {
    Record(IndexEntry),
    /// Not a record this app can read: the entry stays; `load` reports it damaged.
    Damaged,
}

/// Make the index describe what the keychain kept.
fn apply(index: &mut Index, intent: Intent, kept: Option<Kept>) {
    let same = |a: &IndexEntry, b: &IndexEntry| a.fingerprint == b.fingerprint && a.ids == b.ids;
    match kept {
        None => {
            index.remove(&intent.key_id);
        }
        Some(Kept::Damaged) => {}
        Some(Kept::Record(record)) => {
            let entry = match (intent.after, index.get(&intent.key_id)) {
                // The change reached the keychain.
                (Some(after), _) if same(&after, &record) => after,
                // It did not: the old entry is still right.
                (_, Some(old)) if same(old, &record) => IndexEntry {
                    unconfirmed: false,
                    ..old.clone()
                },
                // Neither (another program changed the item): describe what is there.
                _ => record,
            };
            index.upsert(entry);
        }
    }
}
