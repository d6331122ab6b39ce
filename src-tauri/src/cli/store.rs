//! `save`, `list`, `show`, `test`, `delete`: the keychain.
//!
//! Exit codes: 0 done; 1 key unusable or no such saved key; 2 bad arguments;
//! 3 Apple rejected the key; 4 no answer from Apple; 5 keychain or local
//! storage failed (including "a different key is already saved").

use crate::cli::exit;
use crate::cli::output::{print_failure, print_json, print_problem, Style};
use crate::core::apple::{self, Verification, VerifyOptions};
use crate::core::ids::KeyKind;
use crate::core::key::{self, CheckInput, PrivateKey};
use crate::core::problem::Code;
use crate::core::session::{self, Ids};
use crate::core::vault::{self, store_display_name, IndexEntry, SaveRequest, SaveStatus, Vault};
use crate::core::Problem;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// The key file (AuthKey_XXXXXXXXXX.p8), or - for standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub ids: IdArgs,
    /// A name you will recognise in `list` (default: "App Store Connect key <KEYID>").
    #[arg(long)]
    pub label: Option<String>,
    /// Replace a different key already saved under the same Key ID.
    #[arg(long)]
    pub replace: bool,
    /// Save without asking Apple first (the key is marked "not yet tested").
    #[arg(long)]
    pub no_verify: bool,
    /// App Store Connect API address (tests only; default Apple's).
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

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

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The Key ID of a saved key.
    pub key_id: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The Key ID of a saved key.
    pub key_id: String,
    /// App Store Connect API address (tests only; default Apple's).
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The Key ID of a saved key.
    pub key_id: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn save(a: SaveArgs) -> i32 {
    let style = Style::for_stdout();
    let (key, ids) = match load_file_key(&a.file, &a.ids, a.json, style) {
        Ok(v) => v,
        Err(code) => return code,
    };
    // A label the vault would refuse is a usage error, found before asking Apple.
    if let Err(p) = vault::label_for(a.label.as_deref(), &ids.key_id) {
        return fail(a.json, &p, exit::USAGE);
    }
    let verification = if a.no_verify {
        None
    } else {
        let v = match verify_key(&key, &ids, a.api_base.clone()) {
            Ok(v) => v,
            Err(p) => return fail(a.json, &p, exit::NO_ANSWER),
        };
        if !v.is_valid() {
            if a.json {
                print_json(&serde_json::json!({ "ok": false, "saved": false, "apple": v }));
            } else {
                print_verification(style, &v);
                println!(
                    "    {}",
                    style.dim("The key was not saved. To save it anyway, add --no-verify.")
                );
            }
            return crate::cli::verify::exit_code(&v);
        }
        Some(v)
    };
    let vault = match Vault::open() {
        Ok(v) => v,
        Err(p) => return fail(a.json, &p, exit::STORAGE),
    };
    let outcome = vault.save(&SaveRequest {
        creds: ids.credentials(&key),
        label: a.label.as_deref(),
        verification: verification.as_ref(),
        replace: a.replace,
    });
    let outcome = match outcome {
        Ok(o) => o,
        Err(p) => return fail(a.json, &p, storage_exit(&p)),
    };
    let store = store_display_name();
    if a.json {
        print_json(&serde_json::json!({
            "ok": true,
            "saved": true,
            "status": outcome.status,
            "store": store,
            "key": outcome.entry,
            "apple": verification,
        }));
    } else {
        if let Some(v) = &verification {
            print_verification(style, v);
        }
        let id = &outcome.entry.key_id;
        let line = match outcome.status {
            SaveStatus::Saved => format!("Saved key {id} in the {store}."),
            SaveStatus::Replaced => format!("Replaced the key saved under {id} in the {store}."),
            SaveStatus::Unchanged => {
                format!("Key {id} was already saved in the {store}; nothing changed.")
            }
        };
        println!("{}", style.good(&line));
        if verification.is_none() {
            println!(
                "{}",
                style.warn(
                    "Not yet tested with Apple: run `asc-key-wizard test` when you are online."
                )
            );
        }
    }
    exit::OK
}

pub fn list(a: ListArgs) -> i32 {
    let style = Style::for_stdout();
    let keys = match vault::default_index_path().and_then(|p| vault::list_index(&p)) {
        Ok(k) => k,
        Err(p) => return fail(a.json, &p, exit::STORAGE),
    };
    if a.json {
        print_json(&serde_json::json!({ "store": store_display_name(), "keys": keys }));
        return exit::OK;
    }
    if keys.is_empty() {
        println!("No keys are saved yet. Save one with `asc-key-wizard save AuthKey_XXXXXXXXXX.p8 --issuer-id …`.");
        return exit::OK;
    }
    println!(
        "{}",
        style.bold(&format!("Keys saved in the {}:", store_display_name()))
    );
    for k in &keys {
        println!(
            "  {}  {}  ({}, saved {})  {}",
            style.bold(&k.key_id),
            k.label,
            kind_word(k.kind),
            k.saved_at,
            test_word(k)
        );
    }
    exit::OK
}

