//! The real `asc-key-wizard check` binary: exit codes, `--json` shape, stdin,
//! `--fix-to` permissions, refusal and atomicity, and no key material on stdout.

use crate::support::keys;

use keys::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_asc-key-wizard");

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", stdout(o)))
}

fn codes(v: &serde_json::Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_owned())
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn usable_key_exits_0_with_a_checklist() {
    let dir = tempfile::tempdir().unwrap();
    let s = secret();
    let pem = apple_pem(&s);
    let file = write(dir.path(), "AuthKey_2X9R4HXF34.p8", pem.as_bytes());
    let o = run(&["check", &file, "--issuer-id", ISSUER_ID], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("ready to use"), "{out}");
    assert!(out.contains("Key ID: 2X9R4HXF34"), "{out}");
    assert!(out.contains(ISSUER_ID), "{out}");
    assert!(
        !out.contains("\x1b["),
        "no colour when not a terminal: {out}"
    );
    assert!(!out.contains(&body(&pem)[..40]), "key material printed");
}

#[test]
fn json_is_exactly_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let s = secret();
    let file = write(
        dir.path(),
        "AuthKey_2X9R4HXF34.p8",
        crlf(&apple_pem(&s)).as_bytes(),
    );
    let o = run(&["check", &file, "--json"], None);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "fingerprint",
            "issuer_id",
            "key_id",
            "notes",
            "ok",
            "problems",
            "warnings"
        ]
    );
    assert_eq!(v["ok"], true);
    assert_eq!(v["key_id"], "2X9R4HXF34");
    assert_eq!(v["issuer_id"], serde_json::Value::Null);
    assert!(v["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(codes(&v, "notes"), ["crlf_normalized"]);
    assert!(!stdout(&o).contains(&body(&apple_pem(&s))[..40]));
}

#[test]
fn stdin_dash_reads_standard_input() {
    let s = secret();
    let o = run(
        &["check", "-", "--json", "--key-id", "2x9r4hxf34"],
        Some(quoted(&escaped_newlines(&apple_pem(&s))).as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["key_id"], "2X9R4HXF34");
    let mut notes = codes(&v, "notes");
    notes.sort();
    assert_eq!(
        notes,
        ["escaped_newlines", "key_id_normalized", "quotes_removed"]
    );

    let o = run(&["check", "-"], Some(b""));
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("cannot be used"), "{}", stdout(&o));
}

#[test]
fn unusable_inputs_exit_1_with_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = secret();
    let file = write(dir.path(), "key.p8", truncated(&apple_pem(&s)).as_bytes());
    let o = run(&["check", &file, "--json"], None);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(codes(&v, "problems"), ["truncated"]);
    let p = &v["problems"][0];
    assert!(p["message"].as_str().unwrap().len() > 10 && p["hint"].as_str().unwrap().len() > 10);

    let o = run(&["check", &file], None);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("What to do:") && out.contains("cannot be used"),
        "{out}"
    );

    // A given ID that is malformed makes the key unusable.
    let good = write(dir.path(), "good.p8", apple_pem(&s).as_bytes());
    let o = run(&["check", &good, "--json", "--key-id", "nope"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json(&o), "problems"), ["key_id_format"]);
}

#[test]
fn read_problems_come_as_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("AuthKey_NOPE.p8");
    let o = run(&["check", missing.to_str().unwrap(), "--json"], None);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(codes(&v, "problems"), ["file_not_found"]);

    let big = write(dir.path(), "big.p8", &vec![b'A'; 64 * 1024 + 1]);
    let o = run(&["check", &big, "--json"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json(&o), "problems"), ["too_large"]);

    let o = run(&["check", "-", "--json"], Some(&vec![b'A'; 64 * 1024 + 10]));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json(&o), "problems"), ["too_large"]);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check"], None).status.code(), Some(2));
    assert_eq!(
        run(&["check", "x.p8", "--no-such-flag"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "x.p8", "--key-id"], None).status.code(),
        Some(2)
    );
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn fix_to_writes_the_canonical_pem_0600_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let s = secret();
    let mangled = write(
        dir.path(),
        "mangled.txt",
        base64_file(&crlf(&sec1_pem(&s))).as_bytes(),
    );
    let out_dir = tempfile::tempdir().unwrap();
    let dest = out_dir.path().join("AuthKey_2X9R4HXF34.p8");
    let dest_s = dest.to_str().unwrap();

    let o = run(&["check", &mangled, "--fix-to", dest_s], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), apple_pem(&s));
    #[cfg(unix)]
    assert_eq!(mode(&dest), 0o600);
    assert!(stdout(&o).contains("Wrote"), "{}", stdout(&o));
    assert!(!stdout(&o).contains(&body(&apple_pem(&s))[..40]));

    // Second time: refused, exit 1, file untouched, no temp file left behind.
    std::fs::write(&dest, b"keep me").unwrap();
    let o = run(&["check", &mangled, "--json", "--fix-to", dest_s], None);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert!(
        codes(&v, "problems").contains(&"file_exists".to_owned()),
        "{v}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"keep me");
    let names: Vec<_> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "only the original file remains: {names:?}");

    // An unusable key writes nothing.
    let bad = write(dir.path(), "bad.p8", truncated(&apple_pem(&s)).as_bytes());
    let dest2 = out_dir.path().join("never.p8");
    let o = run(&["check", &bad, "--fix-to", dest2.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dest2.exists());
    assert!(stdout(&o).contains("Nothing was written"), "{}", stdout(&o));
}

#[test]
fn openssl_keys_pass_the_cli() {
    let Some(o) = Openssl::new() else { return };
    o.run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "AuthKey_2X9R4HXF34.p8",
    ]);
    let path = o.path("AuthKey_2X9R4HXF34.p8");
    let out = run(&["check", path.to_str().unwrap(), "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json(&out)["key_id"], "2X9R4HXF34");

    o.run(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:1024",
        "-out",
        "rsa.pem",
    ]);
    let out = run(
        &["check", o.path("rsa.pem").to_str().unwrap(), "--json"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(codes(&json(&out), "problems"), ["rsa_key"]);
}
