//! `verify <FILE|->`: offline check, then ask Apple. (Stub.)

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    pub file: PathBuf,
}

pub fn run(_args: VerifyArgs) -> i32 {
    todo!()
}
