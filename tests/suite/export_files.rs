//! Exports read back: the fastlane JSON parses and its key loads; the altool
//! file is byte-identical to the canonical PEM, 0600, in a 0700 folder; the
//! env file's base64 decodes to the PEM and a shell reads the multi-line PEM
//! back unchanged. Files are never replaced without `force`. Off macOS the
//! altool export still writes the file but warns `xcrun_macos_only`.

use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::export::{altool_commands, export, ExportFormat};
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use base64ct::{Base64, Encoding};
use p256::pkcs8::DecodePrivateKey;
use std::path::Path;
use std::process::Command;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

fn key() -> PrivateKey {
    PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
}

fn req(key: &PrivateKey) -> Credentials<'_> {
    Credentials {
        key,
        key_id: KEY_ID,
        issuer_id: Some(ISSUER),
        kind: KeyKind::Team,
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn fingerprint_of_pem(pem: &str) -> String {
    PrivateKey::from_secret(p256::SecretKey::from_pkcs8_pem(pem).expect("PEM loads"))
        .fingerprint()
        .to_owned()
}

#[test]
fn fastlane_json_parses_and_its_key_loads() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let path = dir.path().join("api_key.json");
    let out = export(&req(&key), ExportFormat::Fastlane, Some(&path), false).unwrap();
    assert_eq!(out.path, path);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["key_id"], KEY_ID);
    assert_eq!(json["issuer_id"], ISSUER);
    assert_eq!(json["duration"], 1200);
    assert_eq!(json["in_house"], false);
    let pem = json["key"].as_str().unwrap();
    assert_eq!(pem, key.canonical_pem());
    assert_eq!(fingerprint_of_pem(pem), key.fingerprint());
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn altool_file_is_the_canonical_pem_and_commands_name_the_ids() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    // An existing folder: the AuthKey_<ID>.p8 name is used inside it.
    let out = export(&req(&key), ExportFormat::Altool, Some(dir.path()), false).unwrap();
    assert_eq!(out.path, dir.path().join("AuthKey_2X9R4HXF34.p8"));
    assert_eq!(
        std::fs::read(&out.path).unwrap(),
        key.canonical_pem().as_bytes()
    );
    #[cfg(unix)]
    assert_eq!(mode(&out.path), 0o600);
    assert_eq!(out.commands.len(), 2);
    assert!(out.commands[0].starts_with("xcrun notarytool store-credentials"));
    assert!(
        out.commands[0].contains(&format!("--key-id {KEY_ID}")) && out.commands[0].contains(ISSUER)
    );
    assert!(out.commands[1].contains("xcrun altool"));
    assert!(out.commands[1].contains(&format!("--apiKey {KEY_ID} --apiIssuer {ISSUER}")));
    // Outside altool's search folders the command points it at the folder.
    assert!(out.commands[1].starts_with("API_PRIVATE_KEYS_DIR="));
    for c in &out.commands {
        assert!(
            !c.contains(&key.base64_body()[..40]),
            "commands never hold key material"
        );
    }
}

#[test]
fn altool_commands_quote_paths_with_spaces() {
    let lines = altool_commands(
        KEY_ID,
        Some(ISSUER),
        Path::new("/tmp/my keys/AuthKey_2X9R4HXF34.p8"),
    );
    assert!(
        lines[0].contains("--key '/tmp/my keys/AuthKey_2X9R4HXF34.p8'"),
        "{}",
        lines[0]
    );
}

#[test]
fn env_file_round_trips_through_base64_and_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let path = dir.path().join("asc.env");
    export(&req(&key), ExportFormat::Env, Some(&path), false).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    for var in [
        "APP_STORE_CONNECT_ISSUER_ID=",
        "APP_STORE_CONNECT_KEY_IDENTIFIER=",
        "APP_STORE_CONNECT_PRIVATE_KEY=",
        "ASC_KEY_ID=",
        "ASC_ISSUER_ID=",
        "ASC_PRIVATE_KEY_B64=",
    ] {
        assert_eq!(
            text.lines().filter(|l| l.starts_with(var)).count(),
            1,
            "{var}"
        );
    }
    assert!(text.contains("# codemagic-cli-tools") && text.contains("# The Go `asc` CLI"));
    let b64 = text
        .lines()
        .find_map(|l| l.strip_prefix("ASC_PRIVATE_KEY_B64="))
        .unwrap();
    let decoded = Base64::decode_vec(b64).expect("valid base64");
    assert_eq!(decoded, key.canonical_pem().as_bytes());

    // A POSIX shell loads the file and gets the PEM back with real newlines.
    let script = format!(
        "set -a; . '{}'; set +a; printf '%s\\n' \"$APP_STORE_CONNECT_PRIVATE_KEY\"; printf '%s|%s|%s|%s' \
         \"$APP_STORE_CONNECT_ISSUER_ID\" \"$APP_STORE_CONNECT_KEY_IDENTIFIER\" \"$ASC_KEY_ID\" \"$ASC_ISSUER_ID\"",
        path.display()
    );
    match Command::new("sh").arg("-c").arg(&script).output() {
        Ok(out) => {
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert!(out.status.success());
            let (pem, ids) = stdout.split_at(key.canonical_pem().len());
            assert_eq!(pem, key.canonical_pem());
            assert_eq!(ids, format!("{ISSUER}|{KEY_ID}|{KEY_ID}|{ISSUER}"));
        }
        Err(e) => {
            if asc_key_wizard::test_rule::strict() {
                panic!("sh is needed for this test: {e}");
            }
            eprintln!("SKIPPED shell read-back: sh not runnable: {e}");
        }
    }
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (key(), key());
    let path = dir.path().join("AuthKey_2X9R4HXF34.p8");
    export(&req(&first), ExportFormat::Altool, Some(&path), false).unwrap();
    let err = export(&req(&second), ExportFormat::Altool, Some(&path), false).unwrap_err();
    assert_eq!(err.code, "file_exists");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        first.canonical_pem().as_bytes()
    );
    export(&req(&second), ExportFormat::Altool, Some(&path), true).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        second.canonical_pem().as_bytes()
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temp files left: {names:?}");
}

