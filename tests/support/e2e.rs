//! End-to-end harness: the real app in WebKitGTK, driven through `tauri-driver`
//! (which spawns `WebKitWebDriver`) under Xvfb, from fantoccini.
//!
//! One `Journey` = one throwaway HOME, one tauri-driver (so the app inherits the
//! journey's env), one WebDriver session, one screenshot folder. Journeys run
//! one at a time (a process-wide lock): WebKit is heavy and CI has two cores.
//! Every child process is started in its own process group and killed on drop;
//! every wait is bounded.
//!
//! Windows (CI): tauri-driver drives WebView2 through `msedgedriver` (`MSEDGEDRIVER`, or on PATH).
//! macOS (CI): the app is built with the `e2e-webdriver` feature and serves WebDriver itself on
//! `TAURI_WEBDRIVER_PORT`; the harness starts it and talks to it directly. Linux is unchanged.

#![allow(dead_code)]

#[path = "axe.rs"]
pub mod axe;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The app under test (built with `--features mock-runtime,e2e-seam`).
pub const APP: &str = env!("CARGO_BIN_EXE_asc-key-wizard");

/// The app binary this test process drives: a hard link to `APP` taken once,
/// so a concurrent `cargo build` of another feature set (which replaces
/// `target/debug/asc-key-wizard`) cannot swap the binary under a running suite.
pub fn app_binary() -> PathBuf {
    static SNAPSHOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SNAPSHOT
        .get_or_init(|| {
            let dir = screenshot_root().with_file_name("e2e-bin");
            std::fs::create_dir_all(&dir).unwrap();
            // Drop snapshots of test processes that are gone.
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix("asc-key-wizard-") {
                    if !Path::new(&format!("/proc/{pid}")).exists() {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            let snap = dir.join(format!(
                "asc-key-wizard-{}{}",
                std::process::id(),
                std::env::consts::EXE_SUFFIX
            ));
            let _ = std::fs::remove_file(&snap);
            if std::fs::hard_link(APP, &snap).is_err() {
                std::fs::copy(APP, &snap).expect("copy the app binary");
            }
            snap
        })
        .clone()
}

/// Default bound for "wait until the UI shows X".
pub const WAIT: Duration = Duration::from_secs(20);
/// Bound for the first page (WebKit cold start in a debug build).
pub const FIRST_PAGE_WAIT: Duration = Duration::from_secs(60);
/// Bound for one WebDriver command (a hung page must fail, not block the run).
pub const CMD_WAIT: Duration = Duration::from_secs(30);

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// True when missing tools must fail the test instead of skipping it (the one rule, in the crate).
pub use asc_key_wizard::test_rule::strict;

fn on_path(tool: &str) -> bool {
    if tool.contains('/') || Path::new(tool).is_absolute() {
        return Path::new(tool).is_file();
    }
    let exe = format!("{tool}{}", std::env::consts::EXE_SUFFIX);
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths)
            .any(|dir| dir.join(tool).is_file() || dir.join(&exe).is_file())
    })
}

/// Which required tools are missing (empty = all there).
#[cfg(target_os = "linux")]
pub fn missing_tools(need_secret_service: bool) -> Vec<String> {
    let mut missing = Vec::new();
    for tool in [tauri_driver(), "WebKitWebDriver".to_string()] {
        if !on_path(&tool) {
            missing.push(format!("`{tool}` (WebDriver for WebKitGTK / Tauri)"));
        }
    }
    if std::env::var_os("DISPLAY").is_none() && !on_path("Xvfb") {
        missing.push("`Xvfb` (no DISPLAY set and no virtual X server)".into());
    }
    if need_secret_service && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        missing.push(
            "a D-Bus session with an unlocked Secret Service (run inside `dbus-run-session` \
             with `gnome-keyring-daemon --unlock --components=secrets`)"
                .into(),
        );
    }
    missing
}

/// Windows: tauri-driver and an msedgedriver matching the WebView2 runtime. The keychain journeys
/// stay on Linux (they need the Secret Service and the XDG trash), so `need_secret_service` is moot.
#[cfg(target_os = "windows")]
pub fn missing_tools(_need_secret_service: bool) -> Vec<String> {
    let mut missing = Vec::new();
    if !on_path(&tauri_driver()) {
        missing.push(format!(
            "`{}` (cargo install tauri-driver --locked)",
            tauri_driver()
        ));
    }
    if !on_path(&msedgedriver()) {
        missing.push(format!(
            "`{}` (msedgedriver matching the WebView2 runtime; set MSEDGEDRIVER)",
            msedgedriver()
        ));
    }
    missing
}

