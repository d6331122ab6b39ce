// The dashboard's setup link, as Rust reports it (never its code): fills the upload choice so
// nothing needs pasting, or says why the link was refused. A second link may arrive while the
// wizard is open (Rust emits `setup-link`).
import { $ } from '../dom.js';
import { setupLink } from '../api.js';
import { listen } from '../ipc.js';

let info = null;

/** Ask Rust what link came (if any) and show it in the upload choice. */
export async function refreshLink() {
  const before = JSON.stringify(info);
  try {
    info = await setupLink();
  } catch (_) {
    info = null;
  }
  // A new link means "upload with this": tick the upload (the merchant may untick it again).
  if (linkReady() && JSON.stringify(info) !== before) $('#do-upload').checked = true;
  show();
  return info;
}

/** A usable link's code is waiting in Rust. */
export function linkReady() {
  return Boolean(info && !info.problem);
}

/** The host the link names (generic build), or null. */
export function linkHost() {
  return (linkReady() && info.confirm_host) || null;
}

/** The host the merchant ticked, to send with the upload. */
export function confirmedHost() {
  return linkHost() && $('#confirm-host').checked ? linkHost() : null;
}

/** Why the upload cannot start yet because of the link, or ''. */
export function linkBlocker() {
  if (linkHost() && !$('#confirm-host').checked) return `Tick “Send it to ${linkHost()}” to upload, or untick the upload.`;
  return '';
}

/** The upload used the link's code: Rust forgot it. */
export function linkUsed() {
  refreshLink();
}

function show() {
  const ready = linkReady();
  $('#link-received').hidden = !ready;
  $('#link-received').textContent = ready ? info.message : '';
  $('#upload-token-field').hidden = ready;
  $('#link-confirm').hidden = !linkHost();
  if (linkHost()) $('#confirm-host-label').textContent = `Send it to ${linkHost()}`;
  $('#link-problem').hidden = !(info && info.problem);
  $('#link-problem').textContent = info && info.problem ? `${info.problem.message} ${info.problem.hint}` : '';
  if (ready || linkHost()) $('#upload-choice').hidden = false;
}

/** A second launch handed the open wizard a link: show it. */
export function watchLinks(onChange) {
  listen('setup-link', () => refreshLink().then(onChange));
}
