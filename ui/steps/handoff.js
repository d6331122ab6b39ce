// Step 6: keychain, upload or guided hand-off, export. Each runs and reports on its own.
import { $, copyText, details, el, problemParts, problemText, problemView, reveal, warningList } from '../dom.js';
import { exportKey, openDestination, revealKeyFile, saveToKeychain, uploadKey } from '../api.js';
import { exported, factsOf, handedOff, handoffReset } from '../state.js';
import { confirmedAccount, confirmedHost, linkBlocker, linkReady, linkUsed, refreshLink, watchLinks } from './link.js';

let ctx;
let phase = 'run'; // 'run': Next runs the chosen actions; 'finish': Next goes to Done.
const succeeded = new Set(); // actions already done for this key (not repeated on re-run)

export function init(c) {
  ctx = c;
  watchLinks(() => ctx.refresh());
  $('#do-export').addEventListener('change', () => { $('#export-options').hidden = !$('#do-export').checked; });
  for (const sel of ['#do-keychain', '#do-upload', '#do-export', '#export-format', '#confirm-host', '#confirm-account']) {
    $(sel).addEventListener('change', () => { setPhase('run'); ctx.refresh(); });
  }
  $('#upload-token').addEventListener('input', () => {
    $('#upload-token-error').textContent = '';
    $('#upload-token').removeAttribute('aria-invalid');
    succeeded.delete('upload');
    setPhase('run');
    ctx.refresh();
  });
  $('#open-dashboard').addEventListener('click', () => open('dashboard'));
  $('#copy-issuer').addEventListener('click', () => copy('#copy-issuer', ctx.state.issuerId, 'Issuer ID'));
  $('#copy-key-id').addEventListener('click', () => copy('#copy-key-id', ctx.state.keyId, 'Key ID'));
  $('#reveal-file').addEventListener('click', async () => {
    try {
      await revealKeyFile({ keyRef: ctx.state.keyRef });
      ctx.announce('The folder with the key file is opening.');
    } catch (problem) {
      ctx.announce(problemText(problem));
      showInline(problem);
    }
  });
}

export function configure() {
  const cfg = ctx.state.config;
  $('#upload-choice').hidden = !cfg.has_upload;
  $('#do-upload').checked = Boolean(cfg.has_upload);
  for (const n of document.querySelectorAll('.platform-name')) n.textContent = cfg.platform_name || 'your platform';
  // Where the key goes, by host, before anything is sent (the core's words).
  if (cfg.upload_line) $('#upload-line').textContent = cfg.upload_line;
  const label = cfg.token_label || 'setup token';
  $('.token-label').textContent = label.charAt(0).toUpperCase() + label.slice(1);
  $('#open-dashboard').hidden = !cfg.has_dashboard;
  $('#guided-choice .choice-title strong').textContent = cfg.has_upload
    ? 'Or add it to the dashboard yourself'
    : `Add it to ${cfg.platform_name ? `the ${cfg.platform_name} dashboard` : 'your dashboard'} yourself`;
  refreshLink().then(() => ctx.refresh && ctx.refresh());
}

export function enter() {
  // A different key or test since the last run: start fresh.
  if (ctx.state.handoff && ctx.state.handoff.keyRef !== ctx.state.keyRef) {
    succeeded.clear();
    $('#handoff-results').replaceChildren();
    handoffReset();
    setPhase('run');
  }
  $('#copy-issuer').hidden = ctx.state.kind === 'individual';
  $('#reveal-file').hidden = !(ctx.state.loaded && ctx.state.loaded.source === 'file');
}

function setPhase(p) {
  phase = p;
  const btn = $('section[data-step="handoff"] [data-action="next"]');
  btn.dataset.phase = p;
  btn.textContent = p === 'run' ? 'Save' : 'Finish';
  if (p === 'run' && !anyChosen()) btn.textContent = 'Finish without saving';
}

function anyChosen() {
  return $('#do-keychain').checked || ($('#do-upload').checked && !$('#upload-choice').hidden) || $('#do-export').checked;
}

async function open(which) {
  try {
    await openDestination({ which });
    ctx.announce('The page is opening in your browser.');
  } catch (problem) {
    ctx.announce(problemText(problem));
    showInline(problem);
  }
}

async function copy(sel, value, what) {
  const ok = value ? await copyText(value) : false;
  const btn = $(sel);
  const old = btn.dataset.label || btn.textContent;
  btn.dataset.label = old;
  btn.textContent = ok ? 'Copied ✓' : 'Could not copy';
  ctx.announce(ok ? `${what} copied.` : `Could not copy the ${what}.`);
  setTimeout(() => { btn.textContent = old; }, 2500);
}

function showInline(problem) {
  const list = $('#handoff-results');
  list.append(problemView(problem, { attrs: { 'data-status': 'error' } }));
}

