//! Input that once could panic the real binary (a release build aborts on panic, with the key
//! in memory): paths that are not UTF-8, odd environment variables, odd answers on stdin. Each
//! run must end with a specific result, never "panicked" (exit 101 here, SIGABRT in release).

use crate::support::keys;

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_asc-key-wizard");
const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

/// A folder name with a byte that is not UTF-8 (Latin-1 "é"), as old Linux file systems have.
fn latin1(parent: &Path, name: &str) -> PathBuf {
    let mut bytes = name.as_bytes().to_vec();
    bytes.push(0xE9);
    parent.join(OsStr::from_bytes(&bytes))
}

fn run(args: &[&OsStr], envs: &[(&str, &OsStr)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .env_remove("ASC_API_BASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run the binary");
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked")
            && out.status.code().is_some()
            && out.status.code() != Some(101),
        "the binary panicked: {:?}\n{stderr}",
        out.status
    );
    out
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// A real key file named as Apple names it.
fn key_file(dir: &Path) -> PathBuf {
    let path = dir.join(format!("AuthKey_{KEY_ID}.p8"));
    std::fs::write(&path, keys::apple_pem(&keys::secret())).unwrap();
    path
}

#[test]
fn export_json_into_a_folder_that_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let out_dir = latin1(dir.path(), "caf");
    std::fs::create_dir(&out_dir).unwrap();
    for format in ["fastlane", "altool", "env"] {
        let o = run(
            &[
                os("export"),
                key.as_os_str(),
                os("--issuer-id"),
                os(ISSUER),
                os("--format"),
                os(format),
                os("--out"),
                out_dir.as_os_str(),
                os("--json"),
            ],
            &[],
            b"",
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v = json(&o);
        let shown = v["export"]["path"].as_str().unwrap();
        assert!(shown.contains("caf\u{fffd}"), "{format}: {shown}");
        assert_eq!(v["ok"], true);
    }
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 3);
}

#[test]
fn altool_export_under_a_home_that_is_not_utf8() {
    // The default altool folder is under $HOME: an environment variable turned into a path.
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let home = latin1(dir.path(), "home");
    std::fs::create_dir(&home).unwrap();
    let o = run(
        &[
            os("export"),
            key.as_os_str(),
            os("--issuer-id"),
            os(ISSUER),
            os("--format"),
            os("altool"),
            os("--json"),
        ],
        &[("HOME", home.as_os_str())],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(home
        .join(".appstoreconnect/private_keys")
        .join(format!("AuthKey_{KEY_ID}.p8"))
        .is_file());
    assert!(json(&o)["export"]["path"]
        .as_str()
        .unwrap()
        .contains("home\u{fffd}"));
}

#[test]
fn check_and_fix_to_with_paths_that_are_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let odd = latin1(dir.path(), "keys");
    std::fs::create_dir(&odd).unwrap();
    let key = key_file(&odd);
    let fixed = latin1(&odd, "fixed");
    for json_flag in [true, false] {
        let _ = std::fs::remove_file(&fixed);
        let mut args = vec![
            os("check"),
            key.as_os_str(),
            os("--fix-to"),
            fixed.as_os_str(),
        ];
        if json_flag {
            args.push(os("--json"));
        }
        let o = run(&args, &[], b"");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert!(fixed.is_file());
    }
    // A missing file under such a folder is `file_not_found`, not a crash.
    let o = run(
        &[
            os("verify"),
            latin1(&odd, "gone").as_os_str(),
            os("--key-id"),
            os(KEY_ID),
            os("--issuer-id"),
            os(ISSUER),
            os("--json"),
        ],
        &[],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["code"], "file_not_found");
}

#[test]
fn an_api_base_variable_that_is_not_text_is_refused_not_ignored() {
    // Ignoring it would send the token to Apple instead of the proxy the person set.
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let base = OsString::from_vec(b"http://127.0.0.1:9/\xff".to_vec());
    let o = run(
        &[
            os("verify"),
            key.as_os_str(),
            os("--issuer-id"),
            os(ISSUER),
            os("--json"),
        ],
        &[("ASC_API_BASE", &base)],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = json(&o);
    assert_eq!(v["apple"]["outcome"], "api_base_invalid", "{v}");
    assert!(
        v["apple"]["message"]
            .as_str()
            .unwrap()
            .contains("ASC_API_BASE"),
        "{v}"
    );
}

#[test]
fn token_variables_that_are_odd_get_their_own_message() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let upload = |var: &str, envs: &[(&str, &OsStr)]| {
        run(
            &[
                os("upload"),
                key.as_os_str(),
                os("--issuer-id"),
                os(ISSUER),
                os("--to"),
                os("http://127.0.0.1:9/keys"),
                os("--token-env"),
                os(var),
                os("--json"),
            ],
            envs,
            b"",
        )
    };
    let not_text = OsString::from_vec(b"tok\xffen".to_vec());
    for (var, envs, says) in [
        (
            "ODD_TOKEN",
            vec![("ODD_TOKEN", not_text.as_os_str())],
            "not text",
        ),
        ("A=B", vec![], "not a valid"),
        ("", vec![], "not a valid"),
    ] {
        let o = upload(var, &envs);
        assert_eq!(o.status.code(), Some(2), "{var}");
        let v = json(&o);
        assert_eq!(v["error"]["code"], "missing_token", "{var}: {v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(says),
            "{var}: {v}"
        );
    }
}

#[test]
fn odd_log_and_colour_variables_do_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let bad = OsString::from_vec(b"\xff=debug,[[,asc_key_wizard=verbose".to_vec());
    for (name, value) in [
        ("RUST_LOG", bad.as_os_str()),
        ("RUST_LOG", os("=,=,::")),
        ("NO_COLOR", bad.as_os_str()),
    ] {
        let o = run(
            &[os("-v"), os("check"), key.as_os_str()],
            &[(name, value)],
            b"",
        );
        assert_eq!(o.status.code(), Some(0), "{name}");
    }
}

#[test]
fn answers_on_stdin_that_are_not_a_key_or_not_text() {
    for input in [
        &b"\xff\xfe\x00garbage"[..],
        b"-----BEGIN PRIVATE KEY-----\n\xe9\xe9\n",
        b"\"",
        b"{\"key\": 5}",
    ] {
        let o = run(&[os("check"), os("-"), os("--json")], &[], input);
        assert_eq!(o.status.code(), Some(1), "{input:?}");
        assert_eq!(json(&o)["ok"], false);
    }
    // The key on stdin leaves no way to ask for the token: a clear `missing_token`.
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read(key_file(dir.path())).unwrap();
    let o = run(
        &[
            os("upload"),
            os("-"),
            os("--key-id"),
            os(KEY_ID),
            os("--issuer-id"),
            os(ISSUER),
            os("--to"),
            os("http://127.0.0.1:9/keys"),
            os("--json"),
        ],
        &[],
        &pem,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["error"]["code"], "missing_token");
}
