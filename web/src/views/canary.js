// The canary analysis view: the judge's decision and score, the sample-ratio check, and one card
// per metric with its outcome, effect, interval, summary table, distributions, sequential evidence
// and every check the judge ran.
import * as charts from '../charts.js';
import { $, el, clear } from '../app/dom.js';
import { state } from '../app/state.js';
import { finishedEvidence } from '../evidence.js';
import { fmt, fmtP, fmtCount, fmtRate, fmtValue, fmtDiff, fmtTime, unitOf, outcomeClass, outcomeNote } from '../format.js';

/** @typedef {import('rollgate').Analysis} Analysis */
/** @typedef {import('rollgate').MetricResult} MetricResult */
/** @typedef {import('rollgate').CheckResult} CheckResult */
/** @typedef {import('../worker.js').MetricView} MetricView */
/** @typedef {import('../engine.js').Summary} Summary */

/**
 * The interval of a metric's primary comparison, [lower, upper] or null (docs/canary.md; the
 * package declares it `unknown`).
 * @param {unknown} interval
 * @returns {[number, number] | null}
 */
function bounds(interval) {
  if (!Array.isArray(interval) || interval.length !== 2) return null;
  const [lower, upper] = interval;
  return typeof lower === 'number' && typeof upper === 'number' ? [lower, upper] : null;
}

export function renderCanary() {
  const a = state.analysis;
  // Re-rendering (a live poll) keeps the check tables the reader opened open.
  const openChecks = new Set([...document.querySelectorAll('#metric-cards article details[open]')].map((d) => d.closest('article')?.dataset.metric));
  const cards = clear($('metric-cards'));
  const warn = $('srm-warning');
  warn.hidden = true;
  const dec = $('canary-decision');
  // Every field starts empty: a failed or missing analysis never leaves the previous one's numbers.
  for (const id of ['canary-score', 'canary-n', 'canary-srm', 'canary-ms']) $(id).textContent = '—';
  clear($('canary-reasons'));
  $('canary-scope').textContent = '';
  const ev = state.status ? finishedEvidence(state.status) : null;
  if (!a && ev?.analysis) {
    renderEvidenceVerdict(ev, cards);
    return;
  }
  if (!a) {
    dec.textContent = '—';
    dec.className = 'decision small';
    cards.append(el('p', { class: state.error ? 'error card' : 'muted card', role: state.error ? 'alert' : null }, state.error ? `The analysis failed: ${state.error}` : 'Load metric samples and a canary config or a plan (Data tab) to analyse a canary.'));
    return;
  }
  const v = a.verdict;
  dec.textContent = v.decision;
  dec.className = `decision small ${v.decision}`;
  $('canary-scope').textContent = state.status ? 'The current window, judged in this page with the stage’s gates (the coordinator judges the same window on its next evaluation).' : `Judged with the ${a.configSource === 'file' ? 'loaded canary config' : a.configSource}.`;
  $('canary-score').textContent = v.score != null ? fmt(v.score, 1) : '—';
  $('canary-n').textContent = `${a.n.baseline.toLocaleString('en-US')} baseline · ${a.n.canary.toLocaleString('en-US')} canary`;
  $('canary-ms').textContent = `${Math.round(a.ms)} ms`;
  const srmEl = $('canary-srm');
  const srm = a.srm;
  if (srm) {
    const bad = srm.pValue < srm.alpha;
    srmEl.textContent = `${srm.counts.map(fmtCount).join(' : ')} users (expected split ${srm.weights.join(' : ')}), p = ${fmtP(srm.pValue)} ${bad ? `< ${srm.alpha}: mismatch` : `≥ ${srm.alpha}: ok`}`;
    if (bad) {
      warn.hidden = false;
      warn.textContent = `Sample-ratio mismatch: ${(srm.counts[0] ?? 0).toLocaleString('en-US')} baseline vs ${(srm.counts[1] ?? 0).toLocaleString('en-US')} canary units where ${srm.weights.join(':')} was expected (χ² = ${fmt(srm.statistic, 2)}, p = ${fmtP(srm.pValue)}). The split is off, so the comparison below may be biased: check the assignment before trusting it.`;
    }
  } else srmEl.textContent = state.status ? 'not checked by the coordinator for this window (too small, or one arm only)' : 'no unit counts';
  const rl = clear($('canary-reasons'));
  for (const r of v.reasons) rl.append(el('li', {}, r));

  const byName = Object.fromEntries(a.metrics.map((m) => [m.name, m]));
  const judged = v.metrics.length ? v.metrics.map((jm) => ({ jm, m: byName[jm.name] })) : a.metrics.map((m) => ({ jm: null, m }));
  for (const { jm, m } of judged) {
    const { card, draw } = metricCard(v, jm, m, a.alpha, openChecks.has(jm?.name));
    cards.append(card);
    draw(); // charts measure their box: drawn once the card is in the page
  }
}

