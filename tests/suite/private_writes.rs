//! Writing key files under stress: two writers of one name at once, a kill between write and
//! publish (and the next start's clean-up), the no-replace rename that needs no hard links, a
//! stranger's file that looks like our old temp name, and folders that are symbolic links.

use crate::support::keys;

// The kill-before-publish test needs the `test-support` fail point; so do `fsutil` and `age`.
#[cfg(feature = "test-support")]
use asc_key_wizard::core::fsutil;
use asc_key_wizard::core::fsutil::{create_private_dir, write_private_file, Overwrite};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};

const BIN: &str = env!("CARGO_BIN_EXE_asc-key-wizard");
const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

fn key_file(dir: &Path) -> PathBuf {
    let path = dir.join(format!("AuthKey_{KEY_ID}.p8"));
    std::fs::write(&path, keys::apple_pem(&keys::secret())).unwrap();
    path
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn run(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .env_remove("ASC_WIZARD_FAIL_AT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn two_writers_of_one_name_at_once_exactly_one_wins() {
    // One process, same pid: the old `.name.tmp<pid>` made them collide.
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("AuthKey_RACE.p8");
        let gate = Arc::new(Barrier::new(6));
        let handles: Vec<_> = (0..6u8)
            .map(|i| {
                let (gate, path) = (gate.clone(), path.clone());
                std::thread::spawn(move || {
                    let bytes = vec![b'a' + i; 1 << 20];
                    gate.wait();
                    (
                        bytes[0],
                        write_private_file(&path, &bytes, Overwrite::Refuse),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<u8> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(b, _)| *b)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        for (_, r) in &results {
            if let Err(p) = r {
                assert_eq!(p.code, "file_exists", "round {round}: {p:?}");
            }
        }
        let written = std::fs::read(&path).unwrap();
        assert!(written.len() == 1 << 20 && written.iter().all(|b| *b == winners[0]));
        assert_eq!(
            names(dir.path()),
            vec!["AuthKey_RACE.p8"],
            "no temp file left"
        );
    }
}

#[test]
fn a_file_named_like_the_old_temp_is_neither_hit_nor_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AuthKey_X.p8");
    let stranger = dir
        .path()
        .join(format!(".AuthKey_X.p8.tmp{}", std::process::id()));
    std::fs::write(&stranger, b"not ours").unwrap();
    write_private_file(&path, b"key", Overwrite::Refuse).expect("no false file_exists");
    assert_eq!(std::fs::read(&stranger).unwrap(), b"not ours");
    assert_eq!(std::fs::read(&path).unwrap(), b"key");
}

/// Push a file's modification time back (a temp left by a run killed an hour ago).
#[cfg(feature = "test-support")]
fn age(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs))
        .unwrap();
}

#[cfg(feature = "test-support")]
#[test]
fn a_kill_before_publish_leaves_a_temp_that_the_next_start_removes() {
    use std::os::unix::process::ExitStatusExt;
    let home = tempfile::tempdir().unwrap();
    let key = key_file(home.path());
    let key = key.to_str().unwrap();
    let killed = run(
        home.path(),
        &["export", key, "--issuer-id", ISSUER, "--format", "altool"],
        &[("ASC_WIZARD_FAIL_AT", "before_publish")],
    );
    assert_eq!(killed.status.signal(), Some(libc::SIGABRT), "{killed:?}");
    let folder = home.path().join(".appstoreconnect/private_keys");
    let left = names(&folder);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(fsutil::TEMP_PREFIX), "{left:?}");
    let temp = folder.join(&left[0]);
    assert_eq!(
        std::fs::metadata(&temp).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        std::fs::read_to_string(&temp)
            .unwrap()
            .contains("PRIVATE KEY"),
        "a full copy"
    );

    // Next to it: a write in progress in another run (young) and a file that is not ours.
    age(&temp, 3600);
    let young = folder.join(format!("{}young.tmp", fsutil::TEMP_PREFIX));
    let other = folder.join(".AuthKey_OTHER.p8.tmp42");
    std::fs::write(&young, b"in flight").unwrap();
    std::fs::write(&other, b"someone else's").unwrap();
    age(&other, 3600);
    let next = run(home.path(), &["check", key], &[]);
    assert_eq!(next.status.code(), Some(0));
    assert!(!temp.exists(), "the stale temp is removed at start-up");
    assert!(young.exists() && other.exists(), "{:?}", names(&folder));
}

#[test]
fn publishing_needs_no_hard_link() {
    // FAT and exFAT (USB sticks) have no hard links. This kernel has no vfat to mount, so the
    // real binary is traced instead: the file must appear by a no-replace rename, not a link.
    let strace = Command::new("strace").arg("-V").output();
    if strace.is_err() {
        assert!(!asc_key_wizard::test_rule::strict(), "strace is missing");
        eprintln!("skipped: strace is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let out = dir.path().join("fixed.p8");
    let log = dir.path().join("trace");
    let traced = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=link,linkat,rename,renameat,renameat2",
            "-o",
        ])
        .arg(&log)
        .arg(BIN)
        .arg("check")
        .arg(&key)
        .arg("--fix-to")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(traced.status.code(), Some(0), "{traced:?}");
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(!trace.contains("link("), "a hard link was used:\n{trace}");
    assert!(
        trace.contains("RENAME_NOREPLACE") && trace.contains("fixed.p8"),
        "{trace}"
    );
    assert_eq!(
        names(dir.path()),
        vec![
            format!("AuthKey_{KEY_ID}.p8"),
            "fixed.p8".into(),
            "trace".into()
        ]
    );
}

#[test]
fn a_symlinked_altool_folder_is_refused_and_its_target_untouched() {
    for linked in [".appstoreconnect/private_keys", ".appstoreconnect"] {
        let home = tempfile::tempdir().unwrap();
        let key = key_file(home.path());
        let target = home.path().join("elsewhere");
        std::fs::create_dir(&target).unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = home.path().join(linked);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let o = run(
            home.path(),
            &[
                "export",
                key.to_str().unwrap(),
                "--issuer-id",
                ISSUER,
                "--format",
                "altool",
                "--json",
            ],
            &[],
        );
        assert_eq!(o.status.code(), Some(5), "{linked}: {o:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["error"]["code"], "folder_is_symlink", "{linked}: {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("elsewhere"),
            "{v}"
        );
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "{linked}: the link's target was chmodded");
        assert!(names(&target).is_empty(), "{linked}: {:?}", names(&target));
    }
}

#[test]
fn create_private_dir_refuses_a_link_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("settings");
    std::os::unix::fs::symlink(dir.path(), &link).unwrap();
    assert_eq!(
        create_private_dir(&link).unwrap_err().code,
        "folder_is_symlink"
    );
    create_private_dir(&dir.path().join("real/nested")).unwrap();
    let mode = std::fs::metadata(dir.path().join("real/nested"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}
