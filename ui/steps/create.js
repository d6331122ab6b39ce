// Step 2: how to create the key in App Store Connect.
import { $, copyText, problemText } from '../dom.js';
import { openDestination, watchDownloads } from '../api.js';

let ctx;

export function init(c) {
  ctx = c;
  $('#open-asc').addEventListener('click', async () => {
    try {
      await openDestination({ which: 'app_store_connect' });
      ctx.announce('App Store Connect is opening in your browser.');
    } catch (problem) {
      ctx.announce(problemText(problem));
    }
  });
  $('#copy-name').addEventListener('click', async () => {
    const ok = await copyText($('#suggested-name').textContent.trim());
    const btn = $('#copy-name');
    btn.textContent = ok ? 'Copied ✓' : 'Copy failed: select the name and copy it';
    ctx.announce(ok ? 'The key name is copied.' : 'Copying did not work. Select the name and copy it yourself.');
    setTimeout(() => { btn.textContent = 'Copy name'; }, 2500);
  });
}

export function configure() {
  const platform = ctx.state.config.platform_name;
  const suggested = ctx.state.brand && ctx.state.brand.suggested_key_name;
  if (suggested) $('#suggested-name').textContent = suggested;
  else if (platform) $('#suggested-name').textContent = `${platform} Integration`;
}

/** From here on, a key downloaded from App Store Connect is caught (offered in step 3). */
export function enter() {
  watchDownloads().catch(() => { /* the picker still works */ });
}

export function blocker() {
  return '';
}
