//! What several subcommands do the same way: load a key from a file or the keychain, start the
//! network runtime, and print a failure with its exit code.

use crate::cli::args::IdArgs;
use crate::cli::exit;
use crate::cli::output::{print_failure, print_json, print_problem, Style};
use crate::core::ids::{self, KeyIds};
use crate::core::key::{self, PrivateKey};
use crate::core::problem::Code;
use crate::core::vault::Vault;
use crate::core::Problem;
use std::path::Path;

/// Read and check a key file, normalise its IDs. On failure prints and
/// returns the exit code.
pub(crate) fn load_file_key(
    file: &Path,
    ids: &IdArgs,
    json: bool,
    style: Style,
) -> Result<(PrivateKey, KeyIds), i32> {
    let checked = key::check_path(file, ids.key_id.as_deref(), ids.issuer_id.as_deref())
        .map_err(|p| fail(json, &p, exit::NOT_USABLE))?;
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
            return Err(exit::NOT_USABLE);
        }
    };
    if !json {
        for w in &checked.report.warnings {
            println!("{}", style.warn(&w.message));
        }
    }
    let kind = ids.kind();
    // Flags first; else what the check found (file name, fastlane JSON).
    let key_id = ids
        .key_id
        .clone()
        .or(checked.report.key_id.clone())
        .unwrap_or_default();
    let issuer = ids.issuer_id.clone().or(checked.report.issuer_id.clone());
    let ids =
        KeyIds::parse(&key_id, issuer.as_deref(), kind).map_err(|p| fail(json, &p, exit::USAGE))?;
    Ok((key, ids))
}

/// Read a saved key back from the keychain. On failure prints and returns the exit code.
pub(crate) fn load_stored_key(raw_key_id: &str, json: bool) -> Result<(PrivateKey, KeyIds), i32> {
    let key_id = ids::parse_key_id(raw_key_id).map_err(|p| fail(json, &p, exit::USAGE))?;
    let stored = Vault::open()
        .and_then(|v| v.load(&key_id))
        .map_err(|p| fail(json, &p, storage_exit(&p)))?;
    let ids = KeyIds::from(&stored);
    Ok((stored.key, ids))
}

/// Print a problem (JSON or stderr) and return `code`.
pub(crate) fn fail(json: bool, problem: &Problem, code: i32) -> i32 {
    print_failure(json, problem);
    code
}

/// `not_found` means "no such key" (1); anything else from the vault is a storage failure (5).
pub(crate) fn storage_exit(p: &Problem) -> i32 {
    if p.is(Code::NotFound) {
        exit::NOT_USABLE
    } else {
        exit::STORAGE
    }
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
