// Saved keys screen: list, re-test (one or all), compare with a CI secret, export, delete (with an
// inline confirmation); and the launch banner for keys whose answer changed or whose test is old.
import { $, details, el, formatTime, problemParts, problemText, problemView, warningList } from './dom.js';
import { compareSaved, deleteSaved, exportSaved, listSaved, retestAllSaved, retestSaved } from './api.js';

let ctx;

export function init(c) {
  ctx = c;
  $('#test-all').addEventListener('click', testAll);
}

/** On launch: a banner when a saved key's answer changed or its last test is old (the core says which). */
export async function banner() {
  let rows = [];
  try { rows = await listSaved(); } catch (_) { return; }
  const news = rows.filter((r) => r.attention);
  $('#saved-banner').hidden = news.length === 0;
  $('#saved-banner-list').replaceChildren(...news.map((r) => el('li', { 'data-key-id': r.key_id }, r.attention)));
}

async function testAll() {
  const btn = $('#test-all');
  btn.disabled = true;
  btn.textContent = 'Testing all…';
  $('#test-all-status').textContent = 'Asking Apple about every saved key, two at a time.';
  let results = [];
  try {
    results = await retestAllSaved();
  } catch (p) {
    $('#test-all-status').textContent = problemText(p);
  }
  btn.disabled = false;
  btn.textContent = 'Test all';
  if (!results.length) return;
  await load();
  for (const r of results) {
    const li = $(`#saved-list li[data-key-id="${r.key_id}"]`);
    if (!li) continue;
    const msg = $('.row-message', li);
    const ok = r.class === 'usable';
    msg.dataset.status = ok ? 'ok' : 'error';
    const said = r.change ? [r.change.message, r.change.hint].filter(Boolean).join(' ') : problemText(r.problem);
    msg.replaceChildren(...[said, details(r.apple || r.problem)].filter(Boolean));
  }
  const bad = results.filter((r) => r.class !== 'usable').length;
  $('#test-all-status').textContent = bad
    ? `${results.length} key(s) tested: ${bad} need a look (said under each).`
    : `${results.length} key(s) tested: all work.`;
  ctx.announce($('#test-all-status').textContent);
  banner();
}

export function blocker() {
  return '';
}

export function enter() {
  load();
}

function age(days) {
  if (days == null) return '';
  return days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

// The row's last answer: none (never tested), or what its class says (`usable`: it was valid).
function outcomeText(row) {
  if (!row.last_class) return 'Not yet tested';
  const when = row.last_verified_at ? ` (${formatTime(row.last_verified_at)}, ${age(row.age_days)})` : '';
  return row.last_class === 'usable' ? `Valid API Key${when}` : `${row.last_message || row.last_outcome}${when}`;
}

async function load() {
  const list = $('#saved-list');
  list.setAttribute('aria-busy', 'true');
  let rows = [];
  try {
    rows = await listSaved();
  } catch (problem) {
    list.replaceChildren(problemView(problem, { tag: 'li', attrs: { class: 'problem' } }));
    list.removeAttribute('aria-busy');
    $('.empty-saved').hidden = true;
    return;
  }
  list.removeAttribute('aria-busy');
  $('.empty-saved').hidden = rows.length > 0;
  $('.saved-export').hidden = rows.length === 0;
  $('.saved-all').hidden = rows.length === 0;
  list.replaceChildren(...rows.map(renderRow));
  ctx.announce(rows.length ? `${rows.length} saved key(s).` : 'No keys are saved on this computer yet.');
}

function renderRow(row) {
  const li = el('li', { 'data-key-id': row.key_id });
  const outcome = el('span', { class: 'last-outcome', 'data-outcome': row.last_outcome }, outcomeText(row));
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
  const cmp = el('button', { type: 'button', class: 'compare small', 'aria-label': `Compare with text: ${row.key_id}` }, 'Compare with text…');
  const actions = el('div', { class: 'saved-actions' }, retest, exp, cmp, del);
  const message = el('p', { class: 'row-message', role: 'status' });
  const warnings = el('div', { class: 'row-warnings' });
  const fieldId = `compare-${row.key_id}`;
  const area = el('textarea', { id: fieldId, class: 'compare-text mono', rows: 4, autocomplete: 'off' });
  area.spellcheck = false;
  const run = el('button', { type: 'button', class: 'compare-run small' }, 'Compare');
  const compareBox = el('div', { class: 'compare-box' },
    el('label', { htmlFor: fieldId }, `Paste what your CI secret store holds for ${row.key_id}; the wizard checks it is the same key.`),
    area, run);
  compareBox.hidden = true;
  li.append(actions, compareBox, message, warnings);

  cmp.addEventListener('click', () => {
    compareBox.hidden = !compareBox.hidden;
    if (!compareBox.hidden) area.focus();
  });
  run.addEventListener('click', async () => {
    try {
      const r = await compareSaved({ keyId: row.key_id, text: area.value });
      message.dataset.status = r.same ? 'ok' : 'error';
      const fixes = (r.notes || []).map((n) => n.message);
      const why = (r.problems || []).map(problemText);
      message.textContent = [r.message, ...why, ...fixes].join(' ');
    } catch (p) {
      message.dataset.status = 'error';
      message.replaceChildren(...problemParts(p));
    }
    // The pasted secret does not stay on screen.
    area.value = '';
    ctx.announce(message.textContent);
  });

  retest.addEventListener('click', async () => {
    retest.disabled = true;
    retest.textContent = 'Testing…';
    outcome.textContent = 'Asking Apple…';
    try {
      const v = await retestSaved({ keyId: row.key_id });
      row.last_outcome = v.outcome;
      row.last_class = v.class;
      row.last_message = v.message;
      row.last_verified_at = new Date().toISOString();
      const ok = v.class === 'usable';
      message.dataset.status = ok ? 'ok' : 'error';
      message.textContent = ok ? 'Apple accepted the key.' : problemText(v);
    } catch (p) {
      message.dataset.status = 'error';
      message.replaceChildren(...problemParts(p));
    }
    outcome.dataset.outcome = row.last_outcome;
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
      // The commands to run next (xcodebuild flags, gh secret set, altool), and the notes.
      const next = (r.commands || []).length ? el('pre', { class: 'export-commands' }, r.commands.join('\n')) : null;
      const notes = (r.notes || []).map((n) => el('p', { class: 'explain' }, n));
      warnings.replaceChildren(...[next, ...notes, warningList(r.warnings)].filter(Boolean));
    } catch (p) {
      message.dataset.status = 'error';
      message.replaceChildren(...problemParts(p));
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
    cancelBtn.addEventListener('click', () => { actions.replaceChildren(retest, exp, cmp, del); del.focus(); });
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
        actions.replaceChildren(retest, exp, cmp, del);
        message.dataset.status = 'error';
        message.replaceChildren(...problemParts(p));
        ctx.announce(message.textContent);
      }
    });
  });
  return li;
}
