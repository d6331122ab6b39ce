// Step 3: choose, drop or paste the key; the offline check runs at once in Rust.
import { $, el, finding, problemText, reveal } from '../dom.js';
import { EVENTS } from '../events.js';
import { listen } from '../ipc.js';
import { idsChanged, keyRejected, keySelected } from '../state.js';
import { downloadedKey, loadKeyText, pickKeyFile, useDownloadedKey } from '../api.js';

let ctx;
let busy = false;
// Only the answer to the latest request for the offers is shown: an older one may predate the
// key just loaded and would offer that file again.
let offersAsked = 0;
let offered = new Set();

export function init(c) {
  ctx = c;
  $('#choose-file').addEventListener('click', pick);
  $('#paste-toggle').addEventListener('click', () => {
    const box = $('#paste-box');
    box.hidden = !box.hidden;
    $('#paste-toggle').setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) $('#paste-text').focus();
  });
  $('#check-paste').addEventListener('click', checkPaste);
  // Keys downloaded since step 2 are offered at the top: one click checks the one chosen. The
  // event only says something arrived; the list is asked for again so it is never stale.
  listen(EVENTS.keyDownloaded, () => refreshOffers());
  $('#download-offers').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-offer-id]');
    if (btn) useDownload(Number(btn.dataset.offerId));
  });
  $('#paste-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); checkPaste(); }
  });

  // Rust reads a dropped file itself and sends only the check's metadata.
  listen(EVENTS.keyDropped, (payload) => {
    if (ctx.current !== 'file' && ['prereqs', 'create'].includes(ctx.current)) ctx.show('file');
    if (payload.problem) showProblem(payload.problem, payload.file_name);
    else if (payload.loaded) showLoaded(payload.loaded);
    refreshOffers();
  });
  const zone = $('#drop-zone');
  listen(EVENTS.dragEnter, () => zone.classList.add('hover'));
  listen(EVENTS.dragLeave, () => zone.classList.remove('hover'));
  listen(EVENTS.dragDrop, () => zone.classList.remove('hover'));
}

/** Render Rust's list of offers (newest first; the key in use is never in it). */
function showOffers(offers) {
  const list = Array.isArray(offers) ? offers : [];
  const box = $('#download-offer');
  box.hidden = list.length === 0;
  // The same offers drawn again would only move the buttons under a pointer.
  const drawn = JSON.stringify(list.map((o) => [o.id, o.message]));
  if (box.dataset.drawn === drawn) return;
  box.dataset.drawn = drawn;
  $('#download-offers').replaceChildren(...list.map((o) => {
    const textId = `download-offer-${o.id}`;
    return el('li', { class: 'download-offer', 'data-file-name': o.file_name, 'data-offer-id': o.id },
      el('span', { class: 'download-offer-text', id: textId }, o.message),
      el('button', { type: 'button', class: 'primary small use-download', 'data-offer-id': o.id, 'aria-describedby': textId }, 'Use this file'));
  }));
  const fresh = list.filter((o) => !offered.has(o.id));
  offered = new Set(list.map((o) => o.id));
  if (fresh.length && ctx.current === 'file') ctx.announce(fresh.map((o) => o.message).join(' '));
}

async function refreshOffers() {
  const asked = ++offersAsked;
  const offers = await downloadedKey().catch(() => []);
  if (asked === offersAsked && !busy) showOffers(offers);
}

export async function enter() {
  await refreshOffers();
}

async function useDownload(id) {
  if (busy) return;
  busy = true;
  offersAsked += 1;
  try {
    showLoaded(await useDownloadedKey({ id }));
  } catch (problem) {
    showProblem(problem);
  } finally {
    busy = false;
  }
  // Asked only now, so the answer knows which key is in use.
  await refreshOffers();
}

async function pick() {
  if (busy) return;
  busy = true;
  try {
    const loaded = await pickKeyFile();
    if (loaded) showLoaded(loaded);
    else ctx.announce('No file was chosen.');
  } catch (problem) {
    showProblem(problem);
  } finally {
    busy = false;
  }
  // A picked file that was also offered is in use now: no longer offered.
  await refreshOffers();
}

async function checkPaste() {
  const text = $('#paste-text').value;
  if (!text.trim()) {
    showProblem({ message: 'The text box is empty.', hint: 'Paste the whole key, including the BEGIN and END lines.' });
    return;
  }
  try {
    showLoaded(await loadKeyText({ text }));
  } catch (problem) {
    showProblem(problem);
  } finally {
    // Checked or refused, the text has been to Rust: never keep a copy of a key in the page.
    $('#paste-text').value = '';
  }
}

/** Render a load result: what was found, what was repaired, what is wrong. */
export function showLoaded(loaded) {
  const { report } = loaded;
  const s = ctx.state;
  // A different key invalidates an earlier test (state.js says what else).
  keySelected(loaded);

  const box = $('#file-result');
  box.hidden = false;
  box.dataset.ok = String(Boolean(report.ok));
  $('.result-title', box).textContent = report.ok
    ? (report.notes.length ? 'The key is usable, after the repairs listed below.' : 'The key file is valid: a P-256 private key, the kind App Store Connect issues.')
    : 'This key cannot be used yet.';
  $('#file-name').textContent = loaded.file_name || (loaded.source === 'text' ? 'Pasted text' : '—');
  $('#fingerprint').textContent = report.fingerprint || '—';
  const list = $('.findings', box);
  list.replaceChildren(
    ...report.problems.map((p) => finding('problem', p)),
    ...report.warnings.map((w) => finding('warning', w)),
    ...report.notes.map((n) => finding('note', n)),
  );
  if (report.ok && s.keyIdFromFile) {
    const keyInput = $('#key-id');
    if (!keyInput.value.trim() || keyInput.dataset.auto === 'true') {
      keyInput.value = s.keyIdFromFile;
      keyInput.dataset.auto = 'true';
      idsChanged({ keyId: s.keyIdFromFile });
    }
  }
  reveal(box);
  ctx.announce(report.ok
    ? `Key checked: it is usable.${report.notes.length ? ` ${report.notes.length} thing(s) repaired.` : ''}`
    : `Key checked: it cannot be used. ${report.problems.map((p) => p.message).join(' ')}`);
  ctx.refresh();
}

function showProblem(problem, fileName) {
  keyRejected();
  const box = $('#file-result');
  box.hidden = false;
  box.dataset.ok = 'false';
  $('.result-title', box).textContent = 'The key could not be read.';
  $('#file-name').textContent = fileName || '—';
  $('#fingerprint').textContent = '—';
  $('.findings', box).replaceChildren(finding('problem', problem));
  reveal(box);
  ctx.announce(problemText(problem));
  ctx.refresh();
}

export function blocker() {
  const s = ctx.state;
  if (s.keyRef) return '';
  if (s.loaded && !s.loaded.report.ok) return 'This key cannot be used: see what is wrong above.';
  if (!$('#file-result').hidden) return 'Choose a key file that works.';
  return 'Choose the key file (or paste the key) first.';
}

