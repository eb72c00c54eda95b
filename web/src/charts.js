// uPlot charts of the dashboard. Series differ by dash pattern and marker as well as colour, and
// each chart has a text alternative next to it (a table or a caption) in the view.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fmtTime } from './format.js';

/** @typedef {{t: number, percent: number, decision: string, action: string, stage: number | null, note: string, repeats: number, until: number | null}} TimelinePoint */
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
/** @type {WeakMap<HTMLElement, string>} what each chart was drawn from */
const keys = new WeakMap();

/**
 * Draws a chart into `el`, replacing the one drawn there before.
 * @param {HTMLElement} el
 * @param {Omit<uPlot.Options, 'width'>} opts
 * @param {uPlot.AlignedData} data
 */
function mount(el, opts, data) {
  // The same data at the same width (a live poll that changed nothing): keep the chart, and with
  // it the values the reader is hovering.
  const key = `${el.clientWidth}|${JSON.stringify(data)}`;
  const old = charts.get(el);
  if (old && keys.get(el) === key && el.contains(old.root)) return old;
  keys.set(el, key);
  old?.destroy();
  // Time axes in UTC, and the time under the cursor in the page's one time format (format.js).
  if (opts.scales?.x?.time) {
    opts = { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'), ...opts };
    const [x, ...rest] = opts.series;
    opts.series = [{ label: 'time (UTC)', value: (u, v) => (v == null ? '' : fmtTime(v * 1000)), ...x }, ...rest];
    const [ax, ...axes] = opts.axes ?? [{}];
    opts.axes = [{ label: 'time (UTC)', ...ax }, ...axes];
  }
  el.textContent = '';
  // (a narrow screen: the chart takes the box's width, down to 240 px, never more)
  const width = Math.max(240, el.clientWidth || el.parentElement?.clientWidth || 600);
  // Live legends: the values under the cursor (a marker's decision and traffic) read on hover.
  const u = new uPlot({ width, legend: { live: true }, ...opts }, data, el);
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
        { label: 'PASS ✓', stroke: css('--pass'), fill: css('--pass'), width: 0, paths: () => null, points: { show: true, size: 9, width: 2, fill: css('--pass') }, value: (u, v) => fmtPct(v) },
        { label: 'HOLD ‖', stroke: css('--hold'), width: 0, paths: () => null, points: { show: true, size: 11, width: 3, fill: css('--card') }, value: (u, v) => fmtPct(v) },
        { label: 'ROLLBACK ✕', stroke: css('--fail'), fill: css('--fail'), width: 0, paths: () => null, points: { show: true, size: 14, width: 2, fill: css('--fail') }, value: (u, v) => fmtPct(v) },
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

/**
 * Draws vertical dashed lines at stage boundaries and shades highlighted windows (the one that
 * caused a rollback), under the series.
 * @param {number[]} boundaries x values where a new stage starts
 * @param {number[]} highlight x values of highlighted points (each shaded ± half a step)
 * @returns {uPlot.Hooks.Arrays}
 */
function marks(boundaries, highlight) {
  return {
    drawAxes: [
      (u) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        const xs = /** @type {number[]} */ (u.data[0]);
        const step = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) : 1;
        ctx.save();
        ctx.fillStyle = css('--fail-bg');
        for (const x of highlight) {
          const a = u.valToPos(x - step / 2, 'x', true), b = u.valToPos(x + step / 2, 'x', true);
          ctx.fillRect(a, top, Math.max(4, b - a), height);
        }
        ctx.strokeStyle = css('--muted');
        ctx.setLineDash([4, 4]);
        for (const x of boundaries) {
          const px = u.valToPos(x, 'x', true);
          ctx.beginPath();
          ctx.moveTo(px, top);
          ctx.lineTo(px, top + height);
          ctx.stroke();
        }
        ctx.restore();
      },
    ],
  };
}

/**
 * One metric window by window: baseline and canary values, stage boundaries and decisions marked.
 * @param {HTMLElement} el
 * @param {{xs: number[], baseline: (number | null)[], canary: (number | null)[], decisions: string[], boundaries: number[], highlight: number[], label: string, fmt: (v: number | null) => string}} d
 */
export function seriesValues(el, d) {
  /** @param {string} k */
  const mark = (k) => d.canary.map((v, i) => (d.decisions[i] === k ? v : null));
  /** @param {uPlot} u @param {number | null} v */
  const f = (u, v) => d.fmt(v);
  return mount(
    el,
    {
      height: 220,
      scales: { x: { time: true } },
      axes: [{}, { label: d.label, size: 64, values: (u, vs) => vs.map((v) => d.fmt(v)) }],
      hooks: marks(d.boundaries, d.highlight),
      series: [
        {},
        { label: 'baseline', stroke: css('--base'), width: 2, dash: [6, 4], points: { show: true, size: 4 }, value: f },
        { label: 'canary', stroke: css('--canary'), width: 2, points: { show: true, size: 5 }, value: f },
        { label: 'PASS ✓', stroke: css('--pass'), width: 0, paths: () => null, points: { show: true, size: 8, fill: css('--pass') }, value: f },
        { label: 'HOLD ‖', stroke: css('--hold'), width: 0, paths: () => null, points: { show: true, size: 9, width: 2, fill: css('--card') }, value: f },
        { label: 'ROLLBACK ✕', stroke: css('--fail'), width: 0, paths: () => null, points: { show: true, size: 13, fill: css('--fail') }, value: f },
      ],
    },
    [d.xs, d.baseline, d.canary, mark('PASS'), mark('HOLD'), mark('ROLLBACK')],
  );
}

/**
 * The difference (canary − baseline) window by window with its interval as a band, and zero.
 * @param {HTMLElement} el
 * @param {{xs: number[], estimate: (number | null)[], lower: (number | null)[], upper: (number | null)[], boundaries: number[], highlight: number[], label: string, fmt: (v: number | null) => string}} d
 */
export function seriesDifference(el, d) {
  /** @param {uPlot} u @param {number | null} v */
  const f = (u, v) => d.fmt(v);
  return mount(
    el,
    {
      height: 200,
      scales: { x: { time: true } },
      axes: [{}, { label: d.label, size: 64, values: (u, vs) => vs.map((v) => d.fmt(v)) }],
      hooks: marks(d.boundaries, d.highlight),
      bands: [{ series: [3, 2], fill: 'rgba(217,72,15,.15)' }],
      series: [
        {},
        { label: 'difference', stroke: css('--canary'), width: 2, points: { show: true, size: 5 }, value: f },
        { label: 'interval low', stroke: css('--canary'), width: 1, dash: [3, 3], points: { show: false }, value: f },
        { label: 'interval high', stroke: css('--canary'), width: 1, dash: [3, 3], points: { show: false }, value: f },
        { label: 'no difference', stroke: css('--muted'), width: 1, points: { show: false }, value: f },
      ],
    },
    [d.xs, d.estimate, d.lower, d.upper, d.xs.map(() => 0)],
  );
}
