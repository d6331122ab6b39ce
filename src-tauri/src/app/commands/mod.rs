//! Commands the webview may call. Each converts arguments, calls the core and
//! maps errors to `{code, message, hint}`; none returns key material.
//! `app_info` also says what each code means for the webview (`CodeFacts`), so it never decides.
//!
//! Keep this list, `build.rs` COMMANDS and `capabilities/main.json` in step.

pub mod downloads;
pub mod handoff;
pub mod key;
pub mod store;
pub mod verify;

use crate::app::error::Result;
use crate::core::apple::client::api_override;
use crate::core::asc_window::{self, Way};
use crate::core::export::{self, MenuEntry};
use crate::core::place::{self, Place};
use crate::core::problem::{Class, Code, WayOut};
use crate::core::profile::{self, Brand};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a code means for the webview, told once: a problem is `{code, message, hint}`, and the
/// page looks its class and way out up here instead of keeping lists of codes.
#[derive(Debug, Serialize)]
pub struct CodeFacts {
    pub class: Class,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub way_out: Option<WayOut>,
}

pub fn code_facts() -> BTreeMap<&'static str, CodeFacts> {
    Code::ALL
        .iter()
        .map(|c| {
            (
                c.as_str(),
                CodeFacts {
                    class: c.class(),
                    way_out: c.way_out(),
                },
            )
        })
        .collect()
}

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
    /// The export menus' entries (`core::export::FORMATS`): the webview keeps no list of its own.
    pub export_formats: Vec<MenuEntry>,
    /// How step 2 reaches App Store Connect: the remembered choice, or this app's window.
    pub asc_way: Way,
    /// Every code's class and way out, by code.
    pub codes: BTreeMap<&'static str, CodeFacts>,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    let (brand, name) = (
        profile::brand(),
        profile::embedded().map_or("ASC Key Wizard", |p| p.product_name.as_str()),
    );
    AppInfo {
        name,
        version: env!("CARGO_PKG_VERSION"),
        api_override: api_override(),
        place: place::load(),
        brand,
        export_formats: export::menu(),
        asc_way: asc_window::way::load(),
        codes: code_facts(),
    }
}

/// Keep (or, with `null`, forget) the step to reopen at.
#[tauri::command]
pub fn remember_place(place: Option<Place>) -> Result<()> {
    Ok(place::remember(place)?)
}
