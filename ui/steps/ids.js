// Step 4: Key ID and Issuer ID, validated live by the core (trimmed, unquoted, case fixed).
import { $, finding, problemText } from '../dom.js';
import { checkIds } from '../api.js';
import { idsChanged } from '../state.js';

let ctx;
let seq = 0;
let timer;
const touched = { key: false, issuer: false };

export function init(c) {
  ctx = c;
  const keyInput = $('#key-id');
  const issuerInput = $('#issuer-id');
  keyInput.addEventListener('input', () => { keyInput.dataset.auto = 'false'; touched.key = true; schedule(); });
  issuerInput.addEventListener('input', () => { touched.issuer = true; schedule(); });
  keyInput.addEventListener('blur', () => { touched.key = keyInput.value !== '' || touched.key; applyNormalized(); });
  issuerInput.addEventListener('blur', () => { touched.issuer = issuerInput.value !== '' || touched.issuer; applyNormalized(); });
  for (const radio of [$('#kind-team'), $('#kind-individual')]) {
    radio.addEventListener('change', () => { syncKind(); validate(); });
  }
}

function syncKind() {
  idsChanged({ kind: $('#kind-individual').checked ? 'individual' : 'team' });
  $('#issuer-id').disabled = ctx.state.kind === 'individual';
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(validate, 120);
}

/** Ask the core about both fields; only the latest answer is shown. */
export async function validate() {
  const s = ctx.state;
  const keyId = $('#key-id').value;
  const issuerId = $('#issuer-id').value;
  const mine = ++seq;
  let result;
  try {
    result = await checkIds({ keyId, issuerId, kind: s.kind, keyRef: s.keyRef });
  } catch (problem) {
    result = { key_id: { problem }, issuer_id: { problem: null }, warnings: [] };
  }
  if (mine !== seq) return;
  idsChanged({ result, keyId: result.key_id.value || '', issuerId: result.issuer_id.value || '' });
  render(result);
  ctx.refresh();
}

function fieldMessage(input, errorEl, field, show) {
  if (field.problem && show) {
    input.setAttribute('aria-invalid', 'true');
    errorEl.classList.remove('fixed');
    errorEl.textContent = problemText(field.problem);
  } else {
    input.removeAttribute('aria-invalid');
    const notes = (field.notes || []).map((n) => n.message).join(' ');
    errorEl.classList.toggle('fixed', Boolean(notes));
    errorEl.textContent = notes;
  }
}

function render(result) {
  const s = ctx.state;
  const keyInput = $('#key-id');
  fieldMessage(keyInput, $('#key-id-error'), result.key_id, touched.key || keyInput.value !== '');
  const issuerInput = $('#issuer-id');
  if (s.kind === 'individual') {
    issuerInput.removeAttribute('aria-invalid');
    $('#issuer-id-error').textContent = '';
  } else {
    fieldMessage(issuerInput, $('#issuer-id-error'), result.issuer_id, touched.issuer || issuerInput.value !== '');
  }
  $('#ids-warnings').replaceChildren(...(result.warnings || []).map((w) => finding('warning', w)));
}

function applyNormalized() {
  const s = ctx.state;
  const r = s.idsResult;
  if (!r) return;
  // Show the cleaned-up form once the user leaves the field.
  if (r.key_id.value && $('#key-id').value !== r.key_id.value) $('#key-id').value = r.key_id.value;
  if (r.issuer_id.value && $('#issuer-id').value !== r.issuer_id.value) $('#issuer-id').value = r.issuer_id.value;
  render(r);
}

export function enter() {
  validate();
}

export function blocker() {
  const s = ctx.state;
  const r = s.idsResult;
  if (!r) return 'Checking the IDs…';
  if (r.key_id.problem) return $('#key-id').value.trim() ? 'Fix the Key ID first.' : 'Enter the Key ID.';
  if (s.kind === 'team' && r.issuer_id.problem) return $('#issuer-id').value.trim() ? 'Fix the Issuer ID first.' : 'Enter the Issuer ID.';
  if (!s.keyRef) return 'Go back and choose the key file first.';
  return '';
}