// Unix only: the export lands under HOME, which `dirs` ignores on Windows.
#[cfg(unix)]
#[test]
fn the_cli_writes_altool_keys_into_a_private_folder_in_home() {
    let home = tempfile::tempdir().unwrap();
    let key = key();
    let key_file = home.path().join("AuthKey_2X9R4HXF34.p8");
    std::fs::write(&key_file, key.canonical_pem()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"))
        .args([
            "export",
            key_file.to_str().unwrap(),
            "--issuer-id",
            ISSUER,
            "--format",
            "altool",
        ])
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = home.path().join(".appstoreconnect/private_keys");
    let written = dir.join("AuthKey_2X9R4HXF34.p8");
    assert_eq!(
        std::fs::read(&written).unwrap(),
        key.canonical_pem().as_bytes()
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&written), 0o600);
        assert_eq!(mode(&dir), 0o700);
    }
    assert!(stdout.contains("xcrun notarytool store-credentials"));
    assert!(stdout.contains(&format!("--apiKey {KEY_ID} --apiIssuer {ISSUER}")));
    assert!(
        !stdout.contains("API_PRIVATE_KEYS_DIR"),
        "default folder needs no hint"
    );
    assert!(!stdout.contains(&key.base64_body()[..40]));

    // Again without --force: refused, exit 5, file unchanged.
    let again = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"))
        .args([
            "export",
            key_file.to_str().unwrap(),
            "--issuer-id",
            ISSUER,
            "--format",
            "altool",
            "--json",
        ])
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(5));
    let json: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(json["error"]["code"], "file_exists");
}

/// `xcrun` exists only on macOS: elsewhere the altool export is still written
/// (exit 0, the file is meant for a Mac) and says so in `--json` and in the
/// text; on macOS, and for the other formats, there is no such warning.
// Unix only: the export lands under HOME, which `dirs` ignores on Windows.
#[cfg(unix)]
#[test]
fn altool_export_warns_that_xcrun_is_macos_only_off_macos() {
    let off_macos = !cfg!(target_os = "macos");
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let key_file = dir.path().join("AuthKey_2X9R4HXF34.p8");
    std::fs::write(&key_file, key.canonical_pem()).unwrap();
    let run = |format: &str, out: &str, json: bool| -> String {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"));
        cmd.args(["export", key_file.to_str().unwrap(), "--issuer-id", ISSUER])
            .args(["--format", format, "--out"])
            .arg(dir.path().join(out))
            .env("HOME", dir.path())
            .env("NO_COLOR", "1");
        if json {
            cmd.arg("--json");
        }
        let o = cmd.output().unwrap();
        let stdout = String::from_utf8(o.stdout).unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        stdout
    };

    // In the core's outcome.
    let core = export(
        &req(&key),
        ExportFormat::Altool,
        Some(&dir.path().join("core.p8")),
        false,
    )
    .unwrap();
    let codes: Vec<_> = core.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(
        codes,
        if off_macos {
            vec!["xcrun_macos_only"]
        } else {
            vec![]
        }
    );

    // In --json, beside the commands; the export itself succeeded.
    let json: serde_json::Value = serde_json::from_str(&run("altool", "a.p8", true)).unwrap();
    assert_eq!(json["ok"], true);
    assert!(json["export"]["commands"].as_array().unwrap().len() == 2);
    let warnings = json["export"]["warnings"]
        .as_array()
        .expect("warnings is always a list");
    if off_macos {
        assert_eq!(warnings.len(), 1, "{json}");
        assert_eq!(warnings[0]["code"], "xcrun_macos_only");
        assert!(warnings[0]["message"].as_str().unwrap().contains("macOS"));
        assert!(warnings[0]["hint"]
            .as_str()
            .unwrap()
            .contains("AuthKey_2X9R4HXF34.p8"));
    } else {
        assert!(warnings.is_empty(), "{json}");
    }
    assert!(
        dir.path().join("a.p8").is_file(),
        "the file is written either way"
    );

    // In the text, with its code and what to do.
    let text = run("altool", "b.p8", false);
    assert!(
        text.contains("xcrun notarytool store-credentials"),
        "{text}"
    );
    assert_eq!(text.contains("xcrun_macos_only"), off_macos, "{text}");
    assert_eq!(text.contains("runs only on macOS"), off_macos, "{text}");
    assert_eq!(
        text.contains("What to do: Copy AuthKey_2X9R4HXF34.p8 to ~/.appstoreconnect"),
        off_macos,
        "{text}"
    );
    assert!(dir.path().join("b.p8").is_file());

    // Only altool depends on xcrun.
    for (format, out) in [("fastlane", "c.json"), ("env", "d.env")] {
        let json: serde_json::Value = serde_json::from_str(&run(format, out, true)).unwrap();
        assert_eq!(
            json["export"]["warnings"],
            serde_json::json!([]),
            "{format}: {json}"
        );
        assert!(!run(format, &format!("t-{out}"), false).contains("xcrun_macos_only"));
    }
}

