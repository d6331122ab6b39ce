//! The helpers of the `suite` test binary (`tests/suite/main.rs`), each declared once. The test
//! binaries that keep a process of their own include single files instead, with
//! `#[path = "support/x.rs"] mod x;`.

pub mod apple_double;
pub mod asc_pages;
pub mod dashboard_double;
pub mod fuzz_seeds;
pub mod keys;
/// The fuzz targets' bodies (`src-tauri/fuzz/src/lib.rs`), the same ones libFuzzer runs.
#[path = "../../src-tauri/fuzz/src/lib.rs"]
pub mod targets;
#[cfg(feature = "mock-runtime")]
pub mod update_server;
pub mod wild;
