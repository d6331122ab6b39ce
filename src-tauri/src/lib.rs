//! ASC Key Wizard: guided setup, offline check, Apple verification and safe
//! storage of App Store Connect API keys.
//!
//! `core` is Tauri-free and holds every rule; `cli` and `app` are thin adapters.

pub mod cli;
pub mod core;

#[cfg(feature = "gui")]
pub mod app;

// The e2e seam lets an environment variable choose the "picked" key file: tests only.
#[cfg(all(feature = "e2e-seam", not(debug_assertions)))]
compile_error!("the `e2e-seam` feature is for tests only and must never be in a release build");
