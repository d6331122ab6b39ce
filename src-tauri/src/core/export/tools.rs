//! The exports that are the `.p8` itself plus what to run or paste for one tool: `xcodebuild`
//! (its `-authenticationKey…` flags), EAS (the `eas.json` submit fields) and GitHub (the
//! `gh secret set` commands, reading every value from the file or stdin, never an argument), and
//! every format's notes: the functions `formats.rs`'s table names.

use super::{altool_file_name, shell_quote};
use crate::core::credentials::Credentials;
use crate::core::ids::KeyKind;
use base64ct::{Base64, Encoding};
use std::path::Path;
use zeroize::Zeroizing;

/// The placeholder an individual key (which has no Issuer ID) leaves in a command.
const NO_ISSUER: &str = "<ISSUER_ID>";

/// xcodebuild's flags for a key written at `path`.
pub fn xcodebuild_lines(key_id: &str, issuer_id: Option<&str>, path: &Path) -> Vec<String> {
    let (file, issuer) = (
        shell_quote(&path.display().to_string()),
        issuer_id.unwrap_or(NO_ISSUER),
    );
    vec![format!(
        "xcodebuild -exportArchive -archivePath YourApp.xcarchive -exportOptionsPlist ExportOptions.plist \
         -exportPath build -allowProvisioningUpdates -authenticationKeyPath {file} \
         -authenticationKeyID {key_id} -authenticationKeyIssuerID {issuer}"
    )]
}

