//! The integration tests that can share one process, as modules of one test binary: the app is
//! linked once for all of them, and the helpers in `tests/support/` are compiled once. Select one
//! former file with its module path, e.g. `cargo test --test suite check_cli::`.
//!
//! A test that changes something the whole process sees (an environment variable, the current
//! folder, a fixed port, ...) is not a module here: it stays a binary of its own in `tests/`.

#[path = "../support/mod.rs"]
mod support;

mod asc_sentences;
mod asc_stand_in;
mod check_cli;
mod check_forms;
mod check_proptest;
mod check_wild;
mod codes_everywhere;
mod core_is_tauri_free;
mod core_layers;
mod export_files;
#[cfg(unix)]
mod export_places;
mod fuzz_smoke;
#[cfg(unix)]
mod hostile_files;
mod manifest_facts;
#[cfg(unix)]
mod panic_paths;
#[cfg(unix)]
mod private_writes;
#[cfg(target_os = "linux")]
mod process_hardening;
mod redirects;
#[cfg(target_os = "linux")]
mod store_cli;
mod ui_api;
mod ui_decides_nothing;
#[cfg(feature = "mock-runtime")]
mod updates;
mod upload_dashboard;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
mod vault_keychain;
#[cfg(feature = "test-support")]
mod vault_memory;
mod verify_apple;
mod verify_cli;
mod verify_double_standalone;
#[cfg(target_os = "linux")]
mod watch_keys;
