//! Commands the webview may call. Each converts arguments, calls the core and
//! maps errors to `{code, message, hint}`; none returns key material.
//!
//! Keep this list, `build.rs` COMMANDS and `capabilities/main.json` in step.

pub mod downloads;
pub mod handoff;
pub mod key;
pub mod store;
pub mod verify;

use crate::app::error::Result;
use crate::core::apple::client::api_override;
use crate::core::place::{self, Place};
use crate::core::profile::{self, Brand};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    /// The host tests are sent to instead of Apple's, when `ASC_API_BASE` overrides it.
    pub api_override: Option<String>,
    /// Where the wizard was left before any key existed, to reopen there.
    pub place: Option<Place>,
    /// A platform build's name, colours and logo; `None` in the generic build.
    pub brand: Option<Brand>,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    let (brand, name) = (profile::brand(), profile::embedded().map_or("ASC Key Wizard", |p| p.product_name.as_str()));
    AppInfo { name, version: env!("CARGO_PKG_VERSION"), api_override: api_override(), place: place::load(), brand }
}

/// Keep (or, with `null`, forget) the step to reopen at.
#[tauri::command]
pub fn remember_place(place: Option<Place>) -> Result<()> {
    Ok(place::remember(place)?)
}
