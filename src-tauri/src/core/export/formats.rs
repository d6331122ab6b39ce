//! The export formats, one entry each (issue 23 §3): the enum the CLI's `--format` derives from
//! (clap's `ValueEnum`, its doc comments are the help) and `FORMATS`, the table every other place
//! reads: file name, default folder, content, commands, notes and the wizard's menu words.

use super::tools;
use crate::core::credentials::Credentials;
use crate::core::problem::Code;
use crate::core::Problem;
use serde::{Deserialize, Serialize};
use std::path::Path;
use zeroize::Zeroizing;

/// An export format. Its order is the menus' and `--help`'s; `FORMATS` holds one entry for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// api_key.json for fastlane's api_key_path.
    Fastlane,
    /// AuthKey_<KEYID>.p8 in ~/.appstoreconnect/private_keys, plus altool/notarytool commands.
    Altool,
    /// A .env file for codemagic-cli-tools and the asc CLI.
    Env,
    /// AuthKey_<KEYID>.p8 plus xcodebuild's -authenticationKey… flags.
    Xcodebuild,
    /// AuthKey_<KEYID>.p8 plus the eas.json submit fields.
    Eas,
    /// AuthKey_<KEYID>.p8 plus the `gh secret set` commands (values from the file or stdin);
    /// see also --set-secrets, which needs no file.
    Github,
}

/// What the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The `.p8` in Apple's exact form.
    P8,
    /// fastlane's `api_key.json`.
    FastlaneJson,
    /// A `.env` file (`mod.rs` says why its PEM has real line breaks).
    DotEnv,
}

/// Where a format goes when no place is named (`placement.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// `~/.appstoreconnect/private_keys`, where altool looks: the wizard writes there too.
    Altool,
    /// The app's private exports folder (the wizard: Downloads, else home).
    Exports,
}

/// Everything about one format. Adding a format is its variant above, its entry here, and,
/// when it prints commands or notes, its function in `tools.rs`.
pub struct FormatSpec {
    pub format: ExportFormat,
    /// The name `--format` takes and the wizard sends (the serde and clap name).
    pub name: &'static str,
    /// Other names `FromStr` accepts (not `--format`, which takes only `name`).
    pub aliases: &'static [&'static str],
    /// The file name inside a folder; `{KEYID}` is replaced by the Key ID.
    pub file: &'static str,
    pub home: Home,
    pub content: Content,
    /// "… written to PATH".
    pub what: &'static str,
    /// The heading over the commands.
    pub commands_title: &'static str,
    /// What to run or paste for the file at a path (Key ID, Issuer ID, path).
    pub commands: fn(&str, Option<&str>, &Path) -> Vec<String>,
    /// What to know about using the file at a path (after the "keep it secret" note).
    pub notes: fn(&Credentials<'_>, &Path) -> Vec<String>,
    /// Its commands run `xcrun`, which only macOS has (`xcrun_macos_only` elsewhere).
    pub xcrun: bool,
    /// The CLI's extra line for an individual key, under the commands.
    pub individual_line: Option<&'static str>,
    /// The wizard's menu words: the hand-off step's, and the Saved keys screen's shorter one.
    pub label: &'static str,
    pub short_label: &'static str,
}

const RUN: &str = "Commands for this key:";

