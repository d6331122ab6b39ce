//! Start-up hardening of the process (no core dumps, no same-user ptrace, stale temp files
//! swept) and best-effort locking of key buffers in RAM.
//!
//! `main` calls [`harden`] first thing, for the CLI and the wizard alike. Nothing here is fatal:
//! a system that refuses one of these still runs the app, with one protection less.

use std::time::Duration;

/// Harden the process and clean up after an earlier run that was killed mid-write.
pub fn harden() {
    no_core_dumps();
    sweep_stale_temps(crate::core::fsutil::STALE_AFTER);
}

/// A crash (a release build aborts on panic) must not write the key to a core file, and another
/// program running as the same user must not read it out of this process.
#[cfg(unix)]
fn no_core_dumps() {
    let zero = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
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

/// Remove our temp files older than `older_than` in the folders the app itself chooses to write
/// to (the altool folder); exports elsewhere sweep their folder on their next write.
fn sweep_stale_temps(older_than: Duration) {
    if let Ok(dir) = crate::core::export::altool_dir() {
        let n = crate::core::fsutil::remove_stale_temps(&dir, older_than);
        if n > 0 {
            log::debug!("removed {n} stale temp file(s) from an interrupted export");
        }
    }
}

/// Keep `len` bytes at `ptr` out of swap (`mlock`, `VirtualLock`). Best effort: `false` when the
/// OS refuses (e.g. over `RLIMIT_MEMLOCK`), and the caller carries on unlocked.
pub fn lock_memory(ptr: *const u8, len: usize) -> bool {
    // SAFETY (both): locking only changes how the range is paged; the caller owns `len` bytes.
    #[cfg(unix)]
    let locked = || unsafe { libc::mlock(ptr.cast(), len) } == 0;
    #[cfg(windows)]
    let locked = || unsafe { windows_sys::Win32::System::Memory::VirtualLock(ptr.cast(), len) } != 0;
    #[cfg(not(any(unix, windows)))]
    let locked = || false;
    len > 0 && locked()
}

/// Undo [`lock_memory`] for the same range (after it was wiped).
pub fn unlock_memory(ptr: *const u8, len: usize) {
    if len == 0 {
        return;
    }
    #[cfg(unix)]
    // SAFETY: see lock_memory.
    unsafe {
        libc::munlock(ptr.cast(), len);
    }
    #[cfg(windows)]
    // SAFETY: see lock_memory.
    unsafe {
        windows_sys::Win32::System::Memory::VirtualUnlock(ptr.cast(), len);
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
        Locked { locked: lock_memory(ptr, len), inner }
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
