//! Start-up hardening of the process (no core dumps, no same-user ptrace) and best-effort
//! locking of key buffers in RAM; a leaf (`core::export::sweep_stale_temps` does the start-up
//! clean-up of interrupted exports).
//!
//! `main` calls [`harden`] first thing, for the CLI and the wizard alike. Nothing here is fatal:
//! a system that refuses one of these still runs the app, with one protection less.

/// Harden the process: no core dumps, no same-user ptrace.
pub fn harden() {
    no_core_dumps();
}

/// A crash (a release build aborts on panic) must not write the key to a core file, and another
/// program running as the same user must not read it out of this process.
#[cfg(unix)]
fn no_core_dumps() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on this process with valid arguments; failure is ignored.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
    // Non-dumpable also stops same-user ptrace and makes /proc/<pid>/mem root-only. Children
    // (WebKit's helper processes) get the default back when they exec.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: as above.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Windows writes no core files of its own; Windows Error Reporting dumps are a system setting.
#[cfg(not(unix))]
fn no_core_dumps() {}

/// Whether this process is dumpable (Linux), for `-v` and the tests; `None` elsewhere.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn dumpable() -> Option<bool> {
    // SAFETY: PR_GET_DUMPABLE only reads a flag of this process.
    Some(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) } != 0)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn dumpable() -> Option<bool> {
    None
}

/// How many live locks cover each page (by page number). `mlock` works on whole pages and does
/// not nest: unlocking one buffer would unlock every other secret sharing its pages (two small
/// buffers of a key and of its clone sit on the same heap page), so a page is unlocked only when
/// the last lock covering it goes. The mutex also keeps a count and its system call together.
static PAGE_LOCKS: std::sync::Mutex<std::collections::BTreeMap<usize, usize>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

pub(crate) fn page_size() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    #[cfg(unix)]
    // SAFETY: sysconf only reads a system constant.
    let ask = || {
        usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .ok()
            .filter(|s| s.is_power_of_two())
    };
    // VirtualLock works on 4 KiB pages (the x64 and ARM64 page size).
    #[cfg(not(unix))]
    let ask = || None;
    *SIZE.get_or_init(|| ask().unwrap_or(4096))
}

/// The page numbers `len` bytes at `ptr` touch.
fn pages(ptr: *const u8, len: usize) -> std::ops::RangeInclusive<usize> {
    let size = page_size();
    let start = ptr as usize;
    start / size..=start.saturating_add(len - 1) / size
}

/// Keep `len` bytes at `ptr` out of swap (`mlock`, `VirtualLock`). Best effort: `false` when the
/// OS refuses (e.g. over `RLIMIT_MEMLOCK`), and the caller carries on unlocked. Every `true`
/// must be paired with one [`unlock_memory`] of the same range.
pub fn lock_memory(ptr: *const u8, len: usize) -> bool {
    // SAFETY (both): locking only changes how the range is paged; the caller owns `len` bytes.
    #[cfg(unix)]
    let locked = || unsafe { libc::mlock(ptr.cast(), len) } == 0;
    #[cfg(windows)]
    let locked =
        || unsafe { windows_sys::Win32::System::Memory::VirtualLock(ptr.cast(), len) } != 0;
    #[cfg(not(any(unix, windows)))]
    let locked = || false;
    if len == 0 {
        return false;
    }
    let mut counts = PAGE_LOCKS
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    if !locked() {
        return false;
    }
    for page in pages(ptr, len) {
        *counts.entry(page).or_default() += 1;
    }
    true
}

/// Undo one [`lock_memory`] of the same range (after it was wiped): the pages no other lock
/// still covers are unlocked, the others stay locked.
pub fn unlock_memory(ptr: *const u8, len: usize) {
    if len == 0 {
        return;
    }
    let mut counts = PAGE_LOCKS
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    let size = page_size();
    for page in pages(ptr, len) {
        let Some(count) = counts.get_mut(&page) else {
            continue;
        };
        *count -= 1;
        if *count > 0 {
            continue;
        }
        counts.remove(&page);
        let at = (page * size) as *const u8;
        #[cfg(unix)]
        // SAFETY: see lock_memory; the whole page was locked on behalf of this range.
        unsafe {
            libc::munlock(at.cast(), size);
        }
        #[cfg(windows)]
        // SAFETY: see lock_memory.
        unsafe {
            windows_sys::Win32::System::Memory::VirtualUnlock(at.cast(), size);
        }
        #[cfg(not(any(unix, windows)))]
        let _ = at;
    }
}

