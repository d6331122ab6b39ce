// The wizard's state, in one place: steps read it (`ctx.state`) and change it only through the
// named transitions below, so what each change resets is decided once. Never holds key material.

export const state = {
  keyRef: null,          // opaque id of the key held in Rust
  loaded: null,          // last load result (report, file name)
  keyIdFromFile: null,
  keyId: '',
  issuerId: '',
  issuerConfirmed: null,  // the Issuer ID App Store Connect showed and the merchant confirmed
  ascWay: 'here',        // step 2's way to App Store Connect: 'here' (this app's window) or 'browser'
  kind: 'team',
  idsResult: null,
  verification: null,    // last answer from Apple (`Tested`), or a problem in its place
  testedAt: null,
  untested: false,       // the user chose to go on without an answer
  handoff: null,         // results of the last save/hand-off run
  exportPath: null,      // where the last export was written
  brand: null,           // a platform build's name, colours and logo (app_info)
  codes: {},             // every code's class and way out (app_info): looked up, never listed here
  config: { platform_name: null, has_upload: false, has_dashboard: false, token_label: 'setup token', store_name: 'keychain' },
};

/** Anything learned about the previous key (its test, its hand-off) no longer holds. */
function forgetFollowing() {
  state.verification = null;
  state.testedAt = null;
  state.untested = false;
  state.handoff = null;
}

/** The platform's brand (app_info) is shown. */
export function branded(brand) {
  state.brand = brand || null;
}

/** What each code means (app_info's `codes`), so a problem's class and way out can be looked up. */
export function codesLearned(codes) {
  state.codes = codes || {};
}

/** What Rust says a problem's code means: `{ class, way_out }` (empty when unknown). */
export function factsOf(problem) {
  return (problem && state.codes[problem.code]) || {};
}

/** The hand-off settings arrived (handoff_config): the platform's name, upload, dashboard. */
export function configured(cfg) {
  Object.assign(state.config, cfg);
}

/** Step 2's way to App Store Connect (app_info's remembered `asc_way`, or the merchant's click). */
export function ascWayChosen(way) {
  state.ascWay = way === 'browser' ? 'browser' : 'here';
}

/** The merchant confirmed the Issuer ID the App Store Connect window showed. */
export function issuerConfirmed(issuerId) {
  state.issuerConfirmed = issuerId;
}

/** A key was checked (`loaded`): selected when usable, and everything after it starts again. */
export function keySelected(loaded) {
  forgetFollowing();
  state.loaded = loaded;
  state.keyRef = loaded.report.ok ? loaded.key_ref : null;
  state.keyIdFromFile = loaded.report.key_id || null;
}

/** The key could not be read: nothing is selected. */
export function keyRejected() {
  forgetFollowing();
  state.keyRef = null;
  state.loaded = null;
}

/**
 * The IDs or the kind changed (`result`: the core's `check_ids` answer). An answer from Apple is
 * for the IDs it was given: a new kind, Key ID or Issuer ID drops it.
 */
export function idsChanged({ kind, keyId, issuerId, result } = {}) {
  const before = `${state.kind} ${state.keyId} ${state.issuerId}`;
  if (result !== undefined) state.idsResult = result;
  if (kind !== undefined) state.kind = kind;
  if (keyId !== undefined) state.keyId = keyId;
  if (issuerId !== undefined) state.issuerId = issuerId;
  const changed = kind !== undefined || before !== `${state.kind} ${state.keyId} ${state.issuerId}`;
  if (changed && state.verification) { state.verification = null; state.untested = false; }
}

/** A test with Apple began: going on untested is no longer the choice. */
export function testStarted() {
  state.untested = false;
}

/** Apple's answer (or the problem in its place) arrived; `answered` is false when none did. */
export function tested(verification, { answered = true } = {}) {
  state.verification = verification;
  state.testedAt = new Date().toISOString();
  if (answered) state.untested = false;
}

/** The user goes on without an answer: the key is saved as not yet tested. */
export function wentOnUntested() {
  state.untested = true;
}

/** The hand-off ran for the selected key: `done` lists what succeeded. */
export function handedOff(done) {
  state.handoff = { keyRef: state.keyRef, done };
}

/** A new key or test since the last hand-off: its results no longer hold. */
export function handoffReset() {
  state.handoff = null;
}

/** An export was written at `path` (named on Done). */
export function exported(path) {
  state.exportPath = path;
}
