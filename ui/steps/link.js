// The setup links, as Rust reports them (never a code): fills the upload choice so nothing needs
// pasting, lists every pending link when more than one came (the merchant chooses; a later link
// never replaces an earlier one), keeps the host tick for exactly the host it was given for, and
// shows whose account the code belongs to as the dashboard says, to be confirmed before Save.
import { $, el, problemText } from '../dom.js';
import { EVENTS } from '../events.js';
import { chooseSetupLink, lookupAccount, setupLink } from '../api.js';
import { listen } from '../ipc.js';

let info = null;
let tickedHost = null; // the host string shown when the merchant ticked "Send it to …"
let account = null; // {key, answer} from the look-up, for the link and host in `key`
let lookingUp = null;

/** Ask Rust what links came (if any) and show them in the upload choice. */
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

/** A chosen link's code is waiting in Rust. */
export function linkReady() {
  return Boolean(info && info.ready);
}

/** Links are waiting (chosen or not): the pasted-code field is not needed unless none is chosen. */
function linksPending() {
  return Boolean(info && (info.ready || (info.choices && info.choices.length)));
}

/** The host the chosen link names (generic build), or null. */
export function linkHost() {
  return (linkReady() && info.confirm_host) || null;
}

/** The host the merchant ticked, as shown at the click, to send with the upload. */
export function confirmedHost() {
  return $('#confirm-host').checked ? tickedHost : null;
}

/** Which link and host the account look-up is for: a new one undoes the account tick. */
function accountKey() {
  if (!linkReady()) return null;
  const chosen = (info.choices || []).find((c) => c.chosen);
  return JSON.stringify([chosen ? chosen.id : 0, info.message, linkHost() ? confirmedHost() : null]);
}

/** The account name the merchant ticked ('' for "send anyway"), or null. */
export function confirmedAccount() {
  if (!account || account.key !== accountKey() || !$('#confirm-account').checked) return null;
  return account.answer.name || '';
}

/** Why the upload cannot start yet because of the links, or ''. */
export function linkBlocker() {
  if (info && !info.ready && info.choices && info.choices.length) return 'Choose the setup link you opened yourself, or untick the upload.';
  if (linkHost() && !confirmedHost()) return `Tick “Send it to ${linkHost()}” to upload, or untick the upload.`;
  if (linkReady() && !(account && account.key === accountKey())) return 'Asking the dashboard whose account the setup code belongs to…';
  if (linkReady() && account.answer.failed) return 'The dashboard did not answer whose account this is: see above, or untick the upload.';
  if (linkReady() && confirmedAccount() === null) return 'Confirm the account the setup code belongs to, or untick the upload.';
  return '';
}

/** The upload used the link's code: Rust forgot it. */
export function linkUsed() {
  account = null;
  refreshLink();
}

function showChoices() {
  const choices = (info && info.choices) || [];
  $('#link-choices').hidden = choices.length === 0;
  $('#link-choice-list').replaceChildren(...choices.map((c) => {
    const radio = el('input', { type: 'radio', name: 'setup-link-choice', value: String(c.id), checked: c.chosen });
    radio.addEventListener('change', () => choose(c.id));
    return el('label', { 'data-link-id': String(c.id) }, radio, c.label);
  }));
}

async function choose(id) {
  try {
    info = await chooseSetupLink({ id });
  } catch (_) {
    await refreshLink();
    return;
  }
  show();
  if (onChangeHook) onChangeHook();
}

function show() {
  const ready = linkReady();
  $('#link-received').hidden = !linksPending();
  $('#link-received').textContent = linksPending() ? info.message : '';
  $('#upload-token-field').hidden = linksPending();
  showChoices();
  // A tick is for one host: any change of the host shown clears it.
  const host = linkHost();
  if (host !== tickedHost) {
    $('#confirm-host').checked = false;
    tickedHost = null;
  }
  $('#link-confirm').hidden = !host;
  if (host) $('#confirm-host-label').textContent = `Send it to ${host}`;
  $('#link-problem').hidden = !(info && info.problem);
  $('#link-problem').textContent = info && info.problem ? problemText(info.problem) : '';
  if (linksPending() || host) $('#upload-choice').hidden = false;
  showAccount();
  if (ready) lookUp();
}

function showAccount() {
  const current = account && account.key === accountKey() ? account.answer : null;
  $('#account-check').hidden = !current;
  if (!current) {
    $('#confirm-account').checked = false;
    return;
  }
  $('#account-said').textContent = current.failed ? current.message : `${current.message}${current.problem ? ` ${current.problem.hint}` : ''}`;
  $('#confirm-account').hidden = current.failed;
  $('#confirm-account-label').hidden = current.failed;
  $('#confirm-account-label').textContent = current.name ? `Yes, upload into “${current.name}”` : 'Send it anyway';
}

/** Ask Rust to ask the dashboard whose account the chosen link's code belongs to. */
async function lookUp() {
  const key = accountKey();
  if (!key || (linkHost() && !confirmedHost()) || (account && account.key === key) || lookingUp === key) return;
  lookingUp = key;
  let answer;
  try {
    answer = await lookupAccount({ token: '', confirmedHost: confirmedHost() });
  } catch (p) {
    answer = { name: null, message: problemText(p), problem: null, failed: true };
  }
  lookingUp = null;
  if (key !== accountKey()) return;
  account = { key, answer };
  $('#confirm-account').checked = false;
  showAccount();
  if (onChangeHook) onChangeHook();
}

let onChangeHook = null;

/** A second launch handed the open wizard a link, or a tick changed: show it. */
export function watchLinks(onChange) {
  onChangeHook = onChange;
  listen(EVENTS.setupLink, () => refreshLink().then(onChange));
  $('#confirm-host').addEventListener('change', () => {
    tickedHost = $('#confirm-host').checked ? linkHost() : null;
    show();
  });
}