/**
 * A finished rollout: the coordinator's analysis of the decisive window (nothing is judged again).
 * @param {import('../evidence.js').Evidence} ev
 * @param {HTMLElement} cards
 */
function renderEvidenceVerdict(ev, cards) {
  const v = /** @type {Analysis} */ (ev.analysis);
  const dec = $('canary-decision');
  dec.textContent = v.decision;
  dec.className = `decision small ${v.decision}`;
  $('canary-scope').textContent = ev.window
    ? `The window the coordinator decided on (window ${ev.window.window}, ${fmtTime(ev.window.at)}), as the coordinator judged it. The rollout is over: its current window is not judged.`
    : 'The last window the coordinator judged. An operator ended the rollout; its current window is not judged.';
  $('canary-score').textContent = v.score != null ? fmt(v.score, 1) : '—';
  if (ev.window) $('canary-n').textContent = `${fmtCount(ev.window.stable.requests)} baseline · ${fmtCount(ev.window.canary.requests)} canary requests`;
  $('canary-srm').textContent = ev.window?.srm ? `p = ${fmtP(ev.window.srm.pValue)}${ev.window.srm.failed ? ': mismatch' : ': ok'}` : 'not checked for that window';
  const rl = clear($('canary-reasons'));
  for (const r of v.reasons) rl.append(el('li', {}, r));
  for (const jm of v.metrics) {
    const { card, draw } = metricCard(v, jm, undefined, 0.05, false);
    cards.append(card);
    draw();
  }
}

/**
 * One metric's card, and what draws its charts once the card is in the page (they take its width).
 * @param {Analysis} v
 * @param {MetricResult | null} jm the judge's result; null when the config judged no metric
 * @param {MetricView | undefined} m
 * @param {number} alpha
 * @param {boolean} checksOpen
 */
