//! ASC Key Wizard: guided setup, offline check, Apple verification and safe
//! storage of App Store Connect API keys.
//!
//! `core` is Tauri-free and holds every rule; `cli` and `app` are thin adapters.

pub mod cli;
pub mod core;

#[cfg(feature = "gui")]
pub mod app;
