//! `upload` and `export`: handing the key on. (Stub.)

use clap::Args;

#[derive(Debug, Args)]
pub struct UploadArgs {}
#[derive(Debug, Args)]
pub struct ExportArgs {}

pub fn upload(_a: UploadArgs) -> i32 { todo!() }
pub fn export(_a: ExportArgs) -> i32 { todo!() }
