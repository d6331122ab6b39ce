// Saved keys screen: list, re-test, export, delete (with an inline confirmation).
import { $, details, el, formatTime, warningList } from './dom.js';
import { deleteSaved, exportSaved, listSaved, retestSaved } from './api.js';

let ctx;

export function init(c) {
  ctx = c;
}

export function blocker() {
  return '';
}

export function enter() {
  load();
}

function outcomeText(row) {
  if (!row.last_outcome || row.last_outcome === 'not_tested') return 'Not yet tested';
  const when = row.last_verified_at ? ` (${formatTime(row.last_verified_at)})` : '';
  return row.last_outcome === 'valid' ? `Valid API Key${when}` : `${row.last_message || row.last_outcome}${when}`;
}

async function load() {
  const list = $('#saved-list');
  list.setAttribute('aria-busy', 'true');
  let rows = [];
  try {
    rows = await listSaved();
  } catch (problem) {
    list.replaceChildren(el('li', { class: 'problem', 'data-code': problem.code }, `${problem.message} ${problem.hint}`, details(problem)));
    list.removeAttribute('aria-busy');
    $('.empty-saved').hidden = true;
    return;
  }
  list.removeAttribute('aria-busy');
  $('.empty-saved').hidden = rows.length > 0;
  $('.saved-export').hidden = rows.length === 0;
  list.replaceChildren(...rows.map(renderRow));
  ctx.announce(rows.length ? `${rows.length} saved key(s).` : 'No keys are saved on this computer yet.');
}

function renderRow(row) {
  const li = el('li', { 'data-key-id': row.key_id });
  const outcome = el('span', { class: 'last-outcome', 'data-outcome': row.last_outcome || 'not_tested' }, outcomeText(row));
  li.append(
    el('div', { class: 'saved-head' },
      el('span', { class: 'saved-id mono' }, row.key_id),
      row.label && !row.label.includes(row.key_id) ? el('span', {}, row.label) : null,
      outcome),
    el('div', { class: 'saved-meta' },
      `Issuer ID: ${row.issuer_id || 'none (individual key)'} · Saved ${formatTime(row.saved_at)}`,
      row.fingerprint ? el('span', { class: 'mono' }, ` · ${row.fingerprint.slice(0, 23)}…`) : null),
  );
  const retest = el('button', { type: 'button', class: 'retest small', 'aria-label': `Test again: ${row.key_id}` }, 'Test again');
  const exp = el('button', { type: 'button', class: 'export small', 'aria-label': `Export ${row.key_id}` }, 'Export');
  const del = el('button', { type: 'button', class: 'delete small', 'aria-label': `Delete ${row.key_id} from this computer` }, 'Delete');
  const actions = el('div', { class: 'saved-actions' }, retest, exp, del);
  const message = el('p', { class: 'row-message', role: 'status' });
  const warnings = el('div', { class: 'row-warnings' });
  li.append(actions, message, warnings);

  retest.addEventListener('click', async () => {
    retest.disabled = true;
    retest.textContent = 'Testing…';
    outcome.textContent = 'Asking Apple…';
    try {
      const v = await retestSaved({ keyId: row.key_id });
      row.last_outcome = v.outcome;
      row.last_message = v.message;
      row.last_verified_at = new Date().toISOString();
      message.dataset.status = v.outcome === 'valid' ? 'ok' : 'error';
      message.textContent = v.outcome === 'valid' ? 'Apple accepted the key.' : `${v.message} ${v.hint}`;
    } catch (p) {
      message.dataset.status = 'error';
      message.replaceChildren(...[`${p.message} ${p.hint}`, details(p)].filter(Boolean));
    }
    outcome.dataset.outcome = row.last_outcome || 'not_tested';
    outcome.textContent = outcomeText(row);
    retest.disabled = false;
    retest.textContent = 'Test again';
    ctx.announce(`${row.key_id}: ${outcome.textContent}. ${message.textContent}`);
  });

  exp.addEventListener('click', async () => {
    const format = $('#saved-export-format').value;
    try {
      const r = await exportSaved({ keyId: row.key_id, format });
      message.dataset.status = 'ok';
      message.textContent = r.message;
      warnings.replaceChildren(...[warningList(r.warnings)].filter(Boolean));
    } catch (p) {
      message.dataset.status = 'error';
      message.replaceChildren(...[`${p.message} ${p.hint}`, details(p)].filter(Boolean));
      warnings.replaceChildren();
    }
    ctx.announce(`${message.textContent} ${warnings.textContent}`.trim());
  });

  del.addEventListener('click', () => {
    // Inline confirmation: no pop-up windows.
    const confirmBtn = el('button', { type: 'button', class: 'confirm-delete small' }, 'Yes, delete it');
    const cancelBtn = el('button', { type: 'button', class: 'cancel-delete small' }, 'Keep it');
    const text = el('span', { class: 'confirm-text' }, 'Delete this key from this computer? It stays active at Apple.');
    actions.replaceChildren(text, confirmBtn, cancelBtn);
    cancelBtn.focus();
    cancelBtn.addEventListener('click', () => { actions.replaceChildren(retest, exp, del); del.focus(); });
    confirmBtn.addEventListener('click', async () => {
      try {
        await deleteSaved({ keyId: row.key_id });
        ctx.announce(`${row.key_id} was deleted from this computer.`);
        li.remove();
        const left = $('#saved-list').children.length;
        $('.empty-saved').hidden = left > 0;
        $('.saved-export').hidden = left === 0;
        $('#close-saved').focus();
      } catch (p) {
        actions.replaceChildren(retest, exp, del);
        message.dataset.status = 'error';
        message.replaceChildren(...[`${p.message} ${p.hint}`, details(p)].filter(Boolean));
        ctx.announce(message.textContent);
      }
    });
  });
  return li;
}