/// A buffer that may hold key bytes: where its allocation is, so the whole allocation (spare
/// capacity included) is locked and wiped.
pub trait SecretBuf: zeroize::Zeroize {
    fn span(&self) -> (*const u8, usize);
}

impl SecretBuf for Vec<u8> {
    fn span(&self) -> (*const u8, usize) {
        (self.as_ptr(), self.capacity())
    }
}

impl SecretBuf for String {
    fn span(&self) -> (*const u8, usize) {
        (self.as_ptr(), self.capacity())
    }
}

/// A secret buffer (the raw input, the parsed key's PEM and DER) locked in RAM while held, best
/// effort, and wiped (spare capacity too) before it is unlocked and freed.
pub struct Locked<T: SecretBuf> {
    inner: T,
    /// Whether the OS agreed to lock it.
    pub(crate) locked: bool,
}

impl<T: SecretBuf> Locked<T> {
    pub fn new(inner: T) -> Self {
        let (ptr, len) = inner.span();
        Locked {
            locked: lock_memory(ptr, len),
            inner,
        }
    }

    /// Fill the buffer in place (reading a key into its pre-sized allocation). Should it move
    /// anyway, the new allocation is locked instead.
    pub(crate) fn fill<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R {
        let before = self.inner.span();
        let result = f(&mut self.inner);
        let after = self.inner.span();
        if after != before {
            if self.locked {
                unlock_memory(before.0, before.1);
            }
            self.locked = lock_memory(after.0, after.1);
        }
        result
    }
}

impl<T: SecretBuf> std::ops::Deref for Locked<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: SecretBuf> Drop for Locked<T> {
    fn drop(&mut self) {
        let (ptr, len) = self.inner.span();
        self.inner.zeroize();
        if self.locked {
            unlock_memory(ptr, len);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
pub(crate) mod tests {
    use super::*;

    /// The OS refused `mlock` (over `RLIMIT_MEMLOCK`): a plain `cargo test` says so and passes; the
    /// test command (`CI`, `ASC_WIZARD_FULL_TESTS`) fails, since it runs where locking works.
    pub(crate) fn mlock_refused() {
        assert!(
            !crate::test_rule::strict(),
            "the OS refused mlock under the test command"
        );
        eprintln!("SKIPPED: the OS refused mlock");
    }

    /// Whether the page holding `addr` is locked: the `lo` flag of its mapping in
    /// `/proc/self/smaps` (`mlock` splits mappings, so the one holding the address says exactly).
    pub(crate) fn page_locked(addr: *const u8) -> bool {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let addr = addr as usize;
        let mut inside = false;
        for line in smaps.lines() {
            // A mapping's first line starts `start-end `; its fields start `Name:`.
            let first = line.split_whitespace().next().unwrap_or_default();
            let range = first.split_once('-').filter(|_| !first.ends_with(':'));
            if let Some((Ok(a), Ok(b))) =
                range.map(|(a, b)| (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)))
            {
                inside = (a..b).contains(&addr);
            } else if inside && line.starts_with("VmFlags:") {
                return line.split_whitespace().any(|f| f == "lo");
            }
        }
        panic!("no mapping holds {addr:#x}");
    }

    /// Issue 21 §5: two locks on one page, one undone: the page stays locked until the last goes.
    #[test]
    fn a_page_stays_locked_until_its_last_lock_goes() {
        let buf = vec![0u8; 3 * page_size()];
        // Two ranges on the page after the buffer's first (wholly inside the buffer).
        let page = (buf.as_ptr() as usize / page_size() + 1) * page_size();
        let (a, b) = (page as *const u8, (page + 64) as *const u8);
        if !lock_memory(a, 16) {
            crate::core::process::tests::mlock_refused();
            return;
        }
        assert!(lock_memory(b, 16));
        assert!(page_locked(a));
        unlock_memory(b, 16);
        assert!(
            page_locked(a),
            "the first lock's page was unlocked with the second"
        );
        unlock_memory(a, 16);
        assert!(!page_locked(a), "unlocked with the last lock");
        drop(buf);
    }
}
