//! `verify <FILE|->`: the offline check, then ask Apple.
//!
//! Exit codes: 0 valid; 1 the key file itself is not usable (no network call);
//! 2 usage (bad arguments, API address not allowed); 3 Apple rejected the key;
//! 4 no usable answer from Apple.

use super::args::IdArgs;
use super::exit::Outcome;
use super::load::{check_file, runtime};
use super::output::{print_json, print_problem, shown_detail, Style};
use crate::core::apple::{self, Credentials, Verification, VerifyOptions};
use crate::core::config;
use crate::core::ids::missing_key_id;
use crate::core::ids::KeyKind;
use crate::core::key::Report;
use crate::core::problem::Class;
use crate::core::readiness::{self, Readiness};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The key file (AuthKey_XXXXXXXXXX.p8), or - for standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub ids: IdArgs,
    /// Talk to this API address instead of Apple's (also ASC_API_BASE).
    /// Plain http:// only for this computer (localhost).
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Print one JSON object: the check report plus an "apple" object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: VerifyArgs) -> Outcome {
    let kind = args.ids.kind();
    let checked = check_file(&args.file, &args.ids)?;
    let report = checked.report;
    let parsed = match checked.key {
        Some(k) if report.ok => k,
        _ => {
            finish(&args, Style::for_stdout(), &report, None, None);
            return Ok(Class::NotUsable);
        }
    };
    // The check took the flags into account: its IDs are the winners (`core::ids::winners`).
    let key_id = report.key_id.clone().ok_or_else(missing_key_id)?;
    let issuer_id = match kind {
        KeyKind::Team => report.issuer_id.clone(),
        KeyKind::Individual => None,
    };
    let creds = Credentials {
        key: &parsed,
        key_id: &key_id,
        issuer_id: issuer_id.as_deref(),
        kind,
    };
    let file_name = crate::core::key::file_name_of(&args.file);
    let opts = VerifyOptions {
        api_base: args.api_base.clone(),
        ..VerifyOptions::default()
    }
    .for_file(file_name.as_deref());
    let verification = runtime()?.block_on(apple::verify(&creds, &opts));
    // A broken settings file must not hide Apple's answer: readiness is then left out.
    let platform = config::load(None).map(|l| l.config).unwrap_or_default();
    let readiness = readiness::readiness(&platform, &verification);
    finish(
        &args,
        Style::for_stdout(),
        &report,
        Some(&verification),
        readiness.as_ref(),
    );
    Ok(verification.class())
}

/// The check report with `"apple"` added (`null` when Apple was not asked).
pub fn json_value(report: &Report, apple: Option<&Verification>) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap_or_else(|_| serde_json::json!({}));
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "apple".into(),
            serde_json::to_value(apple).unwrap_or(serde_json::Value::Null),
        );
    }
    value
}

fn finish(
    args: &VerifyArgs,
    style: Style,
    report: &Report,
    apple: Option<&Verification>,
    ready: Option<&Readiness>,
) {
    if args.json {
        let mut value = json_value(report, apple);
        if let (Some(obj), Some(r)) = (value.as_object_mut(), ready) {
            obj.insert(
                "readiness".into(),
                serde_json::to_value(r).unwrap_or_default(),
            );
        }
        print_json(&value);
    } else {
        print_human(style, report, apple);
        if let Some(r) = ready {
            println!();
            println!(
                "{}",
                if r.ready {
                    style.good(&r.message)
                } else {
                    style.warn(&r.message)
                }
            );
            if !r.hint.is_empty() {
                println!("    {} {}", style.dim("What to do:"), r.hint);
            }
        }
    }
}

fn print_human(style: Style, report: &Report, apple: Option<&Verification>) {
    println!("{}", style.bold("Key file (offline check)"));
    for note in &report.notes {
        println!("{}", style.fixed(&note.message));
    }
    for w in &report.warnings {
        println!("{}", style.warn(&w.message));
        println!("    {} {}", style.dim("What to do:"), w.hint);
    }
    for p in &report.problems {
        print_problem(style, p);
    }
    if report.ok {
        println!(
            "{}",
            style.good("The key file is a valid App Store Connect private key.")
        );
        if let Some(fp) = &report.fingerprint {
            println!("    {} {fp}", style.dim("Fingerprint:"));
        }
    } else if report.problems.is_empty() {
        println!("{}", style.bad("The key file could not be used."));
    }
    if !report.ok {
        println!(
            "{}",
            style.dim("Apple was not asked: fix the problems above first.")
        );
        return;
    }
    let Some(v) = apple else { return };
    println!();
    println!("{}", style.bold("Apple"));
    if v.is_valid() {
        println!("{}", style.good(&v.message));
        const SHOWN: usize = 10;
        for app in v.apps.iter().take(SHOWN) {
            println!("    • {} ({})", app.name, app.bundle_id);
        }
        let total = v.apps_total.unwrap_or(v.apps.len() as u32) as usize;
        if total > SHOWN.min(v.apps.len()) {
            println!(
                "    {}",
                style.dim(&format!("… and {} more", total - SHOWN.min(v.apps.len())))
            );
        }
        let cap = |c: Option<bool>, yes: &str, no: &str| match c {
            Some(true) => style.good(yes),
            Some(false) => style.warn(no),
            None => style.dim(&format!("? {} (not checked)", yes.to_lowercase())),
        };
        println!(
            "{}",
            cap(
                v.capabilities.signing,
                "May read certificates and app identifiers",
                "May not read certificates and app identifiers"
            )
        );
        println!(
            "{}",
            cap(
                v.capabilities.users,
                "May read the team's users",
                "May not read the team's users"
            )
        );
        if let Some(rl) = v.rate_limit {
            println!(
                "    {}",
                style.dim(&format!(
                    "{} of {} requests left this hour",
                    rl.remaining, rl.limit
                ))
            );
        }
    } else {
        println!("{}", style.bad(&v.message));
        if v.class() != Class::Usage {
            println!(
                "    {}",
                style.dim("The key file itself checked out fine (see above).")
            );
        }
    }
    println!("    {} {}", style.dim("What to do:"), v.hint);
    for w in &v.warnings {
        println!("{}", style.warn(&w.message));
    }
    if let Some(detail) = shown_detail(v.detail.as_deref()) {
        println!("    {} {detail}", style.dim("Details:"));
    }
    let status = v
        .http_status
        .map(|s| format!("HTTP {s}, "))
        .unwrap_or_default();
    println!(
        "    {}",
        style.dim(&format!(
            "({}{} {}, {} ms)",
            status,
            v.attempts,
            if v.attempts == 1 { "try" } else { "tries" },
            v.elapsed_ms
        ))
    );
}
