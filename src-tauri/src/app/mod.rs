//! The Tauri shell: builder, state and commands. Commands are thin adapters
//! over `crate::core`; the selected key lives in [`state::AppState`].

pub mod asc_window;
pub mod commands;
pub mod downloads;
pub mod error;
pub mod events;
pub mod open;
pub mod picker;
pub mod state;
pub mod updates;
pub mod words;

use crate::core::session::Loaded;
use crate::core::setup_link;
use crate::core::Problem;
use serde::Serialize;
use state::AppState;
use tauri::{Builder, DragDropEvent, Emitter, Manager, Runtime, Window, WindowEvent};

// The events' names live in `events.rs`, with every other event the webview hears.
pub use events::{KEY_DROPPED as KEY_DROPPED_EVENT, SETUP_LINK as SETUP_LINK_EVENT};

#[derive(Debug, Clone, Serialize)]
pub struct DropPayload {
    pub loaded: Option<Loaded>,
    pub problem: Option<Problem>,
    pub file_name: Option<String>,
}

/// Register commands, state and window events on any runtime, so tests can
/// pass `tauri::test::mock_builder()`.
pub fn build<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    use commands::{downloads, handoff, key, store, verify};
    builder
        .manage(AppState::default())
        .manage(updates::Pending::default())
        .on_window_event(on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::remember_place,
            key::pick_key_file,
            key::load_key_file,
            key::load_key_text,
            key::clear_key,
            key::check_ids,
            key::reveal_key_file,
            verify::verify_key,
            verify::cancel_verify,
            store::save_to_keychain,
            store::list_saved,
            store::retest_saved,
            store::delete_saved,
            store::retest_all_saved,
            store::compare_saved,
            downloads::watch_downloads,
            downloads::downloaded_key,
            downloads::use_downloaded_key,
            downloads::cleanup_offer,
            downloads::trash_downloaded,
            handoff::handoff_config,
            handoff::open_destination,
            handoff::setup_link,
            handoff::choose_setup_link,
            handoff::lookup_account,
            handoff::upload_key,
            handoff::export_key,
            handoff::export_saved,
            updates::update_status,
            updates::install_update,
            asc_window::open_asc_window,
            asc_window::sign_out_of_apple,
            asc_window::choose_asc_way,
        ])
}

/// Public so tests can feed it events the mock runtime never sends.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    match event {
        // Rust reads the dropped file itself; the webview gets only the check's metadata.
        // The file is read off the UI thread: a slow or stuck file never freezes the window.
        WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
            if let Some(path) = paths.first().cloned() {
                let window = window.clone();
                tauri::async_runtime::spawn(async move {
                    let payload = drop_payload(window.state::<AppState>().inner(), path).await;
                    if let Err(e) = window.emit_to(window.label(), KEY_DROPPED_EVENT, payload) {
                        log::warn!("could not report the dropped file to the window: {e}");
                    }
                });
            }
        }
        // Closing the window forgets the key (zeroized on drop).
        // The App Store Connect window going (sign-out) forgets nothing of the wizard's.
        WindowEvent::Destroyed if window.label() == asc_window::LABEL => {}
        WindowEvent::Destroyed => {
            window.state::<AppState>().forget();
            asc_window::close_with_wizard(window.app_handle());
        }
        _ => {}
    }
}

/// Load a dropped path into the session (public for tests).
pub async fn drop_payload(state: &AppState, path: std::path::PathBuf) -> DropPayload {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    match state.load_path(path).await {
        Ok(loaded) => DropPayload {
            loaded: Some(loaded),
            problem: None,
            file_name,
        },
        Err(problem) => DropPayload {
            loaded: None,
            problem: Some(error::Error::from(problem).0),
            file_name,
        },
    }
}

/// The app's context (config, assets, capabilities) from `tauri.conf.json`.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// A setup link arrived while the wizard runs (a second launch, or macOS's "open URL"): keep it
/// and tell the window, which asks `setup_link` for what it may show.
fn hand_link<R: Runtime>(app: &tauri::AppHandle<R>, raw: &str) {
    app.state::<AppState>().links().receive(raw);
    let _ = app.emit_to("main", SETUP_LINK_EVENT, ());
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Open the wizard window and run until it is closed. A setup link given as an argument (how
/// Linux and Windows open `<scheme>://…`) is read before the first step shows; macOS hands links
/// over as an "open URL" event instead, at launch as later.
pub fn run() {
    let mut context = context();
    let wants_updates = updates::configure(&mut context);
    let mut builder = build(tauri::Builder::default());
    if wants_updates {
        builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    }
    // Test builds only (cargo feature `e2e-webdriver`): an embedded W3C WebDriver server on
    // TAURI_WEBDRIVER_PORT for the e2e journeys on macOS, whose WKWebView has no WebDriver.
    #[cfg(all(feature = "e2e-webdriver", not(debug_assertions)))]
    compile_error!("the e2e-webdriver feature is for debug (test) builds only, never a release");
    #[cfg(feature = "e2e-webdriver")]
    {
        builder = builder.plugin(tauri_plugin_wdio_webdriver::init());
    }
    let app = builder
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            if let Some(link) = setup_link::in_args(args, setup_link::scheme()) {
                hand_link(app, &link);
            }
        }))
        .setup(move |app| {
            // Here we are the first instance (the single-instance plugin has already handed a
            // second launch's link on and ended it). Read the link, then wipe it from our own
            // command line: other local users can read /proc/PID/cmdline.
            if let Some(link) =
                setup_link::in_args(setup_link::process_args(), setup_link::scheme())
            {
                app.state::<AppState>().links().receive(&link);
                let link = zeroize::Zeroizing::new(link);
                if let Err(e) = crate::core::cmdline::scrub(&link) {
                    log::warn!("the setup link could not be wiped from the command line: {e}");
                }
            }
            if wants_updates {
                updates::check_later(app.handle().clone());
            }
            Ok(())
        })
        .build(context)
        .expect("the wizard window could not start");
    app.run(|_app, _event| {
        #[cfg(target_os = "macos")]
        if let tauri::RunEvent::Opened { urls } = &_event {
            for url in urls
                .iter()
                .filter(|u| u.scheme().eq_ignore_ascii_case(setup_link::scheme()))
            {
                hand_link(_app, url.as_str());
            }
        }
    });
}
