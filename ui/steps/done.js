// Step 7: summary, advice, and "Test again".
import { $, el, formatTime, problemText } from '../dom.js';
import { cleanupOffer, clearKey, retestSaved, signOutOfApple, trashDownloaded, verifyKey } from '../api.js';
import { forgetPlace } from '../place.js';
import { factsOf, tested as testedNow } from '../state.js';

// A valid key is Apple's one `usable` answer (core::apple::Tested carries the class).
const valid = (v) => v.class === 'usable';

let ctx;

export function init(c) {
  ctx = c;
  $('#test-again').addEventListener('click', testAgain);
  $('#cleanup-run').addEventListener('click', cleanup);
}

/** Offered only once a checked copy is safe and the key's file sits in a download folder (Rust decides). */
async function offerCleanup() {
  const s = ctx.state;
  const offer = s.keyRef ? await cleanupOffer({ keyRef: s.keyRef }).catch(() => null) : null;
  $('#cleanup').hidden = !offer;
  if (!offer) return;
  $('#cleanup-text').textContent = offer.message;
  $('#cleanup-run').textContent = offer.action;
  $('#cleanup-run').hidden = false;
  $('#cleanup-result').textContent = '';
}

async function cleanup() {
  const btn = $('#cleanup-run');
  btn.disabled = true;
  try {
    $('#cleanup-result').textContent = await trashDownloaded({ keyRef: ctx.state.keyRef });
    $('#cleanup-result').dataset.status = 'ok';
    $('#cleanup-text').hidden = true;
    btn.hidden = true;
  } catch (p) {
    $('#cleanup-result').textContent = problemText(p);
    $('#cleanup-result').dataset.status = 'error';
  }
  btn.disabled = false;
  ctx.announce($('#cleanup-result').textContent);
}

function whereSaved() {
  const s = ctx.state;
  const done = (s.handoff && s.handoff.done) || [];
  const parts = [];
  if (done.includes('keychain')) parts.push(`This computer's ${s.config.store_name || 'keychain'}`);
  if (done.includes('upload')) {
    const board = s.config.platform_name ? `the ${s.config.platform_name} dashboard` : 'your dashboard';
    parts.push(s.config.upload_host ? `${board} (${s.config.upload_host})` : board);
  }
  if (done.includes('export')) parts.push(s.exportPath ? `an export file: ${s.exportPath}` : 'an export file');
  return parts.length ? parts.join('; ') : 'Not saved by the wizard (you kept the .p8 file yourself).';
}

function tested() {
  const s = ctx.state;
  const v = s.verification;
  if (!v || s.untested && (!v || !valid(v))) return 'Not yet tested with Apple';
  const when = formatTime(s.testedAt);
  return valid(v) ? `Valid API Key — ${when}` : `${v.message} — ${when}`;
}

export function render() {
  const s = ctx.state;
  const rows = [
    ['Key ID', s.keyId || '—', 'summary-key-id'],
    ['Issuer ID', s.kind === 'individual' ? 'None (individual key)' : (s.issuerId || '—'), 'summary-issuer-id'],
    ['Fingerprint', (s.loaded && s.loaded.report.fingerprint) || '—', 'summary-fingerprint'],
    ['Saved in', whereSaved(), 'summary-saved'],
    ['Tested', tested(), 'summary-tested'],
  ];
  $('#summary').replaceChildren(...rows.flatMap(([k, v, id]) => [el('dt', {}, k), el('dd', { id, class: id === 'summary-fingerprint' || id.endsWith('-id') ? 'mono' : '' }, v)]));
}

export function enter() {
  render();
  offerCleanup();
  // Finished: the App Store Connect window's Apple sign-in is not kept on this computer.
  signOutOfApple().catch(() => { /* nothing was signed in */ });
}

async function testAgain() {
  const s = ctx.state;
  const btn = $('#test-again');
  btn.disabled = true;
  btn.textContent = 'Testing…';
  ctx.announce('Asking Apple again.');
  try {
    const saved = s.handoff && s.handoff.done.includes('keychain');
    testedNow(saved
      ? await retestSaved({ keyId: s.keyId })
      : await verifyKey({ keyRef: s.keyRef }));
  } catch (problem) {
    testedNow({ outcome: problem.code, class: factsOf(problem).class, message: problem.message, hint: problem.hint }, { answered: false });
  }
  btn.disabled = false;
  btn.textContent = 'Test again';
  render();
  const v = s.verification;
  ctx.announce(valid(v) ? 'Valid API Key.' : problemText(v));
}

export async function onNext() {
  // Forget the key in Rust and start again from the top.
  try { await clearKey(); } catch (_) { /* already gone */ }
  await forgetPlace();
  window.location.reload();
  return false;
}

export function blocker() {
  return '';
}
