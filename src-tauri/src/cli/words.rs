//! The CLI's words for the core's ways out: its flags and subcommands (the wizard has its own,
//! in `app/words.rs`).

use crate::core::problem::WayOut;

/// The sentence the CLI adds to a hint for `way`.
pub fn cli_words(way: WayOut) -> Option<&'static str> {
    Some(match way {
        WayOut::ReplaceSaved => "To replace it, run `save` again with --replace.",
        WayOut::Overwrite => "To write over it, run the export again with --force.",
        WayOut::ListSaved => "Run `asc-key-wizard list` to see the saved keys.",
        WayOut::GiveKeyId => "Pass it with --key-id.",
        WayOut::GiveIssuerId => "Pass it with --issuer-id.",
        WayOut::UploadAddress => "Pass the address with --to, or a settings file with --config.",
        WayOut::SetupToken => {
            "Put it in an environment variable and pass --token-env NAME, or paste it when asked."
        }
        WayOut::ApiBase => "The override comes from --api-base or ASC_API_BASE.",
        WayOut::OutFolder => "Pass the folder with --out.",
        WayOut::ConfigPath => "The settings file comes from --config or ASC_WIZARD_CONFIG.",
    })
}