pub fn show(a: ShowArgs) -> i32 {
    let style = Style::for_stdout();
    let key_id = match session::ids(&a.key_id, None, KeyKind::Individual) {
        Ok(i) => i.key_id,
        Err(p) => return fail(a.json, &p, exit::USAGE),
    };
    let entry = match vault::default_index_path().and_then(|p| vault::show_index(&p, &key_id)) {
        Ok(e) => e,
        Err(p) => return fail(a.json, &p, storage_exit(&p)),
    };
    if a.json {
        print_json(&serde_json::json!({ "store": store_display_name(), "key": entry }));
        return exit::OK;
    }
    println!(
        "{}",
        style.bold(&format!("{} — {}", entry.key_id, entry.label))
    );
    println!("  Kind:         {}", kind_word(entry.kind));
    println!(
        "  Issuer ID:    {}",
        entry
            .issuer_id
            .as_deref()
            .unwrap_or("(none: individual key)")
    );
    println!("  Fingerprint:  {}", entry.fingerprint);
    println!(
        "  Saved:        {} in the {}",
        entry.saved_at,
        store_display_name()
    );
    match &entry.last_test {
        Some(t) => println!("  Last test:    {} — {} ({})", t.at, t.outcome, t.message),
        None => println!("  Last test:    not yet tested"),
    }
    exit::OK
}

pub fn test(a: TestArgs) -> i32 {
    let style = Style::for_stdout();
    let (key, ids) = match load_stored_key(&a.key_id, a.json) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let v = match verify_key(&key, &ids, a.api_base.clone()) {
        Ok(v) => v,
        Err(p) => return fail(a.json, &p, exit::NO_ANSWER),
    };
    let recorded = Vault::open().and_then(|vault| vault.record_test(&ids.key_id, &v));
    if a.json {
        let mut out = serde_json::json!({ "ok": v.is_valid(), "key_id": ids.key_id, "apple": v });
        if let Err(p) = &recorded {
            out["record_error"] = serde_json::to_value(p).unwrap_or_default();
        }
        print_json(&out);
    } else {
        print_verification(style, &v);
        if let Err(p) = &recorded {
            println!(
                "{}",
                style.warn(&format!("The result could not be recorded: {}", p.message))
            );
        }
    }
    match recorded {
        Err(p) if v.is_valid() => storage_exit(&p),
        _ => crate::cli::verify::exit_code(&v),
    }
}

pub fn delete(a: DeleteArgs) -> i32 {
    let style = Style::for_stdout();
    let key_id = match session::ids(&a.key_id, None, KeyKind::Individual) {
        Ok(i) => i.key_id,
        Err(p) => return fail(a.json, &p, exit::USAGE),
    };
    let result = Vault::open().and_then(|vault| vault.delete(&key_id));
    if let Err(p) = result {
        return fail(a.json, &p, storage_exit(&p));
    }
    if a.json {
        print_json(
            &serde_json::json!({ "ok": true, "deleted": key_id, "store": store_display_name() }),
        );
    } else {
        println!(
            "{}",
            style.good(&format!(
                "Deleted key {key_id} from the {}.",
                store_display_name()
            ))
        );
    }
    exit::OK
}

// ---- shared with handoff.rs ----

/// Read and check a key file, normalise its IDs. On failure prints and
/// returns the exit code.
pub(crate) fn load_file_key(
    file: &Path,
    ids: &IdArgs,
    json: bool,
    style: Style,
) -> Result<(PrivateKey, Ids), i32> {
    let bytes = key::read_path(file).map_err(|p| fail(json, &p, exit::NOT_USABLE))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|_| file.as_os_str() != "-");
    let checked = key::check(CheckInput {
        bytes: &bytes,
        file_name: file_name.as_deref(),
        key_id: ids.key_id.as_deref(),
        issuer_id: ids.issuer_id.as_deref(),
    });
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
    let kind = if ids.individual {
        KeyKind::Individual
    } else {
        KeyKind::Team
    };
    // Flags first; else what the check found (file name, fastlane JSON).
    let key_id = ids
        .key_id
        .clone()
        .or(checked.report.key_id.clone())
        .unwrap_or_default();
    let issuer = ids.issuer_id.clone().or(checked.report.issuer_id.clone());
    let ids =
        session::ids(&key_id, issuer.as_deref(), kind).map_err(|p| fail(json, &p, exit::USAGE))?;
    Ok((key, ids))
}

/// Read a saved key back from the keychain. On failure prints and returns the exit code.
pub(crate) fn load_stored_key(raw_key_id: &str, json: bool) -> Result<(PrivateKey, Ids), i32> {
    let key_id = session::ids(raw_key_id, None, KeyKind::Individual)
        .map_err(|p| fail(json, &p, exit::USAGE))?
        .key_id;
    let stored = Vault::open()
        .and_then(|v| v.load(&key_id))
        .map_err(|p| fail(json, &p, storage_exit(&p)))?;
    let ids = Ids::from(&stored);
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

fn verify_key(
    key: &PrivateKey,
    ids: &Ids,
    api_base: Option<String>,
) -> Result<Verification, Problem> {
    let opts = VerifyOptions {
        api_base,
        ..VerifyOptions::default()
    };
    Ok(runtime()?.block_on(apple::verify(&ids.credentials(key), &opts)))
}


fn print_verification(style: Style, v: &Verification) {
    if v.is_valid() {
        println!("{}", style.good(&v.message));
    } else {
        println!("{}", style.bad(&v.message));
        println!("    {} {}", style.dim("What to do:"), v.hint);
    }
}

fn kind_word(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Team => "team key",
        KeyKind::Individual => "individual key",
    }
}

fn test_word(k: &IndexEntry) -> String {
    match &k.last_test {
        None => "not yet tested".into(),
        Some(t) if t.valid => format!("worked on {}", t.at),
        Some(t) => format!("last test {}: {}", t.at, t.outcome),
    }
}
