//! The native "choose a file" dialog, run like tauri-plugin-dialog does: built
//! on the main thread (GTK/AppKit need it), awaited on another thread.

use crate::core::problem::Code;
use crate::core::Problem;
use std::path::PathBuf;
use tauri::{Runtime, Window};

/// `None` when the user cancelled.
pub async fn pick_p8<R: Runtime>(window: &Window<R>) -> Result<Option<PathBuf>, Problem> {
    #[cfg(feature = "e2e-seam")]
    if let Some(path) = std::env::var_os("ASC_WIZARD_E2E_PICK") {
        // WebDriver cannot drive a native dialog: test builds take the path from the env.
        return Ok(Some(PathBuf::from(path)));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let parent = window.clone();
    window
        .run_on_main_thread(move || {
            let dialog = rfd::AsyncFileDialog::new()
                .set_title("Choose your App Store Connect key (.p8)")
                .add_filter("App Store Connect key", &["p8"])
                .add_filter("All files", &["*"])
                .set_directory(dirs::download_dir().unwrap_or_default())
                .set_parent(&parent)
                .pick_file();
            std::thread::spawn(move || {
                let picked = tauri::async_runtime::block_on(dialog);
                let _ = tx.send(picked.map(|h| h.path().to_path_buf()));
            });
        })
        .map_err(|e| dialog_failed(&e.to_string()))?;
    rx.await
        .map_err(|_| dialog_failed("the dialog closed unexpectedly"))
}

fn dialog_failed(why: &str) -> Problem {
    Problem::new(
        Code::DialogFailed,
        format!("The file chooser could not be opened ({why})."),
        "Drag the .p8 file onto the window instead, or paste the key text.",
    )
}
