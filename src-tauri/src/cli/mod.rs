//! The headless CLI: parse arguments, call the core, print. No rules live here.

pub mod args;
pub mod check;
pub mod exit;
pub mod handoff;
pub mod load;
pub mod output;
pub mod store;
pub mod verify;
pub mod watch;
pub mod words;

use clap::{Parser, Subcommand};
use exit::Failure;

#[derive(Debug, Parser)]
#[command(
    name = "asc-key-wizard",
    version,
    about = "Set up, check, verify and store App Store Connect API keys.",
    long_about = "Set up, check, verify and store App Store Connect API keys.\n\n\
                  Run without a subcommand to open the step-by-step wizard."
)]
pub struct Cli {
    /// Log what happens (method, path, status and timing of requests; never keys or tokens).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a .p8 key file offline (no network), repairing common damage.
    Check(check::CheckArgs),
    /// Check a key offline, then ask Apple whether it works.
    Verify(verify::VerifyArgs),
    /// Verify a key and save it in this computer's keychain.
    Save(store::SaveArgs),
    /// List the keys saved in the keychain.
    List(store::ListArgs),
    /// Show what is known about a saved key (never the key itself).
    Show(store::ShowArgs),
    /// Ask Apple again whether a saved key works, and record the answer.
    Test(store::TestArgs),
    /// Delete a saved key from the keychain.
    Delete(store::DeleteArgs),
    /// Upload a key to your platform's dashboard.
    Upload(handoff::UploadArgs),
    // Every format, from the table (`core::export::FORMATS`), so this line cannot go stale.
    #[command(about = format!("Write a key for CI tools: {}", crate::core::export::names()))]
    Export(handoff::ExportArgs),
}

impl Command {
    /// `--json`: failures are printed as `{"error": …}` on stdout instead of text on stderr.
    fn json(&self) -> bool {
        match self {
            Command::Check(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Save(a) => a.json,
            Command::List(a) => a.json,
            Command::Show(a) => a.json,
            Command::Test(a) => a.json,
            Command::Delete(a) => a.json,
            Command::Upload(a) => a.json,
            Command::Export(a) => a.json,
        }
    }
}

/// Run one subcommand; the one place that prints a failure and picks the exit code.
pub fn run(command: Command) -> i32 {
    let json = command.json();
    let outcome = match command {
        Command::Check(args) => check::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Save(args) => store::save(args),
        Command::List(args) => store::list(args),
        Command::Show(args) => store::show(args),
        Command::Test(args) => match args.key_id.clone() {
            Some(key_id) => store::test(args, &key_id),
            None => watch::test_all(&args, output::Style::for_stdout()),
        },
        Command::Delete(args) => store::delete(args),
        Command::Upload(args) => handoff::upload(args),
        Command::Export(args) => handoff::export(args),
    };
    let class = match outcome {
        Ok(class) | Err(Failure::Reported(class)) => class,
        Err(Failure::Problem(problem)) => {
            let problem = problem.worded(words::cli_words);
            output::print_failure(json, &problem);
            problem.class()
        }
    };
    class.exit_code()
}

/// `-v` turns on debug logs for our crate only; `RUST_LOG` still wins.
pub fn init_logging(verbose: bool) {
    let default = if verbose {
        "asc_key_wizard=debug"
    } else {
        "warn"
    };
    let _ = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(default))
        .format_timestamp(None)
        .try_init();
}
