// The flag playground: a configuration and a context compiled and evaluated by the package; an
// invalid configuration lists every problem, each pointer a button that selects the value.
import { $, textarea, select, el, clear, one } from '../app/dom.js';
import { rpc } from '../app/rpc.js';
import { state, save, on } from '../app/state.js';
import { manifest } from '../app/pipeline.js';
import { locatePointer } from '../pointer.js';

/**
 * Shows a configuration in the editor and its flag keys in the picker.
 * @param {string} text
 */
function setPlayground(text) {
  textarea('flags-config').value = text;
  /** @type {string[]} */
  let keys = [];
  try {
    const o = JSON.parse(text);
    keys = Array.isArray(o.flags) ? o.flags.map((/** @type {{key?: string}} */ f) => f.key).filter(Boolean) : [];
  } catch {
    /* shown on evaluate */
  }
  const sel = clear(select('flags-key'));
  sel.append(el('option', { value: '' }, 'all flags'), ...keys.map((k) => el('option', { value: k }, k)));
}

on('flags', (input) => setPlayground(input.text));
on('context', (input) => {
  textarea('flags-context').value = input.text;
});

/** Restores the editor from the stored inputs and settings. */
export function restoreFlags() {
  if (state.inputs.flags) setPlayground(state.inputs.flags.text);
  if (state.ui.playground) {
    textarea('flags-config').value = state.ui.playground.config;
    textarea('flags-context').value = state.ui.playground.context;
  }
  if (state.inputs.context && !state.ui.playground) textarea('flags-context').value = state.inputs.context.text;
}

/** Whether the playground has something to evaluate on load. */
export const hasPlayground = () => Boolean(state.inputs.flags || state.ui.playground);

$('flags-file').addEventListener('change', async (e) => {
  const f = /** @type {HTMLInputElement} */ (e.target).files?.[0];
  if (!f) return;
  const text = await f.text();
  state.inputs.flags = { name: f.name, text, source: 'file' };
  setPlayground(text);
  save();
  await evaluatePlayground();
});
// Example contexts (the repository's examples/contexts): pick one to evaluate it.
manifest()
  .then((m) => {
    for (const [label, file] of Object.entries(m.contexts ?? {})) select('flags-context-example').append(el('option', { value: file }, label));
  })
  .catch(() => {});
select('flags-context-example').addEventListener('change', async (e) => {
  const file = /** @type {HTMLSelectElement} */ (e.target).value;
  if (!file) return;
  textarea('flags-context').value = await (await fetch(`./examples/${file}`)).text();
  await evaluatePlayground();
});
$('flags-form').addEventListener('submit', (e) => {
  e.preventDefault();
  evaluatePlayground();
});

/**
 * A problem's JSON Pointer; for config problems a button that selects that value in the editor.
 * @param {string} where
 * @param {string | null} pointer
 */
function pointerButton(where, pointer) {
  const label = pointer ? pointer : '(whole document)';
  if (where !== 'config' || pointer == null) return el('code', { class: 'ptr' }, label);
  const b = el('button', { type: 'button', class: 'ptr-link', title: 'Select this value in the configuration' }, el('code', { class: 'ptr' }, label));
  b.addEventListener('click', () => {
    const ta = textarea('flags-config');
    const at = locatePointer(ta.value, pointer);
    if (!at) return;
    ta.focus();
    ta.setSelectionRange(at[0], at[1]);
    // Scroll the selection into view: put the caret line near the top.
    const line = ta.value.slice(0, at[0]).split('\n').length;
    ta.scrollTop = Math.max(0, (line - 3) * parseFloat(getComputedStyle(ta).lineHeight || '18'));
  });
  return b;
}

export async function evaluatePlayground() {
  const configText = textarea('flags-config').value;
  const contextText = textarea('flags-context').value;
  state.ui.playground = { config: configText, context: contextText };
  save();
  const errs = clear($('flags-errors'));
  const table = /** @type {HTMLTableElement} */ ($('flags-table'));
  const r = await rpc('evalFlags', { configText, contextText, flagKey: select('flags-key').value || null });
  if (r.error) {
    table.hidden = true;
    const problems = r.error.problems.length ? r.error.problems : [{ code: r.error.code, pointer: r.error.pointer ?? '', message: r.error.message }];
    errs.append(el('p', { class: 'error' }, r.where === 'config' ? `The configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):` : `${r.where} error:`),
      el('ul', { class: 'problems' }, ...problems.map((p) => el('li', { 'data-pointer': p.pointer }, p.code ? el('strong', {}, `[${p.code}] `) : '', pointerButton(r.where, p.pointer), ' ', p.message))));
    return;
  }
  table.hidden = false;
  const tb = clear(one('#flags-table tbody'));
  for (const row of r.rows)
    tb.append(el('tr', { 'data-flag': row.key }, el('td', {}, el('code', {}, row.key)), el('td', {}, el('code', {}, typeof row.value === 'string' ? row.value : JSON.stringify(row.value))), el('td', {}, row.variant ?? '—'), el('td', {}, el('span', { class: 'badge neutral', 'data-role': 'reason' }, row.reason), row.ruleIndex >= 0 ? ` rule ${row.ruleIndex}` : ''), el('td', {}, row.errorCode ? `${row.errorCode}${row.errorMessage ? `: ${row.errorMessage}` : ''}` : '')));
}