function metricCard(v, jm, m, alpha, checksOpen) {
  const name = jm?.name ?? m?.name ?? '';
  const cls = jm ? outcomeClass(jm) : 'hold';
  const iv = bounds(jm?.interval);
  const why = jm?.reasons.join('; ');
  const unit = unitOf({ name, kind: jm?.kind ?? (m?.binary ? 'rate' : undefined) });
  const card = el('article', { class: 'card', 'data-metric': name });
  const stats = el('div', {},
    el('h3', {}, name, ' ', el('span', { class: `badge ${cls}` }, el('span', { 'data-role': 'classification' }, jm?.classification || '—'), jm ? outcomeNote(jm, cls) : ''),
      jm?.critical ? el('span', { class: 'badge neutral', title: 'a failure of this metric rolls back at once' }, 'critical') : ''),
    el('dl', { class: 'kv' },
      el('dt', { title: unit === 'rate' ? 'in percentage points (pp)' : unit === 'ms' ? 'in milliseconds' : null }, 'Effect (canary − baseline)'), el('dd', { 'data-role': 'effect', 'data-value': jm?.estimate ?? '' }, fmtDiff(jm?.estimate, unit)),
      el('dt', {}, `Interval (${fmt(100 * (1 - alpha), 1)}%)`), el('dd', { 'data-role': 'interval' }, iv ? `[${fmtDiff(iv[0], unit)}, ${fmtDiff(iv[1], unit)}]` : '—'),
      el('dt', {}, 'p-value'), el('dd', { 'data-role': 'p-value' }, fmtP(jm?.pValue)),
      el('dt', {}, 'Score'), el('dd', { 'data-role': 'score' }, jm ? groupScore(v, jm) : '—'),
      ...(jm?.test ? [el('dt', {}, 'Test'), el('dd', {}, jm.test)] : []),
      ...(why ? [el('dt', {}, 'Why'), el('dd', {}, why)] : []),
    ),
    m ? summaryTable(m, unit) : '',
  );
  const distChart = el('div', { class: 'chart', role: 'img', 'aria-label': `Empirical CDF of ${name}: baseline dashed, canary solid` });
  // The quantile checks beside the distribution: a tail failure (p99) is visible in numbers even
  // where the curves' ends are too close to tell apart.
  const quantileChecks = (jm?.checks ?? []).filter((c) => (c.check === 'quantile' || /^p\d+/.test(c.label)) && c.baseline != null);
  const tails = quantileChecks.length && !m?.binary
    ? el('ul', { class: 'tails', 'data-role': 'quantiles' }, ...quantileChecks.map((c) => {
      const k = outcomeClass({ classification: c.classification, direction: jm?.direction });
      return el('li', { class: k }, `${c.label}: baseline ${fmtValue(c.baseline, unit)}, canary ${fmtValue(c.canary, unit)} — ${c.classification}`);
    }))
    : null;
  const dist = el('div', {}, el('p', { class: 'chart-title' }, m?.binary ? 'Rates' : 'Distributions (ECDF)'), distChart, tails);
  const looks = m?.sequential ?? [];
  const seqChart = el('div', { class: 'chart', role: 'img', 'aria-label': `Always-valid p-value of ${name} as samples arrived` });
  const seq = el('div', {}, el('p', { class: 'chart-title' }, 'Sequential test: evidence over time'), seqChart);
  const hasSeq = looks.length > 0;
  // Without a sequential test the card says so in one line instead of a panel.
  if (!hasSeq) stats.append(el('p', { class: 'legend-note' }, `Sequential test: ${m?.sequentialError ?? (m?.form === 'sketch' ? 'not available for a quantile sketch (it needs samples or counts)' : 'none for this metric')}.`));
  const hasDist = !!m && (!!m.ecdf || m.binary);
  card.append(el('div', { class: `metric${hasSeq ? '' : hasDist ? ' two' : ' one'}` }, stats, hasDist ? dist : null, hasSeq ? seq : null));
  if (!hasDist && tails) stats.append(tails);
  if (jm?.checks.length) card.append(checksTable(jm, checksOpen));
  const draw = () => {
    if (m?.ecdf) charts.ecdfOverlay(distChart, m.ecdf, unit === 'ms' ? `${name} (ms)` : name);
    else if (m?.binary) distChart.append(rateBars(m));
    if (!hasSeq) return;
    const first = looks[0], last = looks[looks.length - 1];
    if (looks.length === 1 && first?.single) {
      seqChart.append(el('p', {}, `One look at the totals (counts have no arrival order): always-valid p = ${fmtP(first.pValue)}, difference in [${fmt(first.lower, 4)}, ${fmt(first.upper, 4)}]${first.reject ? ' — significant' : ''}.`));
    } else if (last) {
      charts.evidence(seqChart, looks);
      seq.append(el('p', { class: 'legend-note' }, `After ${last.n.toLocaleString('en-US')} samples: p = ${fmtP(last.pValue)}, difference in [${fmt(last.lower, 3)}, ${fmt(last.upper, 3)}]${last.reject ? ' — significant' : ''}.`));
    }
  };
  return { card, draw };
}

/**
 * Every check the judge ran for a metric (shift, quantiles, rate, gates) with its numbers.
 * @param {MetricResult} jm
 */
