//! The real Windows binaries under Wine: the CLI journey a Windows user runs (`check` on the key
//! forms Windows tools write, `verify` against the loopback Apple double, `export`, and the saved-key
//! commands against Credential Manager as Wine implements it), from a user folder with spaces and
//! non-ASCII letters. `scripts/windows-wine.sh` links the `.exe`s, makes the Wine prefix and runs
//! this with `ASC_WIZARD_WINDOWS_EXE` (headless) and `ASC_WIZARD_WINDOWS_GUI_EXE` set.

#[path = "support/apple_double.rs"]
mod apple_double;
#[path = "support/keys.rs"]
#[allow(dead_code)] // a few of the test keys
mod keys;

use apple_double::{AppleDouble, DoubleKey};
use asc_key_wizard::core::key::PrivateKey;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";
/// A Windows user folder as merchants have them: a space and letters outside ASCII.
const USER_DIR: &str = "users/José Müller/Downloads";

/// The Windows executables and the Wine prefix, or `None` (with the reason said) when this run was
/// not asked to test Windows. Under CI or ASC_WIZARD_FULL_TESTS a missing one fails instead.
struct Wine {
    exe: PathBuf,
    gui: Option<PathBuf>,
    prefix: PathBuf,
}

fn wine() -> Option<Wine> {
    let exe = std::env::var_os("ASC_WIZARD_WINDOWS_EXE").map(PathBuf::from);
    let prefix = std::env::var_os("WINEPREFIX").map(PathBuf::from);
    match (exe, prefix) {
        (Some(exe), Some(prefix)) if exe.is_file() && prefix.join("drive_c").is_dir() => {
            let gui = std::env::var_os("ASC_WIZARD_WINDOWS_GUI_EXE").map(PathBuf::from).filter(|p| p.is_file());
            Some(Wine { exe, gui, prefix })
        }
        _ if asc_key_wizard::test_rule::strict() => panic!(
            "the Windows build under Wine is required (CI or ASC_WIZARD_FULL_TESTS is set): run scripts/windows-wine.sh, which sets ASC_WIZARD_WINDOWS_EXE and WINEPREFIX"
        ),
        _ => {
            eprintln!("SKIPPED: no Windows build under Wine; scripts/windows-wine.sh runs these tests");
            None
        }
    }
}

impl Wine {
    fn run(&self, exe: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
        use std::io::Write;
        let mut cmd = Command::new("wine");
        cmd.arg(exe)
            .args(args)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            // The shim beside the .exe answers for ProcessPrng, which Wine 8.0 lacks.
            .env(
                "WINEDLLOVERRIDES",
                "bcryptprimitives=n,b;winemenubuilder.exe=d",
            )
            // Wine turns arguments into UTF-16 with the Unix locale: "José" needs a UTF-8 one.
            .env("LANG", "C.UTF-8")
            .env("NO_COLOR", "1")
            .env_remove("ASC_API_BASE")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("start wine");
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    }

    fn cli(&self, args: &[&str]) -> Output {
        self.run(&self.exe, args, None)
    }

