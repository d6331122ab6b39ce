// Every event the webview listens to, named once (Rust's copy: src-tauri/src/app/events.rs).

export const EVENTS = Object.freeze({
  setupLink: 'setup-link',
  keyDropped: 'key-dropped',
  keyDownloaded: 'key-downloaded',
  updateReady: 'update-ready',
  // From the App Store Connect window (src-tauri/src/app/asc_window.rs): metadata only.
  ascPage: 'asc-page',
  ascKeyCaught: 'asc-key-caught',
  ascIssuerOffered: 'asc-issuer-offered',
  ascFallback: 'asc-fallback',
  // Tauri's own, for the drop zone's highlight.
  dragEnter: 'tauri://drag-enter',
  dragLeave: 'tauri://drag-leave',
  dragDrop: 'tauri://drag-drop',
});
