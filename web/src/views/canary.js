// The canary analysis view: the judge's decision and score, the sample-ratio check, and one card
// per metric with its outcome, effect, interval, summary table, distributions, sequential evidence
// and every check the judge ran.
import * as charts from '../charts.js';
import { $, el, clear } from '../app/dom.js';
import { state } from '../app/state.js';
import { fmt, fmtP, fmtPct, outcomeClass, outcomeNote } from '../format.js';

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
  if (!a) {
    dec.textContent = '—';
    dec.className = 'decision small';
    cards.append(el('p', { class: state.error ? 'error card' : 'muted card', role: state.error ? 'alert' : null }, state.error ? `The analysis failed: ${state.error}` : 'Load metric samples and a canary config or a plan (Data tab) to analyse a canary.'));
    return;
  }
  const v = a.verdict;
  dec.textContent = v.decision;
  dec.className = `decision small ${v.decision}`;
  $('canary-score').textContent = v.score != null ? fmt(v.score, 1) : '—';
  $('canary-n').textContent = `${a.n.baseline.toLocaleString('en-US')} baseline · ${a.n.canary.toLocaleString('en-US')} canary`;
  $('canary-ms').textContent = `${Math.round(a.ms)} ms`;
  const srmEl = $('canary-srm');
  const srm = a.srm;
  if (srm) {
    const bad = srm.pValue < srm.alpha;
    srmEl.textContent = `${srm.counts.join(' : ')} (expected ${srm.weights.join(' : ')}), p = ${fmtP(srm.pValue)} ${bad ? `< ${srm.alpha}: mismatch` : `≥ ${srm.alpha}: ok`}`;
    if (bad) {
      warn.hidden = false;
      warn.textContent = `Sample-ratio mismatch: ${(srm.counts[0] ?? 0).toLocaleString('en-US')} baseline vs ${(srm.counts[1] ?? 0).toLocaleString('en-US')} canary units where ${srm.weights.join(':')} was expected (χ² = ${fmt(srm.statistic, 2)}, p = ${fmtP(srm.pValue)}). The split is off, so the comparison below may be biased: check the assignment before trusting it.`;
    }
  } else srmEl.textContent = 'no unit counts';
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
  const card = el('article', { class: 'card', 'data-metric': name });
  const stats = el('div', {},
    el('h3', {}, name, ' ', el('span', { class: `badge ${cls}` }, el('span', { 'data-role': 'classification' }, jm?.classification || '—'), jm ? outcomeNote(jm, cls) : ''),
      jm?.critical ? el('span', { class: 'badge neutral', title: 'a failure of this metric rolls back at once' }, 'critical') : ''),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Effect (canary − baseline)'), el('dd', { 'data-role': 'effect' }, jm?.estimate != null ? fmt(jm.estimate, 4) : '—'),
      el('dt', {}, `Interval (${fmt(100 * (1 - alpha), 1)}%)`), el('dd', { 'data-role': 'interval' }, iv ? `[${fmt(iv[0], 4)}, ${fmt(iv[1], 4)}]` : '—'),
      el('dt', {}, 'p-value'), el('dd', { 'data-role': 'p-value' }, fmtP(jm?.pValue)),
      el('dt', {}, 'Score'), el('dd', { 'data-role': 'score' }, jm ? groupScore(v, jm) : '—'),
      ...(jm?.test ? [el('dt', {}, 'Test'), el('dd', {}, jm.test)] : []),
      ...(why ? [el('dt', {}, 'Why'), el('dd', {}, why)] : []),
    ),
    m ? summaryTable(m) : '',
  );
  const distChart = el('div', { class: 'chart', role: 'img', 'aria-label': `Empirical CDF of ${name}: baseline dashed, canary solid` });
  const dist = el('div', {}, el('p', { class: 'chart-title' }, m?.binary ? 'Rates' : 'Distributions (ECDF)'), distChart);
  const seqChart = el('div', { class: 'chart', role: 'img', 'aria-label': `Always-valid p-value of ${name} as samples arrived` });
  const seq = el('div', {}, el('p', { class: 'chart-title' }, 'Sequential test: evidence over time'), seqChart);
  card.append(el('div', { class: 'metric' }, stats, dist, seq));
  if (jm?.checks.length) card.append(checksTable(jm, checksOpen));
  const draw = () => {
    if (m?.ecdf) charts.ecdfOverlay(distChart, m.ecdf, name);
    else if (m?.binary) distChart.append(rateBars(m));
    const looks = m?.sequential ?? [];
    const first = looks[0], last = looks[looks.length - 1];
    if (looks.length === 1 && first?.single) {
      seqChart.append(el('p', {}, `One look at the totals (counts have no arrival order): always-valid p = ${fmtP(first.pValue)}, difference in [${fmt(first.lower, 4)}, ${fmt(first.upper, 4)}]${first.reject ? ' — significant' : ''}.`));
    } else if (last) {
      charts.evidence(seqChart, looks);
      seq.append(el('p', { class: 'legend-note' }, `After ${last.n.toLocaleString('en-US')} samples: p = ${fmtP(last.pValue)}, difference in [${fmt(last.lower, 3)}, ${fmt(last.upper, 3)}]${last.reject ? ' — significant' : ''}.`));
    } else seqChart.textContent = m?.sequentialError ?? (m?.form === 'sketch' ? 'Not available: this metric arrived as a quantile sketch (the sequential test needs samples or counts).' : 'No sequential test for this metric.');
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
    el('table', { class: 'table compact' },
      el('thead', {}, el('tr', {}, ...['check', 'outcome', 'baseline', 'canary', 'estimate', 'interval', 'allowed / bound', 'p-value', 'why'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...jm.checks.map((c) => {
        const cls = outcomeClass({ classification: c.classification, direction: jm.direction });
        return el('tr', {}, el('td', {}, `${c.check} · ${c.label}`), el('td', {}, el('span', { class: `badge ${cls}` }, c.classification)), el('td', { class: 'num' }, f(c.baseline)), el('td', { class: 'num' }, f(c.canary)), el('td', { class: 'num' }, f(c.estimate)),
          el('td', { class: 'num' }, c.lower != null ? `[${f(c.lower)}, ${f(c.upper)}]` : '—'), el('td', { class: 'num' }, f(c.allowed)), el('td', { class: 'num' }, fmtP(c.pValue)), el('td', {}, c.reason));
      }))));
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

/**
 * Two labelled bars for a rate metric (baseline hatched, canary solid), scaled to the larger rate.
 * @param {MetricView} m
 */
function rateBars(m) {
  const rb = m.baseline.mean, rc = m.canary.mean;
  const max = Math.max(rb, rc) || 1;
  /** @param {string} label @param {number} r @param {string} cls */
  const bar = (label, r, cls) => el('div', { class: 'ratebar' }, el('span', { class: 'ratebar-label' }, label),
    el('span', { class: `ratebar-fill ${cls}`, style: `width:${Math.max(1, Math.round((160 * r) / max))}px`, 'aria-hidden': 'true' }),
    el('span', { class: 'ratebar-value' }, fmtPct(100 * r)));
  return el('div', { class: 'ratebars' }, bar('baseline', rb, 'base'), bar('canary', rc, 'can'));
}

/** @param {MetricView} m */
function summaryTable(m) {
  /** @param {number} x */
  const n = (x) => (Number.isFinite(x) ? x.toLocaleString('en-US') : '—');
  if (m.binary) {
    /** @param {string} name @param {Summary} s */
    const row = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, n(s.n)), el('td', { class: 'num' }, n(Math.round(s.mean * s.n))), el('td', { class: 'num' }, fmtPct(100 * s.mean)));
    return el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, el('td', {}, ''), el('th', { class: 'num' }, 'n'), el('th', { class: 'num' }, 'events'), el('th', { class: 'num' }, 'rate'))),
      el('tbody', {}, row('baseline', m.baseline), row('canary', m.canary)));
  }
  /** @param {string} name @param {Summary} s */
  const row = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, n(s.n)), el('td', { class: 'num' }, fmt(s.mean, 2)), el('td', { class: 'num' }, fmt(s.median, 2)), el('td', { class: 'num' }, fmt(s.p90, 2)));
  return el('table', { class: 'table' },
    el('thead', {}, el('tr', {}, el('td', {}, ''), el('th', { class: 'num' }, 'n'), el('th', { class: 'num' }, 'mean'), el('th', { class: 'num' }, 'median'), el('th', { class: 'num' }, 'p90'))),
    el('tbody', {}, row('baseline', m.baseline), row('canary', m.canary)));
}
