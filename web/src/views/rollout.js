// The rollout view: the current stage's decision with its reasons and what the state machine does
// next, where the rollout is, the plan's stages and the timeline of decisions.
import * as charts from '../charts.js';
import { $, el, clear, one } from '../app/dom.js';
import { state } from '../app/state.js';
import { planAndState } from '../app/pipeline.js';
import { fmtP, fmtPct, fmtDuration, fmtTime, classify, outcomeClass, outcomeNote } from '../format.js';

/**
 * A metric of a canary config (docs/canary.md), as far as the plan table describes it.
 * @typedef {{name: string, critical?: boolean, compare?: boolean, direction?: string, allowedChange?: {relative?: number, absolute?: number}, gates?: {stat: string, max?: number, min?: number}[]}} MetricConfig
 */
/**
 * A stage of a rollout plan (docs/rollout.md).
 * @typedef {{name?: string, percent: number, minDurationMs: number, maxDurationMs?: number, gates?: string[] | {metrics: MetricConfig[]}}} Stage
 */

/**
 * A metric of a canary config, in words: "latency (critical): allowed rise 10% / 5; p99 ≤ 500".
 * @param {MetricConfig} m
 */
function metricWords(m) {
  const parts = [];
  if (m.compare !== false && m.allowedChange) {
    const a = m.allowedChange;
    const lim = [a.relative != null ? `${+(a.relative * 100).toFixed(3)}%` : null, a.absolute != null ? String(a.absolute) : null].filter(Boolean).join(' / ');
    parts.push(`allowed ${m.direction === 'decrease' ? 'drop' : m.direction === 'either' ? 'change' : 'rise'} ${lim}`);
  }
  for (const g of m.gates ?? []) parts.push(`${g.stat} ${g.max != null ? `≤ ${g.max}` : `≥ ${g.min}`}`);
  return `${m.name}${m.critical ? ' (critical)' : ''}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/**
 * @param {{canary?: {metrics?: MetricConfig[]}}} plan
 * @param {Stage} s
 * @param {number} i
 */
function stageInfo(plan, s, i) {
  const byName = Object.fromEntries((plan.canary?.metrics ?? []).map((m) => [m.name, m]));
  const g = s.gates ?? [];
  /** @type {string[]} */
  let gates;
  if (Array.isArray(g)) gates = g.map((name) => (byName[name] ? metricWords(byName[name]) : name));
  else gates = (g.metrics ?? []).map(metricWords);
  return { index: i, name: s.name ?? '', percent: s.percent, minMs: s.minDurationMs, maxMs: s.maxDurationMs ?? null, gates };
}

/** The decision a recorded action stands for (the state machine's history has no verdicts). */
const ACTION_DECISION = /** @type {Record<string, string>} */ ({ advance: 'PASS', complete: 'PASS', hold: 'HOLD', rollback: 'ROLLBACK' });

export function renderRollout() {
  const { plan, rstate, history, flag, nowMs } = planAndState();
  const stages = plan ? (/** @type {Stage[]} */ (plan.stages ?? [])).map((s, i) => stageInfo(plan, s, i)) : [];
  const stageIdx = rstate?.stage ?? null;
  const live = state.status?.analysis;
  const verdict = state.analysis?.verdict ?? (live ? { decision: live.decision, reasons: live.reasons ?? [] } : null);
  const nx = state.next;

  // Decision of the current stage (the judge's), its reasons, and what the state machine does next
  const d = $('decision');
  const decision = verdict?.decision ?? '';
  d.className = `decision ${decision}`;
  d.textContent = decision || (state.error ? 'analysis failed' : 'no analysis yet');
  d.dataset.decision = decision;
  const ul = clear($('decision-reasons'));
  const reasons = [...(verdict?.reasons ?? [])];
  if (state.error && !verdict) reasons.push(state.error);
  const srm = state.analysis?.srm;
  if (srm && srm.pValue < srm.alpha) reasons.unshift(`sample-ratio mismatch (p = ${fmtP(srm.pValue)}): the split is off, check assignment before trusting the comparison`);
  for (const r of reasons) ul.append(el('li', {}, r));
  const chips = clear($('decision-metrics'));
  for (const m of state.analysis?.verdict.metrics ?? []) {
    const cls = outcomeClass(m);
    chips.append(el('span', { class: `badge ${cls}`, title: m.reasons.join('; ') }, `${m.name}: ${m.classification}${outcomeNote(m, cls)}`), ' ');
  }
  const na = $('next-action');
  na.dataset.action = nx?.action ?? '';
  na.textContent = nx?.action
    ? `Next action: ${nx.action}${nx.percent != null ? ` (traffic ${fmtPct(nx.percent)})` : ''} — ${nx.reasons.join('; ')}`
    : nx?.reasons.length ? nx.reasons.join('; ') : '';

  // Where the rollout is
  const where = clear($('rollout-where'));
  const cur = stageIdx != null ? stages[stageIdx] : null;
  const started = rstate?.stageStartMs ?? null;
  const elapsed = started != null ? nowMs - started : null;
  const rows = [
    ['Flag / plan', `${flag ?? '—'}${plan?.name ? ` · ${plan.name}` : ''}`],
    ['Status', rstate?.status ?? state.status?.summary?.status ?? '—'],
    ['Stage', cur ? `${stageIdx}${cur.name ? ` (${cur.name})` : ''} — stages 0 to ${stages.length - 1}` : stageIdx != null ? String(stageIdx) : '—'],
    ['Traffic', fmtPct(cur?.percent)],
    ['In stage since', started != null ? `${fmtTime(started)} (${fmtDuration(elapsed)})` : '—'],
    ['Minimum window', cur?.minMs != null ? `${fmtDuration(cur.minMs)}${elapsed != null ? (elapsed >= cur.minMs ? ' — complete' : ` — ${fmtDuration(cur.minMs - elapsed)} left`) : ''}` : '—'],
    ['Maximum', cur?.maxMs != null ? fmtDuration(cur.maxMs) : '—'],
    ['As of', fmtTime(nowMs)],
  ];
  for (const [k, v] of rows) where.append(el('dt', {}, k), el('dd', {}, v));

  // Plan
  const tb = clear(one('#plan-table tbody'));
  if (!stages.length) tb.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No plan loaded.')));
  for (const s of stages) {
    const status = stageIdx == null ? '' : s.index < stageIdx ? 'done ✓' : s.index === stageIdx ? 'current ◀' : 'pending';
    tb.append(
      el('tr', { class: s.index === stageIdx ? 'current' : '', 'aria-current': s.index === stageIdx ? 'step' : null },
        el('td', {}, `${s.index}${s.name ? ` · ${s.name}` : ''}`), el('td', {}, fmtPct(s.percent)),
        el('td', {}, `${fmtDuration(s.minMs)}${s.maxMs != null ? ` (max ${fmtDuration(s.maxMs)})` : ''}`),
        el('td', {}, s.gates.length ? el('ul', { class: 'reasons', style: 'margin:0' }, ...s.gates.map((g) => el('li', {}, g))) : 'none'),
        el('td', {}, status)),
    );
  }

  // Timeline: each recorded action, then "now" at the current traffic
  /** @type {charts.TimelinePoint[]} */
  const points = history
    .map((/** @type {{atMs: number, percent?: number | null, verdict?: string | null, action?: string | null, toStage?: number | null, reason?: string}} */ h) => ({
      t: h.atMs, percent: h.percent ?? 0, decision: h.verdict ?? ACTION_DECISION[h.action ?? ''] ?? '', action: h.action ?? '', stage: h.toStage ?? null, note: h.reason ?? '',
    }))
    .filter((h) => Number.isFinite(h.t));
  if (cur && nowMs > (points.at(-1)?.t ?? 0)) points.push({ t: nowMs, percent: cur.percent, decision, action: 'now', stage: stageIdx, note: nx?.action ? `now: ${nx.action}` : 'now' });
  const chartEl = $('timeline-chart');
  if (points.length) charts.timeline(chartEl, points);
  else chartEl.textContent = 'No decision history yet.';
  const ht = clear(one('#history-table tbody'));
  for (const h of points)
    ht.append(el('tr', {}, el('td', {}, fmtTime(h.t)), el('td', {}, h.stage != null ? String(h.stage) : ''), el('td', {}, fmtPct(h.percent)), el('td', {}, h.decision ? el('span', { class: `badge ${classify(h.decision)}` }, `${h.decision}${h.action && h.action !== 'now' ? ` (${h.action})` : ''}`) : ''), el('td', {}, h.note)));
}
