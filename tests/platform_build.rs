// Its own binary: it binds the fixed port 47615 the platform profile names, for the whole process.
//! A platform build sends keys only where its profile says: no settings file, environment
//! variable or option at run time can redirect an upload. The platform binary is the example
//! platform built with `tests/e2e/acme-loopback.json` (Acme Shops, uploading to a dashboard on
//! 127.0.0.1:47615) by `scripts/test-all.sh`, which names it in `ASC_WIZARD_PLATFORM_APP`;
//! without it the tests fail under CI. The generic binary, given the same files and variables,
//! follows them: so the setup would redirect it, and the platform build resists.

#![cfg(target_os = "linux")]

#[path = "support/dashboard_double.rs"]
mod dashboard_double;

use asc_key_wizard::core::key::PrivateKey;
use dashboard_double::DashboardDouble;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

/// The profile's own dashboard (tests/e2e/acme-loopback.json).
const PROFILE_PORT: u16 = 47615;
/// One test at a time uses the profile's dashboard.
static PORT: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The dashboard the profile names, started once (its listener lives as long as the process).
fn own() -> &'static DashboardDouble {
    static OWN: std::sync::OnceLock<DashboardDouble> = std::sync::OnceLock::new();
    OWN.get_or_init(|| {
        let d = DashboardDouble::start_on(PROFILE_PORT, dashboard_double::Scenario::Ok);
        d.expect_token("tok");
        d
    })
}

/// The example platform's binary, or `None` (a failure under CI / ASC_WIZARD_FULL_TESTS).
fn platform_cli() -> Option<PathBuf> {
    let path = std::env::var_os("ASC_WIZARD_PLATFORM_APP")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    if path.is_none() {
        let why = "ASC_WIZARD_PLATFORM_APP does not name the example platform's build (scripts/test-all.sh builds it)";
        if asc_key_wizard::test_rule::strict() {
            panic!("{why} (CI / ASC_WIZARD_FULL_TESTS is set, so this is a failure)");
        }
        eprintln!("NOT RUN: {why}");
    }
    path
}

/// A loopback "proxy" that records each request line it is sent (CONNECT host:443) and answers 502.
fn recording_proxy() -> (String, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut buf = [0u8; 4096];
            let mut got = Vec::new();
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") {
                    let _ =
                        stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
                    break;
                }
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&got));
        }
    });
    (format!("http://{addr}"), seen)
}

struct Setup {
    home: tempfile::TempDir,
    key: PrivateKey,
    key_file: PathBuf,
    dash: DashboardDouble,
    config: PathBuf,
}

/// A key file, a loopback dashboard, and a settings file naming it: in ASC_WIZARD_CONFIG's place,
/// in the generic build's settings folder and in the platform build's own.
fn setup() -> Setup {
    let home = tempfile::tempdir().unwrap();
    let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    let key_file = home.path().join(format!("AuthKey_{KEY_ID}.p8"));
    std::fs::write(&key_file, key.canonical_pem()).unwrap();
    let dash = DashboardDouble::start();
    dash.expect_token("tok");
    let json = format!(
        r#"{{"platform_name":"Elsewhere","upload_url":"{}"}}"#,
        dash.upload_url()
    );
    let config = home.path().join("swapped.json");
    std::fs::write(&config, &json).unwrap();
    for folder in ["dev.asckeywizard.wizard", "example.acme.keysetup"] {
        let dir = home.path().join(".config").join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.json"), &json).unwrap();
    }
    Setup {
        home,
        key,
        key_file,
        dash,
        config,
    }
}

