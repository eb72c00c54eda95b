// The bucketing explorer: many units (generated or pasted) assigned by the package in the worker,
// with observed against expected counts, the split's and the coverage draw's chi-square tests;
// and one unit's draws and assignment.
import * as charts from '../charts.js';
import { $, input, textarea, button, el, clear, one } from '../app/dom.js';
import { rpc } from '../app/rpc.js';
import { state, save } from '../app/state.js';
import { InputError } from '../data.js';
import { fmt, fmtP, fmtPct } from '../format.js';

/** @typedef {Awaited<ReturnType<typeof import('../worker.js').methods.bucketRun>>} BucketRun */

/** The form's fields kept across reloads: element id → key in state.ui.bucket. */
const FIELDS = /** @type {const} */ ([['bk-n', 'n'], ['bk-prefix', 'prefix'], ['bk-salt', 'salt'], ['bk-coverage', 'coverage'], ['bk-weights', 'weights'], ['unit-id', 'unit']]);

/** The salt, coverage (percent) and relative weights as typed; the worker converts and checks them. */
function params() {
  const weights = input('bk-weights').value.split(/[,\s]+/).filter(Boolean).map(Number);
  return { salt: input('bk-salt').value, coverage: Number(input('bk-coverage').value), weights };
}

const source = () => /** @type {HTMLInputElement} */ (one('input[name="bk-source"]:checked')).value;

function saveUI() {
  state.ui.bucket = { ...Object.fromEntries(FIELDS.map(([id, key]) => [key, input(id).value])), source: source() };
  save();
}

export function restoreBucketing() {
  const b = state.ui.bucket;
  if (!b) return;
  for (const [id, key] of FIELDS) if (b[key] != null) input(id).value = b[key];
  const radio = document.querySelector(`input[name="bk-source"][value="${b.source}"]`);
  if (radio instanceof HTMLInputElement) radio.checked = true;
}

$('bucket-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('bk-error').textContent = '';
  saveUI();
  const btn = button('bk-run');
  btn.disabled = true;
  try {
    const p = params();
    const paste = source() === 'paste';
    const n = Number(input('bk-n').value);
    if (!paste && !(n >= 1 && n <= 2_000_000)) throw new InputError('how many: between 1 and 2,000,000');
    const args = paste ? { ...p, idsText: textarea('bk-ids').value } : { ...p, generate: { n, prefix: input('bk-prefix').value } };
    renderBuckets(await rpc('bucketRun', args, 'Bucketing units'));
  } catch (err) {
    $('bk-error').textContent = err instanceof Error ? err.message : String(err);
  } finally {
    btn.disabled = false;
  }
});

/** @param {BucketRun} r */
function renderBuckets(r) {
  $('bk-results').hidden = false;
  const s = clear($('bk-summary'));
  /** @param {string} label @param {string} value @param {string} role */
  const item = (label, value, role) => el('div', {}, el('span', { class: 'label' }, label), el('span', { class: 'big-num', 'data-role': role }, value));
  s.append(
    item('Units', r.total.toLocaleString('en-US'), 'total'),
    item('Inside coverage', `${r.inside.toLocaleString('en-US')} (${fmtPct((100 * r.inside) / r.total)})`, 'inside'),
    item('Bucketed in', `${Math.round(r.ms)} ms`, 'ms'),
  );
  const uni = r.uniformity;
  s.append(el('div', { 'data-role': 'uniformity' }, el('span', { class: 'label' }, 'Uniformity χ²'),
    `${fmt(uni.statistic, 2)} on ${uni.df} df, p = ${fmtP(uni.pValue)} `,
    el('span', { class: `badge ${uni.pValue < 0.001 ? 'fail' : 'pass'}` }, uni.pValue < 0.001 ? 'not uniform' : 'consistent with uniform')));
  if (r.split)
    s.append(el('div', { 'data-role': 'split' }, el('span', { class: 'label' }, 'Split χ²'), `${fmt(r.split.statistic, 2)}, p = ${fmtP(r.split.pValue)} `,
      el('span', { class: `badge ${r.split.pValue < 0.001 ? 'fail' : 'pass'}` }, r.split.pValue < 0.001 ? 'off the weights' : 'matches the weights')));
  // Shares of the package's scale, shown as percentages.
  /** @param {number} units out of r.scale */
  const share = (units) => units / r.scale;
  const tb = clear(one('#bk-table tbody'));
  r.weights.forEach((w, i) => {
    const observed = r.variantCounts[i] ?? 0;
    tb.append(el('tr', {}, el('td', {}, `variant ${i}`), el('td', { class: 'num' }, fmtPct(100 * share(w))), el('td', { class: 'num', 'data-role': `count-${i}` }, observed.toLocaleString('en-US')), el('td', { class: 'num' }, fmt(r.inside * share(w), 1)), el('td', { class: 'num' }, fmtPct(r.inside ? (100 * observed) / r.inside : 0))));
  });
  const outside = share(r.scale - r.coverage);
  tb.append(el('tr', {}, el('td', {}, 'outside coverage'), el('td', { class: 'num' }, fmtPct(100 * outside)), el('td', { class: 'num', 'data-role': 'outside' }, (r.total - r.inside).toLocaleString('en-US')), el('td', { class: 'num' }, fmt(r.total * outside, 1)), el('td', {}, '')));
  charts.bars($('bk-chart'), r.binCounts, r.total / r.binCounts.length, 'coverage bucket');
}

$('unit-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  saveUI();
  const out = clear($('unit-result'));
  try {
    const r = await rpc('bucketOne', { unit: input('unit-id').value, ...params() });
    const rows = [
      ['Fraction', r.fraction.toFixed(6)],
      ['Coverage bucket', `${r.coverageBucket} of ${r.scale}`],
      ['Inside coverage', r.in ? `yes (bucket ${r.coverageBucket} < ${r.coverage})` : `no (bucket ${r.coverageBucket} ≥ ${r.coverage})`],
      ['Variant bucket', String(r.variantBucket)],
      ['Variant', r.in ? `variant ${r.variant}` : `none: not in rollout (would get variant ${r.variant} once covered)`],
    ];
    for (const [k, v] of rows) out.append(el('dt', {}, k), el('dd', { 'data-role': k.toLowerCase().replace(/ /g, '-') }, v));
  } catch (err) {
    out.append(el('dt', {}, 'Error'), el('dd', { class: 'error' }, err instanceof Error ? err.message : String(err)));
  }
});
