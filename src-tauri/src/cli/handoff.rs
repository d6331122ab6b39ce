//! `upload` and `export`: handing the key on.
//!
//! Exit codes: 0 done; 1 key unusable or no such saved key; 2 bad arguments,
//! settings or missing token; 3 the dashboard refused; 4 no answer from the
//! dashboard; 5 keychain or local file writing failed.

use crate::cli::args::IdArgs;
use crate::cli::exit::{Failure, Outcome};
use crate::cli::load::{load_file_key, load_stored_key, runtime};
use crate::cli::output::{print_json, Style};
use crate::core::config;
use crate::core::export::{self, ExportFormat};
use crate::core::ids::KeyIds;
use crate::core::ids::KeyKind;
use crate::core::key::PrivateKey;
use crate::core::problem::{Class, Code};
use crate::core::upload::{self, UploadOptions};
use crate::core::Problem;
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use zeroize::Zeroizing;

/// Which key: a file, or one saved in the keychain.
#[derive(Debug, Args)]
pub struct KeyChoice {
    /// The key file (AuthKey_XXXXXXXXXX.p8), or - for standard input.
    #[arg(required_unless_present = "stored", conflicts_with = "stored")]
    pub file: Option<PathBuf>,
    /// Use a key saved in the keychain instead of a file.
    #[arg(long, value_name = "KEYID")]
    pub stored: Option<String>,
    #[command(flatten)]
    pub ids: IdArgs,
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    #[command(flatten)]
    pub key: KeyChoice,
    /// Upload address (overrides upload_url from the settings file).
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Read the setup token from this environment variable (otherwise you are asked for it).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Settings file naming the platform (see docs/config.md); default $ASC_WIZARD_CONFIG or the app's config.json.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub key: KeyChoice,
    // The formats and their help come from `core::export::ExportFormat` (no list here to go stale).
    /// What to write.
    #[arg(long, value_enum, required_unless_present = "set_secrets")]
    pub format: Option<ExportFormat>,
    /// Where to write (a file, or an existing folder). Default: a private folder outside any git
    /// repository (altool: ~/.appstoreconnect/private_keys).
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
    /// Write no file: set the GitHub secrets with `gh secret set`, each value on gh's standard
    /// input (in the current folder's repository, or GH_REPO's).
    #[arg(long, conflicts_with_all = ["out", "force"])]
    pub set_secrets: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn load(choice: &KeyChoice, json: bool, style: Style) -> Result<(PrivateKey, KeyIds), Failure> {
    match (&choice.stored, &choice.file) {
        (Some(id), _) => Ok(load_stored_key(id)?),
        (None, Some(file)) => load_file_key(file, &choice.ids, json, style),
        (None, None) => Err(Problem::new(
            Code::KeyMissing,
            "No key was given.",
            "Pass a key file, or --stored KEYID for a saved key.",
        )
        .into()),
    }
}

pub fn upload(a: UploadArgs) -> Outcome {
    let style = Style::for_stdout();
    let cfg = config::load(a.config.as_deref())?.config;
    // Settle the destination and token before touching the key or keychain.
    let mut opts =
        UploadOptions::from_config(&cfg, a.to.as_deref(), Zeroizing::new(String::new()))?;
    config::validate_destination_url(&opts.url, "upload address")?;
    let stdin_is_key =
        a.key.stored.is_none() && a.key.file.as_deref().is_some_and(|f| f.as_os_str() == "-");
    opts.token = read_token(a.token_env.as_deref(), cfg.token_label(), stdin_is_key)?;
    let (key, ids) = load(&a.key, a.json, style)?;
    // Where the key goes, said before it is sent (on stderr: stdout stays the result alone).
    eprintln!(
        "{}",
        crate::core::destination::upload_line(&opts.platform_name, &opts.url)
    );
    let receipt = runtime()?.block_on(upload::upload(&ids.credentials(&key), &opts))?;
    if a.json {
        print_json(&serde_json::json!({ "ok": true, "key_id": ids.key_id, "upload": receipt }));
    } else {
        println!(
            "{}",
            style.good(&receipt.message(&opts.platform_name, &ids.key_id))
        );
    }
    Ok(Class::Usable)
}

/// The token from `--token-env VAR`, else asked on the terminal. Never an argument.
fn read_token(
    env: Option<&str>,
    label: &str,
    stdin_is_key: bool,
) -> Result<Zeroizing<String>, Problem> {
    if let Some(var) = env {
        let missing = |why: String| {
            let mut p = upload::missing_token(label);
            p.message = why;
            p
        };
        // The OS cannot hold such a name: say so rather than "not set".
        if var.is_empty() || var.contains(['=', '\0']) {
            return Err(missing(format!(
                "\"{var}\" is not a valid environment variable name, so there is no {label}."
            )));
        }
        let value = match std::env::var(var) {
            Ok(v) => Zeroizing::new(v),
            Err(std::env::VarError::NotUnicode(raw)) => {
                drop(Zeroizing::new(raw.into_encoded_bytes()));
                return Err(missing(format!(
                    "The environment variable {var} holds bytes that are not text, so it is not a {label}."
                )));
            }
            Err(std::env::VarError::NotPresent) => Zeroizing::new(String::new()),
        };
        if value.trim().is_empty() {
            return Err(missing(format!(
                "The environment variable {var} is empty or not set, so there is no {label}."
            )));
        }
        return Ok(Zeroizing::new(value.trim().to_owned()));
    }
    if stdin_is_key || !std::io::stdin().is_terminal() {
        return Err(upload::missing_token(label));
    }
    eprint!("Paste the {label} from your dashboard, then press Enter: ");
    let _ = std::io::stderr().flush();
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| upload::missing_token(label))?;
    let token = Zeroizing::new(line.trim().to_owned());
    if token.is_empty() {
        return Err(upload::missing_token(label));
    }
    Ok(token)
}

pub fn export(a: ExportArgs) -> Outcome {
    let style = Style::for_stdout();
    let format = match (a.format, a.set_secrets) {
        (Some(f), true) if f != ExportFormat::Github => {
            return Err(export::set_secrets_not_github(f).into())
        }
        (Some(f), false) => f,
        _ => ExportFormat::Github,
    };
    let (key, ids) = load(&a.key, a.json, style)?;
    if a.set_secrets {
        let names = export::set_secrets(&ids.credentials(&key))?;
        if a.json {
            print_json(&serde_json::json!({ "ok": true, "key_id": ids.key_id, "secrets": names }));
        } else {
            println!("{}", style.good(&export::secrets_message(&names)));
        }
        return Ok(Class::Usable);
    }
    let written = export::export(&ids.credentials(&key), format, a.out.as_deref(), a.force)?;
    if a.json {
        print_json(&serde_json::json!({ "ok": true, "key_id": ids.key_id, "export": written }));
        return Ok(Class::Usable);
    }
    println!("{}", style.good(&written.message()));
    if !written.commands.is_empty() {
        println!("{}", style.bold(written.commands_title()));
        for c in &written.commands {
            println!("  {c}");
        }
    }
    for n in &written.notes {
        println!("{}", style.warn(n));
    }
    if let Some(line) = format
        .spec()
        .individual_line
        .filter(|_| ids.kind == KeyKind::Individual)
    {
        println!("{}", style.warn(line));
    }
    // Written, but not usable as-is here: the code is printed so support can
    // look it up in docs/codes.md.
    for w in &written.warnings {
        println!("{}", style.warn(&format!("{} ({})", w.message, w.code)));
        println!("    {} {}", style.dim("What to do:"), w.hint);
    }
    Ok(Class::Usable)
}