impl Setup {
    fn run(&self, bin: &PathBuf, extra: &[&str], proxy: &str) -> Output {
        let mut args = vec![
            "upload",
            self.key_file.to_str().unwrap(),
            "--issuer-id",
            ISSUER,
            "--token-env",
            "TOK",
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = Command::new(bin)
            .args(&args)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("ASC_WIZARD_CONFIG", &self.config)
            .env("TOK", "tok")
            .env("HTTPS_PROXY", proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(&self.key.base64_body()[20..80]),
            "key material printed: {all}"
        );
        out
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_generic_build_follows_the_settings_file() {
    let s = setup();
    let (proxy, _) = recording_proxy();
    let out = s.run(
        &PathBuf::from(env!("CARGO_BIN_EXE_asc-key-wizard")),
        &[],
        &proxy,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.dash.stored().len(), 1);
    let host = s.dash.upload_url().split('/').nth(2).unwrap().to_owned();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!("Upload to Elsewhere — {host}")
    );
}

#[test]
fn no_file_or_variable_redirects_a_platform_build() {
    let Some(bin) = platform_cli() else { return };
    let _port = PORT.lock().unwrap_or_else(|p| p.into_inner());
    let (own, before) = (own(), own().stored().len());
    let s = setup();
    let (proxy, seen) = recording_proxy();
    let out = s.run(&bin, &[], &proxy);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Said before sending, with the profile's host, and sent there; never to the dashboard the
    // settings files and ASC_WIZARD_CONFIG name.
    assert!(
        stderr.starts_with(&format!(
            "Upload to Acme Shops — 127.0.0.1:{PROFILE_PORT}\n"
        )),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        s.dash.request_count(),
        0,
        "a settings file redirected the platform build"
    );
    assert_eq!(own.stored().len(), before + 1);
    assert_eq!(
        own.stored()[before].file_bytes,
        s.key.canonical_pem().as_bytes()
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn a_platform_build_refuses_another_destination_by_option() {
    let Some(bin) = platform_cli() else { return };
    let _port = PORT.lock().unwrap_or_else(|p| p.into_inner());
    let (own, before) = (own(), own().request_count());
    let s = setup();
    let (proxy, seen) = recording_proxy();
    let (url, config) = (s.dash.upload_url(), s.config.to_str().unwrap().to_owned());
    for extra in [
        vec!["--to", url.as_str()],
        vec!["--config", config.as_str()],
    ] {
        let out = s.run(&bin, &extra, &proxy);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let v = json(&out);
        assert_eq!(v["error"]["code"], "destination_fixed", "{extra:?}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("built for Acme Shops")
                && message.contains(&format!("127.0.0.1:{PROFILE_PORT}")),
            "{message}"
        );
    }
    assert_eq!(s.dash.request_count() + own.request_count() - before, 0);
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing may be sent when the option is refused"
    );
}

/// The platform build's keychain items and index live under its own identifier, apart from the
/// generic build's (needs the Secret Service that `scripts/test-all.sh` starts).
#[test]
fn a_platform_build_keeps_its_own_settings_folder() {
    let Some(bin) = platform_cli() else { return };
    let s = setup();
    let run = |args: &[&str]| {
        Command::new(&bin)
            .args(args)
            .env("HOME", s.home.path())
            .env("XDG_CONFIG_HOME", s.home.path().join(".config"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let label = format!("platform-build-{}", std::process::id());
    let out = run(&[
        "save",
        s.key_file.to_str().unwrap(),
        "--issuer-id",
        ISSUER,
        "--no-verify",
        "--replace",
        "--label",
        &label,
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let own = s
        .home
        .path()
        .join(".config/example.acme.keysetup/keys.json");
    let generic = s
        .home
        .path()
        .join(".config/dev.asckeywizard.wizard/keys.json");
    assert!(std::fs::read_to_string(&own).unwrap().contains(KEY_ID));
    assert!(
        !generic.exists(),
        "the platform build wrote the generic build's index"
    );
    let out = run(&["delete", KEY_ID]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `scripts/platform-config.py` (the Tauri `--config` merge for a platform's installers):
/// registers exactly the profile's setup-link scheme, refuses a profile without its own, and
/// refuses http:// in any letter case unless `--test`.
#[test]
fn the_platform_config_registers_only_the_profiles_scheme_and_refuses_http() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("platforms/example.json")).unwrap(),
    )
    .unwrap();
    let run = |change: &dyn Fn(&mut serde_json::Value), test: bool| {
        let mut p = base.clone();
        p.as_object_mut().unwrap().remove("icon");
        change(&mut p);
        let file = dir.path().join("p.json");
        std::fs::write(&file, serde_json::to_string_pretty(&p).unwrap()).unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(root.join("scripts/platform-config.py"));
        if test {
            cmd.arg("--test");
        }
        cmd.arg(&file)
            .arg(dir.path().join("out"))
            .arg("true")
            .output()
            .unwrap()
    };
    let out = run(&|_| {}, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/tauri.platform.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        merged["plugins"]["deep-link"]["desktop"]["schemes"],
        serde_json::json!(["acme-keys"])
    );
    for http in [
        "http://127.0.0.1:47615/upload",
        "HTTP://127.0.0.1:47615/upload",
        "Http://dash.example/upload",
    ] {
        let out = run(&|p| p["upload_url"] = http.into(), false);
        assert!(
            !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("http://"),
            "{http} was accepted"
        );
        assert!(
            run(&|p| p["upload_url"] = http.into(), true)
                .status
                .success(),
            "{http} with --test"
        );
    }
    for scheme in [serde_json::Value::Null, "asc-key-wizard".into()] {
        let out = run(&|p| p["setup_link_scheme"] = scheme.clone(), false);
        assert!(!out.status.success(), "scheme {scheme} was accepted");
    }
}
