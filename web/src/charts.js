// uPlot charts of the dashboard. Series differ by dash pattern and marker as well as colour, and
// each chart has a text alternative next to it (a table or a caption) in the view.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** @typedef {{t: number, percent: number, decision: string, action: string, stage: number | null, note: string}} TimelinePoint */
/** @typedef {import('./engine.js').Look} Look */

/** @param {string} name a CSS custom property */
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#333';
/**
 * A path builder of uPlot's (the bundled build has them all; its types mark them optional).
 * @template T
 * @param {T | undefined} builder
 * @param {string} name
 * @returns {T}
 */
function need(builder, name) {
  if (!builder) throw new Error(`uPlot has no ${name} paths`);
  return builder;
}
const stepped = need(uPlot.paths.stepped, 'stepped');
const barPaths = need(uPlot.paths.bars, 'bars');

/** @type {WeakMap<HTMLElement, uPlot>} */
const charts = new WeakMap();

/**
 * Draws a chart into `el`, replacing the one drawn there before.
 * @param {HTMLElement} el
 * @param {Omit<uPlot.Options, 'width'>} opts
 * @param {uPlot.AlignedData} data
 */
function mount(el, opts, data) {
  charts.get(el)?.destroy();
  el.textContent = '';
  const width = Math.max(260, el.clientWidth || el.parentElement?.clientWidth || 600);
  // Static legends: the values under the cursor are in the view's tables already.
  const u = new uPlot({ width, legend: { live: false }, ...opts }, data, el);
  charts.set(el, u);
  return u;
}

/** @param {number | null} v */
const fmtPct = (v) => (v == null ? '' : `${+v.toFixed(3)}%`);

/**
 * Traffic percentage (stepped) over time with the decision at each check as markers.
 * @param {HTMLElement} el
 * @param {TimelinePoint[]} history
 */
export function timeline(el, history) {
  const xs = history.map((h) => h.t / 1000);
  const pct = history.map((h) => h.percent);
  /** @param {string} d */
  const mark = (d) => history.map((h) => (h.decision === d ? h.percent : null));
  return mount(
    el,
    {
      height: 240,
      // asinh keeps 0% (a rollback) on the axis while 1%, 10% and 50% stay apart.
      scales: { x: { time: true }, y: { distr: 4, asinh: 1, range: [0, 100] } },
      axes: [{}, { label: 'traffic %', size: 56, splits: () => [0, 1, 5, 10, 25, 50, 100], values: (u, vs) => vs.map((v) => (v == null ? '' : `${v}%`)) }],
      series: [
        {},
        { label: 'traffic', stroke: css('--accent'), width: 2, paths: stepped({ align: 1 }), points: { show: false }, value: (u, v) => fmtPct(v) },
        { label: 'PASS ✓', stroke: css('--pass'), fill: css('--pass'), width: 0, paths: () => null, points: { show: true, size: 9, width: 2, fill: css('--pass') } },
        { label: 'HOLD ‖', stroke: css('--hold'), width: 0, paths: () => null, points: { show: true, size: 11, width: 3, fill: '#fff' } },
        { label: 'ROLLBACK ✕', stroke: css('--fail'), fill: css('--fail'), width: 0, paths: () => null, points: { show: true, size: 14, width: 2, fill: css('--fail') } },
      ],
    },
    [xs, pct, mark('PASS'), mark('HOLD'), mark('ROLLBACK')],
  );
}

/**
 * Empirical CDFs of baseline and canary on one grid.
 * @param {HTMLElement} el
 * @param {import('./plot.js').Grid} grid
 * @param {string} name
 */
export function ecdfOverlay(el, grid, name) {
  return mount(
    el,
    {
      height: 210,
      scales: { x: { time: false }, y: { range: [0, 1] } },
      axes: [{ label: name }, { label: 'F(x)', size: 44 }],
      series: [
        { label: name, value: (u, v) => (v == null ? '' : +v.toPrecision(4)) },
        { label: 'baseline', stroke: css('--base'), width: 2, dash: [6, 4], paths: stepped({ align: 1 }), points: { show: false } },
        { label: 'canary', stroke: css('--canary'), width: 2, paths: stepped({ align: 1 }), points: { show: false } },
      ],
    },
    [grid.x, grid.baseline, grid.canary],
  );
}

/**
 * The sequential test's always-valid p-value as data arrived, against alpha (log scale).
 * @param {HTMLElement} el
 * @param {Look[]} looks
 */
export function evidence(el, looks, alpha = 0.05) {
  const xs = looks.map((l) => l.n);
  const ps = looks.map((l) => Math.max(1e-12, l.pValue ?? 1));
  const lo = 10 ** Math.floor(Math.log10(Math.min(alpha / 10, ...ps)));
  return mount(
    el,
    {
      height: 210,
      scales: { x: { time: false }, y: { distr: 3, log: 10, range: [lo, 1] } },
      axes: [{ label: 'samples seen' }, { label: 'p (always valid)', size: 60, values: (u, vs) => vs.map((v) => (v == null ? '' : v >= 0.01 ? String(v) : v.toExponential(0))) }],
      series: [
        { label: 'samples' },
        { label: 'p-value', stroke: css('--canary'), width: 2, points: { show: true, size: 5 } },
        { label: `α = ${alpha}`, stroke: css('--muted'), width: 1.5, dash: [4, 4], points: { show: false } },
      ],
    },
    [xs, ps, xs.map(() => alpha)],
  );
}

/**
 * Bar chart of counts per bin with the expected count as a dashed line.
 * @param {HTMLElement} el
 * @param {number[]} counts
 * @param {number} expected
 * @param {string} label
 */
export function bars(el, counts, expected, label) {
  const xs = counts.map((_, i) => i);
  return mount(
    el,
    {
      height: 200,
      // y from 0, so small deviations are not exaggerated.
      scales: { x: { time: false, range: [-0.5, counts.length - 0.5] }, y: { range: (u, lo, hi) => [0, Math.max(hi, expected) * 1.15] } },
      axes: [{ label, values: (u, vs) => vs.map((v) => (Number.isInteger(v) ? `${(v * 100) / counts.length}%` : '')) }, { size: 60 }],
      series: [
        { label: 'bin' },
        { label: 'units', stroke: css('--accent'), fill: 'rgba(35,87,198,.35)', paths: barPaths({ size: [0.8, 60] }), points: { show: false } },
        { label: 'expected', stroke: css('--ink'), dash: [5, 4], width: 1.5, points: { show: false } },
      ],
    },
    [xs, counts, counts.map(() => expected)],
  );
}
