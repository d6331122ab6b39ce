// Step 5: ask Apple (through Rust) whether the key works, with cancel.
import { $, details, el, problemText, reveal } from '../dom.js';
import { appInfo, cancelVerify, verifyKey } from '../api.js';
import { factsOf, testStarted, tested, wentOnUntested } from '../state.js';

// Whether Apple could be asked comes from Rust with every answer (`class`, core::problem::Class):
// with `no_answer` the merchant may go on and test later.
// So do the rest of what the step shows (core::apple::Tested): `usable` is a valid key, the 401
// checklist comes as items, `not_as_given` and `hint_note` are decided there. No code is compared.
const noAnswer = (v) => v.class === 'no_answer';
const valid = (v) => v.class === 'usable';

let ctx;
let running = false;

export function init(c) {
  ctx = c;
  $('#test-key').addEventListener('click', run);
  $('#cancel-test').addEventListener('click', async () => {
    try { await cancelVerify(); } catch (_) { /* nothing running */ }
  });
  $('#continue-untested').addEventListener('click', () => {
    wentOnUntested();
    ctx.refresh();
    ctx.announce('Going on without a test. The key will be saved as not yet tested.');
    ctx.next();
  });
}

/** Say so when the tests go somewhere other than Apple (ASC_API_BASE is set). */
export async function enter() {
  let info = null;
  try { info = await appInfo(); } catch (_) { /* shown without the notice */ }
  const note = $('#api-override');
  note.hidden = !(info && info.api_override);
  note.textContent = note.hidden ? ''
    : `Tests go to ${info.api_override}, not to Apple: the ASC_API_BASE setting on this computer says so.`;
}

export async function run() {
  if (running) return;
  const s = ctx.state;
  running = true;
  testStarted();
  $('#test-key').disabled = true;
  $('#cancel-test').hidden = false;
  $('#test-progress').hidden = false;
  $('#test-result').hidden = true;
  $('#continue-untested').hidden = true;
  ctx.announce('Asking Apple. This usually takes a few seconds.');
  ctx.refresh();
  let verification;
  try {
    verification = await verifyKey({ keyRef: s.keyRef });
  } catch (problem) {
    // A cancelled test (class `no_answer`) is the one refusal of this command that leaves the way on open.
    verification = { outcome: problem.code, class: factsOf(problem).class, message: problem.message, hint: problem.hint, apps: [], capabilities: {} };
  } finally {
    running = false;
    $('#test-key').disabled = false;
    $('#cancel-test').hidden = true;
    $('#test-progress').hidden = true;
  }
  tested(verification);
  render(verification);
  ctx.refresh();
  if ($('#test-result') && ctx.current === 'test') $('#test-key').focus();
  return verification;
}

function capItem(label, value) {
  const cls = value === true ? 'cap-yes' : value === false ? 'cap-no' : 'cap-unknown';
  const word = value === true ? 'allowed' : value === false ? 'not allowed' : 'not checked';
  return el('li', { class: cls }, `${label}: ${word}`);
}

function render(v) {
  const box = $('#test-result');
  box.hidden = false;
  box.dataset.outcome = v.outcome;
  const ok = valid(v);
  box.dataset.tone = ok ? 'ok' : noAnswer(v) ? 'warn' : 'bad';
  $('.result-title', box).textContent = ok ? 'Valid API Key' : v.message;
  let hint = ok ? v.message : v.hint;
  if (v.hint_note) hint = `${hint} ${v.hint_note}`;
  const items = v.checklist || [];
  // The checklist below replaces the core's one-line version of it.
  if (items.length) hint = 'Check each of these, fix what is wrong, then test again:';
  $('.result-hint', box).textContent = hint || '';
  const checklist = $('.checklist-hint', box);
  checklist.hidden = !items.length;
  checklist.replaceChildren(...items.map((t) => el('li', {}, t)));
  // Usable, but worth a look (a clock that is off): said under the result, from the core's words.
  const warnings = $('.result-warnings', box);
  warnings.replaceChildren(...(v.warnings || []).map((w) => el('li', { 'data-code': w.code }, w.message)));
  warnings.hidden = !(v.warnings || []).length;

  $('.valid-details', box).hidden = !ok;
  if (ok) {
    const caps = v.capabilities || {};
    $('#capabilities').replaceChildren(
      capItem('Read apps', true),
      capItem('Certificates and app IDs (needed to sign and build apps)', caps.signing),
      capItem('See users and roles', caps.users),
    );
    // "Ready for Acme Shops", or what the key lacks for it (the core decides; only with requirements).
    const ready = $('#readiness');
    ready.hidden = !v.readiness;
    ready.className = v.readiness && v.readiness.ready ? 'readiness ok' : 'readiness missing';
    $('.readiness-title', ready).textContent = v.readiness ? v.readiness.message : '';
    $('.readiness-hint', ready).textContent = v.readiness ? v.readiness.hint : '';
    const apps = v.apps || [];
    $('.apps-heading', box).textContent = v.apps_total != null
      ? `Apps Apple lists for this key (${v.apps_total})`
      : 'Apps Apple lists for this key';
    $('#apps-list').replaceChildren(...(apps.length
      ? apps.map((a) => el('li', {}, el('strong', {}, a.name), ' ', el('span', { class: 'mono explain' }, a.bundle_id)))
      : [el('li', { class: 'explain' }, 'No apps yet. That is fine for a new account.')]));
  }
  if (ok && !v.readiness && v.capabilities && v.capabilities.signing === false) {
    $('.result-hint', box).textContent = `${hint} Note: this key may not manage certificates and app IDs, which building and submitting apps needs. If your platform asks for it, create a new key with Admin access.`;
  }
  // The library's, the OS's or Apple's own words, folded under "Details" (none for a valid key).
  box.querySelector(':scope > details.detail')?.remove();
  const more = details(v);
  if (more) box.append(more);
  $('#continue-untested').hidden = !noAnswer(v);
  reveal(box);
  ctx.announce(ok
    ? `Valid API Key. Apple lists ${v.apps_total ?? (v.apps || []).length} app(s).`
    : problemText(v));
}

export function blocker() {
  const s = ctx.state;
  if (running) return 'Waiting for Apple…';
  if (s.untested) return '';
  if (!s.verification) return 'Press “Test API Key” first.';
  if (valid(s.verification)) return '';
  if (noAnswer(s.verification)) return 'No answer from Apple: try again, or continue without a test.';
  if (s.verification.not_as_given) return 'Apple accepts the key, but not as given: change what is described above, then test again.';
  return 'Apple did not accept the key: fix what is described above, then test again.';
}
