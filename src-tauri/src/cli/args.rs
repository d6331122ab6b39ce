//! Flags more than one subcommand takes, declared once.

use crate::core::ids::KeyKind;
use clap::Args;

/// Key ID / Issuer ID flags shared by the commands that take a key file.
#[derive(Debug, Args, Clone, Default)]
pub struct IdArgs {
    /// The Key ID (10 letters and digits); taken from an AuthKey_<KEYID>.p8 file name when omitted.
    #[arg(long, value_name = "KEYID")]
    pub key_id: Option<String>,
    /// The Issuer ID shown above the Team Keys list (required for team keys).
    #[arg(long, value_name = "UUID", conflicts_with = "individual")]
    pub issuer_id: Option<String>,
    /// The key is an individual key (no Issuer ID).
    #[arg(long)]
    pub individual: bool,
}

impl IdArgs {
    /// Team unless `--individual`.
    pub fn kind(&self) -> KeyKind {
        if self.individual {
            KeyKind::Individual
        } else {
            KeyKind::Team
        }
    }
}