/// The `.p8`-based tool exports from the CLI: the file is the canonical PEM, 0600; xcodebuild and
/// EAS name the file and both IDs; and the GitHub commands, run by a shell against a stand-in `gh`
/// that records its arguments and standard input, set every secret of the `env` export to the
/// right value while no argument ever holds a value.
#[cfg(unix)]
#[test]
fn tool_exports_write_the_key_and_what_to_run() {
    let home = tempfile::tempdir().unwrap();
    let key = key();
    let key_file = home.path().join("source.p8");
    std::fs::write(&key_file, key.canonical_pem()).unwrap();
    let run = |format: &str, out: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"))
            .args([
                "export",
                key_file.to_str().unwrap(),
                "--key-id",
                KEY_ID,
                "--issuer-id",
                ISSUER,
                "--format",
                format,
                "--out",
            ])
            .arg(out)
            .arg("--json")
            .env("HOME", home.path())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(
            !String::from_utf8_lossy(&o.stdout).contains(&key.base64_body()[..40]),
            "no key material printed"
        );
        v["export"].clone()
    };
    for format in ["xcodebuild", "eas", "github"] {
        let dir = home.path().join(format);
        std::fs::create_dir(&dir).unwrap();
        let v = run(format, &dir);
        let written = dir.join("AuthKey_2X9R4HXF34.p8");
        assert_eq!(v["path"], written.to_str().unwrap());
        assert_eq!(
            std::fs::read(&written).unwrap(),
            key.canonical_pem().as_bytes()
        );
        assert_eq!(mode(&written), 0o600);
        let lines: Vec<String> = v["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        match format {
            "xcodebuild" => {
                let flags = format!("-authenticationKeyPath {} -authenticationKeyID {KEY_ID} -authenticationKeyIssuerID {ISSUER}", written.display());
                assert!(lines[0].contains(&flags), "{lines:?}");
            }
            "eas" => {
                let eas: serde_json::Value = serde_json::from_str(&lines.join("\n")).unwrap();
                assert_eq!(
                    eas["submit"]["production"]["ios"]["ascApiKeyPath"],
                    written.to_str().unwrap()
                );
                assert_eq!(eas["submit"]["production"]["ios"]["ascApiKeyId"], KEY_ID);
                assert_eq!(
                    eas["submit"]["production"]["ios"]["ascApiKeyIssuerId"],
                    ISSUER
                );
            }
            _ => {
                // A stand-in `gh`: `gh secret set NAME` stores stdin under NAME and logs the arguments.
                let bin = home.path().join("bin");
                let log = home.path().join("secrets");
                std::fs::create_dir_all(&bin).unwrap();
                std::fs::create_dir_all(&log).unwrap();
                let gh = bin.join("gh");
                std::fs::write(
                    &gh,
                    format!(
                        "#!/bin/sh\necho \"$@\" >> '{0}/args'\ncat > '{0}/'\"$3\"\n",
                        log.display()
                    ),
                )
                .unwrap();
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
                let path = format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                );
                for line in &lines {
                    let ok = Command::new("sh")
                        .args(["-c", line])
                        .env("PATH", &path)
                        .status()
                        .unwrap();
                    assert!(ok.success(), "{line}");
                }
                let secret = |n: &str| std::fs::read_to_string(log.join(n)).unwrap();
                assert_eq!(secret("APP_STORE_CONNECT_PRIVATE_KEY"), key.canonical_pem());
                assert_eq!(
                    Base64::decode_vec(&secret("ASC_PRIVATE_KEY_B64")).unwrap(),
                    key.canonical_pem().as_bytes()
                );
                for (name, value) in [
                    ("APP_STORE_CONNECT_KEY_IDENTIFIER", KEY_ID),
                    ("ASC_KEY_ID", KEY_ID),
                    ("APP_STORE_CONNECT_ISSUER_ID", ISSUER),
                    ("ASC_ISSUER_ID", ISSUER),
                ] {
                    assert_eq!(secret(name), value, "{name}");
                }
                let args = std::fs::read_to_string(log.join("args")).unwrap();
                assert_eq!(args.lines().count(), 6);
                assert!(
                    args.lines().all(|a| a.split_whitespace().count() == 3),
                    "only `secret set NAME`: {args}"
                );
            }
        }
    }
}
