//! ASC Key Wizard: guided setup, offline check, Apple verification and safe
//! storage of App Store Connect API keys.
//!
//! `core` is Tauri-free and holds every rule; `cli` and `app` are thin adapters.

pub mod cli;
pub mod core;

#[cfg(feature = "gui")]
pub mod app;

/// The tests' one strictness rule, here so the crate's unit tests and every test binary ask the
/// same function. Not part of the app.
#[doc(hidden)]
pub mod test_rule {
    /// Whether a test whose tool (keychain, display, `openssl`, a platform build…) is missing
    /// fails instead of skipping: `CI` or `ASC_WIZARD_FULL_TESTS` set and not empty
    /// (`scripts/test-all.sh` sets the second; an empty `CI=` is not strict).
    pub fn strict() -> bool {
        ["CI", "ASC_WIZARD_FULL_TESTS"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
    }
}

// The e2e seam lets an environment variable choose the "picked" key file: tests only.
#[cfg(all(feature = "e2e-seam", not(debug_assertions)))]
compile_error!("the `e2e-seam` feature is for tests only and must never be in a release build");
