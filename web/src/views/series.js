// A report's per-metric time series: for every metric the coordinator judged, baseline and canary
// window by window (latency p90 in ms, error rate in %), and the difference the judge estimated
// with its interval; stage boundaries dashed, decisions as markers, the window that caused a
// rollback shaded and explained in words and numbers. Every number is the coordinator's.
import * as charts from '../charts.js';
import { el, clear } from '../app/dom.js';
import { fmtMs, fmtRate, fmtDiff, fmtTime, fmtPct, fmtCount, unitOf, outcomeClass } from '../format.js';

/** @typedef {import('../status.js').WindowPoint} WindowPoint */

/**
 * The decisive windows: those on which the coordinator rolled back.
 * @param {WindowPoint[]} series
 */
export const rollbackWindows = (series) => series.filter((w) => w.action === 'rollback');

/**
 * Draws the series into `box` (replacing what was there).
 * @param {HTMLElement} box
 * @param {WindowPoint[]} series
 */
export function renderSeries(box, series) {
  clear(box);
  if (!series.length) {
    box.append(el('p', { class: 'muted' }, 'No window has been judged yet.'));
    return;
  }
  const xs = series.map((w) => w.at / 1000);
  const decisions = series.map((w) => (w.action === 'rollback' ? 'ROLLBACK' : w.verdict ?? ''));
  const boundaries = series.slice(1).filter((w, i) => w.stage !== series[i].stage).map((w) => w.at / 1000);
  const bad = rollbackWindows(series);
  const highlight = bad.map((w) => w.at / 1000);
  const names = [...new Set(series.flatMap((w) => w.metrics.map((m) => m.name)))];
  for (const bw of bad) box.append(explain(bw));
  for (const name of names) {
    const first = series.flatMap((w) => w.metrics).find((m) => m.name === name);
    const unit = unitOf({ name, kind: name === 'errorRate' ? 'rate' : undefined });
    /** What the coordinator measured per arm for this metric (the edge measures these two). */
    const value = (/** @type {import('../status.js').ArmPoint} */ a) => (unit === 'rate' ? (a.requests ? a.errors / a.requests : null) : a.p90);
    const metric = (/** @type {WindowPoint} */ w) => w.metrics.find((m) => m.name === name) ?? null;
    const fmtV = unit === 'rate' ? fmtRate : unit === 'ms' ? fmtMs : (/** @type {number | null} */ v) => (v == null ? '' : String(+v.toPrecision(4)));
    const valuesEl = el('div', { class: 'chart', role: 'img', 'aria-label': `${name}: baseline and canary per window` });
    const diffEl = el('div', { class: 'chart', role: 'img', 'aria-label': `${name}: difference canary − baseline per window with its interval` });
    const card = el('article', { class: 'series-card', 'data-metric': name },
      el('h3', {}, name, first?.critical ? ' (critical)' : ''),
      el('p', { class: 'chart-title' }, unit === 'rate' ? 'Error rate per window (errors / requests)' : unit === 'ms' ? 'p90 latency per window (ms)' : 'per window'),
      valuesEl,
      el('p', { class: 'chart-title' }, `Difference canary − baseline as judged${unit === 'rate' ? ' (percentage points)' : unit === 'ms' ? ' (ms; the judge’s shift estimate)' : ''}, with its interval`),
      diffEl,
      table(series, metric, value, unit));
    box.append(card);
    const est = series.map((w) => metric(w)?.estimate ?? null);
    charts.seriesValues(valuesEl, { xs, baseline: series.map((w) => value(w.stable)), canary: series.map((w) => value(w.canary)), decisions, boundaries, highlight, label: unit === 'ms' ? 'ms' : unit === 'rate' ? '%' : name, fmt: fmtV });
    charts.seriesDifference(diffEl, {
      xs, estimate: est, lower: series.map((w) => metric(w)?.interval?.[0] ?? null), upper: series.map((w) => metric(w)?.interval?.[1] ?? null), boundaries, highlight,
      label: unit === 'rate' ? 'pp' : unit === 'ms' ? 'ms' : 'Δ', fmt: (v) => (v == null ? '' : fmtDiff(v, unit)),
    });
  }
}

/**
 * The decisive window in words and numbers.
 * @param {WindowPoint} w
 */
function explain(w) {
  const failing = w.metrics.filter((m) => outcomeClass(m) === 'fail');
  return el('div', { class: 'alert explain', 'data-role': 'rollback-window' },
    `Window ${w.window} (shaded, ${fmtTime(w.at)}, stage ${w.stage} at ${fmtPct(w.percent)}) caused the rollback: `,
    `canary p90 ${fmtMs(w.canary.p90)} against ${fmtMs(w.stable.p90)} on stable; canary ${fmtCount(w.canary.errors)} errors in ${fmtCount(w.canary.requests)} requests against ${fmtCount(w.stable.errors)} in ${fmtCount(w.stable.requests)}`,
    failing.length ? `; the judge found ${failing.map((m) => `${m.name} ${m.classification} (${fmtDiff(m.estimate, unitOf({ name: m.name, kind: m.name === 'errorRate' ? 'rate' : undefined }))}${m.interval ? `, interval [${m.interval.map((x) => fmtDiff(x, unitOf({ name: m.name, kind: m.name === 'errorRate' ? 'rate' : undefined }))).join(', ')}]` : ''})`).join(', ')}` : '',
    `. ${w.reasons[0] ?? ''}`);
}

/**
 * The series of one metric as a table (the charts' text alternative).
 * @param {WindowPoint[]} series
 * @param {(w: WindowPoint) => import('../status.js').MetricPoint | null} metric
 * @param {(a: import('../status.js').ArmPoint) => number | null} value
 * @param {'rate' | 'ms' | ''} unit
 */
function table(series, metric, value, unit) {
  const f = unit === 'rate' ? fmtRate : unit === 'ms' ? fmtMs : (/** @type {number | null} */ v) => (v == null ? '—' : String(v));
  return el('details', {}, el('summary', {}, 'Windows as a table'),
    el('div', { class: 'scroll', tabindex: 0 }, el('table', { class: 'table compact' },
      el('thead', {}, el('tr', {}, ...['window', 'time', 'stage', 'traffic', 'baseline', 'canary', 'difference', 'interval', 'outcome', 'decision'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...series.map((w) => {
        const m = metric(w);
        return el('tr', { class: w.action === 'rollback' ? 'failed' : '' }, el('td', {}, String(w.window)), el('td', {}, fmtTime(w.at)), el('td', {}, String(w.stage)), el('td', {}, fmtPct(w.percent)),
          el('td', { class: 'num' }, f(value(w.stable))), el('td', { class: 'num' }, f(value(w.canary))), el('td', { class: 'num' }, fmtDiff(m?.estimate, unit)),
          el('td', { class: 'num' }, m?.interval ? `[${m.interval.map((x) => fmtDiff(x, unit)).join(', ')}]` : '—'), el('td', {}, m?.classification ?? '—'), el('td', {}, `${w.verdict ?? '—'} → ${w.action}`));
      })))));
}