/// macOS: nothing outside the app, which must be built with the `e2e-webdriver` feature (the
/// journeys are compiled only then).
#[cfg(target_os = "macos")]
pub fn missing_tools(_need_secret_service: bool) -> Vec<String> {
    Vec::new()
}

/// Windows keeps the app's settings folder at the known folder %APPDATA%, which no environment
/// variable moves: forget where the last journey left the wizard (`wizard-place.json`, only a
/// step name, never a key), so each journey starts at step 1. (Journey h, which reopens the app
/// on purpose, runs on Linux and macOS only.)
#[cfg(target_os = "windows")]
fn forget_place() {
    if let Some(dir) = dirs::config_dir() {
        let _ = std::fs::remove_file(
            dir.join("dev.asckeywizard.wizard")
                .join("wizard-place.json"),
        );
    }
}

/// The Edge WebDriver tauri-driver hands WebView2 to: `MSEDGEDRIVER` or `msedgedriver` on PATH.
#[cfg(target_os = "windows")]
fn msedgedriver() -> String {
    std::env::var("MSEDGEDRIVER").unwrap_or_else(|_| "msedgedriver.exe".into())
}

fn tauri_driver() -> String {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return p;
    }
    if on_path("tauri-driver") {
        return "tauri-driver".into();
    }
    // `cargo install` puts it here; the PATH of a test run may not include it.
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dirs::home_dir().unwrap_or_default().join(".cargo"));
    let p = home.join(format!("bin/tauri-driver{}", std::env::consts::EXE_SUFFIX));
    if p.is_file() {
        p.to_string_lossy().into_owned()
    } else {
        "tauri-driver".into()
    }
}

/// `true` = go on; `false` = skip (reason printed). Panics in strict mode.
pub fn tools_ready(journey: &str, need_secret_service: bool) -> bool {
    let missing = missing_tools(need_secret_service);
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "e2e journey `{journey}` needs: {}. See docs/e2e.md.",
        missing.join("; ")
    );
    if strict() {
        panic!("{why} (CI / ASC_WIZARD_FULL_TESTS is set, so this is a failure)");
    }
    eprintln!("SKIPPED: {why}");
    false
}

/// A free loopback TCP port (bound then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The colour scheme the journeys run in: `ASC_WIZARD_E2E_THEME=dark`, or light.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

pub fn theme() -> Theme {
    match std::env::var("ASC_WIZARD_E2E_THEME").as_deref() {
        Ok("dark") => Theme::Dark,
        Ok("light") | Err(_) => Theme::Light,
        Ok(other) => panic!("ASC_WIZARD_E2E_THEME={other}: use light or dark"),
    }
}

impl Theme {
    /// GTK's dark preference in the journey's HOME: WebKitGTK then reports
    /// `prefers-color-scheme: dark` to the page, as on a desktop set to dark.
    pub fn prepare(self, home: &Path) {
        let dir = home.join(".config/gtk-3.0");
        std::fs::create_dir_all(&dir).unwrap();
        let prefer = if self == Theme::Dark { 1 } else { 0 };
        std::fs::write(
            dir.join("settings.ini"),
            format!("[Settings]\ngtk-application-prefer-dark-theme={prefer}\n"),
        )
        .unwrap();
    }
}

/// Where screenshots land: `<target>/e2e-screenshots/`.
pub fn screenshot_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("e2e-screenshots")
}

/// A child process in its own process group; the whole group dies on drop.
pub struct Group {
    pub child: Child,
    pub what: &'static str,
}

impl Group {
    pub fn spawn(mut cmd: Command, what: &'static str) -> Group {
        #[cfg(unix)]
        cmd.process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {what}: {e}"));
        Group { child, what }
    }

