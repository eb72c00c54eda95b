// The dark-launch view: a mismatch report judged by the package, field by field, against the
// noise of the old path.
import { $, el, clear, one } from '../app/dom.js';
import { state } from '../app/state.js';
import { fmt, fmtP, fmtPct } from '../format.js';

/** @param {number} x */
const count = (x) => x.toLocaleString('en-US');

/** @param {unknown} v a kept example value (compact JSON text) */
const short = (v) => {
  const s = v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

export function renderDark() {
  const rep = state.mismatch;
  const tb = clear(one('#dark-table tbody'));
  const sum = $('dark-summary');
  if (!rep) {
    sum.textContent = 'No mismatch report loaded (drop one on the Data tab, or poll an edge worker).';
    return;
  }
  const rows = [...rep.verdicts].sort((a, b) => Number(b.real) - Number(a.real) || b.rate - a.rate || a.field.localeCompare(b.field));
  const real = rows.filter((r) => r.real);
  const ex = rep.experiments;
  const scope = state.status?.mismatchScope === 'total' ? 'Over the whole rollout (the coordinator’s totals): ' : state.status?.mismatchScope === 'window' ? 'In the current window only: ' : '';
  const by = state.mismatchByArm;
  const arms = by ? ` By arm: ${Object.entries(by).map(([arm, r]) => `${arm} ${count(r.comparisons)} comparisons`).join(', ')}.` : '';
  sum.textContent = `${scope}${count(rep.comparisons)} old-vs-new comparisons, ${count(rep.noiseComparisons)} old-vs-old (noise) comparisons; ${rows.length} field${rows.length === 1 ? '' : 's'} differed, ${real.length} beyond noise${real.length ? `: ${real.map((r) => r.field).join(', ')}` : ''}.`
    + arms + (ex?.runs ? ` Candidate: ${ex.candidateExceptions} exception${ex.candidateExceptions === 1 ? '' : 's'}, ${ex.slow} slow run${ex.slow === 1 ? '' : 's'} of ${count(ex.runs)}; mean time ${fmt(ex.candidateNs / ex.runs / 1e6, 2)} ms vs ${fmt(ex.controlNs / ex.runs / 1e6, 2)} ms.` : '');
  for (const r of rows) {
    const examples = rep.fields[r.field]?.examples ?? [];
    const exNode = examples.length
      ? el('div', { class: 'examples' }, ...examples.map((e) => el('div', {}, el('code', {}, short(e.old || '(absent)')), ' → ', el('code', {}, short(e.new || '(absent)')))))
      : el('span', { class: 'muted' }, '—');
    tb.append(el('tr', { 'data-field': r.field, 'data-real': String(r.real) },
      el('td', {}, el('code', {}, r.field || '(root)')),
      el('td', { class: 'num' }, `${count(r.differed)} / ${count(r.comparisons)}`),
      el('td', { 'data-role': 'rate' }, fmtPct(100 * r.rate), el('span', { class: 'meter', style: `width:${Math.round(Math.min(1, r.rate) * 90)}px`, 'aria-hidden': 'true' })),
      el('td', { 'data-role': 'noise' }, fmtPct(100 * r.noiseRate), el('span', { class: 'meter noise', style: `width:${Math.round(Math.min(1, r.noiseRate) * 90)}px`, 'aria-hidden': 'true' })),
      el('td', {}, el('span', { class: `badge ${r.real ? 'fail' : 'pass'}`, 'data-role': 'verdict' }, r.real ? 'real difference' : 'within noise'), el('div', { class: 'legend-note' }, `p = ${fmtP(r.pValue)}`)),
      el('td', { 'data-role': 'by-arm' }, by ? Object.entries(by).map(([arm, v]) => {
        const f = v.verdicts.find((x) => x.field === r.field);
        return `${arm}: ${f ? `${count(f.differed)} / ${count(f.comparisons)}` : `0 / ${count(v.comparisons)}`}`;
      }).join(' · ') : '—'),
      el('td', {}, exNode)));
  }
}
