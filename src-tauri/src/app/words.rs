//! The wizard's words for the core's ways out: its buttons, fields and screens (the CLI has its
//! own, in `cli/words.rs`).

use crate::core::problem::WayOut;

/// The sentence the wizard adds to a hint for `way`; `None` where the wizard has no control.
pub fn wizard_words(way: WayOut) -> Option<&'static str> {
    Some(match way {
        WayOut::ReplaceSaved => {
            "When saving, press “Replace the saved key” to do that; a saved key can also be deleted under Saved keys."
        }
        WayOut::Overwrite => "The wizard never writes over a file: move or rename the one that is there, then export again.",
        WayOut::ListSaved => "Open Saved keys to see what is saved on this computer.",
        WayOut::GiveKeyId => "Type it in the Key ID field of the next step.",
        WayOut::GiveIssuerId => "Type it in the Issuer ID field of the next step.",
        WayOut::SetupToken => "Paste it in the field above the Continue button.",
        WayOut::ApiBase => "The override comes from the ASC_API_BASE environment variable.",
        WayOut::ConfigPath => "The settings file comes from ASC_WIZARD_CONFIG or config.json in the app's settings folder.",
        WayOut::UploadAddress | WayOut::OutFolder => return None,
    })
}
