//! The secret JSON kept in one keychain item, and reading and writing it: the only place the
//! vault touches key bytes.

use super::keychain::{self, store_display_name};
use super::problems::corrupt;
use crate::core::ids::KeyIds;
use crate::core::key::PrivateKey;
use crate::core::problem::Code;
use crate::core::Problem;
use keyring_core::Entry;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The secret JSON kept in the keychain item. Zeroized on drop. The IDs are not secret (the
/// index lists them too), so they are left out of the wipe.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub(crate) struct SecretRecord {
    #[serde(flatten)]
    #[zeroize(skip)]
    pub(crate) ids: KeyIds,
    pub(crate) private_key_pem: String,
    pub(crate) label: String,
    pub(crate) fingerprint: String,
    pub(crate) saved_at: String,
}

/// The largest record any key makes is ~1 KiB (`tests/suite/vault_memory.rs` measures it): a buffer
/// this size never grows, so no unwiped copy of the PEM is left behind by a reallocation.
const RECORD_CAPACITY: usize = 4096;

impl SecretRecord {
    /// The record's JSON, written into one pre-sized buffer that is wiped on drop.
    pub(crate) fn to_json(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(RECORD_CAPACITY));
        // Writing plain strings into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, self);
        out
    }

    /// The key in this record; `None` when the PEM is not a P-256 PKCS#8 key.
    pub(crate) fn key(&self) -> Option<PrivateKey> {
        parse_pem(&self.private_key_pem)
    }
}

/// The item's bytes; `None` when there is none.
pub(crate) fn read_raw(entry: &Entry) -> Result<Option<Zeroizing<Vec<u8>>>, Problem> {
    match entry.get_secret() {
        Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain::map_error(e)),
    }
}

/// `None` when there is no item; an error when the keychain failed or the item
/// is not ours / damaged.
pub(crate) fn read_secret(entry: &Entry, key_id: &str) -> Result<Option<SecretRecord>, Problem> {
    match read_raw(entry)? {
        Some(bytes) => parse_record(&bytes)
            .map(Some)
            .ok_or_else(|| corrupt(key_id)),
        None => Ok(None),
    }
}

/// The record in `bytes`, if they hold one.
pub(crate) fn parse_record(bytes: &[u8]) -> Option<SecretRecord> {
    serde_json::from_slice::<SecretRecord>(bytes).ok()
}

pub(crate) fn write_and_compare(entry: &Entry, json: &[u8]) -> Result<(), Problem> {
    entry.set_secret(json).map_err(keychain::map_error)?;
    let back = Zeroizing::new(entry.get_secret().map_err(keychain::map_error)?);
    if back.as_slice() != json {
        return Err(Problem::new(
            Code::KeychainWriteFailed,
            format!("The {} did not keep the key correctly (it read back different data).", store_display_name()),
            "Nothing was saved. Try again; if it keeps failing, restart the keychain service or your computer.",
        ));
    }
    Ok(())
}

/// Best effort: put back the previous item, or remove the new one.
pub(crate) fn restore(entry: &Entry, previous: Option<&[u8]>) {
    let result = match previous {
        Some(bytes) => entry.set_secret(bytes),
        None => match entry.delete_credential() {
            Err(keyring_core::Error::NoEntry) => Ok(()),
            other => other,
        },
    };
    if let Err(e) = result {
        log::warn!("could not undo a failed keychain write: {e}");
    }
}

fn parse_pem(pem: &str) -> Option<PrivateKey> {
    use p256::pkcs8::DecodePrivateKey;
    p256::SecretKey::from_pkcs8_pem(pem)
        .ok()
        .map(PrivateKey::from_secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::KeyKind;

    #[test]
    fn the_largest_record_fits_its_buffer_without_growing() {
        let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
        let record = SecretRecord {
            ids: KeyIds::parse(
                "2X9R4HXF34",
                Some("57246542-96fe-1a63-e053-0824d011072a"),
                KeyKind::Team,
            )
            .unwrap(),
            private_key_pem: key.canonical_pem().to_owned(),
            // The longest label allowed: 100 four-byte characters.
            label: "😀".repeat(100),
            fingerprint: key.fingerprint().to_owned(),
            saved_at: "2026-12-02T06:00:00Z".into(),
        };
        let json = record.to_json();
        assert_eq!(
            json.capacity(),
            RECORD_CAPACITY,
            "the buffer grew: {} bytes",
            json.len()
        );
        assert!(parse_record(&json).is_some_and(|r| r.key().is_some() && r.ids == record.ids));
    }
}
