// The only door to Rust: `invoke` for commands (wrapped by `call`, used by api.js alone), `listen` for events.
// Errors always arrive as `{code, message, hint}` (core::Problem).

const tauri = window.__TAURI__;

export const available = Boolean(tauri && tauri.core);

function asProblem(err) {
  if (err && typeof err === 'object' && typeof err.code === 'string') return err;
  return {
    code: 'internal',
    message: `Something unexpected went wrong: ${String(err)}`,
    hint: 'Try again. If it keeps happening, restart the wizard.',
  };
}

// Exported only for api.js, which has one named function per command: steps import those, never `call`.
/** Call a command; rejects with a Problem. */
export async function call(cmd, args = {}) {
  if (!available) {
    throw asProblem('this page must run inside the ASC Key Wizard app');
  }
  try {
    return await tauri.core.invoke(cmd, args);
  } catch (err) {
    throw asProblem(err);
  }
}

/** Listen to an app event; returns a promise of the unlisten function. */
export function listen(name, handler) {
  if (!available || !tauri.event) return Promise.resolve(() => {});
  return tauri.event.listen(name, (event) => handler(event.payload));
}
