//! The running binary, seen from outside: no core file can be written (`RLIMIT_CORE` 0) and it
//! is not dumpable, so no same-user process may ptrace it or read its memory. Tests run as root
//! here, so the binary runs as `nobody`: a dumpable process's /proc entries belong to its user,
//! a non-dumpable one's to root: the kernel's own verdict, read from outside.

#![cfg(target_os = "linux")]

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_asc-key-wizard");
const NOBODY: u32 = 65534;

/// `check -` waits for the key on stdin, which stays open until the child is killed.
fn waiting_binary(as_nobody: bool) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.args(["check", "-"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if as_nobody {
        cmd.uid(NOBODY).gid(NOBODY);
    }
    cmd.spawn().expect("start the binary")
}

/// Poll `probe` until it holds or 5 s pass (start-up races the first look).
fn eventually(mut probe: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if probe() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn core_limit(pid: u32) -> Option<String> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max core file size"))?;
    Some(line.split_whitespace().skip(4).take(2).collect::<Vec<_>>().join(" "))
}

#[test]
fn no_core_file_can_be_written() {
    let mut child = waiting_binary(false);
    let pid = child.id();
    let zero = eventually(|| core_limit(pid).as_deref() == Some("0 0"));
    let seen = core_limit(pid);
    let _ = child.kill();
    let _ = child.wait();
    assert!(zero, "soft and hard core limits should be 0, /proc/{pid}/limits says {seen:?}");
}

#[test]
fn the_running_binary_is_not_dumpable() {
    let me = std::fs::metadata("/proc/self").unwrap().uid();
    if me != 0 {
        eprintln!("skipped: needs root to start the binary as another user (running as {me})");
        return;
    }
    let mut child = waiting_binary(true);
    let pid = child.id();
    let status = format!("/proc/{pid}/status");
    // The child runs as nobody from its first instruction (the uid is set before exec), so
    // root ownership can only come from PR_SET_DUMPABLE 0.
    let owner = || std::fs::metadata(&status).map(|m| m.uid()).ok();
    let as_nobody = std::fs::read_to_string(&status)
        .map(|s| s.lines().any(|l| l.starts_with("Uid:") && l.contains(&NOBODY.to_string())))
        .unwrap_or(false);
    let root_owned = eventually(|| owner() == Some(0));
    let seen = owner();
    let _ = child.kill();
    let _ = child.wait();
    assert!(as_nobody, "the binary should run as nobody");
    assert!(root_owned, "/proc/{pid} of a non-dumpable process belongs to root; it belongs to {seen:?}");
}
