// Small DOM helpers shared by the step modules.
import { factsOf } from './state.js';

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Create an element with attributes and children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'type' || k === 'role' || k === 'id') node.setAttribute(k, v === true ? '' : String(v));
    else node[k] = v;
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** One finding (note, warning or problem) as a list item with its code. */
export function finding(kind, item) {
  return el('li', { class: kind, 'data-code': item.code },
    el('strong', { text: item.message }),
    item.hint ? el('span', { class: 'hint', text: item.hint }) : null,
    details(item));
}

/** A problem's library or system text (`detail`), folded under "Details", or null. */
export function details(problem) {
  if (!problem || !problem.detail) return null;
  return el('details', { class: 'detail' }, el('summary', {}, 'Details'), el('code', { text: problem.detail }));
}

/** A problem's words: what is wrong, then what to do (the core's `{message, hint}`). */
export function problemText(p) {
  return `${p.message} ${p.hint || ''}`;
}

/**
 * A problem's parts, to place in a row or a message: its words (after `lead`), its "Details",
 * and a button for its way out when the caller offers one for it. `ways` maps the way out Rust
 * names for the problem's code (`factsOf`, from app_info) to `{ label, class, run(button) }`.
 */
export function problemParts(p, { lead = '', ways = {} } = {}) {
  const wayOut = factsOf(p).way_out;
  const way = wayOut && ways[wayOut];
  let action = null;
  if (way) {
    const btn = el('button', { type: 'button', class: `secondary ${way.class}` }, way.label);
    btn.addEventListener('click', () => way.run(btn));
    action = el('div', { class: 'row-actions' }, btn);
  }
  return [`${lead}${problemText(p)}`, details(p), action].filter(Boolean);
}

/** One problem as an element (`data-code` kept for tests), built from `problemParts`. */
export function problemView(p, { tag = 'div', attrs = {}, ...opts } = {}) {
  return el(tag, { ...attrs, 'data-code': p.code }, ...problemParts(p, opts));
}

/** Warnings the core attached to a result (e.g. `xcrun_macos_only` on an export), or null. */
export function warningList(warnings) {
  return warnings && warnings.length ? el('ul', { class: 'findings' }, ...warnings.map((w) => finding('warning', w))) : null;
}

let announceTimer;
/** Say something through the polite live region. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  clearTimeout(announceTimer);
  region.textContent = '';
  // A fresh text node after a tick makes screen readers repeat identical messages.
  announceTimer = setTimeout(() => { region.textContent = text; }, 30);
}

/** Copy text to the clipboard without any plugin; falls back to a hidden textarea. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (_) { /* fall through */ }
  const area = el('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
  area.remove();
  return ok;
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Scroll an element into the step's view without shifting the fixed page frame. */
export function reveal(node) {
  if (!node) return;
  node.scrollIntoView({ block: 'nearest' });
  window.scrollTo(0, 0);
}
