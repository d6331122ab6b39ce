// One door per command: a named function for each entry of COMMANDS in src-tauri/build.rs; steps import these, never ipc.js `call`.
// Every function returns the promise from ipc.js `call`: it resolves with metadata and rejects with a Problem
// ({code, message, hint}). The private key never enters the webview; Rust hands out an opaque key_ref instead.
// Argument names are the Rust parameters in camelCase (src-tauri/src/app/commands/*.rs).

import { call } from './ipc.js';

/** `{name, version, api_override, place}` of the app (`api_override`: the host tests go to instead of Apple's, or null; `place`: the step to reopen at, or null). */
export function appInfo() {
  return call('app_info');
}

/** Keeps the step to reopen at ('create'), or forgets it (null); resolves with nothing. */
export function rememberPlace({ place }) {
  return call('remember_place', { place });
}

/** Native file dialog, then the offline check: `Loaded` (key_ref, file_name, source, report), or `null` when the user cancelled. */
export function pickKeyFile() {
  return call('pick_key_file');
}

/** Offline check of the `.p8` at `path`: `Loaded` (key_ref, file_name, source, report). */
export function loadKeyFile({ path }) {
  return call('load_key_file', { path });
}

/** Offline check of pasted key text (wiped in Rust afterwards): `Loaded` (key_ref, source, report). */
export function loadKeyText({ text }) {
  return call('load_key_text', { text });
}

/** Forgets the selected key in Rust; resolves with nothing. */
export function clearKey() {
  return call('clear_key');
}

/** Offline check of the Key ID / Issuer ID (against the file name when `keyRef` is given): `IdsCheck` (key_id, issuer_id, warnings). Rust keeps the IDs it accepts with that key for the later commands. */
export function checkIds({ keyId, issuerId, kind, keyRef }) {
  return call('check_ids', { keyId, issuerId, kind, keyRef });
}

/** Shows the selected `.p8` in the file manager; resolves with nothing. */
export function revealKeyFile({ keyRef }) {
  return call('reveal_key_file', { keyRef });
}

/** Asks Apple whether the key works, with the IDs `checkIds` accepted for it: `Tested` (outcome, class, message, hint, apps, capabilities). */
export function verifyKey({ keyRef }) {
  return call('verify_key', { keyRef });
}

/** Stops a running test with Apple: `true` when one was running. */
export function cancelVerify() {
  return call('cancel_verify');
}

/** Saves the key with its accepted IDs in the OS keychain: `SaveResult` (key_id, status, store_name, last_outcome, message). */
export function saveToKeychain({ keyRef, label, replace }) {
  return call('save_to_keychain', { keyRef, label, replace });
}

/** The keys saved on this computer: `SavedRow[]` (ids, label, fingerprint, last outcome; no key material). */
export function listSaved() {
  return call('list_saved');
}

/** Tests a saved key with Apple again and records the outcome: `Tested`. */
export function retestSaved({ keyId }) {
  return call('retest_saved', { keyId });
}

/** Deletes a saved key from this computer (it stays active at Apple); resolves with nothing. */
export function deleteSaved({ keyId }) {
  return call('delete_saved', { keyId });
}

/** Tests every saved key again, two at a time: `Retest` rows with what changed for each. */
export function retestAllSaved() {
  return call('retest_all_saved');
}

/** Starts watching the download folders; each new AuthKey_*.p8 sends the `key-downloaded` event
 *  with every offer as it stands (`Offer[]`, the key in use left out). */
export function watchDownloads() {
  return call('watch_downloads');
}

/** Every key file downloaded since the watch began, newest first, except the key in use (`Offer[]`). */
export function downloadedKey() {
  return call('downloaded_key');
}

/** Checks exactly the offered file `id` names, as for a picked one: `Loaded`. */
export function useDownloadedKey({ id }) {
  return call('use_downloaded_key', { id });
}

/** Done's offer to move the download to the trash (`Cleanup`), or null. */
export function cleanupOffer({ keyRef }) {
  return call('cleanup_offer', { keyRef });
}

/** Moves the selected key's download to the trash; returns what was done, in words. */
export function trashDownloaded({ keyRef }) {
  return call('trash_downloaded', { keyRef });
}

/** Is pasted text (from a CI secret store) the same key as the saved `keyId`? `TextComparison`. */
export function compareSaved({ keyId, text }) {
  return call('compare_saved', { keyId, text });
}

/** The hand-off settings: `HandoffConfig` (platform_name, has_upload, has_dashboard, token_label, store_name). */
export function handoffConfig() {
  return call('handoff_config');
}

/** Opens `which` ('app_store_connect', 'dashboard', or `{help: i}` for the platform's i-th help link) in the browser; resolves with nothing. */
export function openDestination({ which }) {
  return call('open_destination', { which });
}

/** Uploads the key with its accepted IDs to the platform with the setup `token` (empty: the chosen setup link's code, kept in Rust; `confirmedHost`: the host the merchant ticked for a link naming one; `confirmedAccount`: the account name `lookupAccount` showed and the merchant ticked, '' for "send anyway"): `HandResult` (message, warnings). */
export function uploadKey({ keyRef, token, confirmedHost = null, confirmedAccount = null }) {
  return call('upload_key', { keyRef, token, confirmedHost, confirmedAccount });
}

/** What the setup links said: `{message, account, confirm_host, problem, ready, choices: [{id, label, chosen}]}`, or `null` when none came. Never a code. */
export function setupLink() {
  return call('setup_link');
}

/** Chooses the pending setup link `id` (from `choices`): the new `setupLink()` answer. */
export function chooseSetupLink({ id }) {
  return call('choose_setup_link', { id });
}

/** Asks the dashboard whose account the code belongs to (`token` empty: the chosen link's): `{name, host, message, problem}`; never the code. */
export function lookupAccount({ token, confirmedHost = null }) {
  return call('lookup_account', { token, confirmedHost });
}

/** Writes an export file of the selected key (with its accepted IDs) in `format`: `HandResult` (message, path, commands, warnings). */
export function exportKey({ keyRef, format }) {
  return call('export_key', { keyRef, format });
}

/** Writes an export file of a saved key in `format`: `HandResult` (message, path, commands, warnings). */
export function exportSaved({ keyId, format }) {
  return call('export_saved', { keyId, format });
}

/** The update the background check found (platform builds with an update endpoint): `{version, message, notes}`, or `null`. */
export function updateStatus() {
  return call('update_status');
}

/** Downloads the update, verifies its signature, installs it and restarts the app; rejects with a Problem (`update_signature_invalid`, …) and installs nothing when any step fails. */
export function installUpdate() {
  return call('install_update');
}

/** Opens the App Store Connect window beside the wizard (or brings it forward); it reports through the `asc-*` events (events.js). Rejects with a Problem when the window cannot open here: then the browser is offered instead. */
export function openAscWindow() {
  return call('open_asc_window');
}

/** "Sign out of Apple in this app" (and Finish): closes the App Store Connect window and removes its web data. */
export function signOutOfApple() {
  return call('sign_out_of_apple');
}

/** Remembers how step 2 reaches App Store Connect: `here` (this app's window) or `browser`. */
export function chooseAscWay({ way }) {
  return call('choose_asc_way', { way });
}
