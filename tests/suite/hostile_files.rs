//! Files that are not what they claim: a FIFO given as the key file or the settings file, and
//! `/dev/zero` as the settings file. Each is refused at once with its own code; before issue 12 a
//! FIFO hung `check` until someone wrote to it and `/dev/zero` was read until memory ran out.
//! Unix only: FIFOs and /dev/zero are Unix things.

use asc_key_wizard::core::config;
use asc_key_wizard::core::key;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo (coreutils)");
    assert!(status.success());
    path
}

/// Run `f` on another thread; fail (instead of hanging the suite) if it takes over 10 s.
fn within_10s<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("{what} blocked for 10 s"))
}

#[test]
fn a_fifo_is_never_read_as_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = fifo(dir.path(), "AuthKey_2X9R4HXF34.p8");
    let p = path.clone();
    let err = within_10s("key::read_path on a FIFO", move || {
        key::read_path(&p).unwrap_err()
    });
    assert_eq!(err.code, "not_a_file", "{err:?}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"))
        .args(["check", "--json"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let status = within_10s("check on a FIFO", move || {
        let status = child.wait().unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
        (status, out)
    });
    assert_eq!(status.0.code(), Some(1), "{}", status.1);
    assert!(status.1.contains("not_a_file"), "{}", status.1);
}

#[test]
fn settings_that_are_not_a_regular_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = fifo(dir.path(), "config.json");
    for target in [path, PathBuf::from("/dev/zero")] {
        let t = target.clone();
        let err = within_10s("config::load_file", move || {
            config::load_file(&t).unwrap_err()
        });
        assert_eq!(
            err.code,
            "config_unreadable",
            "{}: {err:?}",
            target.display()
        );
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
    }
}
