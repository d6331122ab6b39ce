// A platform build's look: its name, logo and accent colours (checked for contrast at build time).
import { $, el } from './dom.js';
import { openDestination } from './api.js';

/** Apply `brand` from app_info; the generic build sends none and keeps its own look. */
export function applyBrand(brand) {
  if (!brand) return;
  const root = document.documentElement;
  root.dataset.brand = 'platform';
  root.style.setProperty('--brand-accent-light', brand.accent_light);
  root.style.setProperty('--brand-accent-dark', brand.accent_dark);
  root.style.setProperty('--brand-accent-text-light', brand.accent_text_light);
  root.style.setProperty('--brand-accent-text-dark', brand.accent_text_dark);
  document.title = brand.product_name;
  const mark = $('.brand');
  const name = document.createElement('span');
  name.textContent = brand.product_name;
  const parts = [];
  if (brand.logo) {
    const img = document.createElement('img');
    img.src = brand.logo; // a data: URL of the SVG the build checked (no script, nothing remote)
    img.alt = '';
    img.width = 24;
    img.height = 24;
    img.className = 'brand-logo';
    parts.push(img);
  }
  mark.replaceChildren(...parts, name);
  // The profile's help links: the page names an index, Rust opens the URL the build checked.
  const help = $('#brand-help');
  help.replaceChildren(...(brand.help_links || []).map((link, i) => {
    const b = el('button', { type: 'button', class: 'small' }, `${link.label} `, el('span', { 'aria-hidden': 'true' }, '↗'));
    b.addEventListener('click', () => openDestination({ which: { help: i } }).catch(() => {}));
    return b;
  }));
  help.hidden = !help.children.length;
}
