//! The running binary, seen from outside: no core file can be written (`RLIMIT_CORE` 0) and it
//! is not dumpable, so no same-user process may ptrace it or read its memory. A dumpable
//! process's /proc entries belong to its user, a non-dumpable one's to root: the kernel's own
//! verdict, read from outside (as root the binary runs as `nobody` to make the two differ).

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_asc-key-wizard");
const NOBODY: u32 = 65534;

/// `check -` waits for the key on stdin, which stays open until the child is killed. As nobody,
/// a copy in a world-readable folder runs (the checkout may sit in a folder only root may enter).
fn waiting_binary(as_nobody: bool) -> (Child, tempfile::TempDir) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = if as_nobody {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let copy = dir.path().join("asc-key-wizard");
        std::fs::copy(BIN, &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        copy
    } else {
        BIN.into()
    };
    let mut cmd = Command::new(bin);
    cmd.args(["check", "-"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if as_nobody {
        cmd.uid(NOBODY).gid(NOBODY).current_dir(dir.path());
    }
    (cmd.spawn().expect("start the binary"), dir)
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
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))?;
    Some(
        line.split_whitespace()
            .skip(4)
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[test]
fn no_core_file_can_be_written() {
    let (mut child, _dir) = waiting_binary(false);
    let pid = child.id();
    let zero = eventually(|| core_limit(pid).as_deref() == Some("0 0"));
    let seen = core_limit(pid);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        zero,
        "soft and hard core limits should be 0, /proc/{pid}/limits says {seen:?}"
    );
}

#[test]
fn the_running_binary_is_not_dumpable() {
    // As root the binary runs as nobody (root's own processes are root-owned either way); as
    // any other user it runs as that user, whose dumpable processes it would own.
    let me = std::fs::metadata("/proc/self").unwrap().uid();
    let user = if me == 0 { NOBODY } else { me };
    let (mut child, _dir) = waiting_binary(me == 0);
    let pid = child.id();
    let status = format!("/proc/{pid}/status");
    // The child runs as that user from its first instruction (the uid is set before exec), so
    // root ownership can only come from PR_SET_DUMPABLE 0.
    let owner = || std::fs::metadata(&status).map(|m| m.uid()).ok();
    let as_user = std::fs::read_to_string(&status)
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.contains(&user.to_string()))
        })
        .unwrap_or(false);
    let root_owned = eventually(|| owner() == Some(0));
    let seen = owner();
    let _ = child.kill();
    let _ = child.wait();
    assert!(as_user, "the binary should run as uid {user}");
    assert!(
        root_owned,
        "/proc/{pid} of a non-dumpable process belongs to root; it belongs to {seen:?}"
    );
}