function resultRow(which, status, text, ...extras) {
  const row = el('div', { 'data-result': which, 'data-status': status }, text);
  for (const extra of extras) if (extra) row.append(extra);
  const list = $('#handoff-results');
  const old = list.querySelector(`[data-result="${which}"]`);
  if (old) old.replaceWith(row); else list.append(row);
  return row;
}

// The ways out this step has a button for (Rust says which one a problem has: `way_out`).
// Pressing "Replace" after reading the message above it is the confirmation.
const WAYS = { replace_saved: { label: 'Replace the saved key', class: 'replace-saved', run: (btn) => replaceSaved(btn) } };

function keychainFailed(p) {
  const [text, ...extras] = problemParts(p, { lead: 'Saving in the keychain failed: ', ways: WAYS });
  const row = resultRow('keychain', 'error', text, ...extras);
  row.dataset.code = p.code;
}

function keychainSaved(r) {
  succeeded.add('keychain');
  resultRow('keychain', 'ok', r.message);
}

/** What every hand-off command takes: the key's ref (Rust keeps the IDs step 4 accepted). */
function keyArgs() {
  return { keyRef: ctx.state.keyRef };
}

async function replaceSaved(btn) {
  btn.disabled = true;
  try {
    const r = await saveToKeychain({ ...keyArgs(), replace: true });
    keychainSaved(r);
    ctx.announce(r.message);
  } catch (p) {
    keychainFailed(p);
    ctx.announce(problemText(p));
  }
  settle();
}

/**
 * After a run (or one replace): remember what is done for the summary, offer
 * Finish only when nothing failed, and bring the results into view for
 * keyboard and screen-reader users. Returns how many actions failed.
 */
function settle() {
  handedOff(Array.from(succeeded));
  const failed = document.querySelectorAll('#handoff-results [data-status="error"]').length;
  setPhase(failed ? 'run' : 'finish');
  if (failed) $('section[data-step="handoff"] [data-action="next"]').textContent = 'Try the failed ones again';
  $('#handoff-results').focus({ preventScroll: true });
  reveal($('#handoff-results'));
  return failed;
}

/** Run every chosen action that has not succeeded yet; never stop at the first failure. */
export async function onNext() {
  if (phase === 'finish' || !anyChosen()) return true;
  const base = keyArgs();
  const jobs = [];
  const btn = $('section[data-step="handoff"] [data-action="next"]');
  btn.disabled = true;
  const working = el('p', { class: 'working', role: 'status' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Working…');
  $('#handoff-results').before(working);
  if ($('#do-keychain').checked && !succeeded.has('keychain')) {
    jobs.push(saveToKeychain(base).then(
      keychainSaved,
      keychainFailed,
    ));
  }
  if ($('#do-upload').checked && !$('#upload-choice').hidden && !succeeded.has('upload')) {
    jobs.push(uploadKey({ ...base, token: $('#upload-token').value, confirmedHost: confirmedHost(), confirmedAccount: confirmedAccount() }).then(
      (r) => {
        succeeded.add('upload');
        linkUsed();
        // The token did its job: do not leave it in the page.
        $('#upload-token').value = '';
        resultRow('upload', 'ok', r.message);
      },
      (p) => {
        resultRow('upload', 'error', `Upload failed: ${problemText(p)}`, details(p));
        if (factsOf(p).way_out === 'setup_token') {
          $('#upload-token').setAttribute('aria-invalid', 'true');
          $('#upload-token-error').textContent = p.message;
        }
      },
    ));
  }
  if ($('#do-export').checked && !succeeded.has('export')) {
    const format = $('#export-format').value;
    jobs.push(exportKey({ ...base, format }).then(
      (r) => {
        succeeded.add('export');
        exported(r.path);
        resultRow('export', 'ok', r.message,
          r.commands && r.commands.length ? el('pre', {}, r.commands.join('\n')) : null,
          warningList(r.warnings));
      },
      (p) => resultRow('export', 'error', ...problemParts(p, { lead: 'Export failed: ' })),
    ));
  }
  await Promise.all(jobs);
  working.remove();
  const failed = settle();
  ctx.announce(failed
    ? `${failed} of the chosen actions failed. The others are done. See the results.`
    : 'Everything you chose is done. Press Finish to see the summary.');
  btn.disabled = false;
  return false;
}

export function blocker() {
  const uploading = $('#do-upload').checked && !$('#upload-choice').hidden && !succeeded.has('upload');
  if (uploading && !$('#upload-token').value.trim()) {
    if (linkBlocker()) return linkBlocker();
    if (!linkReady()) return `Paste the ${ctx.state.config.token_label || 'setup token'} to upload, or untick the upload.`;
  }
  if (!ctx.state.keyRef) return 'Go back and choose the key file first.';
  return '';
}
