//! Writing a key for CI tools: fastlane's `api_key.json`, the `AuthKey_<ID>.p8`
//! where `xcrun altool`/`notarytool` look, a `.env` file for
//! codemagic-cli-tools and the Go `asc` CLI, and the `.p8` with what to run for
//! xcodebuild, EAS and GitHub secrets (`tools.rs`). Each format is one entry in `formats.rs`.
//!
//! Every file goes through `fsutil::write_private_file`: mode 0600, temp file
//! + rename in the same folder, never replacing a file without `force`.
//!
//! `.env` format: the PEM is written with real line breaks inside double
//! quotes. python-dotenv, Node's dotenv (≥ 15), Ruby's dotenv, docker compose
//! and a plain `set -a; . ./file` in bash/sh all read that back unchanged,
//! whereas `\n` escapes are expanded by dotenv loaders but not by the shell.
//! The PEM alphabet has no `"`, `$`, `` ` `` or `\`, so no escaping is needed.

use crate::core::credentials::Credentials;
use crate::core::fsutil::{write_private_file, Overwrite};
use crate::core::ids::KeyKind;
use crate::core::problem::{Code, WayOut};
use crate::core::Problem;
use base64ct::{Base64, Encoding};
use serde::Serialize;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

mod formats;
mod gh;
mod placement;
mod tools;

pub use formats::{menu, names, render, ExportFormat, FormatSpec, MenuEntry, FORMATS};

pub use gh::{message as secrets_message, set_secrets, set_secrets_not_github};
use placement::default_file_name;
pub use placement::{altool_dir, altool_file_name, default_path, exports_dir, wizard_folder};

/// fastlane refuses tokens living longer than 20 minutes; 1200 s is its maximum.
pub const FASTLANE_DURATION_S: u32 = 1200;

/// What was written. Holds no key material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub format: ExportFormat,
    #[serde(serialize_with = "crate::core::text::serialize_path")]
    pub path: PathBuf,
    /// What to run or paste next (the format's `commands` in `FORMATS`); may be empty.
    pub commands: Vec<String>,
    /// Things the user should know (e.g. "keep this file out of git").
    pub notes: Vec<String>,
    /// `{code, message, hint}`: the file was written, but something about
    /// using it here needs attention (e.g. `xcrun_macos_only`).
    pub warnings: Vec<Problem>,
}

impl Exported {
    /// One line saying what was written where, the same in the CLI and the wizard.
    pub fn message(&self) -> String {
        format!(
            "{} written to {}",
            self.format.spec().what,
            self.path.display()
        )
    }

    /// The heading over `commands`: EAS's are fields to paste, the others lines to run.
    pub fn commands_title(&self) -> &'static str {
        self.format.spec().commands_title
    }
}

/// Write one export. `out` may be a file or an existing folder (the default
/// file name is then used inside it); `None` is the private default folder (`placement.rs`).
/// A place inside a git work tree that git does not ignore is refused unless `out` named it
/// (then written, with a note). The path is made absolute, so every line printed names it fully.
pub fn export(
    req: &Credentials<'_>,
    format: ExportFormat,
    out: Option<&Path>,
    force: bool,
) -> Result<Exported, Problem> {
    let path = match out {
        Some(p) if p.is_dir() => p.join(default_file_name(format, req.key_id)),
        Some(p) => p.to_owned(),
        None => default_path(format, req.key_id)?,
    };
    let path = std::path::absolute(&path).unwrap_or(path);
    let exposed = placement::exposed_in(&path);
    if let (Some(root), None) = (&exposed, out) {
        return Err(placement::in_repository(&path, root));
    }
    if out.is_none() {
        placement::make_default_dir(format)?;
    }
    let overwrite = if force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let content = render(req, format);
    // Only an export may write over the file (the caller asks for it); say so with the problem.
    write_private_file(&path, content.as_bytes(), overwrite).map_err(|p| {
        if p.is(Code::FileExists) {
            p.way_out(WayOut::Overwrite)
        } else {
            p
        }
    })?;

    let mut notes = vec![
        "The file contains your private key: keep it secret and out of version control.".to_owned(),
    ];
    let spec = format.spec();
    let commands = (spec.commands)(req.key_id, req.issuer_id, &path);
    notes.extend((spec.notes)(req, &path));
    let warnings = platform_warnings(format, req.key_id);
    if let Some(root) = &exposed {
        notes.push(placement::in_repository_note(root));
    }
    if req.kind == KeyKind::Individual {
        notes.push("This is an individual key: it has no Issuer ID, and Apple does not let it notarize or manage signing.".to_owned());
    }
    Ok(Exported {
        format,
        path,
        commands,
        notes,
        warnings,
    })
}

