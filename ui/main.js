// Wizard controller: step order, progress rail, next/back gating, Saved keys screen.
// Each step module exports `init(ctx)` and `blocker()` (why Next is disabled, or '').

import { $, $$, announce, el } from './dom.js';
import { available } from './ipc.js';
import { appInfo, handoffConfig } from './api.js';
import { applyBrand } from './brand.js';
import { watchUpdates } from './update.js';
import { remember, rememberedPlace } from './place.js';
import * as prereqs from './steps/prereqs.js';
import * as create from './steps/create.js';
import * as file from './steps/file.js';
import * as ids from './steps/ids.js';
import * as test from './steps/test.js';
import * as handoff from './steps/handoff.js';
import * as done from './steps/done.js';
import * as saved from './saved.js';
import { ascWayChosen, branded, codesLearned, configured, state } from './state.js';

const ORDER = ['prereqs', 'create', 'file', 'ids', 'test', 'handoff', 'done'];
const MODULES = { prereqs, create, file, ids, test, handoff, done };

// Everything the user entered or learned lives in state.js; steps change it through its transitions.

let current = 'prereqs';
let beforeSaved = 'prereqs';

function section(name) {
  return $(`section.step[data-step="${name}"]`);
}

/** Re-evaluate the current step's Next button and its visible reason. */
function refresh() {
  const mod = MODULES[current];
  if (!mod) return;
  const reason = mod.blocker ? mod.blocker() : '';
  const sec = section(current);
  const next = $('[data-action="next"]', sec);
  const blocker = $('.blocker', sec);
  if (next) next.disabled = Boolean(reason);
  if (blocker) blocker.textContent = reason || '';
}

function updateRail() {
  const idx = ORDER.indexOf(current);
  for (const li of $$('#rail li[data-rail]')) {
    const i = ORDER.indexOf(li.dataset.rail);
    if (li.dataset.rail === current) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
    li.classList.toggle('complete', idx >= 0 && i < idx);
    const status = li.querySelector('.visually-hidden') || li.appendChild(Object.assign(document.createElement('span'), { className: 'visually-hidden' }));
    status.textContent = li.dataset.rail === current ? ' (current step)' : (idx >= 0 && i < idx ? ' (done)' : '');
  }
}

/**
 * Show one step (or the saved screen), focus its heading and announce it.
 * At launch focus stays at the start of the document, where screen readers
 * begin anyway and the first Tab reaches "Skip to the current step": WebKitGTK
 * builds its accessibility objects on the first focus (about 20 MB here), and
 * paying that before the user does anything is what a bare window never does.
 */
function show(name, { initial = false } = {}) {
  for (const sec of $$('section.step')) sec.hidden = sec.dataset.step !== name;
  current = name;
  remember(name);
  const mod = MODULES[name] || (name === 'saved' ? saved : null);
  if (mod && mod.enter) mod.enter();
  updateRail();
  refresh();
  const heading = $('h2', section(name));
  if (heading) {
    if (!initial) heading.focus();
    const pos = ORDER.indexOf(name);
    announce(pos >= 0 ? `Step ${pos + 1} of ${ORDER.length}: ${heading.textContent}` : heading.textContent);
  }
  document.getElementById('wizard').scrollTop = 0;
  window.scrollTo(0, 0);
}

function go(delta) {
  const i = ORDER.indexOf(current);
  const target = ORDER[Math.min(Math.max(i + delta, 0), ORDER.length - 1)];
  if (target !== current) show(target);
}

/**
 * A key caught in the App Store Connect window goes as far as it can without another Next: step 3
 * shows it checked; with the Issuer ID confirmed there too, the IDs are checked and the test with
 * Apple starts at once. Anything missing stops at the step that needs it.
 */
async function caught(loaded) {
  file.showLoaded(loaded);
  if (file.blocker()) { show('file'); return; }
  if (!state.issuerConfirmed && state.kind === 'team') { show('file'); return; }
  await ids.validate();
  if (ids.blocker()) { show('ids'); return; }
  show('test');
  test.run();
}

const ctx = {
  state,
  announce,
  refresh,
  show,
  caught,
  next: () => go(1),
  back: () => go(-1),
  get current() { return current; },
};

function wireNavigation() {
  for (const name of ORDER) {
    const sec = section(name);
    const next = $('[data-action="next"]', sec);
    const back = $('[data-action="back"]', sec);
    if (next) {
      next.addEventListener('click', async () => {
        if (next.disabled) return;
        const mod = MODULES[name];
        // A step may do work on Next (e.g. the hand-off runs) and decide to stay.
        if (mod.onNext) {
          const proceed = await mod.onNext();
          if (!proceed) { refresh(); return; }
        }
        go(1);
      });
    }
    if (back) back.addEventListener('click', () => go(-1));
  }
  // Enter in a one-line field acts like the step's primary action.
  document.getElementById('wizard').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement) || e.target.type === 'checkbox' || e.target.type === 'radio') return;
    const next = $('[data-action="next"]', section(current));
    if (next && !next.disabled) { e.preventDefault(); next.click(); }
  });
  // "Skip to the current step" lands on that step's heading, not just near it.
  $('a.skip').addEventListener('click', (e) => {
    e.preventDefault();
    const heading = $('h2', section(current));
    if (heading) heading.focus();
  });
  $('#open-saved').addEventListener('click', () => {
    if (current !== 'saved') beforeSaved = current;
    show('saved');
  });
  $('#close-saved').addEventListener('click', () => show(beforeSaved));
  $('#saved-banner-open').addEventListener('click', () => $('#open-saved').click());
}

// The export menus list the formats Rust knows (core/export/formats.rs), in its order and words.
function fillExportMenus(formats) {
  for (const [sel, words] of [['#export-format', 'label'], ['#saved-export-format', 'short_label']]) {
    $(sel).replaceChildren(...formats.map((f) => el('option', { value: f.value }, f[words])));
  }
}

async function loadConfig() {
  try {
    const cfg = await handoffConfig();
    configured(cfg);
  } catch (problem) {
    console.warn('handoff_config', problem.code);
  }
  for (const node of $$('.store-name')) node.textContent = state.config.store_name || 'keychain';
}

async function start() {
  if (!available) {
    const lead = $('section[data-step="prereqs"] .lead');
    if (lead) lead.textContent = 'This page only works inside the ASC Key Wizard app.';
  }
  // Brand first, so the first paint a merchant reads is already the platform's.
  const info = await appInfo().catch(() => null);
  applyBrand(info && info.brand);
  branded(info && info.brand);
  codesLearned(info && info.codes);
  ascWayChosen(info && info.asc_way);
  fillExportMenus((info && info.export_formats) || []);
  wireNavigation();
  watchUpdates();
  for (const mod of [...Object.values(MODULES), saved]) mod.init(ctx);
  await loadConfig();
  for (const mod of [...Object.values(MODULES), saved]) if (mod.configure) mod.configure();
  saved.banner();
  if (rememberedPlace(info) === 'create') {
    for (const box of $$('section[data-step="prereqs"] input[type="checkbox"]')) box.checked = true;
    show('create', { initial: true });
  } else {
    show('prereqs', { initial: true });
  }
}

start();
