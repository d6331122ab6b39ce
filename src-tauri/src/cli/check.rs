//! `check <FILE|->`: the offline check. (Stub.)

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The key file (.p8, PEM, DER, fastlane JSON…), or - for standard input.
    pub file: PathBuf,
}

pub fn run(_args: CheckArgs) -> i32 {
    todo!()
}
