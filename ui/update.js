// A platform build's update: Rust checks in the background after start-up and says when one is
// ready (`update-ready`); it installs only when the merchant presses the button.
import { $, problemText } from './dom.js';
import { installUpdate, updateStatus } from './api.js';
import { EVENTS } from './events.js';
import { listen } from './ipc.js';
import { factsOf } from './state.js';

async function show() {
  const notice = await updateStatus().catch(() => null);
  $('#update-banner').hidden = !notice;
  if (notice) $('#update-message').textContent = notice.message;
}

/** Watch for an update (none in the generic build: the banner stays hidden). */
export function watchUpdates() {
  listen(EVENTS.updateReady, show);
  show();
  $('#install-update').addEventListener('click', async () => {
    const btn = $('#install-update');
    btn.disabled = true;
    btn.textContent = 'Installing…';
    try {
      await installUpdate(); // the app restarts when it worked
    } catch (p) {
      $('#update-problem').textContent = problemText(p);
      btn.textContent = 'Install and restart';
      btn.disabled = false;
      // Only a download that did not get through (no answer) may be tried again; a refused one is gone.
      btn.hidden = factsOf(p).class !== 'no_answer';
    }
  });
}
