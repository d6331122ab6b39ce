// Hide the console window of the GUI on Windows release builds.
#![cfg_attr(
    all(not(debug_assertions), feature = "gui"),
    windows_subsystem = "windows"
)]

use asc_key_wizard::cli;
use clap::Parser;

fn main() {
    // Before anything can hold a key: no core dumps, no ptrace, stale temp files gone.
    asc_key_wizard::core::process::harden();
    asc_key_wizard::core::export::sweep_stale_temps(asc_key_wizard::core::fsutil::STALE_AFTER);
    // Opened by a setup link (`<scheme>://setup?…`, the only argument): the wizard, which reads it.
    let link = || {
        let mut rest = std::env::args_os()
            .skip(1)
            .map(|a| a.into_string().unwrap_or_default());
        let scheme = asc_key_wizard::core::setup_link::scheme();
        matches!((rest.next(), rest.next()), (Some(a), None) if asc_key_wizard::core::setup_link::in_args([a.clone()], scheme).is_some())
    };
    if link() {
        cli::init_logging(false);
        return open_wizard();
    }
    attach_console();
    let args = cli::Cli::parse();
    cli::init_logging(args.verbose);
    log::debug!(
        "core dumps off; dumpable: {:?}",
        asc_key_wizard::core::process::dumpable()
    );
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
    std::process::exit(asc_key_wizard::core::problem::Class::Usage.exit_code());
}

/// The Windows GUI release build runs in the "windows" subsystem, so it starts without a console; a
/// subcommand's output (or `--help`, `--version`) would vanish. With any argument, borrow the
/// console of the shell that started it. Handles already redirected to a file or pipe stay as
/// they are (Rust's std looks the handles up on every write). In a debug build, which has a
/// console already, the call fails harmlessly.
#[cfg(all(windows, feature = "gui"))]
fn attach_console() {
    if std::env::args_os().len() > 1 {
        // SAFETY: a plain Win32 call with a constant argument; failure (no parent console) is fine.
        unsafe {
            windows_sys::Win32::System::Console::AttachConsole(
                windows_sys::Win32::System::Console::ATTACH_PARENT_PROCESS,
            );
        }
    }
}

#[cfg(not(all(windows, feature = "gui")))]
fn attach_console() {}