/// The `eas.json` submit fields for a key written at `path`.
pub fn eas_lines(key_id: &str, issuer_id: Option<&str>, path: &Path) -> Vec<String> {
    let json = serde_json::json!({ "submit": { "production": { "ios": {
        "ascApiKeyPath": path.display().to_string(),
        "ascApiKeyIssuerId": issuer_id.unwrap_or(NO_ISSUER),
        "ascApiKeyId": key_id,
    }}}});
    serde_json::to_string_pretty(&json)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The `gh secret set` commands for a key written at `path`: the env names of the `env` export
/// (codemagic-cli-tools, the Go `asc` CLI).
pub fn github_lines(key_id: &str, issuer_id: Option<&str>, path: &Path) -> Vec<String> {
    let file = shell_quote(&path.display().to_string());
    let mut cmds = vec![
        format!("gh secret set APP_STORE_CONNECT_PRIVATE_KEY < {file}"),
        format!("printf '%s' {key_id} | gh secret set APP_STORE_CONNECT_KEY_IDENTIFIER"),
        format!("printf '%s' {key_id} | gh secret set ASC_KEY_ID"),
        format!("base64 < {file} | tr -d '\\n' | gh secret set ASC_PRIVATE_KEY_B64"),
    ];
    if let Some(issuer) = issuer_id {
        cmds.insert(
            2,
            format!("printf '%s' {issuer} | gh secret set APP_STORE_CONNECT_ISSUER_ID"),
        );
        cmds.push(format!(
            "printf '%s' {issuer} | gh secret set ASC_ISSUER_ID"
        ));
    }
    cmds
}

/// The GitHub secrets the commands below set, by name, with their values (the `env` export's
/// names): what `gh.rs` hands to `gh secret set` without a file. The same values as the file
/// route: the PEM as the file holds it, the IDs without a newline, the base64 on one line.
pub fn github_secrets(req: &Credentials<'_>) -> Vec<(&'static str, Zeroizing<String>)> {
    let pem = req.key.canonical_pem();
    let id = || Zeroizing::new(req.key_id.to_owned());
    let mut secrets = vec![
        (
            "APP_STORE_CONNECT_PRIVATE_KEY",
            Zeroizing::new(pem.to_owned()),
        ),
        ("APP_STORE_CONNECT_KEY_IDENTIFIER", id()),
        ("ASC_KEY_ID", id()),
        (
            "ASC_PRIVATE_KEY_B64",
            Zeroizing::new(Base64::encode_string(pem.as_bytes())),
        ),
    ];
    if let Some(issuer) = req.issuer_id {
        secrets.insert(
            2,
            (
                "APP_STORE_CONNECT_ISSUER_ID",
                Zeroizing::new(issuer.to_owned()),
            ),
        );
        secrets.push(("ASC_ISSUER_ID", Zeroizing::new(issuer.to_owned())));
    }
    secrets
}

/// fastlane: where its action takes the file.
pub fn fastlane_notes(_: &Credentials<'_>, path: &Path) -> Vec<String> {
    vec![format!(
        "Use it with: app_store_connect_api_key(key_filepath: …) or api_key_path: \"{}\"",
        path.display()
    )]
}

/// altool finds a key only by Apple's file name.
pub fn altool_notes(req: &Credentials<'_>, path: &Path) -> Vec<String> {
    let name = altool_file_name(req.key_id);
    if path.file_name().is_some_and(|n| n == name.as_str()) {
        return Vec::new();
    }
    vec![format!(
        "altool only finds keys named {name}; rename the file or tools will not see it."
    )]
}

/// `.env`: how to load it.
pub fn env_notes(_: &Credentials<'_>, path: &Path) -> Vec<String> {
    vec![format!(
        "Load it with: set -a; . {}; set +a   (or any dotenv loader)",
        shell_quote(&path.display().to_string())
    )]
}

pub fn xcodebuild_notes(req: &Credentials<'_>, _: &Path) -> Vec<String> {
    vec![if req.kind == KeyKind::Individual {
        "xcodebuild needs a team key's Issuer ID: with an individual key, use a team key instead."
            .into()
    } else {
        "Add these flags to any xcodebuild command that signs or uploads (archive, -exportArchive)."
            .into()
    }]
}

pub fn eas_notes(_: &Credentials<'_>, _: &Path) -> Vec<String> {
    vec![
        "Merge these fields into eas.json (submit → production → ios), then run: eas submit -p ios"
            .into(),
    ]
}

pub fn github_notes(_: &Credentials<'_>, _: &Path) -> Vec<String> {
    vec!["Run these in your repository's folder (the file stays where it was written, outside it); each value is read from the file or standard input, never typed on the command line. Then delete the file. To set the secrets with no file at all, run `asc-key-wizard export --stored KEYID --set-secrets` there instead.".into()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::export::ExportFormat;

    fn lines(
        format: ExportFormat,
        key_id: &str,
        issuer_id: Option<&str>,
        path: &Path,
    ) -> Vec<String> {
        (format.spec().commands)(key_id, issuer_id, path)
    }

    #[test]
    fn github_commands_never_carry_a_value_as_an_argument() {
        let path = Path::new("/tmp/x y/AuthKey_2X9R4HXF34.p8");
        let cmds = lines(
            ExportFormat::Github,
            "2X9R4HXF34",
            Some("57246542-96fe-1a63-e053-0824d011072a"),
            path,
        );
        assert_eq!(cmds.len(), 6);
        for c in &cmds {
            let (before, set) = c.split_once("gh secret set ").expect(c);
            // `gh secret set NAME` and nothing after the name but a redirect from the file.
            let rest: Vec<&str> = set.split_whitespace().collect();
            assert!(rest.len() == 1 || rest[1] == "<", "{c}");
            assert!(!set.contains("--body") && !set.contains(" -b"), "{c}");
            assert!(before.is_empty() || before.ends_with("| "), "{c}");
        }
        assert!(cmds[0].ends_with("< '/tmp/x y/AuthKey_2X9R4HXF34.p8'"));
    }

    #[test]
    fn xcodebuild_and_eas_name_the_file_and_both_ids() {
        let path = Path::new("/k/AuthKey_2X9R4HXF34.p8");
        let x = lines(ExportFormat::Xcodebuild, "2X9R4HXF34", Some("ISS"), path).join(" ");
        for flag in [
            "-authenticationKeyPath /k/AuthKey_2X9R4HXF34.p8",
            "-authenticationKeyID 2X9R4HXF34",
            "-authenticationKeyIssuerID ISS",
        ] {
            assert!(x.contains(flag), "{x}");
        }
        let eas: serde_json::Value = serde_json::from_str(
            &lines(ExportFormat::Eas, "2X9R4HXF34", Some("ISS"), path).join("\n"),
        )
        .unwrap();
        let ios = &eas["submit"]["production"]["ios"];
        assert_eq!(
            (
                ios["ascApiKeyPath"].as_str(),
                ios["ascApiKeyId"].as_str(),
                ios["ascApiKeyIssuerId"].as_str()
            ),
            (
                Some("/k/AuthKey_2X9R4HXF34.p8"),
                Some("2X9R4HXF34"),
                Some("ISS")
            )
        );
        assert!(lines(ExportFormat::Xcodebuild, "K", None, path)[0].ends_with(NO_ISSUER));
    }
}
