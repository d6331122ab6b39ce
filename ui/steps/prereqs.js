// Step 1: the three prerequisites, ticked by the user.
import { $ } from '../dom.js';

const BOXES = ['#pre-holder', '#pre-program', '#pre-2fa'];
let ctx;

export function init(c) {
  ctx = c;
  for (const sel of BOXES) $(sel).addEventListener('change', () => ctx.refresh());
}

export function blocker() {
  const missing = BOXES.filter((sel) => !$(sel).checked).length;
  if (missing === 0) return '';
  return missing === BOXES.length
    ? 'Tick all three items to go on.'
    : `Tick the ${missing === 1 ? 'last item' : `remaining ${missing} items`} to go on.`;
}
