//! `save`, `list`, `show`, `test`, `delete`: the keychain.
//!
//! Exit codes: 0 done; 1 key unusable or no such saved key; 2 bad arguments;
//! 3 Apple rejected the key; 4 no answer from Apple; 5 keychain or local
//! storage failed (including "a different key is already saved").

use crate::cli::args::IdArgs;
use crate::cli::exit;
use crate::cli::load::{fail, load_file_key, load_stored_key, runtime, storage_exit};
use crate::cli::output::{print_json, Style};
use crate::core::apple::{self, Verification, VerifyOptions};
use crate::core::ids::{self, KeyIds, KeyKind};
use crate::core::key::PrivateKey;
use crate::core::vault::{self, store_display_name, IndexEntry, SaveRequest, Vault};
use crate::core::Problem;
use clap::Args;
use std::path::PathBuf;

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
        println!("{}", style.good(&outcome.message()));
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
    let key_id = match ids::parse_key_id(&a.key_id) {
        Ok(id) => id,
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
    let key_id = match ids::parse_key_id(&a.key_id) {
        Ok(id) => id,
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

fn verify_key(
    key: &PrivateKey,
    ids: &KeyIds,
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
