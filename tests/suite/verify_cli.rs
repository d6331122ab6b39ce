//! `asc-key-wizard verify` as a user runs it: the real binary against the
//! loopback App Store Connect double. Exit codes, the `--json` shape, and no
//! key or token anywhere in the output or the debug log.

use crate::support::apple_double;

use apple_double::{AppleDouble, DoubleKey, Scenario};
use asc_key_wizard::core::key::PrivateKey;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_asc-key-wizard");
const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

struct Fx {
    double: AppleDouble,
    key: PrivateKey,
    _dir: tempfile::TempDir,
    file: PathBuf,
}

fn fixture() -> Fx {
    let double = AppleDouble::start();
    let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    double.add_key(DoubleKey::team(KEY_ID, key.public_key(), ISSUER));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("AuthKey_{KEY_ID}.p8"));
    std::fs::write(&file, key.canonical_pem()).unwrap();
    Fx {
        double,
        key,
        _dir: dir,
        file,
    }
}

fn cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("ASC_API_BASE")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    run_cmd(cmd().args(args))
}

fn run_cmd(c: &mut Command) -> Output {
    let t = Instant::now();
    let out = c.output().expect("run the binary");
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "the CLI took {:?}",
        t.elapsed()
    );
    out
}

fn verify_args<'a>(fx: &'a Fx, base: &'a str) -> Vec<&'a str> {
    vec![
        "verify",
        fx.file.to_str().unwrap(),
        "--key-id",
        KEY_ID,
        "--issuer-id",
        ISSUER,
        "--api-base",
        base,
    ]
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

#[test]
fn json_shape_for_a_valid_key() {
    let fx = fixture();
    fx.double.set_apps(&[("Shop", "com.example.shop")]);
    let base = fx.double.base_url();
    let mut args = verify_args(&fx, &base);
    args.push("--json");
    let out = run(&args);
    let v = json_of(&out);
    assert_eq!(code(&out), 0, "{v:#}");
    // The check report…
    assert_eq!(v["ok"], true);
    assert_eq!(v["key_id"], KEY_ID);
    assert_eq!(v["issuer_id"], ISSUER);
    assert_eq!(v["fingerprint"], fx.key.fingerprint());
    for list in ["notes", "problems", "warnings"] {
        assert!(v[list].is_array(), "{list}: {v:#}");
    }
    // …plus the `apple` object.
    let a = &v["apple"];
    assert_eq!(a["outcome"], "valid");
    assert_eq!(a["http_status"], 200);
    assert_eq!(a["attempts"], 1);
    assert!(a["elapsed_ms"].is_u64());
    assert_eq!(a["apps_total"], 1);
    assert_eq!(
        a["apps"],
        serde_json::json!([{"name": "Shop", "bundle_id": "com.example.shop"}])
    );
    assert_eq!(
        a["capabilities"],
        serde_json::json!({"signing": true, "users": true})
    );
    assert_eq!(a["rate_limit"]["limit"], 3600);
    assert!(a["rate_limit"]["remaining"].is_u64());
    assert!(a["clock_offset_s"].is_i64());
    assert!(a["message"].is_string() && a["hint"].is_string());
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "outcome",
        "message",
        "hint",
        "http_status",
        "attempts",
        "elapsed_ms",
        "apps_total",
        "apps",
        "capabilities",
        "rate_limit",
        "clock_offset_s",
    ] {
        assert!(keys.contains(&k), "missing {k} in {keys:?}");
    }
}

#[test]
fn rejected_key_exits_3_with_nulls() {
    let fx = fixture();
    fx.double.revoke(KEY_ID);
    let base = fx.double.base_url();
    let mut args = verify_args(&fx, &base);
    args.push("--json");
    let out = run(&args);
    let v = json_of(&out);
    assert_eq!(code(&out), 3, "{v:#}");
    assert_eq!(v["ok"], true, "the offline result stays visible");
    let a = &v["apple"];
    assert_eq!(a["outcome"], "not_authorized");
    // Two tries and one follow-up (the team key signed as an individual one).
    assert_eq!(a["attempts"], 3);
    assert_eq!(a["tried"], serde_json::json!(["other_kind"]));
    assert_eq!(a["apps_total"], Value::Null);
    assert_eq!(
        a["capabilities"],
        serde_json::json!({"signing": null, "users": null})
    );
    assert_eq!(a["apps"], serde_json::json!([]));
}

#[test]
fn no_answer_exits_4() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::DropConnection);
    let base = fx.double.base_url();
    let mut args = verify_args(&fx, &base);
    args.push("--json");
    let out = run(&args);
    let v = json_of(&out);
    assert_eq!(code(&out), 4, "{v:#}");
    assert_eq!(v["apple"]["outcome"], "network_unreachable");
    assert_eq!(v["apple"]["http_status"], Value::Null);
    // The library's words: always in --json, in the text output only with -v.
    assert!(
        v["apple"]["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{v:#}"
    );
    let plain = verify_args(&fx, &base);
    let out = run(&plain);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Details:"), "{text}");
    let mut verbose = plain.clone();
    verbose.push("-v");
    let out = run(&verbose);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Details:"), "{text}");
}