/// The one place that decides whether an export can be used on this OS.
/// `xcrun` (altool, notarytool) ships with Xcode, which exists only on macOS;
/// elsewhere the file is still written, because it is meant to be copied to a
/// Mac, but the commands cannot run here and the result must say so.
pub fn platform_warnings(format: ExportFormat, key_id: &str) -> Vec<Problem> {
    if format.spec().xcrun && !cfg!(target_os = "macos") {
        vec![xcrun_macos_only(key_id)]
    } else {
        Vec::new()
    }
}

fn xcrun_macos_only(key_id: &str) -> Problem {
    Problem::new(
        Code::XcrunMacosOnly,
        "xcrun (altool, notarytool) is part of Xcode and runs only on macOS: \
         these commands will not work on this computer.",
        format!(
            "Copy {} to ~/.appstoreconnect/private_keys/ on a Mac and run the commands there \
             (point notarytool's --key at the copied file).",
            altool_file_name(key_id)
        ),
    )
}

#[derive(Serialize)]
struct FastlaneJson<'a> {
    key_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer_id: Option<&'a str>,
    key: &'a str,
    duration: u32,
    in_house: bool,
}

pub(super) fn render_fastlane(req: &Credentials<'_>) -> Zeroizing<String> {
    let json = FastlaneJson {
        key_id: req.key_id,
        issuer_id: req.issuer_id,
        key: req.key.canonical_pem(),
        duration: FASTLANE_DURATION_S,
        in_house: false,
    };
    // Strings and numbers always encode; an empty file would fail fastlane's own check loudly.
    crate::core::wipe::json_pretty(&json).unwrap_or_default()
}

pub(super) fn render_env(req: &Credentials<'_>) -> Zeroizing<String> {
    let pem = req.key.canonical_pem();
    let b64 = Zeroizing::new(Base64::encode_string(pem.as_bytes()));
    let issuer = req.issuer_id.unwrap_or("");
    let key_id = req.key_id;
    let now = crate::core::vault::now_rfc3339();
    // Written straight into one buffer of the final size: no `format!` copies of the PEM.
    crate::core::wipe::text(|w| {
        write!(
            w,
            "# App Store Connect API key {key_id}, written by asc-key-wizard on {now}.\n\
             # SECRET: this file holds the private key. Never commit it or share it.\n\
             # Load with `set -a; . ./this-file; set +a`, or any dotenv loader.\n\n\
             # codemagic-cli-tools (app-store-connect, fetch-signing-files, …)\n"
        )?;
        if req.issuer_id.is_none() {
            w.write_str("# (individual key: there is no Issuer ID)\n")?;
        }
        write!(
            w,
            "APP_STORE_CONNECT_ISSUER_ID={issuer}\n\
             APP_STORE_CONNECT_KEY_IDENTIFIER={key_id}\n\
             APP_STORE_CONNECT_PRIVATE_KEY=\"{}\"\n\n\
             # The Go `asc` CLI (ASC_PRIVATE_KEY_B64 = the .p8 file, base64-encoded)\n\
             ASC_KEY_ID={key_id}\n\
             ASC_ISSUER_ID={issuer}\n\
             ASC_PRIVATE_KEY_B64={}\n",
            pem.trim_end(),
            b64.as_str()
        )
    })
}

/// The `xcrun notarytool store-credentials` and `xcrun altool` lines for a key
/// written at `key_path`.
pub fn altool_commands(key_id: &str, issuer_id: Option<&str>, key_path: &Path) -> Vec<String> {
    let issuer = issuer_id.unwrap_or("<ISSUER_ID>");
    let path = shell_quote(&key_path.display().to_string());
    let mut lines = vec![
        format!("xcrun notarytool store-credentials \"ASC_{key_id}\" --key {path} --key-id {key_id} --issuer {issuer}"),
        format!("xcrun altool --upload-app -f YourApp.ipa -t ios --apiKey {key_id} --apiIssuer {issuer}"),
    ];
    let in_default_dir = altool_dir()
        .ok()
        .is_some_and(|d| key_path.parent() == Some(d.as_path()));
    if !in_default_dir {
        if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            lines[1] = format!(
                "API_PRIVATE_KEYS_DIR={} {}",
                shell_quote(&dir.display().to_string()),
                lines[1]
            );
        }
    }
    lines
}

