// Step 2: create the key in App Store Connect, in this app's window (the key is caught before it
// touches the disk) or in the browser (the download watch offers it in step 3).
import { $, $$, copyText, problemText, problemView } from '../dom.js';
import { EVENTS } from '../events.js';
import { listen } from '../ipc.js';
import { chooseAscWay, openAscWindow, openDestination, signOutOfApple, watchDownloads } from '../api.js';
import { ascWayChosen, idsChanged, issuerConfirmed } from '../state.js';

let ctx;
let offered = null;
// Whether the browser offer shown is a stall's (it goes when the page changes) or a refusal's.
let stalled = false;

export function init(c) {
  ctx = c;
  $('#open-asc-here').addEventListener('click', openHere);
  for (const id of ['#open-asc', '#asc-fallback-browser']) $(id).addEventListener('click', useBrowser);
  $('#asc-sign-out').addEventListener('click', signOut);
  $('#asc-issuer-use').addEventListener('click', useIssuer);
  $('#copy-name').addEventListener('click', async () => {
    const ok = await copyText($('#suggested-name').textContent.trim());
    const btn = $('#copy-name');
    btn.textContent = ok ? 'Copied ✓' : 'Copy failed: select the name and copy it';
    ctx.announce(ok ? 'The key name is copied.' : 'Copying did not work. Select the name and copy it yourself.');
    setTimeout(() => { btn.textContent = 'Copy name'; }, 2500);
  });
  // The App Store Connect window reports through Rust: the page it shows, the Issuer ID it saw,
  // that the merchant seems stuck, and the key it caught (metadata only; main.js moves on).
  listen(EVENTS.ascPage, showPage);
  listen(EVENTS.ascIssuerOffered, offerIssuer);
  listen(EVENTS.ascFallback, (offer) => showFallback(offer.message, { stall: true }));
  listen(EVENTS.ascKeyCaught, (payload) => {
    if (payload.problem) showCaughtProblem(payload.problem);
    else if (payload.loaded) { $('#asc-caught-problem').hidden = true; ctx.caught(payload.loaded); }
  });
}

export function configure() {
  const platform = ctx.state.config.platform_name;
  const suggested = ctx.state.brand && ctx.state.brand.suggested_key_name;
  if (suggested) $('#suggested-name').textContent = suggested;
  else if (platform) $('#suggested-name').textContent = `${platform} Integration`;
  applyWay();
}

/** The remembered way comes first: the window, or (once chosen) the browser. */
function applyWay() {
  const browser = ctx.state.ascWay === 'browser';
  const here = $('#open-asc-here');
  const other = $('#open-asc');
  $('#create-lead-here').hidden = browser;
  $('#create-lead-browser').hidden = !browser;
  here.className = browser ? 'secondary' : 'primary';
  other.className = browser ? 'primary' : 'secondary';
  here.textContent = browser ? 'Open App Store Connect in this app instead' : 'Open App Store Connect here';
  const order = browser ? [other, here] : [here, other];
  const box = $('#asc-ways');
  if (box.firstElementChild === order[0]) return;
  // Moving the buttons takes focus from the one just pressed: it is given back.
  const focused = document.activeElement;
  box.replaceChildren(...order);
  if (order.includes(focused)) focused.focus();
}

async function openHere() {
  try {
    await openAscWindow();
  } catch (problem) {
    showFallback(problemText(problem));
    return;
  }
  remember('here');
  $('#asc-fallback').hidden = true;
  $('#asc-guide').hidden = false;
  if (!$('#asc-instruction').textContent) $('#asc-instruction').textContent = 'Sign in to App Store Connect in the window that opened.';
  ctx.announce('App Store Connect is open in its own window. This window says what to click there.');
}

async function useBrowser() {
  remember('browser');
  $('#asc-fallback').hidden = true;
  try {
    await openDestination({ which: 'app_store_connect' });
    ctx.announce('App Store Connect is opening in your browser. Follow the numbered steps; the wizard finds the downloaded key.');
  } catch (problem) {
    ctx.announce(problemText(problem));
  }
}

function remember(way) {
  ascWayChosen(way);
  applyWay();
  chooseAscWay({ way }).catch(() => { /* not kept: the window comes first next time */ });
}

/** The page the window shows: its instruction, and which numbered step it is at. */
function showPage({ instruction, step }) {
  // A stall's offer is about the page the merchant has now left.
  if (stalled) { $('#asc-fallback').hidden = true; stalled = false; }
  $('#asc-guide').hidden = false;
  $('#asc-instruction').textContent = instruction;
  $$('#asc-steps > li').forEach((li, i) => li.classList.toggle('current', step === i + 1));
}

function offerIssuer(issuerId) {
  offered = issuerId;
  $('#asc-issuer-id').textContent = issuerId;
  $('#asc-issuer').hidden = false;
  const used = ctx.state.issuerConfirmed === issuerId;
  $('#asc-issuer-use').hidden = used;
  $('#asc-issuer-used').hidden = !used;
  if (!used) ctx.announce('App Store Connect shows your Issuer ID. Use it, and you need not copy it.');
}

/** The merchant confirmed the Issuer ID the page showed: step 4 has it, nothing to paste. */
function useIssuer() {
  if (!offered) return;
  const input = $('#issuer-id');
  input.value = offered;
  input.dataset.auto = 'true';
  issuerConfirmed(offered);
  idsChanged({ issuerId: offered });
  $('#asc-issuer-use').hidden = true;
  $('#asc-issuer-used').hidden = false;
  $('#asc-issuer-used').focus();
  ctx.announce('The wizard will use this Issuer ID.');
}

function showFallback(message, { stall = false } = {}) {
  stalled = stall;
  $('#asc-fallback-why').textContent = message;
  $('#asc-fallback').hidden = false;
  if (ctx.current === 'create') ctx.announce(message);
}

function showCaughtProblem(problem) {
  const box = $('#asc-caught-problem');
  box.replaceChildren(problemView(problem, { tag: 'p' }));
  box.hidden = false;
  $('#asc-guide').hidden = false;
  // Said where the merchant is: a key caught before stays selected, and the step stays.
  ctx.announce(problemText(problem));
}

async function signOut() {
  try {
    await signOutOfApple();
    $('#asc-guide').hidden = true;
    $('#asc-instruction').textContent = '';
    ctx.announce('Signed out of Apple in this app. The App Store Connect window is closed.');
  } catch (problem) {
    ctx.announce(problemText(problem));
  }
}

/** From here on, a key downloaded in the browser is caught (offered in step 3). */
export function enter() {
  watchDownloads().catch(() => { /* the picker still works */ });
}

export function blocker() {
  return '';
}
