//! Opening URLs and folders with the system's own handler (no opener plugin,
//! so the webview gets no general "open anything" permission).

use crate::core::problem::Code;
use crate::core::Problem;
use std::path::Path;
use std::process::{Command, Stdio};

/// Open an https URL in the default browser.
pub fn open_url(url: &str) -> Result<(), Problem> {
    if !url.starts_with("https://") {
        return Err(Problem::new(
            Code::BadDestination,
            "This address is not a secure web address, so it was not opened.",
            "Check the dashboard address in the platform settings file (it must start with https://).",
        ));
    }
    launch(url, None)
}

/// Show the folder holding `path` in the file manager (selecting the file where the OS can).
pub fn reveal(path: &Path) -> Result<(), Problem> {
    if !path.exists() {
        return Err(Problem::new(
            Code::FileNotFound,
            format!("The key file is no longer at {}.", path.display()),
            "It may have been moved or deleted. The key is still held by the wizard; you can save or export it.",
        ));
    }
    let folder = path.parent().unwrap_or(path);
    launch(&folder.to_string_lossy(), Some(path))
}

fn launch(target: &str, select: Option<&Path>) -> Result<(), Problem> {
    #[cfg(feature = "e2e-seam")]
    if let Some(log) = std::env::var_os("ASC_WIZARD_E2E_OPENED") {
        // Test builds record what would have opened instead of starting a browser.
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(launch_failed)?;
        writeln!(f, "{target}").map_err(launch_failed)?;
        return Ok(());
    }
    let mut cmd = command(target, select);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().map_err(launch_failed)?;
    // Reap it in the background so no zombie is left behind.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(target_os = "macos")]
fn command(target: &str, select: Option<&Path>) -> Command {
    let mut c = Command::new("open");
    match select {
        Some(p) => c.arg("-R").arg(p),
        None => c.arg(target),
    };
    c
}

#[cfg(target_os = "windows")]
fn command(target: &str, select: Option<&Path>) -> Command {
    match select {
        Some(p) => {
            use std::os::windows::process::CommandExt;
            // Explorer parses `/select,"C:\a b\c.p8"` itself; Rust's quoting of one whole
            // argument ("/select,C:\a b\c.p8" in quotes) makes it open Documents instead.
            let mut c = Command::new("explorer");
            c.raw_arg(format!("/select,\"{}\"", p.display()));
            c
        }
        None => {
            let mut c = Command::new("rundll32");
            c.arg("url.dll,FileProtocolHandler").arg(target);
            c
        }
    }
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
fn command(target: &str, _select: Option<&Path>) -> Command {
    let mut c = Command::new("xdg-open");
    c.arg(target);
    c
}

fn launch_failed(e: std::io::Error) -> Problem {
    Problem::new(
        Code::OpenFailed,
        format!("The browser or file manager could not be started: {e}."),
        "Open the page yourself, or copy the details with the copy buttons.",
    )
}
