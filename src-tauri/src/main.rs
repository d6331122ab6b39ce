// Hide the console window of the GUI on Windows release builds.
#![cfg_attr(all(not(debug_assertions), feature = "gui"), windows_subsystem = "windows")]

use asc_key_wizard::cli;
use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    cli::init_logging(args.verbose);
    match args.command {
        Some(command) => std::process::exit(cli::run(command)),
        None => open_wizard(),
    }
}

#[cfg(feature = "gui")]
fn open_wizard() {
    asc_key_wizard::app::run();
}

#[cfg(not(feature = "gui"))]
fn open_wizard() {
    eprintln!(
        "This build has no wizard window (built without the `gui` feature). \
         Use a subcommand, for example `asc-key-wizard check AuthKey_ABC123DEFG.p8`; see --help."
    );
    std::process::exit(cli::exit::USAGE);
}