pub const FORMATS: &[FormatSpec] = &[
    FormatSpec {
        format: ExportFormat::Fastlane,
        name: "fastlane",
        aliases: &[],
        file: "asc_api_key_{KEYID}.json",
        home: Home::Exports,
        content: Content::FastlaneJson,
        what: "fastlane API key file",
        commands_title: RUN,
        commands: |_, _, _| Vec::new(),
        notes: tools::fastlane_notes,
        xcrun: false,
        individual_line: None,
        label: "fastlane (api_key.json)",
        short_label: "fastlane (api_key.json)",
    },
    FormatSpec {
        format: ExportFormat::Altool,
        name: "altool",
        aliases: &["notarytool"],
        file: "AuthKey_{KEYID}.p8",
        home: Home::Altool,
        content: Content::P8,
        what: "Key file for altool and notarytool",
        commands_title: RUN,
        commands: super::altool_commands,
        notes: tools::altool_notes,
        xcrun: true,
        individual_line: Some("Replace <ISSUER_ID> above: individual keys have none, and notarytool needs a team key."),
        label: "Xcode altool / notarytool (private_keys folder)",
        short_label: "Xcode altool / notarytool",
    },
    FormatSpec {
        format: ExportFormat::Env,
        name: "env",
        aliases: &["dotenv", ".env"],
        file: "asc_api_key_{KEYID}.env",
        home: Home::Exports,
        content: Content::DotEnv,
        what: ".env file",
        commands_title: RUN,
        commands: |_, _, _| Vec::new(),
        notes: tools::env_notes,
        xcrun: false,
        individual_line: None,
        label: ".env file (codemagic, asc)",
        short_label: ".env file",
    },
    FormatSpec {
        format: ExportFormat::Xcodebuild,
        name: "xcodebuild",
        aliases: &["xcode"],
        file: "AuthKey_{KEYID}.p8",
        home: Home::Exports,
        content: Content::P8,
        what: "Key file for xcodebuild",
        commands_title: RUN,
        commands: tools::xcodebuild_lines,
        notes: tools::xcodebuild_notes,
        xcrun: false,
        individual_line: None,
        label: "xcodebuild (key file and flags)",
        short_label: "xcodebuild",
    },
    FormatSpec {
        format: ExportFormat::Eas,
        name: "eas",
        aliases: &["expo"],
        file: "AuthKey_{KEYID}.p8",
        home: Home::Exports,
        content: Content::P8,
        what: "Key file for EAS Submit",
        // EAS's are fields to paste, the others lines to run.
        commands_title: "Fields for eas.json:",
        commands: tools::eas_lines,
        notes: tools::eas_notes,
        xcrun: false,
        individual_line: None,
        label: "EAS Submit (key file and eas.json fields)",
        short_label: "EAS Submit",
    },
    FormatSpec {
        format: ExportFormat::Github,
        name: "github",
        aliases: &["gh"],
        file: "AuthKey_{KEYID}.p8",
        home: Home::Exports,
        content: Content::P8,
        what: "Key file for GitHub secrets",
        commands_title: RUN,
        commands: tools::github_lines,
        notes: tools::github_notes,
        xcrun: false,
        individual_line: None,
        label: "GitHub Actions secrets (key file and gh commands)",
        short_label: "GitHub Actions secrets",
    },
];

impl ExportFormat {
    /// This format's entry in [`FORMATS`] (a test checks every variant has exactly one).
    pub fn spec(self) -> &'static FormatSpec {
        FORMATS
            .iter()
            .find(|s| s.format == self)
            .expect("every export format has an entry in FORMATS")
    }

    /// The file name this format gets inside a folder.
    pub fn file_name(self, key_id: &str) -> String {
        self.spec().file.replace("{KEYID}", key_id)
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        let wanted = s.trim().to_ascii_lowercase();
        FORMATS
            .iter()
            .find(|f| f.name == wanted || f.aliases.contains(&wanted.as_str()))
            .map(|f| f.format)
            .ok_or_else(|| unknown_format(s))
    }
}

fn unknown_format(s: &str) -> Problem {
    Problem::new(
        Code::UnknownFormat,
        format!("\"{s}\" is not an export format."),
        format!("Use {}.", names()),
    )
}

/// Every format's name, "fastlane, altool, … or github": for a hint, and the CLI's `export` line.
pub fn names() -> String {
    let names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// One entry of the wizard's export menus.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MenuEntry {
    /// What `export_key` / `export_saved` take as `format`.
    pub value: &'static str,
    /// The hand-off step's words.
    pub label: &'static str,
    /// The Saved keys screen's words.
    pub short_label: &'static str,
}

/// The wizard's export menus, in the table's order (the first is preselected).
pub fn menu() -> Vec<MenuEntry> {
    FORMATS
        .iter()
        .map(|f| MenuEntry {
            value: f.name,
            label: f.label,
            short_label: f.short_label,
        })
        .collect()
}

/// The file content for a format.
pub fn render(req: &Credentials<'_>, format: ExportFormat) -> Zeroizing<String> {
    match format.spec().content {
        Content::P8 => Zeroizing::new(req.key.canonical_pem().to_owned()),
        Content::FastlaneJson => super::render_fastlane(req),
        Content::DotEnv => super::render_env(req),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_format_has_one_entry_named_as_serde_and_clap_name_it() {
        assert_eq!(FORMATS.len(), ExportFormat::value_variants().len());
        for (spec, variant) in FORMATS.iter().zip(ExportFormat::value_variants()) {
            assert_eq!(spec.format, *variant, "FORMATS is in the enum's order");
            assert_eq!(serde_json::to_value(variant).unwrap(), spec.name);
            assert_eq!(variant.to_possible_value().unwrap().get_name(), spec.name);
            assert_eq!(spec.name.parse::<ExportFormat>().unwrap(), *variant);
            for alias in spec.aliases {
                assert_eq!(alias.parse::<ExportFormat>().unwrap(), *variant);
            }
        }
        assert_eq!(
            "nope".parse::<ExportFormat>().unwrap_err().hint,
            "Use fastlane, altool, env, xcodebuild, eas or github."
        );
        assert_eq!(ExportFormat::Fastlane.file_name("K"), "asc_api_key_K.json");
        assert_eq!(menu()[0].value, "fastlane", "the menus' default");
    }
}
