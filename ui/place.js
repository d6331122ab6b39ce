// Where a merchant stopped before any key exists (Apple may take days to grant API access):
// reopening the wizard returns to "Create the key" with step 1 ticked. Rust keeps the step's
// name in the app's settings folder (core/place.rs); nothing secret is kept.
import { rememberPlace } from './api.js';

let kept = null;

/** Remember reaching `name`: "create" is kept, step 1 forgets; other steps change nothing. */
export function remember(name) {
  const place = name === 'create' ? 'create' : name === 'prereqs' ? null : kept;
  if (place === kept) return;
  kept = place;
  rememberPlace({ place }).catch(() => { /* not kept: the wizard starts at step 1 next time */ });
}

/** The step to reopen at (from app_info), or null. */
export function rememberedPlace(info) {
  kept = (info && info.place) || null;
  return kept;
}

/** Finish and "Start over" begin again at step 1. */
export async function forgetPlace() {
  kept = null;
  try { await rememberPlace({ place: null }); } catch (_) { /* nothing kept */ }
}
