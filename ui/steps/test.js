// Step 5: ask Apple (through Rust) whether the key works, with cancel.
import { $, details, el, reveal } from '../dom.js';
import { appInfo, cancelVerify, verifyKey } from '../api.js';

// Whether Apple could be asked comes from Rust with every answer (`class`, core::problem::Class):
// with `no_answer` the merchant may go on and test later.
const noAnswer = (v) => v.class === 'no_answer';

const NOT_AUTHORIZED_CHECKLIST = [
  'The Key ID is the one in the key\'s row, and matches the file name (AuthKey_<Key ID>.p8).',
  'The Issuer ID was copied from the top of the Team Keys page.',
  'The key is not revoked: look for it under Revoked keys in App Store Connect (revoked keys stay listed there for 30 days, and a revoked key never works again).',
  'The account is not in the Apple Developer Enterprise Program: its keys belong to a different API.',
  'It is an App Store Connect API key, not a push notification (APNs) or In-App Purchase key.',
  'Team key or Individual key is chosen correctly on the previous step.',
];
// Apple took the key only as another kind or under the file name's Key ID (core::apple::diagnose).
const NOT_AS_GIVEN = new Set(['key_is_individual', 'key_is_team', 'key_id_from_file_name']);

// The item a follow-up already ruled out (core::apple::diagnose: `tried`) is not asked again.
const RULED_OUT = { other_kind: NOT_AUTHORIZED_CHECKLIST.length - 1 };

function checklistFor(v) {
  const skip = new Set((v.tried || []).map((t) => RULED_OUT[t]));
  return NOT_AUTHORIZED_CHECKLIST.filter((_, i) => !skip.has(i));
}

let ctx;
let running = false;

export function init(c) {
  ctx = c;
  $('#test-key').addEventListener('click', run);
  $('#cancel-test').addEventListener('click', async () => {
    try { await cancelVerify(); } catch (_) { /* nothing running */ }
  });
  $('#continue-untested').addEventListener('click', () => {
    ctx.state.untested = true;
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
  s.untested = false;
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
    // A cancelled test is the one refusal of this command that leaves the way on open.
    const klass = problem.code === 'cancelled' ? 'no_answer' : 'usage';
    verification = { outcome: problem.code, class: klass, message: problem.message, hint: problem.hint, apps: [], capabilities: {} };
  } finally {
    running = false;
    $('#test-key').disabled = false;
    $('#cancel-test').hidden = true;
    $('#test-progress').hidden = true;
  }
  s.verification = verification;
  s.testedAt = new Date().toISOString();
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
  const valid = v.outcome === 'valid';
  box.dataset.tone = valid ? 'ok' : noAnswer(v) ? 'warn' : 'bad';
  $('.result-title', box).textContent = valid ? 'Valid API Key' : v.message;
  let hint = valid ? v.message : v.hint;
  if (v.outcome === 'clock_skew' && typeof v.clock_offset_s === 'number') {
    hint = `${hint} (Your clock is about ${Math.abs(v.clock_offset_s)} seconds ${v.clock_offset_s > 0 ? 'behind' : 'ahead of'} Apple's.)`;
  }
  if (v.outcome === 'not_authorized') {
    // The checklist below replaces the core's one-line version of it.
    hint = 'Check each of these, fix what is wrong, then test again:';
  }
  $('.result-hint', box).textContent = hint || '';
  const checklist = $('.checklist-hint', box);
  checklist.hidden = v.outcome !== 'not_authorized';
  checklist.replaceChildren(...(v.outcome === 'not_authorized' ? checklistFor(v).map((t) => el('li', {}, t)) : []));
  // Usable, but worth a look (a clock that is off): said under the result, from the core's words.
  const warnings = $('.result-warnings', box);
  warnings.replaceChildren(...(v.warnings || []).map((w) => el('li', { 'data-code': w.code }, w.message)));
  warnings.hidden = !(v.warnings || []).length;

  $('.valid-details', box).hidden = !valid;
  if (valid) {
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
  if (valid && !v.readiness && v.capabilities && v.capabilities.signing === false) {
    $('.result-hint', box).textContent = `${hint} Note: this key may not manage certificates and app IDs, which building and submitting apps needs. If your platform asks for it, create a new key with Admin access.`;
  }
  // The library's, the OS's or Apple's own words, folded under "Details" (none for a valid key).
  box.querySelector(':scope > details.detail')?.remove();
  const more = details(v);
  if (more) box.append(more);
  $('#continue-untested').hidden = !noAnswer(v);
  reveal(box);
  ctx.announce(valid
    ? `Valid API Key. Apple lists ${v.apps_total ?? (v.apps || []).length} app(s).`
    : `${v.message} ${v.hint || ''}`);
}

export function blocker() {
  const s = ctx.state;
  if (running) return 'Waiting for Apple…';
  if (s.untested) return '';
  if (!s.verification) return 'Press “Test API Key” first.';
  if (s.verification.outcome === 'valid') return '';
  if (noAnswer(s.verification)) return 'No answer from Apple: try again, or continue without a test.';
  if (NOT_AS_GIVEN.has(s.verification.outcome)) return 'Apple accepts the key, but not as given: change what is described above, then test again.';
  return 'Apple did not accept the key: fix what is described above, then test again.';
}
