//! Moving the download to the Trash (the `trash` crate, so the wizard's alone). Whether it may
//! go, and the safe copy read back first, are `core::downloads`' (`cleanup.rs`).

use crate::core::downloads::trash_name;
use crate::core::problem::Code;
use crate::core::Problem;
use std::path::Path;

/// Move the download to the trash (never a plain delete: the merchant can still get it back).
pub fn move_to_trash(path: &Path) -> Result<String, Problem> {
    trash::delete(path).map_err(|e| {
        Problem::new(
            Code::TrashFailed,
            format!("The file could not be moved to the {}.", trash_name()),
            "Nothing was deleted. Move the file yourself, or leave it where it is.",
        )
        .detail(e)
    })?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    Ok(format!(
        "{name} is in the {}. The checked copy stays where it was saved.",
        trash_name()
    ))
}