/// Single-quote for POSIX shells when needed.
pub(crate) fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@~".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// At start-up (`main`): remove our temp files older than `older_than` in the folders the app itself chooses to write
/// to (the altool folder); exports elsewhere sweep their folder on their next write.
pub fn sweep_stale_temps(older_than: std::time::Duration) {
    for dir in [altool_dir(), exports_dir()].into_iter().flatten() {
        let n = crate::core::fsutil::remove_stale_temps(&dir, older_than);
        if n > 0 {
            log::debug!("removed {n} stale temp file(s) from an interrupted export");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_fastlane_files_are_written_once_into_a_buffer_of_their_size() {
        let key = crate::core::key::PrivateKey::from_secret(p256::SecretKey::random(
            &mut rand_core::OsRng,
        ));
        let pem = key.canonical_pem();
        for issuer in [Some("57246542-96fe-1a63-e053-0824d011072a"), None] {
            let kind = if issuer.is_some() {
                KeyKind::Team
            } else {
                KeyKind::Individual
            };
            let req = Credentials {
                key: &key,
                key_id: "2X9R4HXF34",
                issuer_id: issuer,
                kind,
            };
            let env = render(&req, ExportFormat::Env);
            assert_eq!(
                env.capacity(),
                env.len(),
                "never grown: no unwiped old buffer"
            );
            // The bytes are those the earlier push_str/format! rendering produced.
            let (i, b64) = (issuer.unwrap_or(""), Base64::encode_string(pem.as_bytes()));
            let individual = if issuer.is_none() {
                "# (individual key: there is no Issuer ID)\n"
            } else {
                ""
            };
            let body = format!(
                "# codemagic-cli-tools (app-store-connect, fetch-signing-files, …)\n{individual}\
                 APP_STORE_CONNECT_ISSUER_ID={i}\nAPP_STORE_CONNECT_KEY_IDENTIFIER=2X9R4HXF34\n\
                 APP_STORE_CONNECT_PRIVATE_KEY=\"{}\"\n\n\
                 # The Go `asc` CLI (ASC_PRIVATE_KEY_B64 = the .p8 file, base64-encoded)\n\
                 ASC_KEY_ID=2X9R4HXF34\nASC_ISSUER_ID={i}\nASC_PRIVATE_KEY_B64={b64}\n",
                pem.trim_end()
            );
            let (head, tail) = env.split_once("\n\n").unwrap();
            assert!(head.starts_with(
                "# App Store Connect API key 2X9R4HXF34, written by asc-key-wizard on "
            ));
            assert_eq!(head.lines().count(), 3);
            assert_eq!(tail, body);
            let fastlane = render(&req, ExportFormat::Fastlane);
            assert_eq!(fastlane.capacity(), fastlane.len());
            let json = FastlaneJson {
                key_id: "2X9R4HXF34",
                issuer_id: issuer,
                key: pem,
                duration: 1200,
                in_house: false,
            };
            assert_eq!(
                *fastlane,
                format!("{}\n", serde_json::to_string_pretty(&json).unwrap())
            );
        }
    }

    #[test]
    fn parses_formats_and_quotes() {
        assert_eq!(
            "Fastlane".parse::<ExportFormat>().unwrap(),
            ExportFormat::Fastlane
        );
        assert_eq!(
            "GitHub".parse::<ExportFormat>().unwrap(),
            ExportFormat::Github
        );
        assert_eq!(
            "xcodebuild".parse::<ExportFormat>().unwrap(),
            ExportFormat::Xcodebuild
        );
        assert_eq!("eas".parse::<ExportFormat>().unwrap(), ExportFormat::Eas);
        assert_eq!(
            "nope".parse::<ExportFormat>().unwrap_err().code,
            "unknown_format"
        );
        assert_eq!(shell_quote("/a/b.p8"), "/a/b.p8");
        assert_eq!(shell_quote("/a b/it's.p8"), r"'/a b/it'\''s.p8'");
    }

    #[test]
    fn only_altool_off_macos_warns_about_xcrun() {
        let altool = platform_warnings(ExportFormat::Altool, "2X9R4HXF34");
        if cfg!(target_os = "macos") {
            assert!(altool.is_empty());
        } else {
            assert_eq!(altool.len(), 1);
            assert_eq!(altool[0].code, "xcrun_macos_only");
            assert!(altool[0].hint.contains("AuthKey_2X9R4HXF34.p8"));
        }
        for other in [
            ExportFormat::Fastlane,
            ExportFormat::Env,
            ExportFormat::Xcodebuild,
            ExportFormat::Eas,
            ExportFormat::Github,
        ] {
            assert!(platform_warnings(other, "2X9R4HXF34").is_empty());
        }
    }
}
