//! The GitHub export without any file (issue 21 §4): `gh secret set NAME` run once per secret,
//! its value written to gh's standard input — never an argument (other users see those in the
//! process list), never on disk.

use super::tools::github_secrets;
use crate::core::credentials::Credentials;
use crate::core::problem::Code;
use crate::core::Problem;
use std::io::Write;
use std::process::{Command, Stdio};

/// Set every secret of the `github` export with `gh` (in the current folder's repository, or
/// `GH_REPO`'s), in order; stops at the first failure. The names set, on success.
pub fn set_secrets(req: &Credentials<'_>) -> Result<Vec<&'static str>, Problem> {
    let mut done = Vec::new();
    for (name, value) in github_secrets(req) {
        let child = Command::new("gh")
            .args(["secret", "set", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(gh_missing()),
            Err(e) => return Err(gh_failed(name, &done, &e.to_string())),
        };
        // The value is at most a few hundred bytes: it fits the pipe, so gh's own output cannot
        // block this write. Dropping the handle closes gh's standard input.
        let wrote = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(value.as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| gh_failed(name, &done, &e.to_string()))?;
        if !out.status.success() || !matches!(wrote, Some(Ok(()))) {
            let said = String::from_utf8_lossy(&out.stderr);
            return Err(gh_failed(name, &done, said.trim()));
        }
        done.push(name);
    }
    Ok(done)
}

/// What was done, in one line.
pub fn message(names: &[&str]) -> String {
    format!(
        "Set {} GitHub secrets with gh, each value on its standard input (no file written): {}.",
        names.len(),
        names.join(", ")
    )
}

fn gh_missing() -> Problem {
    Problem::new(
        Code::GhMissing,
        "GitHub's command-line tool gh was not found, so no secret was set.",
        "Install it from https://cli.github.com and sign in with `gh auth login`, or export the file with --format github and run the commands it prints.",
    )
}

fn gh_failed(name: &str, done: &[&str], said: &str) -> Problem {
    let before = if done.is_empty() {
        "none".to_owned()
    } else {
        done.join(", ")
    };
    let said = said
        .lines()
        .last()
        .unwrap_or_default()
        .trim_end_matches('.');
    Problem::new(
        Code::GhFailed,
        format!("`gh secret set {name}` failed{}{said}. Secrets set before it: {before}.", if said.is_empty() { "" } else { ": " }),
        "Check `gh auth status`, and run this in your repository's folder (or set GH_REPO=owner/name), then try again.",
    )
}

/// `--set-secrets` sets GitHub secrets: another format with it is a usage error.
pub fn set_secrets_not_github(format: super::ExportFormat) -> Problem {
    let name = format.spec().name;
    Problem::new(
        Code::UnknownFormat,
        format!("--set-secrets sets GitHub secrets: it does not go with --format {name}."),
        "Leave out --format (or use --format github) to set the secrets, or leave out --set-secrets to write the file.",
    )
}
