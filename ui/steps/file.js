// Step 3: choose, drop or paste the key; the offline check runs at once in Rust.
import { $, finding, reveal } from '../dom.js';
import { listen } from '../ipc.js';
import { downloadedKey, loadKeyText, pickKeyFile, useDownloadedKey } from '../api.js';

let ctx;
let busy = false;

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
  // A key downloaded since step 2 is offered at the top: one click checks it.
  listen('key-downloaded', showOffer);
  $('#use-download').addEventListener('click', useDownload);
  $('#paste-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); checkPaste(); }
  });

  // Rust reads a dropped file itself and sends only the check's metadata.
  listen('key-dropped', (payload) => {
    if (ctx.current !== 'file' && ['prereqs', 'create'].includes(ctx.current)) ctx.show('file');
    if (payload.problem) showProblem(payload.problem, payload.file_name);
    else if (payload.loaded) showLoaded(payload.loaded);
  });
  const zone = $('#drop-zone');
  listen('tauri://drag-enter', () => zone.classList.add('hover'));
  listen('tauri://drag-leave', () => zone.classList.remove('hover'));
  listen('tauri://drag-drop', () => zone.classList.remove('hover'));
}

function showOffer(offer) {
  const box = $('#download-offer');
  box.hidden = !offer;
  if (!offer) return;
  $('#download-offer-text').textContent = offer.message;
  box.dataset.fileName = offer.file_name;
  if (ctx.current === 'file') ctx.announce(offer.message);
}

export async function enter() {
  showOffer(await downloadedKey().catch(() => null));
}

async function useDownload() {
  if (busy) return;
  busy = true;
  try {
    showLoaded(await useDownloadedKey());
    $('#download-offer').hidden = true;
  } catch (problem) {
    showProblem(problem);
  } finally {
    busy = false;
  }
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
}

async function checkPaste() {
  const text = $('#paste-text').value;
  if (!text.trim()) {
    showProblem({ code: 'empty', message: 'The text box is empty.', hint: 'Paste the whole key, including the BEGIN and END lines.' });
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

function resetFollowing() {
  // A different key invalidates an earlier test.
  ctx.state.verification = null;
  ctx.state.testedAt = null;
  ctx.state.untested = false;
  ctx.state.handoff = null;
}

/** Render a load result: what was found, what was repaired, what is wrong. */
export function showLoaded(loaded) {
  const { report } = loaded;
  const s = ctx.state;
  resetFollowing();
  s.loaded = loaded;
  s.keyRef = report.ok ? loaded.key_ref : null;
  s.keyIdFromFile = report.key_id || null;

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
      s.keyId = s.keyIdFromFile;
    }
  }
  reveal(box);
  ctx.announce(report.ok
    ? `Key checked: it is usable.${report.notes.length ? ` ${report.notes.length} thing(s) repaired.` : ''}`
    : `Key checked: it cannot be used. ${report.problems.map((p) => p.message).join(' ')}`);
  ctx.refresh();
}

function showProblem(problem, fileName) {
  resetFollowing();
  ctx.state.keyRef = null;
  ctx.state.loaded = null;
  const box = $('#file-result');
  box.hidden = false;
  box.dataset.ok = 'false';
  $('.result-title', box).textContent = 'The key could not be read.';
  $('#file-name').textContent = fileName || '—';
  $('#fingerprint').textContent = '—';
  $('.findings', box).replaceChildren(finding('problem', problem));
  reveal(box);
  ctx.announce(`${problem.message} ${problem.hint || ''}`);
  ctx.refresh();
}

export function blocker() {
  const s = ctx.state;
  if (s.keyRef) return '';
  if (s.loaded && !s.loaded.report.ok) return 'This key cannot be used: see what is wrong above.';
  if (!$('#file-result').hidden) return 'Choose a key file that works.';
  return 'Choose the key file (or paste the key) first.';
}

