//! The Tauri-free core. Nothing under this module may import `tauri`
//! (enforced by `tests/suite/core_is_tauri_free.rs`).

pub mod account;
pub mod apple;
pub mod asc_window;
pub mod cmdline;
pub mod config;
pub mod credentials;
pub mod destination;
pub mod downloads;
pub mod export;
pub mod fsutil;
pub mod history;
pub mod ids;
pub mod key;
pub mod place;
pub mod problem;
pub mod process;
pub mod profile;
pub mod readiness;
pub mod retest;
pub mod session;
pub mod setup_link;
pub mod text;
pub mod token;
pub mod updates;
pub mod upload;
pub mod url_rule;
pub mod vault;
pub mod wipe;

pub use problem::{Note, Problem};