#[test]
fn offline_problem_exits_1_without_asking_apple() {
    let fx = fixture();
    std::fs::write(
        &fx.file,
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let base = fx.double.base_url();
    let mut args = verify_args(&fx, &base);
    args.push("--json");
    let out = run(&args);
    let v = json_of(&out);
    assert_eq!(code(&out), 1, "{v:#}");
    assert_eq!(v["ok"], false);
    assert!(!v["problems"].as_array().unwrap().is_empty());
    assert_eq!(v["apple"], Value::Null);
    assert_eq!(fx.double.request_count(), 0, "no network call");

    let out = run(&verify_args(&fx, &base));
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Apple was not asked"));
    assert_eq!(fx.double.request_count(), 0);
}

#[test]
fn usage_errors_exit_2() {
    let fx = fixture();
    // Team key without --issuer-id.
    let out = run(&["verify", fx.file.to_str().unwrap(), "--key-id", KEY_ID]);
    assert_eq!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    // Plain http to a host that is not this computer: refused before any request.
    let mut args = verify_args(&fx, "http://api.appstoreconnect.apple.com");
    args.push("--json");
    let out = run(&args);
    let v = json_of(&out);
    assert_eq!(code(&out), 2, "{v:#}");
    assert_eq!(v["apple"]["outcome"], "api_base_not_https");
    assert_eq!(v["apple"]["attempts"], 0);
}

#[test]
fn api_base_flag_beats_env_and_env_is_used() {
    let fx = fixture();
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let file = fx.file.to_str().unwrap();
    let base_args = [
        "verify",
        file,
        "--key-id",
        KEY_ID,
        "--issuer-id",
        ISSUER,
        "--json",
    ];
    // Env only.
    let out = run_cmd(
        cmd()
            .args(base_args)
            .env("ASC_API_BASE", fx.double.base_url()),
    );
    assert_eq!(json_of(&out)["apple"]["outcome"], "valid");
    // Flag beats env.
    let out = run_cmd(
        cmd()
            .args(base_args)
            .args(["--api-base", &fx.double.base_url()])
            .env("ASC_API_BASE", &dead),
    );
    assert_eq!(json_of(&out)["apple"]["outcome"], "valid");
    let out = run_cmd(
        cmd()
            .args(base_args)
            .args(["--api-base", &dead])
            .env("ASC_API_BASE", fx.double.base_url()),
    );
    assert_eq!(json_of(&out)["apple"]["outcome"], "network_unreachable");
    assert_eq!(code(&out), 4);
}

#[test]
fn individual_key_from_stdin() {
    let fx = fixture();
    let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    fx.double
        .add_key(DoubleKey::individual("INDIV12345", key.public_key()));
    let mut child = cmd()
        .args([
            "verify",
            "-",
            "--key-id",
            "INDIV12345",
            "--individual",
            "--json",
            "--api-base",
        ])
        .arg(fx.double.base_url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(key.canonical_pem().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v = json_of(&out);
    assert_eq!(code(&out), 0, "{v:#}");
    assert_eq!(v["apple"]["outcome"], "valid");
    let token = &fx.double.tokens()[0];
    let claims = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &<base64ct::Base64UrlUnpadded as base64ct::Encoding>::decode_vec(claims).unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], "user");
    assert!(claims.get("iss").is_none());
}

/// Neither the PEM body (nor any 24-character piece of it) nor a token may
/// appear on stdout or stderr, with `-v` debug logging on.
fn assert_no_secrets(out: &Output, fx: &Fx) {
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let body = fx.key.base64_body();
    for i in 0..=body.len() - 24 {
        assert!(
            !text.contains(&body[i..i + 24]),
            "key material leaked:\n{text}"
        );
    }
    assert!(!text.contains("PRIVATE KEY"), "{text}");
    let tokens = fx.double.tokens();
    assert!(!tokens.is_empty());
    for t in &tokens {
        for part in t.split('.') {
            assert!(!text.contains(part), "token part leaked:\n{text}");
        }
    }
    assert!(
        !text.contains("eyJ"),
        "something JWT-shaped leaked:\n{text}"
    );
    assert!(!text.contains("Bearer"), "{text}");
}

#[test]
fn output_and_debug_log_hold_no_key_or_token() {
    for scenario in [
        Scenario::Normal,
        Scenario::unauthorized(None),
        Scenario::Garbage200,
    ] {
        let fx = fixture();
        fx.double.set_scenario(scenario);
        let base = fx.double.base_url();
        for json in [false, true] {
            let mut args = vec!["-v"];
            args.extend(verify_args(&fx, &base));
            if json {
                args.push("--json");
            }
            let out = run(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // The request log is there (so the check below means something)…
            assert!(
                stderr.contains("GET /v1/apps"),
                "debug log missing:\n{stderr}"
            );
            assert!(stderr.contains("attempt 1"), "{stderr}");
            // …and holds no secrets.
            assert_no_secrets(&out, &fx);
        }
    }
}

#[test]
fn human_output_is_a_plain_checklist() {
    let fx = fixture();
    let base = fx.double.base_url();
    let out = run(&verify_args(&fx, &base));
    assert_eq!(code(&out), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✔"), "{text}");
    assert!(text.contains("Apple accepted this key"), "{text}");
    assert!(text.contains("What to do:"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour when NO_COLOR is set / not a terminal"
    );

    // A clock ten minutes off: Apple takes the key signed on its own clock, and says the clock is off.
    fx.double.set_date_offset(-600);
    let out = run(&verify_args(&fx, &base));
    assert_eq!(code(&out), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Apple accepted this key"), "{text}");
    assert!(
        text.contains("only when it was signed on Apple's clock"),
        "{text}"
    );
    assert!(text.contains("10 minutes ahead of Apple's"), "{text}");

    // Refused on Apple's clock too: clock_skew, exit 3, the offline result still visible.
    fx.double.revoke(KEY_ID);
    let out = run(&verify_args(&fx, &base));
    assert_eq!(code(&out), 3);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("clock"), "{text}");
    assert!(
        text.contains("checked out fine"),
        "offline result stays visible: {text}"
    );
}

/// With a platform that requires signing: "Ready for Acme" when the key may, and what is missing
/// (with what to do) when it may not; in --json as `readiness`, and in the text.
#[test]
fn readiness_for_the_platform_is_said_after_a_valid_test() {
    let fx = fixture();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("platform.json");
    std::fs::write(
        &cfg,
        r#"{"platform_name":"Acme","required_capabilities":["signing"]}"#,
    )
    .unwrap();
    let base = fx.double.base_url();
    let mut args = verify_args(&fx, &base);
    args.push("--json");
    let v = json_of(&run_cmd(cmd().args(&args).env("ASC_WIZARD_CONFIG", &cfg)));
    assert_eq!(v["readiness"]["ready"], true, "{v}");
    assert_eq!(
        v["readiness"]["message"],
        "Ready for Acme: this key may do everything Acme needs."
    );

    let limited = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    const LIMITED: &str = "LIM1TED234";
    fx.double.add_key(
        DoubleKey::team(LIMITED, limited.public_key(), ISSUER)
            .with_access(apple_double::Access::NO_SIGNING),
    );
    let file = dir.path().join(format!("AuthKey_{LIMITED}.p8"));
    std::fs::write(&file, limited.canonical_pem()).unwrap();
    let text_args = [
        "verify",
        file.to_str().unwrap(),
        "--key-id",
        LIMITED,
        "--issuer-id",
        ISSUER,
        "--api-base",
        &base,
    ];
    let out = run_cmd(cmd().args(text_args).env("ASC_WIZARD_CONFIG", &cfg));
    assert_eq!(
        code(&out),
        0,
        "the key is valid; readiness does not change the exit code"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Not ready for Acme: this key may not manage certificates and app IDs"),
        "{text}"
    );
    assert!(
        text.contains("create a new key with Admin access"),
        "{text}"
    );
    // Without requirements nothing is said.
    let v = json_of(&run_cmd(
        cmd()
            .args(&args)
            .env_remove("ASC_WIZARD_CONFIG")
            .env("XDG_CONFIG_HOME", dir.path()),
    ));
    assert!(v.get("readiness").is_none(), "{v}");
}

/// After Apple's 401 the CLI tries the Key ID in the file name (issue 15 §2): a typed Key ID that
/// is not the file's ends in `key_id_from_file_name` (exit 2) naming the one Apple accepts.
#[test]
fn a_wrong_typed_key_id_is_caught_by_the_file_name() {
    let fx = fixture();
    let base = fx.double.base_url();
    let file = fx.file.to_str().unwrap();
    let out = run(&[
        "verify",
        file,
        "--key-id",
        "ZZZZZZZZZZ",
        "--issuer-id",
        ISSUER,
        "--api-base",
        &base,
        "--json",
    ]);
    let v = json_of(&out);
    assert_eq!(code(&out), 2, "{v:#}");
    let a = &v["apple"];
    assert_eq!(a["outcome"], "key_id_from_file_name", "{a:#}");
    assert_eq!(a["attempts"], 3);
    assert!(a["hint"].as_str().unwrap().contains(KEY_ID), "{a:#}");
    let kids: Vec<String> = fx
        .double
        .tokens()
        .iter()
        .map(|t| jsonwebtoken::decode_header(t).unwrap().kid.unwrap())
        .collect();
    assert_eq!(kids, ["ZZZZZZZZZZ", "ZZZZZZZZZZ", KEY_ID]);
}
