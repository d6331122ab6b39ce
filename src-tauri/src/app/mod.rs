//! The Tauri shell: builder, state and commands. Commands are thin adapters
//! over `crate::core`.

pub mod commands;

use tauri::{Builder, Runtime};

/// Register commands and state on any runtime, so tests can pass
/// `tauri::test::mock_builder()`.
pub fn build<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.invoke_handler(tauri::generate_handler![commands::app_info])
}

/// Open the wizard window and run until it is closed.
pub fn run() {
    build(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("the wizard window could not start");
}