    /// A folder under `C:\` as both names: the Linux path to write into, the Windows path to pass.
    fn folder(&self, windows_relative: &str) -> (PathBuf, String) {
        let unix = self.prefix.join("drive_c").join(windows_relative);
        std::fs::create_dir_all(&unix).unwrap();
        (unix, format!("C:\\{}", windows_relative.replace('/', "\\")))
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): stdout {:?} stderr {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn said(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn codes(report: &Value, field: &str) -> Vec<String> {
    report[field]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// What Windows PowerShell 5's `>` and `Out-File` write: UTF-16 LE with a byte-order mark, CRLF.
fn powershell_out_file(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.replace('\n', "\r\n").encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

#[test]
fn check_reads_the_forms_windows_tools_write_from_a_non_ascii_user_folder() {
    let Some(w) = wine() else { return };
    let key = PrivateKey::from_secret(keys::secret());
    let key_id = keys::random_key_id();
    let (unix, windows) = w.folder(USER_DIR);
    let pem = key.canonical_pem().to_owned();
    let forms: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        ("as downloaded", pem.clone().into_bytes(), None),
        (
            "CRLF line ends",
            keys::crlf(&pem).into_bytes(),
            Some("crlf_normalized"),
        ),
        (
            "UTF-8 with a byte-order mark",
            keys::bom(&pem).into_bytes(),
            Some("bom_removed"),
        ),
        (
            "PowerShell Out-File (UTF-16 LE, BOM, CRLF)",
            powershell_out_file(&pem),
            Some("utf16_decoded"),
        ),
        (
            "a one-line body from a secret store",
            keys::one_line_body(&pem).into_bytes(),
            Some("rewrapped"),
        ),
    ];
    for (i, (what, bytes, note)) in forms.iter().enumerate() {
        let name = format!("AuthKey_{key_id} ({i}).p8");
        std::fs::write(unix.join(&name), bytes).unwrap();
        let path = format!("{windows}\\{name}");
        let out = w.cli(&["check", &path, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", said(&out));
        let report = json(&out);
        assert_eq!(
            report["fingerprint"].as_str(),
            Some(key.fingerprint()),
            "{what}: the same key"
        );
        assert_eq!(
            report["key_id"].as_str(),
            Some(key_id.as_str()),
            "{what}: the Key ID from the file name"
        );
        if let Some(note) = note {
            assert!(
                codes(&report, "notes").iter().any(|c| c == note),
                "{what}: note {note} in {report}"
            );
        }
    }
    // A read-only file (Explorer's "Read-only" box; Wine maps the Unix mode to the attribute).
    let ro = unix.join(format!("AuthKey_{key_id}.p8"));
    std::fs::write(&ro, &pem).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).unwrap();
    let out = w.cli(&["check", &format!("{windows}\\AuthKey_{key_id}.p8")]);
    assert_eq!(out.status.code(), Some(0), "read-only: {}", said(&out));
    // Forward slashes and a drive letter in lower case are still the same file.
    let out = w.cli(&["check", &format!("c:/{USER_DIR}/AuthKey_{key_id}.p8")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "forward slashes: {}",
        said(&out)
    );
    // A file that is not there says so with its own code.
    let out = w.cli(&["check", &format!("{windows}\\AuthKey_MISSING.p8"), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        codes(&json(&out), "problems")
            .iter()
            .any(|c| c == "file_not_found"),
        "{}",
        said(&out)
    );
    // Pasted on standard input, as `Get-Content key.p8 | asc-key-wizard check -` does.
    let out = w.run(
        &w.exe,
        &["check", "-", "--key-id", &key_id, "--json"],
        Some(keys::crlf(&pem).as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0), "stdin: {}", said(&out));
}

#[test]
fn verify_export_and_credential_manager_round_trip() {
    let Some(w) = wine() else { return };
    let double = AppleDouble::start();
    let key = PrivateKey::from_secret(keys::secret());
    let key_id = keys::random_key_id();
    double.add_key(DoubleKey::team(&key_id, key.public_key(), ISSUER));
    let base = double.base_url();
    let (unix, windows) = w.folder(USER_DIR);
    std::fs::write(
        unix.join(format!("AuthKey_{key_id}.p8")),
        keys::crlf(key.canonical_pem()),
    )
    .unwrap();
    let file = format!("{windows}\\AuthKey_{key_id}.p8");

    let out = w.cli(&[
        "verify",
        &file,
        "--key-id",
        &key_id,
        "--issuer-id",
        ISSUER,
        "--api-base",
        &base,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "verify: {}", said(&out));
    assert_eq!(
        json(&out)["apple"]["outcome"].as_str(),
        Some("valid"),
        "{}",
        said(&out)
    );

    // An export with a Windows path, read back from the Linux side.
    // A folder of this run's own: the prefix outlives a run, and an export never overwrites.
    let (exports, exports_win) =
        w.folder(&format!("users/José Müller/Documents/asc export {key_id}"));
    let out = w.cli(&[
        "export",
        &file,
        "--key-id",
        &key_id,
        "--issuer-id",
        ISSUER,
        "--format",
        "fastlane",
        "--out",
        &format!("{exports_win}\\api_key.json"),
    ]);
    assert_eq!(out.status.code(), Some(0), "export: {}", said(&out));
    let written: Value =
        serde_json::from_slice(&std::fs::read(exports.join("api_key.json")).unwrap()).unwrap();
    assert_eq!(written["key_id"].as_str(), Some(key_id.as_str()));
    assert_eq!(written["issuer_id"].as_str(), Some(ISSUER));

    // Credential Manager (Wine's): save, list, show, test, delete.
    let out = w.cli(&[
        "save",
        &file,
        "--key-id",
        &key_id,
        "--issuer-id",
        ISSUER,
        "--api-base",
        &base,
        "--label",
        "Müller shop",
    ]);
    assert_eq!(out.status.code(), Some(0), "save: {}", said(&out));
    let out = w.cli(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "list: {}", said(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&key_id),
        "list names the key: {}",
        said(&out)
    );
    let out = w.cli(&["show", &key_id, "--json"]);
    assert_eq!(out.status.code(), Some(0), "show: {}", said(&out));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        shown.contains(key.fingerprint()) && shown.contains("Müller shop"),
        "show: {shown}"
    );
    assert!(!shown.contains("PRIVATE KEY"), "show never prints the key");
    let out = w.cli(&["test", &key_id, "--api-base", &base, "--json"]);
    assert_eq!(out.status.code(), Some(0), "test: {}", said(&out));
    let out = w.cli(&["delete", &key_id]);
    assert_eq!(out.status.code(), Some(0), "delete: {}", said(&out));
    let out = w.cli(&["show", &key_id]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "gone after delete: {}",
        said(&out)
    );
}

#[test]
fn the_gui_binary_answers_its_subcommands_from_a_console() {
    let Some(w) = wine() else { return };
    let Some(gui) = w.gui.as_deref() else {
        assert!(
            !asc_key_wizard::test_rule::strict(),
            "ASC_WIZARD_WINDOWS_GUI_EXE is required under CI"
        );
        eprintln!("SKIPPED: no GUI .exe given (ASC_WIZARD_WINDOWS_GUI_EXE)");
        return;
    };
    let out = w.run(gui, &["--version"], None);
    assert_eq!(out.status.code(), Some(0), "--version: {}", said(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")),
        "{}",
        said(&out)
    );
    let key = PrivateKey::from_secret(keys::secret());
    let (unix, windows) = w.folder(USER_DIR);
    let key_id = keys::random_key_id();
    std::fs::write(
        unix.join(format!("AuthKey_{key_id}.p8")),
        key.canonical_pem(),
    )
    .unwrap();
    let out = w.run(
        gui,
        &[
            "check",
            &format!("{windows}\\AuthKey_{key_id}.p8"),
            "--json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "GUI check: {}", said(&out));
    assert_eq!(json(&out)["fingerprint"].as_str(), Some(key.fingerprint()));
}