function checksTable(jm, open = false) {
  /** @param {number | null} x */
  const f = (x) => (x == null ? '—' : fmt(x, 4));
  return el('details', { class: 'checks', open: open ? '' : null }, el('summary', {}, `${jm.checks.length} check${jm.checks.length === 1 ? '' : 's'}: ${jm.checks.map((c) => `${c.label} ${c.classification}`).join(' · ')}`),
    el('div', { class: 'scroll', tabindex: 0 }, el('table', { class: 'table compact' },
      el('thead', {}, el('tr', {}, ...['check', 'outcome', 'baseline', 'canary', 'estimate', 'interval', 'allowed / bound', 'p-value', 'why'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...jm.checks.map((c) => {
        const cls = outcomeClass({ classification: c.classification, direction: jm.direction });
        return el('tr', {}, el('td', {}, `${c.check} · ${c.label}`), el('td', {}, el('span', { class: `badge ${cls}` }, c.classification)), el('td', { class: 'num' }, f(c.baseline)), el('td', { class: 'num' }, f(c.canary)), el('td', { class: 'num' }, f(c.estimate)),
          el('td', { class: 'num' }, c.lower != null ? `[${f(c.lower)}, ${f(c.upper)}]` : '—'), el('td', { class: 'num' }, f(c.allowed)), el('td', { class: 'num' }, fmtP(c.pValue)), el('td', {}, c.reason));
      })))));
}

/**
 * A metric's score: its group's score (Kayenta scores groups), with the metric's weight.
 * @param {Analysis} v
 * @param {MetricResult} jm
 */
function groupScore(v, jm) {
  const g = v.groups.find((x) => x.name === jm.group);
  const parts = [];
  if (g) parts.push(`group ${g.name}: ${g.score == null ? 'no data' : fmt(g.score, 1)} (weight ${fmt(g.weight, 1)})`);
  if (jm.critical) parts.push('critical');
  return parts.join(' · ') || '—';
}

/** Scales of the rate bars: the smallest that holds both rates (at least 1%), so 0.067% against 0% reads as two small bars, not full against nothing. */
const RATE_SCALES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];

/**
 * Two labelled bars for a rate metric (baseline hatched, canary solid) on a stated scale.
 * @param {MetricView} m
 */
function rateBars(m) {
  const rb = m.baseline.mean, rc = m.canary.mean;
  const top = Math.max(rb || 0, rc || 0);
  const scale = RATE_SCALES.find((s) => s >= top) ?? 1;
  /** @param {string} label @param {number} r @param {string} cls */
  const bar = (label, r, cls) => el('div', { class: 'ratebar' }, el('span', { class: 'ratebar-label' }, label),
    el('span', { class: 'ratebar-track', 'aria-hidden': 'true' }, el('span', { class: `ratebar-fill ${cls}`, style: `width:${Number.isFinite(r) ? Math.min(100, (100 * r) / scale) : 0}%` })),
    el('span', { class: 'ratebar-value' }, fmtRate(r)));
  return el('div', { class: 'ratebars' }, bar('baseline', rb, 'base'), bar('canary', rc, 'can'), el('p', { class: 'legend-note' }, `Bar scale: 0 to ${fmtRate(scale)}.`));
}

/**
 * @param {MetricView} m
 * @param {'rate' | 'ms' | ''} unit
 */
function summaryTable(m, unit) {
  /** @param {number} x */
  const n = (x) => (Number.isFinite(x) ? x.toLocaleString('en-US') : '—');
  if (m.binary) {
    /** @param {string} name @param {Summary} s */
    const row = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, n(s.n)), el('td', { class: 'num' }, n(Math.round(s.mean * s.n))), el('td', { class: 'num' }, fmtRate(s.mean)));
    return el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, el('td', {}, ''), el('th', { class: 'num' }, 'n'), el('th', { class: 'num' }, 'events'), el('th', { class: 'num' }, 'rate'))),
      el('tbody', {}, row('baseline', m.baseline), row('canary', m.canary)));
  }
  const v = (/** @type {number} */ x) => (unit === 'ms' ? fmtValue(x, unit) : fmt(x, 2));
  /** @param {string} name @param {Summary} s */
  const row = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, n(s.n)), el('td', { class: 'num' }, v(s.mean)), el('td', { class: 'num' }, v(s.median)), el('td', { class: 'num' }, v(s.p90)));
  return el('table', { class: 'table' },
    el('thead', {}, el('tr', {}, el('td', {}, ''), el('th', { class: 'num' }, 'n'), el('th', { class: 'num' }, 'mean'), el('th', { class: 'num' }, 'median'), el('th', { class: 'num' }, 'p90'))),
    el('tbody', {}, row('baseline', m.baseline), row('canary', m.canary)));
}
