//! Wiping a setup link from this process's own command line once it has been read: on Linux any local user can read `/proc/PID/cmdline`, and the link holds the setup code.

/// Overwrite every copy of `secret` in this process's argument memory (what `/proc/self/cmdline`
/// shows) with `*`. Returns whether a copy was found. The kernel reads `/proc/PID/cmdline` from
/// the process's own memory between `arg_start` and `arg_end` (fields 48 and 49 of
/// `/proc/self/stat`); writing there through `/proc/self/mem` (always allowed for the process
/// itself, even when not dumpable) changes what others see, with no unsafe code. std's
/// `env::args()` reads the same memory, so it no longer yields the code either.
#[cfg(target_os = "linux")]
pub fn scrub(secret: &str) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let bad = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "unexpected /proc/self/stat",
        )
    };
    if secret.is_empty() {
        return Ok(false);
    }
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name (field 2) may hold blanks and ')': count from after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .ok_or_else(bad)?
        .1
        .split_whitespace()
        .collect();
    let field = |n: usize| {
        fields
            .get(n - 3)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(bad)
    };
    let (start, end) = (field(48)?, field(49)?);
    if end <= start || end - start > 1 << 20 {
        return Err(bad());
    }
    let mut mem = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/proc/self/mem")?;
    let mut area = vec![0u8; (end - start) as usize];
    mem.seek(SeekFrom::Start(start))?;
    mem.read_exact(&mut area)?;
    let needle = secret.as_bytes();
    let mut found = false;
    let mut at = 0;
    while let Some(pos) = area[at..].windows(needle.len()).position(|w| w == needle) {
        let from = at + pos;
        mem.seek(SeekFrom::Start(start + from as u64))?;
        mem.write_all(&vec![b'*'; needle.len()])?;
        found = true;
        at = from + needle.len();
    }
    zeroize::Zeroize::zeroize(&mut area);
    Ok(found)
}

/// Elsewhere the link does not stay in a readable command line the same way (macOS hands links
/// over as events; Windows' command line is readable only by the same user): nothing to do.
#[cfg(not(target_os = "linux"))]
pub fn scrub(_secret: &str) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    const MARK: &str = "setup-code-in-argv-7f3a";

    /// Runs this very test binary again with the code as an argument; the child scrubs it and
    /// checks its own `/proc/self/cmdline` (and `env::args`) no longer hold it.
    #[test]
    fn the_code_leaves_the_command_line() {
        if std::env::var_os("ASC_WIZARD_SCRUB_CHILD").is_some() {
            assert!(
                std::fs::read_to_string("/proc/self/cmdline")
                    .unwrap()
                    .contains(MARK),
                "the child got the argument"
            );
            assert!(super::scrub(MARK).unwrap());
            let line = std::fs::read("/proc/self/cmdline").unwrap();
            assert!(
                !String::from_utf8_lossy(&line).contains(MARK),
                "still readable: {}",
                String::from_utf8_lossy(&line)
            );
            assert!(!std::env::args().any(|a| a.contains(MARK)));
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "core::cmdline::tests::the_code_leaves_the_command_line",
                "--test-threads=1",
                MARK,
            ])
            .env("ASC_WIZARD_SCRUB_CHILD", "1")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && said.contains("1 passed"),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
