//! Where the CLI's exports land (issue 21 §4): with no --out, a private folder outside any git
//! work tree (not the current folder), named by its absolute path; a place in a work tree that
//! git does not ignore is refused unless --out names it; and `--set-secrets` hands the GitHub
//! secrets to a stand-in `gh` on its standard input, with no file written anywhere.

use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::vault::SERVICE;
use base64ct::{Base64, Encoding};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

struct Home {
    dir: tempfile::TempDir,
    key: PrivateKey,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
        std::fs::write(
            dir.path().join("AuthKey_2X9R4HXF34.p8"),
            key.canonical_pem(),
        )
        .unwrap();
        Home { dir, key }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `export` with the key file, run in `cwd`; the exit code and the JSON printed.
    fn export(&self, cwd: &Path, args: &[&str], path: Option<&str>) -> (i32, Value) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_asc-key-wizard"));
        cmd.arg("export")
            .arg(self.path().join("AuthKey_2X9R4HXF34.p8"))
            .args(["--issuer-id", ISSUER])
            .args(args)
            .arg("--json");
        cmd.current_dir(cwd)
            .env("HOME", self.path())
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("NO_COLOR", "1");
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_GLOBAL"] {
            cmd.env_remove(var);
        }
        if let Some(p) = path {
            cmd.env("PATH", p);
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains(&self.key.base64_body()[..40]),
            "no key material printed"
        );
        let v = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), v)
    }

    fn exports(&self) -> PathBuf {
        self.path().join("data").join(SERVICE).join("exports")
    }
}

fn has_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A work tree at `dir`: `git init` when git is installed, else a bare `.git` folder (the app
/// then cannot ask git, and treats the file as not ignored).
fn work_tree(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    if has_git() {
        assert!(Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir)
            .status()
            .unwrap()
            .success());
    } else {
        std::fs::create_dir(dir.join(".git")).unwrap();
    }
}

#[test]
fn exports_go_to_a_private_folder_and_never_into_a_repository_unasked() {
    let home = Home::new();
    let repo = home.path().join("shop-app");
    work_tree(&repo);

    // Run in a repository with no --out: not the current folder, but the private folder.
    let (code, v) = home.export(&repo, &["--format", "env"], None);
    assert_eq!(code, 0, "{v:#}");
    let written = home.exports().join("asc_api_key_2X9R4HXF34.env");
    assert_eq!(
        v["export"]["path"],
        written.to_str().unwrap(),
        "an absolute path: {v:#}"
    );
    assert!(written.is_file());
    assert_eq!(
        std::fs::metadata(&written).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(home.exports())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    let in_repo: Vec<_> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        in_repo,
        vec![std::ffi::OsString::from(".git")],
        "nothing lands in the work tree"
    );

    // Named with --out (even as a relative "."): written there, by its absolute path, with a note.
    let (code, v) = home.export(&repo, &["--format", "fastlane", "--out", "."], None);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        v["export"]["path"],
        repo.join("asc_api_key_2X9R4HXF34.json").to_str().unwrap()
    );
    let notes = v["export"]["notes"].to_string();
    assert!(
        notes.contains("inside the git repository at") && notes.contains(".gitignore"),
        "{notes}"
    );

    // A home that is itself a work tree (dotfiles): the default place would be committed, so it
    // is refused, nothing written, unless git ignores it.
    work_tree(home.path());
    let (code, v) = home.export(&repo, &["--format", "xcodebuild"], None);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(v["error"]["code"], "export_in_repository");
    assert!(
        v["error"]["hint"].as_str().unwrap().contains("--out"),
        "{v:#}"
    );
    assert!(!home.exports().join("AuthKey_2X9R4HXF34.p8").exists());
    if has_git() {
        std::fs::write(home.path().join(".gitignore"), "/data/\n").unwrap();
        let (code, v) = home.export(&repo, &["--format", "xcodebuild"], None);
        assert_eq!(code, 0, "ignored by git, so fine: {v:#}");
        assert!(
            !v["export"]["notes"]
                .to_string()
                .contains("inside the git repository"),
            "{v:#}"
        );
    }
}

#[test]
fn github_secrets_are_set_with_no_file_at_all() {
    let home = Home::new();
    let cwd = home.path().join("repo");
    std::fs::create_dir(&cwd).unwrap();
    // A stand-in `gh`: `gh secret set NAME` stores stdin under NAME and logs the arguments.
    let (bin, log) = (home.path().join("bin"), home.path().join("secrets"));
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&log).unwrap();
    let gh = bin.join("gh");
    std::fs::write(
        &gh,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{0}/args'\ncat > '{0}/'\"$3\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());

    let (code, v) = home.export(&cwd, &["--set-secrets"], Some(&path));
    assert_eq!(code, 0, "{v:#}");
    let names: Vec<&str> = v["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6, "{v:#}");
    let secret = |n: &str| std::fs::read_to_string(log.join(n)).unwrap();
    assert_eq!(
        secret("APP_STORE_CONNECT_PRIVATE_KEY"),
        home.key.canonical_pem()
    );
    assert_eq!(
        Base64::decode_vec(&secret("ASC_PRIVATE_KEY_B64")).unwrap(),
        home.key.canonical_pem().as_bytes()
    );
    for (name, value) in [
        ("APP_STORE_CONNECT_KEY_IDENTIFIER", KEY_ID),
        ("ASC_KEY_ID", KEY_ID),
        ("APP_STORE_CONNECT_ISSUER_ID", ISSUER),
        ("ASC_ISSUER_ID", ISSUER),
    ] {
        assert_eq!(secret(name), value, "{name}");
    }
    let args = std::fs::read_to_string(log.join("args")).unwrap();
    assert!(
        args.lines()
            .all(|a| a.split_whitespace().count() == 3 && a.starts_with("secret set ")),
        "only `secret set NAME`: {args}"
    );
    // No file: not in the folder it ran in, not in the private folder.
    assert_eq!(std::fs::read_dir(&cwd).unwrap().count(), 0);
    assert!(!home.exports().exists());
    // With --format github too; another format, or a place to write, is a usage error.
    assert_eq!(
        home.export(&cwd, &["--format", "github", "--set-secrets"], Some(&path))
            .0,
        0
    );
    let (code, v) = home.export(&cwd, &["--format", "env", "--set-secrets"], Some(&path));
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (2, Some("unknown_format")),
        "{v:#}"
    );
    // No gh installed: said, exit 2.
    let (code, v) = home.export(&cwd, &["--set-secrets"], Some("/nonexistent"));
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (2, Some("gh_missing")),
        "{v:#}"
    );
    // gh refusing (not signed in): said with what it said, exit 3.
    std::fs::write(
        &gh,
        "#!/bin/sh\ncat >/dev/null\necho 'HTTP 401: Bad credentials' >&2\nexit 1\n",
    )
    .unwrap();
    let (code, v) = home.export(&cwd, &["--set-secrets"], Some(&path));
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (3, Some("gh_failed")),
        "{v:#}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Bad credentials"),
        "{v:#}"
    );
}
