//! What several subcommands do the same way: load a key from a file or the keychain, and start
//! the network runtime.

use crate::cli::args::IdArgs;
use crate::cli::exit::Failure;
use crate::cli::output::{print_json, print_problem, Style};
use crate::cli::words::cli_words;
use crate::core::ids::{self, KeyIds};
use crate::core::key::{self, Checked, PrivateKey};
use crate::core::problem::{Class, Code};
use crate::core::vault::Vault;
use crate::core::Problem;
use std::path::Path;

/// Read and check a key file, the report worded for the CLI.
pub(crate) fn check_file(file: &Path, ids: &IdArgs) -> Result<Checked, Problem> {
    let mut checked = key::check_path(
        file,
        ids.key_id.as_deref(),
        ids.issuer_id.as_deref(),
        ids.kind(),
    )?;
    checked.report = checked.report.worded(cli_words);
    Ok(checked)
}

/// Read and check a key file, normalise its IDs. A failed check prints its report.
pub(crate) fn load_file_key(
    file: &Path,
    ids: &IdArgs,
    json: bool,
    style: Style,
) -> Result<(PrivateKey, KeyIds), Failure> {
    let checked = check_file(file, ids)?;
    let key = match checked.key {
        Some(k) if checked.report.ok => k,
        _ => {
            if json {
                print_json(&serde_json::json!({ "ok": false, "check": checked.report }));
            } else {
                for p in &checked.report.problems {
                    print_problem(style, p);
                }
                if checked.report.problems.is_empty() {
                    println!("{}", style.bad("The key could not be used."));
                }
            }
            return Err(Failure::Reported(Class::NotUsable));
        }
    };
    if !json {
        for w in &checked.report.warnings {
            println!("{}", style.warn(&w.message));
        }
    }
    // The check took the flags into account: its IDs are the winners (`core::ids::winners`).
    let report = &checked.report;
    Ok((
        key,
        KeyIds::parse(
            report.key_id.as_deref().unwrap_or_default(),
            report.issuer_id.as_deref(),
            ids.kind(),
        )?,
    ))
}

/// Read a saved key back from the keychain.
pub(crate) fn load_stored_key(raw_key_id: &str) -> Result<(PrivateKey, KeyIds), Problem> {
    let key_id = ids::parse_key_id(raw_key_id)?;
    let stored = Vault::open()?.load(&key_id)?;
    Ok((stored.key, stored.ids))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Problem> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Problem::new(
                Code::Internal,
                format!("Could not start the network runtime: {e}."),
                "Try again.",
            )
        })
}
