//! `save`, `list`, `show`, `test`, `delete`: the keychain. (Stub.)

use clap::Args;

#[derive(Debug, Args)]
pub struct SaveArgs {}
#[derive(Debug, Args)]
pub struct ListArgs {}
#[derive(Debug, Args)]
pub struct ShowArgs {}
#[derive(Debug, Args)]
pub struct TestArgs {}
#[derive(Debug, Args)]
pub struct DeleteArgs {}

pub fn save(_a: SaveArgs) -> i32 { todo!() }
pub fn list(_a: ListArgs) -> i32 { todo!() }
pub fn show(_a: ShowArgs) -> i32 { todo!() }
pub fn test(_a: TestArgs) -> i32 { todo!() }
pub fn delete(_a: DeleteArgs) -> i32 { todo!() }
