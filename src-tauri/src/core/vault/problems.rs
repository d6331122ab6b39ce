//! The vault's problems, worded once (the faces add their own words for the ways out).

use super::keychain::store_display_name;
use crate::core::problem::{Code, WayOut};
use crate::core::Problem;

pub(crate) fn not_found(key_id: &str) -> Problem {
    Problem::new(
        Code::NotFound,
        format!("No key with the Key ID {key_id} is saved on this computer."),
        "Check the Key ID against the saved keys, or save the key first.",
    )
    .way_out(WayOut::ListSaved)
}

pub(crate) fn corrupt(key_id: &str) -> Problem {
    Problem::new(
        Code::KeychainItemDamaged,
        format!("The {} item for Key ID {key_id} does not hold a key this app can read.", store_display_name()),
        "Save the key again from its .p8 file, replacing the damaged item, or delete the item and save it again.",
    )
    .way_out(WayOut::ReplaceSaved)
}

pub(crate) fn exists_different(key_id: &str, same_key: bool) -> Problem {
    let message = if same_key {
        format!("This key is already saved under Key ID {key_id}, but with a different Issuer ID or key type.")
    } else {
        format!("A different key is already saved under the Key ID {key_id}.")
    };
    Problem::new(
        Code::KeyExistsDifferent,
        message,
        "Nothing was changed. If the new one is right, replace the saved key (the old one is then gone for good).",
    )
    .way_out(WayOut::ReplaceSaved)
}

pub(crate) fn label_too_long(chars: usize, max: usize) -> Problem {
    Problem::new(
        Code::LabelTooLong,
        format!("The label has {chars} characters; at most {max} fit in every keychain."),
        "Choose a shorter label. Nothing was saved.",
    )
}

pub(crate) fn label_invalid() -> Problem {
    Problem::new(
        Code::LabelInvalid,
        "The label holds control characters (such as tabs or line breaks).",
        "Use a label of plain text on one line. Nothing was saved.",
    )
}

pub(crate) fn changed_during_test(key_id: &str) -> Problem {
    Problem::new(
        Code::KeyChangedDuringTest,
        format!("The saved key {key_id} was replaced while it was being tested; its new key was not tested."),
        "Nothing was recorded for it. Test the saved key again.",
    )
}
