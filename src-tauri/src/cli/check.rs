//! `check <FILE|->`: the offline check. Parses arguments, calls
//! `core::key::check`, prints a checklist or the JSON report, and writes the
//! canonical PEM when `--fix-to` asks for it.

use super::exit::Outcome;
use super::output::{print_json, print_problem, Style};
use super::words::cli_words;
use crate::core::fsutil::{write_private_file, Overwrite};
use crate::core::ids::parse_key_id;
use crate::core::ids::KeyKind;
use crate::core::key::{self, Checked, Report};
use crate::core::problem::Class;
use crate::core::vault::compare::compare;
use crate::core::vault::Vault;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The key file (.p8, PEM, DER, fastlane JSON…), or - for standard input.
    pub file: PathBuf,

    /// The Key ID shown next to the key in App Store Connect (10 letters and digits).
    #[arg(long, value_name = "ID")]
    pub key_id: Option<String>,

    /// Your team's Issuer ID (shown above the key list in App Store Connect).
    #[arg(long, value_name = "ID")]
    pub issuer_id: Option<String>,

    /// Print the report as one JSON object instead of a checklist.
    #[arg(long)]
    pub json: bool,

    /// Write the repaired key, in the exact form Apple ships, to this new file
    /// (readable only by you; an existing file is never replaced).
    #[arg(long, value_name = "PATH")]
    pub fix_to: Option<PathBuf>,

    /// Say whether this is the same key as one saved in the keychain (by fingerprint, from the
    /// index: the keychain is not opened). Exit 0 the same, 1 not.
    #[arg(long, value_name = "KEYID")]
    pub same_as: Option<String>,
}

pub fn run(args: CheckArgs) -> Outcome {
    let stdin = args.file.as_os_str() == "-";
    let (mut report, key) = match key::check_path(
        &args.file,
        args.key_id.as_deref(),
        args.issuer_id.as_deref(),
        KeyKind::Team,
    ) {
        Ok(Checked { report, key }) => (report.worded(cli_words), key),
        Err(problem) => (Report::unreadable(problem.worded(cli_words)), None),
    };

    let mut written = None;
    if let (Some(dest), Some(key)) = (&args.fix_to, &key) {
        match write_private_file(dest, key.canonical_pem().as_bytes(), Overwrite::Refuse) {
            Ok(()) => written = Some(dest.clone()),
            Err(problem) => {
                // No way out to word: the check never replaces a file.
                report.problems.push(problem);
                report.ok = false;
            }
        }
    }

    // Looked up before anything is printed: an unknown Key ID is the one failure (exit 1).
    let comparison = match &args.same_as {
        Some(id) => Some(compare(&report, &Vault::open()?.show(&parse_key_id(id)?)?)),
        None => None,
    };

    if args.json {
        match &comparison {
            Some(c) => {
                let mut v = serde_json::to_value(&report).unwrap_or_default();
                if let Some(obj) = v.as_object_mut() {
                    obj.insert(
                        "same_as".into(),
                        serde_json::to_value(c).unwrap_or_default(),
                    );
                }
                print_json(&v);
            }
            None => print_json(&report),
        }
    } else {
        let source = if stdin {
            "standard input".to_owned()
        } else {
            args.file.display().to_string()
        };
        print_checklist(
            Style::for_stdout(),
            &source,
            &report,
            args.fix_to.as_deref(),
            written.as_deref(),
        );
    }
    if let (Some(c), false) = (&comparison, args.json) {
        let style = Style::for_stdout();
        println!(
            "{}",
            if c.same {
                style.good(&c.message)
            } else {
                style.bad(&c.message)
            }
        );
    }
    let same = comparison.as_ref().is_none_or(|c| c.same);
    Ok(if report.ok && same {
        Class::Usable
    } else {
        Class::NotUsable
    })
}

/// A short checklist a non-engineer can follow: found, repaired, IDs, what to do.
fn print_checklist(
    style: Style,
    source: &str,
    report: &Report,
    fix_to: Option<&Path>,
    written: Option<&Path>,
) {
    println!("{}", style.bold(&format!("Checking {source}")));
    println!("{}", style.dim("(offline: nothing is sent anywhere)"));
    println!();

    // Found: only claimed once the key parsed and signed its test message.
    let key_found = report.fingerprint.is_some();
    if key_found {
        println!("{}", style.good(FOUND));
    }
    for note in &report.notes {
        println!("{}", style.fixed(&format!("Repaired: {}", note.message)));
    }
    for problem in &report.problems {
        print_problem(style, problem);
    }
    for warning in &report.warnings {
        println!("{}", style.warn(&warning.message));
        println!("    {} {}", style.dim("What to do:"), warning.hint);
    }

    // ID reminders only matter once the key itself is sound.
    let id_problem = |prefix: &str| {
        report
            .problems
            .iter()
            .any(|p| p.code.as_str().starts_with(prefix))
    };
    if key_found && !id_problem("key_id") {
        match &report.key_id {
            Some(id) => println!("{}", style.good(&format!("Key ID: {id}"))),
            None => println!("{}", style.warn(NO_KEY_ID)),
        }
    }
    if key_found && !id_problem("issuer_id") {
        match &report.issuer_id {
            Some(id) => println!("{}", style.good(&format!("Issuer ID: {id}"))),
            None => println!("{}", style.warn(NO_ISSUER_ID)),
        }
    }
    if let Some(fp) = &report.fingerprint {
        println!("  {} {fp}", style.dim("Fingerprint:"));
    }
    println!();

    if !report.ok {
        println!(
            "{}",
            style.bad(&style.bold("Result: this key cannot be used as it is."))
        );
        if let (Some(path), None) = (fix_to, written) {
            println!(
                "  {}",
                style.dim(&format!("Nothing was written to {}.", path.display()))
            );
        }
        return;
    }
    if report.warnings.is_empty() {
        println!(
            "{}",
            style.good(&style.bold("Result: this key is ready to use."))
        );
    } else {
        println!("{}", style.warn(&style.bold(WORKS_WITH_WARNINGS)));
    }
    if let Some(path) = written {
        let done = format!(
            "Wrote the key in Apple's exact form to {} (only you can read it).",
            path.display()
        );
        println!("{}", style.good(&done));
    } else if fix_to.is_none() && !report.notes.is_empty() {
        println!("  {}", style.dim(FIX_TIP));
    }
}

const FOUND: &str =
    "This is a P-256 private key, the kind App Store Connect issues, and it signed a test message.";
const NO_KEY_ID: &str =
    "Key ID: not known. Pass --key-id; it is listed next to the key in App Store Connect.";
const NO_ISSUER_ID: &str =
    "Issuer ID: not given. Pass --issuer-id; it is shown above the key list in App Store Connect.";
const WORKS_WITH_WARNINGS: &str =
    "Result: the key itself works; read the warnings above before using it.";
const FIX_TIP: &str = "To save a repaired copy, run this again with --fix-to NEW_FILE.p8 \
                       (the original is not changed).";
