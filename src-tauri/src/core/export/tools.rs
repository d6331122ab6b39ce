//! The exports that are the `.p8` itself plus what to run or paste for one tool: `xcodebuild`
//! (its `-authenticationKey…` flags), EAS (the `eas.json` submit fields) and GitHub (the
//! `gh secret set` commands, reading every value from the file or stdin, never an argument).

use super::{shell_quote, ExportFormat};
use std::path::Path;

/// The placeholder an individual key (which has no Issuer ID) leaves in a command.
const NO_ISSUER: &str = "<ISSUER_ID>";

/// What to run or paste for a key written at `path`, for the `.p8`-based tool formats.
pub fn lines(format: ExportFormat, key_id: &str, issuer_id: Option<&str>, path: &Path) -> Vec<String> {
    let file = shell_quote(&path.display().to_string());
    let issuer = issuer_id.unwrap_or(NO_ISSUER);
    match format {
        ExportFormat::Xcodebuild => vec![format!(
            "xcodebuild -exportArchive -archivePath YourApp.xcarchive -exportOptionsPlist ExportOptions.plist \
             -exportPath build -allowProvisioningUpdates -authenticationKeyPath {file} \
             -authenticationKeyID {key_id} -authenticationKeyIssuerID {issuer}"
        )],
        ExportFormat::Eas => {
            let json = serde_json::json!({ "submit": { "production": { "ios": {
                "ascApiKeyPath": path.display().to_string(),
                "ascApiKeyIssuerId": issuer,
                "ascApiKeyId": key_id,
            }}}});
            serde_json::to_string_pretty(&json).unwrap_or_default().lines().map(str::to_owned).collect()
        }
        ExportFormat::Github => {
            // The env names of the `env` export (codemagic-cli-tools, the Go `asc` CLI).
            let mut cmds = vec![
                format!("gh secret set APP_STORE_CONNECT_PRIVATE_KEY < {file}"),
                format!("printf '%s' {key_id} | gh secret set APP_STORE_CONNECT_KEY_IDENTIFIER"),
                format!("printf '%s' {key_id} | gh secret set ASC_KEY_ID"),
                format!("base64 < {file} | tr -d '\\n' | gh secret set ASC_PRIVATE_KEY_B64"),
            ];
            if let Some(issuer) = issuer_id {
                cmds.insert(2, format!("printf '%s' {issuer} | gh secret set APP_STORE_CONNECT_ISSUER_ID"));
                cmds.push(format!("printf '%s' {issuer} | gh secret set ASC_ISSUER_ID"));
            }
            cmds
        }
        ExportFormat::Fastlane | ExportFormat::Altool | ExportFormat::Env => Vec::new(),
    }
}

/// What to know about the tool's use of the file.
pub fn note(format: ExportFormat, individual: bool) -> Option<String> {
    match format {
        ExportFormat::Xcodebuild if individual => Some("xcodebuild needs a team key's Issuer ID: with an individual key, use a team key instead.".into()),
        ExportFormat::Xcodebuild => Some("Add these flags to any xcodebuild command that signs or uploads (archive, -exportArchive).".into()),
        ExportFormat::Eas => Some("Merge these fields into eas.json (submit → production → ios), then run: eas submit -p ios".into()),
        ExportFormat::Github => Some("Run these in your repository's folder; each value is read from the file or standard input, never typed on the command line. Then delete the file.".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_never_carry_a_value_as_an_argument() {
        let path = Path::new("/tmp/x y/AuthKey_2X9R4HXF34.p8");
        let cmds = lines(ExportFormat::Github, "2X9R4HXF34", Some("57246542-96fe-1a63-e053-0824d011072a"), path);
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
        for flag in ["-authenticationKeyPath /k/AuthKey_2X9R4HXF34.p8", "-authenticationKeyID 2X9R4HXF34", "-authenticationKeyIssuerID ISS"] {
            assert!(x.contains(flag), "{x}");
        }
        let eas: serde_json::Value = serde_json::from_str(&lines(ExportFormat::Eas, "2X9R4HXF34", Some("ISS"), path).join("\n")).unwrap();
        let ios = &eas["submit"]["production"]["ios"];
        assert_eq!((ios["ascApiKeyPath"].as_str(), ios["ascApiKeyId"].as_str(), ios["ascApiKeyIssuerId"].as_str()), (Some("/k/AuthKey_2X9R4HXF34.p8"), Some("2X9R4HXF34"), Some("ISS")));
        assert!(lines(ExportFormat::Xcodebuild, "K", None, path)[0].ends_with(NO_ISSUER));
    }
}