    #[cfg(unix)]
    fn signal(&self, sig: &str) {
        let _ = Command::new("kill")
            .args([sig, "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
    }

    /// Windows has no process groups to signal: end the whole tree (tauri-driver, msedgedriver
    /// and the app) at once.
    #[cfg(windows)]
    fn signal(&self, _sig: &str) {
        let _ = Command::new("taskkill")
            .args(["/T", "/F", "/PID", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if !self.alive() {
            // The leader is gone; members (e.g. WebKitWebDriver) may not be.
            self.signal("-KILL");
            return;
        }
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if !self.alive() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The X display: the caller's `DISPLAY` (the test script starts Xvfb) or our own Xvfb.
pub struct Display {
    pub name: String,
    _xvfb: Option<Group>,
}

impl Display {
    /// Windows and macOS: the desktop the test runs on; nothing to start.
    #[cfg(not(target_os = "linux"))]
    pub fn get() -> Display {
        Display {
            name: String::new(),
            _xvfb: None,
        }
    }

    #[cfg(target_os = "linux")]
    pub fn get() -> Display {
        if let Ok(name) = std::env::var("DISPLAY") {
            if !name.is_empty() {
                return Display { name, _xvfb: None };
            }
        }
        for n in 90..190u32 {
            if Path::new(&format!("/tmp/.X{n}-lock")).exists()
                || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            {
                continue;
            }
            let mut cmd = Command::new("Xvfb");
            cmd.args([
                &format!(":{n}"),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            let mut xvfb = Group::spawn(cmd, "Xvfb");
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && xvfb.alive() && !socket.exists() {
                std::thread::sleep(Duration::from_millis(50));
            }
            if socket.exists() && xvfb.alive() {
                return Display {
                    name: format!(":{n}"),
                    _xvfb: Some(xvfb),
                };
            }
        }
        panic!("could not start Xvfb on any display :90–:189");
    }
}

/// Options for one journey's app process.
#[derive(Default)]
pub struct AppEnv {
    /// Extra env for the app (ASC_API_BASE, ASC_WIZARD_CONFIG, ASC_WIZARD_E2E_PICK, …).
    pub vars: Vec<(String, String)>,
    /// Another build of the app (a platform's), instead of [`app_binary`].
    pub app: Option<PathBuf>,
    /// Arguments the app is launched with (a setup link, as Linux and Windows hand it on).
    pub args: Vec<String>,
}

impl AppEnv {
    pub fn var(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Self {
        self.vars
            .push((k.to_string(), v.as_ref().to_string_lossy().into_owned()));
        self
    }
}

pub struct Journey {
    pub name: String,
    pub client: Option<Client>,
    pub home: tempfile::TempDir,
    pub shots: PathBuf,
    shot_no: u32,
    /// Screens audited with axe, and every violation found, as `screen: rule …` lines.
    audited: u32,
    violations: Vec<String>,
    /// The merchant's actions so far: every `click` and every `type_into` (typing counts as one).
    actions: std::sync::atomic::AtomicUsize,
    // Field order = drop order: the driver (and its app) go before the display.
    _driver: Group,
    _display: Display,
    _lock: MutexGuard<'static, ()>,
}

impl Journey {
    /// Start Xvfb (if needed), tauri-driver and a session on the app. `home` is
    /// the throwaway HOME the app gets (create files in it before calling).
    // The std lock is held for the whole journey on purpose: journeys run one at a time, and
    // each runs on its own test thread's runtime, so nothing else awaits it there.
    #[allow(clippy::await_holding_lock)]
    pub async fn start(name: &str, home: tempfile::TempDir, env: AppEnv) -> Journey {
        let lock = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let display = Display::get();
        let port = free_port();
        let native_port = free_port();
        // The dark run of every journey (ASC_WIZARD_E2E_THEME=dark) keeps its own screenshots.
        let name = &match theme() {
            Theme::Dark => format!("{name}-dark"),
            Theme::Light => name.to_string(),
        };
        theme().prepare(home.path());

        let log_dir = screenshot_root().join(name);
        let _ = std::fs::remove_dir_all(&log_dir);
        std::fs::create_dir_all(&log_dir).unwrap();
        let log = std::fs::File::create(log_dir.join("driver-and-app.log")).unwrap();

        #[cfg(not(target_os = "macos"))]
        let mut cmd = Command::new(tauri_driver());
        #[cfg(not(target_os = "macos"))]
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ]);
        #[cfg(target_os = "windows")]
        forget_place();
        #[cfg(target_os = "windows")]
        cmd.arg("--native-driver")
            .arg(msedgedriver())
            // A fresh WebView2 profile (storage, cache) per journey, as HOME is on Linux.
            .env("WEBVIEW2_USER_DATA_FOLDER", home.path().join("WebView2"));
        // macOS: the app itself serves WebDriver (feature e2e-webdriver) on `port`.
        #[cfg(target_os = "macos")]
        let mut cmd = Command::new(env.app.clone().unwrap_or_else(app_binary));
        #[cfg(target_os = "macos")]
        cmd.args(&env.args)
            .env("TAURI_WEBDRIVER_PORT", port.to_string())
            // NSHomeDirectory (WebKit's data store) follows this, not HOME.
            .env("CFFIXED_USER_HOME", home.path());
        #[cfg(target_os = "linux")]
        cmd.env("DISPLAY", &display.name);
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env("XDG_CACHE_HOME", home.path().join(".cache"))
            .env("NO_AT_BRIDGE", "1")
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // WEBKIT_DISABLE_COMPOSITING_MODE=1 makes every WebDriver screenshot hang
        // here (WebKitGTK under Xvfb), so the app never gets it.
        cmd.env_remove("WEBKIT_DISABLE_COMPOSITING_MODE");
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            // Without a session bus GLib would autolaunch one per display, with
            // portals and a keyring that outlive the test: forbid that.
            cmd.env("DBUS_SESSION_BUS_ADDRESS", "disabled:");
        }
        for (k, v) in &env.vars {
            cmd.env(k, v);
        }
        let mut driver = Group::spawn(cmd, "tauri-driver");

        // Wait for tauri-driver and the WebKitWebDriver it spawns to listen
        // (a session request before that is dropped).
        let deadline = Instant::now() + Duration::from_secs(15);
        #[cfg(target_os = "macos")]
        let _ = native_port;
        #[cfg(target_os = "macos")]
        let ports = [port];
        #[cfg(not(target_os = "macos"))]
        let ports = [port, native_port];
        for p in ports {
            loop {
                if std::net::TcpStream::connect(("127.0.0.1", p)).is_ok() {
                    break;
                }
                assert!(
                    driver.alive(),
                    "tauri-driver exited at start; see {}",
                    log_dir.display()
                );
                assert!(
                    Instant::now() < deadline,
                    "WebDriver did not listen on {p} within 15 s"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }

        let mut caps = serde_json::Map::new();
        // tauri-driver only reads `tauri:options` from alwaysMatch; fantoccini
        // wraps these capabilities into alwaysMatch.
        caps.insert(
            "tauri:options".into(),
            json!({ "application": env.app.clone().unwrap_or_else(app_binary), "args": env.args }),
        );
        caps.insert("browserName".into(), json!("wry"));
        // Both ring and aws-lc-rs are compiled in; rustls needs to be told.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = tokio::time::timeout(
            FIRST_PAGE_WAIT,
            ClientBuilder::rustls()
                .expect("rustls connector")
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .expect("WebDriver session did not start within 60 s")
        .unwrap_or_else(|e| panic!("WebDriver session failed: {e}; see {}", log_dir.display()));

        Journey {
            name: name.to_string(),
            client: Some(client),
            home,
            shots: log_dir,
            shot_no: 0,
            audited: 0,
            violations: Vec::new(),
            actions: Default::default(),
            _driver: driver,
            _display: display,
            _lock: lock,
        }
    }

    /// Await one WebDriver command with a bound; panic with `what` on error or timeout.
    pub async fn cmd<T, E: std::fmt::Display>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = Result<T, E>>,
    ) -> T {
        match tokio::time::timeout(CMD_WAIT, fut).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => panic!("[{}] {what} failed: {e}", self.name),
            Err(_) => panic!(
                "[{}] {what}: WebDriver gave no answer within {CMD_WAIT:?}",
                self.name
            ),
        }
    }

    pub fn c(&self) -> &Client {
        self.client.as_ref().expect("session closed")
    }

    /// Run JS in the page and return its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        tokio::time::timeout(CMD_WAIT, self.c().execute(script, args))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "[{}] WebDriver gave no answer within {CMD_WAIT:?}",
                    self.name
                )
            })
            .unwrap_or_else(|e| panic!("[{}] script failed: {e}\n{script}", self.name))
    }

    /// Poll `script` (must return a truthy value when ready) until `limit`.
    pub async fn wait_js(
        &self,
        what: &str,
        script: &str,
        args: Vec<Value>,
        limit: Duration,
    ) -> Value {
        let deadline = Instant::now() + limit;
        let mut last;
        loop {
            let answer = tokio::time::timeout(CMD_WAIT, self.c().execute(script, args.clone()))
                .await
                .unwrap_or_else(|_| {
                    panic!("[{}] WebDriver gave no answer within {CMD_WAIT:?} while waiting for {what}", self.name)
                });
            match answer {
                Ok(v) if truthy(&v) => return v,
                Ok(v) => last = v,
                Err(e) => last = Value::String(format!("error: {e}")),
            }
            if Instant::now() >= deadline {
                let shot = self.failure_shot().await;
                panic!(
                    "[{}] timed out after {:?} waiting for {what} (last value {last}); screenshot {}",
                    self.name,
                    limit,
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn failure_shot(&self) -> PathBuf {
        let path = self.shots.join("FAILURE.png");
        if let Ok(Ok(png)) = tokio::time::timeout(CMD_WAIT, self.c().screenshot()).await {
            let _ = std::fs::write(&path, png);
        }
        path
    }

    /// Scroll `css` into view (focus untouched), then `shot`: the window is
    /// 960×720, so results below the fold would otherwise not be in the picture.
    pub async fn shot_at(&mut self, step: &str, css: &str) -> PathBuf {
        self.js(
            "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView({block: 'end'}); return true;",
            vec![json!(css)],
        )
        .await;
        self.shot(step).await
    }

    /// Save `<nn>-<step>.png` in this journey's folder.
    pub async fn shot(&mut self, step: &str) -> PathBuf {
        // Let transitions and focus rings settle.
        tokio::time::sleep(Duration::from_millis(250)).await;
        self.shot_no += 1;
        let path = self.shots.join(format!("{:02}-{step}.png", self.shot_no));
        let png = self.cmd("screenshot", self.c().screenshot()).await;
        assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
        std::fs::write(&path, png).unwrap();
        eprintln!("[{}] {}", self.name, path.display());
        self.audit(&format!("{:02}-{step}", self.shot_no)).await;
        path
    }

    /// Run axe (WCAG 2.0/2.1 A and AA) on the page as it is; print the screen's result and keep
    /// its violations for `finish`. Every screenshot is audited.
    pub async fn audit(&mut self, screen: &str) {
        let Some(src) = axe::source() else {
            let why = "axe-core is not installed in tests/e2e/axe (scripts/setup-linux.sh --test installs it)";
            assert!(
                !strict(),
                "{why} (CI / ASC_WIZARD_FULL_TESTS is set, so this is a failure)"
            );
            eprintln!("[{}] axe: NOT RUN: {why}", self.name);
            return;
        };
        let lines = self.axe_lines(src).await;
        self.audited += 1;
        if lines.is_empty() {
            eprintln!("[{}] axe: {screen}: 0 violations", self.name);
        } else {
            for line in &lines {
                eprintln!("[{}] axe: {screen}: {line}", self.name);
            }
            self.violations
                .extend(lines.into_iter().map(|l| format!("{screen}: {l}")));
        }
    }

    /// axe's violations on the page as it is, as lines (nothing recorded).
    pub async fn axe_lines(&self, src: &str) -> Vec<String> {
        let ready = self.js(&axe::inject_script(src), vec![]).await;
        assert_eq!(ready, json!(true), "axe could not be loaded into the page");
        let found = self
            .cmd(
                "axe.run",
                self.c().execute_async(&axe::run_script(), vec![]),
            )
            .await;
        axe::describe(&found)
    }

    /// Fail with every screen's violations, if any.
    fn assert_accessible(&self) {
        assert!(
            self.violations.is_empty(),
            "[{}] axe found {} violation(s) of WCAG 2.0/2.1 A/AA on {} audited screen(s):\n{}",
            self.name,
            self.violations.len(),
            self.audited,
            self.violations.join("\n")
        );
    }

    /// Wait until the step `name` is shown (not hidden) with a non-empty heading;
    /// returns the heading text.
    pub async fn wait_step(&self, name: &str) -> String {
        let v = self
            .wait_js(
                &format!("step `{name}` to be shown"),
                r#"const s = document.querySelector(`[data-step="${arguments[0]}"]`);
                   if (!s || s.hidden || s.closest('[hidden]')) return null;
                   const h = s.querySelector('h2');
                   const t = h ? h.textContent.trim() : '';
                   return t.length ? t : null;"#,
                vec![json!(name)],
                WAIT,
            )
            .await;
        let heading = v.as_str().unwrap_or_default().to_string();
        if name != "saved" {
            // The progress rail follows the wizard.
            self.wait_js(
                &format!("the progress rail to mark `{name}` as current"),
                r#"const c = document.querySelectorAll('#rail [aria-current="step"]');
                   return c.length === 1 && c[0].dataset.rail === arguments[0];"#,
                vec![json!(name)],
                WAIT,
            )
            .await;
        }
        heading
    }

    /// The step whose heading has focus (or null), the contract's "focus moves to the heading".
    pub async fn focused_step(&self) -> Option<String> {
        let v = self
            .js(
                r#"const a = document.activeElement;
                   const s = a && a.closest('[data-step]');
                   return s ? s.dataset.step : (a && a.closest('#saved, [data-screen="saved"]') ? 'saved' : null);"#,
                vec![],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    pub async fn wait_visible(&self, css: &str) -> Element {
        self.wait_js(
            &format!("`{css}` to be visible"),
            r#"const e = document.querySelector(arguments[0]);
               if (!e || e.closest('[hidden]')) return false;
               const r = e.getBoundingClientRect();
               return r.width > 0 || r.height > 0;"#,
            vec![json!(css)],
            WAIT,
        )
        .await;
        self.cmd(&format!("find {css}"), self.c().find(Locator::Css(css)))
            .await
    }

    pub async fn click(&self, css: &str) {
        self.wait_visible(css).await;
        // Wait until enabled: the UI may still be checking the input.
        self.wait_js(
            &format!("`{css}` to be enabled"),
            "const e = document.querySelector(arguments[0]); return !!e && !e.disabled;",
            vec![json!(css)],
            WAIT,
        )
        .await;
        // Click where the element is, not where it was: wait until it has stopped moving (a
        // notice leaving above it shifts the layout, and the click lands on whatever is there).
        self.js(
            "delete (window.__e2eRects = window.__e2eRects || {})[arguments[0]]; return true;",
            vec![json!(css)],
        )
        .await;
        self.wait_js(
            &format!("`{css}` to stop moving"),
            r#"const e = document.querySelector(arguments[0]);
               if (!e) return false;
               const r = e.getBoundingClientRect();
               const now = [r.x, r.y, r.width, r.height].join(',');
               const same = window.__e2eRects[arguments[0]] === now;
               window.__e2eRects[arguments[0]] = now;
               return same;"#,
            vec![json!(css)],
            WAIT,
        )
        .await;
        // Found again now: a list drawn again since holds a new element.
        let el = self
            .cmd(&format!("find {css}"), self.c().find(Locator::Css(css)))
            .await;
        self.cmd(&format!("click {css}"), el.click()).await;
        self.actions
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// The merchant's actions so far (clicks and typed fields), for the journeys that count them.
    pub fn actions(&self) -> usize {
        self.actions.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.wait_visible(css).await;
        // Select what is there and type over it, as a person would (WebDriver's
        // Element Clear fires no input event, so the page would not notice it).
        self.js(
            "const e = document.querySelector(arguments[0]); e.focus(); e.select(); return true;",
            vec![json!(css)],
        )
        .await;
        self.cmd(&format!("typing into {css}"), el.send_keys(text))
            .await;
        self.actions
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Wait until the button matching `css` exists and is enabled (Next after a live check).
    pub async fn wait_enabled(&self, css: &str) {
        self.wait_js(
            &format!("{css} to be enabled"),
            "const b = document.querySelector(arguments[0]); return !!b && !b.disabled;",
            vec![json!(css)],
            WAIT,
        )
        .await;
    }

    /// Text of the first element matching `css` (waits for it to exist).
    pub async fn text(&self, css: &str) -> String {
        let v = self
            .wait_js(
                &format!("`{css}` to exist"),
                "const e = document.querySelector(arguments[0]); return e ? [e.innerText || e.textContent || ''] : null;",
                vec![json!(css)],
                WAIT,
            )
            .await;
        v[0].as_str().unwrap_or_default().to_string()
    }

    /// Wait until `css` has attribute `attr` (any value); returns it.
    pub async fn wait_attr(&self, css: &str, attr: &str, limit: Duration) -> String {
        let v = self
            .wait_js(
                &format!("`{css}` to get [{attr}]"),
                "const e = document.querySelector(arguments[0]); return e && e.hasAttribute(arguments[1]) && !e.closest('[hidden]') ? e.getAttribute(arguments[1]) : null;",
                vec![json!(css), json!(attr)],
                limit,
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Step 6's result for `which` (`keychain`, `upload`, `export`) once it has one: its
    /// `data-status` (`ok`, `error`, …). The hand-off may take a few tries of the network.
    pub async fn handoff_status(&self, which: &str) -> String {
        self.wait_attr(
            &format!("#handoff-results [data-result=\"{which}\"]"),
            "data-status",
            Duration::from_secs(30),
        )
        .await
    }

    /// Remember the current content node of `css`, for `wait_rerendered`.
    pub async fn mark_stale(&self, css: &str) {
        self.js(
            r#"window.__e2eStale = window.__e2eStale || {};
               const e = document.querySelector(arguments[0]);
               window.__e2eStale[arguments[0]] = e ? e.firstChild : null;
               return true;"#,
            vec![json!(css)],
        )
        .await;
    }

    /// Wait until the UI has written `css` again since `mark_stale` (setting
    /// textContent always makes a new node, even for the same text).
    pub async fn wait_rerendered(&self, css: &str, limit: Duration) {
        self.wait_js(
            &format!("`{css}` to be rendered again"),
            r#"const e = document.querySelector(arguments[0]);
               return !!e && !!e.firstChild && e.firstChild !== (window.__e2eStale || {})[arguments[0]];"#,
            vec![json!(css)],
            limit,
        )
        .await;
    }

    /// `data-code`s of the `.note|.problem|.warning` children under `css`.
    pub async fn codes(&self, css: &str, class: &str) -> Vec<String> {
        let v = self
            .js(
                r#"const root = document.querySelector(arguments[0]);
                   if (!root) return [];
                   return [...root.querySelectorAll(`[data-code].${arguments[1]}`)].map(e => e.dataset.code);"#,
                vec![json!(css), json!(class)],
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn is_disabled(&self, css: &str) -> bool {
        self.js(
            "const e = document.querySelector(arguments[0]); return !!e && e.disabled;",
            vec![json!(css)],
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    /// The whole visible text of the page (for "no key material" asserts).
    pub async fn page_text(&self) -> String {
        self.js("return document.documentElement.outerHTML;", vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Close the app as a merchant would, then open it again on the same HOME (the webview's
    /// stored data survives, as on a real computer); screenshots go to `name`.
    pub async fn reopen(mut self, name: &str, env: AppEnv) -> Journey {
        self.assert_accessible();
        if let Some(c) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), c.close()).await;
        }
        let Journey {
            home,
            _driver,
            _display,
            _lock,
            ..
        } = self;
        // The app and its driver go first, then the one-journey-at-a-time lock is handed on.
        drop(_driver);
        drop(_lock);
        drop(_display);
        Journey::start(name, home, env).await
    }

    /// Close the session (WebKitWebDriver closes the app); children die on drop.
    pub async fn finish(mut self) {
        if let Some(c) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), c.close()).await;
        }
        eprintln!("[{}] screenshots: {}", self.name, self.shots.display());
        eprintln!(
            "[{}] axe: {} screen(s) audited, {} violation(s)",
            self.name,
            self.audited,
            self.violations.len()
        );
        self.assert_accessible();
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

// ---------------------------------------------------------------------------
// Keyboard-only driving (journey f): WebDriver key actions, never clicks.

pub mod keys {
    pub use fantoccini::key::Key;
}

impl Journey {
    /// Press and release one key (a char or a `Key` as char).
    pub async fn press(&self, k: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let seq = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        self.cmd("key action", self.c().perform_actions(seq)).await;
    }

    /// Type text as key actions (one key down/up per character).
    pub async fn type_keys(&self, text: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut seq = KeyActions::new("keyboard".into());
        for ch in text.chars() {
            seq = seq
                .then(KeyAction::Down { value: ch })
                .then(KeyAction::Up { value: ch });
        }
        self.cmd("typing", self.c().perform_actions(seq)).await;
    }

    /// Does the focused element match `css`?
    pub async fn focus_is(&self, css: &str) -> bool {
        self.js(
            "const a = document.activeElement; return !!a && a.matches(arguments[0]);",
            vec![json!(css)],
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    /// Describe the focused element (for failure messages).
    pub async fn focus_desc(&self) -> String {
        self.js(
            r#"const a = document.activeElement;
               if (!a) return 'nothing';
               return a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') +
                 (a.dataset && a.dataset.action ? `[data-action=${a.dataset.action}]` : '') +
                 ' "' + (a.textContent || '').trim().slice(0, 40) + '"';"#,
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Press Tab until the focused element matches `css` (at most 60 times).
    /// Reading focus through script is observation only: input stays keyboard-only.
    pub async fn tab_to(&self, css: &str) {
        let mut seen = Vec::new();
        for _ in 0..60 {
            if self.focus_is(css).await {
                return;
            }
            self.press(keys::Key::Tab.into()).await;
            seen.push(self.focus_desc().await);
        }
        let shot = self.failure_shot().await;
        panic!(
            "[{}] Tab never reached `{css}`; focus went through: {}; screenshot {}",
            self.name,
            seen.join(" → "),
            shot.display()
        );
    }

    /// Wait until focus is on the heading of step `name` (the UI moves it there).
    pub async fn wait_heading_focus(&self, name: &str) {
        self.wait_js(
            &format!("focus on the heading of step `{name}`"),
            r#"const a = document.activeElement;
               return !!a && a.tagName === 'H2' && !!a.closest(`[data-step="${arguments[0]}"]`);"#,
            vec![json!(name)],
            WAIT,
        )
        .await;
    }
}

// ---------------------------------------------------------------------------
// Test fixtures: keys, IDs, config, an on/off network path to the Apple double.

pub mod fixtures {
    use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    use rand_core::{OsRng, RngCore};
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// A fresh key: the secret, its PKCS#8 PEM (as Apple ships it) and fingerprint.
    pub struct TestKey {
        pub secret: p256::SecretKey,
        pub pem: String,
        pub fingerprint: String,
        /// The PEM body (base64 lines joined), to assert it never reaches the page.
        pub body: String,
    }

    impl TestKey {
        pub fn new() -> TestKey {
            let secret = p256::SecretKey::random(&mut OsRng);
            let pem = secret.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
            let spki = secret.public_key().to_public_key_der().unwrap();
            let fingerprint = format!("sha256:{:x}", Sha256::digest(spki.as_bytes()));
            let body = pem
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>();
            TestKey {
                secret,
                pem,
                fingerprint,
                body,
            }
        }

        pub fn public(&self) -> p256::PublicKey {
            self.secret.public_key()
        }
    }

    /// A random Apple-shaped Key ID (10 × A–Z0–9); unique per run so the
    /// real keychain never holds a clashing entry from an earlier run.
    pub fn key_id() -> String {
        const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut b = [0u8; 10];
        OsRng.fill_bytes(&mut b);
        b.iter()
            .map(|x| ABC[*x as usize % ABC.len()] as char)
            .collect()
    }

    /// An Issuer ID shaped like Apple's (8-4-4-4-12 hex).
    pub fn issuer_id() -> String {
        uuid::Uuid::new_v4().to_string()
    }

    /// A P-384 key in PKCS#8 PEM from the openssl CLI (None = openssl missing, reason printed).
    pub fn p384_pem(dir: &Path) -> Option<String> {
        let out = dir.join("p384.pem");
        let status = std::process::Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-384",
                "-out",
            ])
            .arg(&out)
            .status();
        match status {
            Ok(s) if s.success() => Some(std::fs::read_to_string(out).unwrap()),
            other => {
                let why = format!("`openssl genpkey` for a P-384 key failed: {other:?}");
                if super::strict() {
                    panic!("{why}");
                }
                eprintln!("SKIPPED: {why}");
                None
            }
        }
    }

    /// Write the destination config the app reads from `ASC_WIZARD_CONFIG`.
    pub fn write_config(path: &Path, upload_url: &str, dashboard_url: &str) {
        let cfg = serde_json::json!({
            "platform_name": "Acme Shops",
            "upload_url": upload_url,
            "token_label": "setup token",
            "dashboard_url": dashboard_url,
            "support_contact": "help@example.com",
            "required_capabilities": ["signing"],
        });
        std::fs::write(path, serde_json::to_vec_pretty(&cfg).unwrap()).unwrap();
    }

    /// A loopback port that is "offline" (nothing listens: connection refused)
    /// until `go_online` forwards it to `target`.
    pub struct Switch {
        pub port: u16,
        stop: Arc<AtomicBool>,
    }

    impl Switch {
        pub fn offline() -> Switch {
            Switch {
                port: super::free_port(),
                stop: Arc::new(AtomicBool::new(false)),
            }
        }

        pub fn base_url(&self) -> String {
            format!("http://127.0.0.1:{}", self.port)
        }

        /// Start forwarding every connection on `port` to `target` (host:port).
        pub fn go_online(&self, target: std::net::SocketAddr) {
            let listener = TcpListener::bind(("127.0.0.1", self.port))
                .expect("re-bind the offline port (someone took it?)");
            let stop = self.stop.clone();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = conn else { continue };
                    let Ok(server) = TcpStream::connect(target) else {
                        continue;
                    };
                    pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                    pipe(server, client);
                }
            });
        }
    }

    impl Drop for Switch {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the accept loop so it sees `stop`.
            let _ = TcpStream::connect(("127.0.0.1", self.port));
        }
    }

    fn pipe(mut from: TcpStream, mut to: TcpStream) {
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match from.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                }
            }
            let _ = to.shutdown(std::net::Shutdown::Write);
        });
    }
}
