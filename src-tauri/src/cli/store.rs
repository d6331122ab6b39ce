//! `save`, `list`, `show`, `test`, `delete`: the keychain.
//!
//! Exit codes: 0 done; 1 key unusable or no such saved key; 2 bad arguments;
//! 3 Apple rejected the key; 4 no answer from Apple; 5 keychain or local
//! storage failed (including "a different key is already saved").

use crate::cli::args::IdArgs;
use crate::cli::exit::Outcome;
use crate::cli::load::{load_file_key, load_stored_key, runtime};
use crate::cli::output::{print_json, Style};
use crate::core::apple::{self, Verification, VerifyOptions};
use crate::core::ids::{self, KeyIds, KeyKind};
use crate::core::key::PrivateKey;
use crate::core::problem::Class;
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
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub key_id: Option<String>,
    /// Test every saved key (two at a time), say what changed since each one's last test, and
    /// exit with the worst result's code.
    #[arg(long)]
    pub all: bool,
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

pub fn save(a: SaveArgs) -> Outcome {
    let style = Style::for_stdout();
    let (key, ids) = load_file_key(&a.file, &a.ids, a.json, style)?;
    // A label the vault would refuse is a usage error, found before asking Apple.
    vault::label_for(a.label.as_deref(), &ids.key_id)?;
    let verification = if a.no_verify {
        None
    } else {
        let v = verify_key(&key, &ids, a.api_base.clone())?;
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
            return Ok(v.class());
        }
        Some(v)
    };
    let outcome = Vault::open()?.save(&SaveRequest {
        creds: ids.credentials(&key),
        label: a.label.as_deref(),
        verification: verification.as_ref(),
        replace: a.replace,
    })?;
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
    Ok(Class::Usable)
}

pub fn list(a: ListArgs) -> Outcome {
    let style = Style::for_stdout();
    let keys = Vault::open()?.list()?;
    if a.json {
        print_json(&serde_json::json!({ "store": store_display_name(), "keys": keys }));
        return Ok(Class::Usable);
    }
    if keys.is_empty() {
        println!("No keys are saved yet. Save one with `asc-key-wizard save AuthKey_XXXXXXXXXX.p8 --issuer-id …`.");
        return Ok(Class::Usable);
    }
    println!(
        "{}",
        style.bold(&format!("Keys saved in the {}:", store_display_name()))
    );
    for k in &keys {
        println!(
            "  {}  {}  ({}, saved {})  {}",
            style.bold(&k.ids.key_id),
            k.label,
            kind_word(k.ids.kind),
            k.saved_at,
            test_word(k)
        );
    }
    Ok(Class::Usable)
}

pub fn show(a: ShowArgs) -> Outcome {
    let style = Style::for_stdout();
    let entry = Vault::open()?.show(&ids::parse_key_id(&a.key_id)?)?;
    if a.json {
        print_json(&serde_json::json!({ "store": store_display_name(), "key": entry }));
        return Ok(Class::Usable);
    }
    println!(
        "{}",
        style.bold(&format!("{} — {}", entry.ids.key_id, entry.label))
    );
    println!("  Kind:         {}", kind_word(entry.ids.kind));
    println!(
        "  Issuer ID:    {}",
        entry
            .ids
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
        Some(t) => println!(
            "  Last test:    {} — {} ({})",
            t.at,
            t.outcome_text(),
            t.message
        ),
        None => println!("  Last test:    not yet tested"),
    }
    Ok(Class::Usable)
}

/// `test <KEYID>` (`test --all` is `watch::test_all`, chosen in `cli::run`).
pub fn test(a: TestArgs, key_id: &str) -> Outcome {
    let style = Style::for_stdout();
    let (key, ids) = load_stored_key(key_id)?;
    let v = verify_key(&key, &ids, a.api_base.clone())?;
    let recorded =
        Vault::open().and_then(|vault| vault.record_test(&ids.key_id, key.fingerprint(), &v));
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
    Ok(match &recorded {
        Err(p) => crate::core::retest::unrecorded_class(&v, p),
        Ok(_) => v.class(),
    })
}

pub fn delete(a: DeleteArgs) -> Outcome {
    let style = Style::for_stdout();
    let key_id = ids::parse_key_id(&a.key_id)?;
    Vault::open()?.delete(&key_id)?;
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
    Ok(Class::Usable)
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
        Some(t) => format!("last test {}: {}", t.at, t.outcome_text()),
    }
}
