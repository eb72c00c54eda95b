// The rollout view: what the rollout is doing now (a headline from the state machine's action),
// the judge's verdict of the current window with its reasons, the per-arm numbers of the window,
// the evidence of a finished rollout (the window the coordinator decided on), the blast radius,
// where the rollout is, the plan's stages and the timeline of decisions.
import * as charts from '../charts.js';
import { $, el, clear, one } from '../app/dom.js';
import { state } from '../app/state.js';
import { planAndState } from '../app/pipeline.js';
import { finishedEvidence, windowWords } from '../evidence.js';
import { FINISHED } from '../status.js';
import { stageInfo, stageStatus } from './plan.js';
import { renderControls } from './controls.js';
import { fmt, fmtP, fmtPct, fmtDuration, fmtTime, fmtMs, fmtRate, fmtCount, fmtDiff, fmtValue, unitOf, statusWords, classify, outcomeClass, outcomeNote } from '../format.js';

/** @typedef {import('./plan.js').Stage} Stage */
/** @typedef {import('./plan.js').StageInfo} StageInfo */

/** The decision a recorded action stands for (the state machine's history has no verdicts). */
const ACTION_DECISION = /** @type {Record<string, string>} */ ({ advance: 'PASS', complete: 'PASS', hold: 'HOLD', rollback: 'ROLLBACK' });

/**
 * The headline: what the rollout does, in words, from the package's action and the coordinator's
 * status (a PASS of the window while the rollout holds reads "Holding", not "PASS").
 * @param {string | null | undefined} status
 * @param {{action?: string, percent?: number, servingPercent?: number} | null} nx
 * @param {number | null | undefined} traffic
 */
function headline(status, nx, traffic) {
  if (status === 'rolledBack') return { cls: 'ROLLBACK', text: `Rolled back — traffic ${fmtPct(traffic ?? 0)}` };
  if (status === 'completed') return { cls: 'PASS', text: `Completed — traffic ${fmtPct(traffic ?? 100)}` };
  if (status === 'paused') return { cls: 'HOLD', text: `Paused at ${fmtPct(traffic)}` };
  const a = nx?.action;
  if (a === 'hold') return { cls: 'HOLD', text: `Holding at ${fmtPct(traffic)}` };
  if (a === 'advance') return { cls: 'PASS', text: `Advancing to ${fmtPct(nx?.percent)}` };
  if (a === 'complete') return { cls: 'PASS', text: `Completing at ${fmtPct(nx?.percent)}` };
  if (a === 'rollback') return { cls: 'ROLLBACK', text: 'Rolling back — traffic 0%' };
  return { cls: '', text: status ? statusWords(status) : 'no rollout' };
}

export function renderRollout() {
  const { plan, rstate, history, flag, nowMs } = planAndState();
  const st = state.status;
  const stages = plan ? (/** @type {Stage[]} */ (plan.stages ?? [])).map((s, i) => stageInfo(plan, s, i)) : [];
  const stageIdx = rstate?.stage ?? null;
  const status = st?.summary?.status ?? rstate?.status ?? null;
  const finished = FINISHED.includes(status ?? '');
  const ev = st ? finishedEvidence(st) : null;
  const live = st?.analysis;
  const nx = state.next;
  // The verdict: of the current window (judged again here), else the coordinator's; of a finished
  // rollout, the decision that ended it.
  const verdict = finished
    ? { decision: ev?.entry?.verdict ?? (status === 'rolledBack' ? 'ROLLBACK' : 'PASS'), reasons: ev?.entry?.reason ? [ev.entry.reason] : [] }
    : state.analysis?.verdict ?? (live ? { decision: live.decision, reasons: live.reasons ?? [] } : null);
  const cur = stageIdx != null ? stages[stageIdx] : null;
  // Traffic now: what the coordinator serves (0 after a rollback), else the package's action.
  const traffic = st?.summary?.servingPercent ?? (finished ? nx?.servingPercent : cur?.percent) ?? null;

  const h = headline(status, nx, traffic);
  const hl = $('rollout-headline');
  hl.textContent = h.text;
  hl.className = `headline ${h.cls}`;
  const d = $('decision');
  const decision = verdict?.decision ?? '';
  d.className = `decision small ${decision}`;
  d.textContent = decision ? `${finished ? 'Decisive window' : 'Window verdict'}: ${decision}` : state.error ? 'analysis failed' : 'no analysis yet';
  d.dataset.decision = decision;
  const ul = clear($('decision-reasons'));
  const reasons = [...(verdict?.reasons ?? [])];
  if (state.error && !verdict) reasons.push(state.error);
  const srm = state.analysis?.srm;
  if (srm && srm.pValue < srm.alpha) reasons.unshift(`sample-ratio mismatch (p = ${fmtP(srm.pValue)}): the split is off, check assignment before trusting the comparison`);
  for (const r of reasons) ul.append(el('li', {}, r));
  const chips = clear($('decision-metrics'));
  for (const m of (finished ? ev?.analysis?.metrics : state.analysis?.verdict.metrics) ?? []) {
    const cls = outcomeClass(m);
    chips.append(el('span', { class: `badge ${cls}`, title: m.reasons.join('; ') }, `${m.name}: ${m.classification}${outcomeNote(m, cls)}`), ' ');
  }
  const na = $('next-action');
  na.dataset.action = nx?.action ?? '';
  na.textContent = finished
    ? `Nothing more happens: the rollout is ${statusWords(status)}${nx?.reasons.length ? ` (${nx.reasons.join('; ')})` : ''}.`
    : nx?.action
      ? `Next action: ${nx.action}${nx.percent != null ? ` (traffic ${fmtPct(nx.percent)})` : ''} — ${nx.reasons.join('; ')}`
      : nx?.reasons.length ? nx.reasons.join('; ') : '';

  renderArms(finished ? ev?.window ?? null : null);
  renderJudged(finished ? ev?.analysis ?? null : live ?? state.analysis?.verdict ?? null, finished ? 'decisive' : live ? 'coordinator' : 'page');
  renderEvidence(finished ? ev : null, status);
  renderBlast();
  renderControls();

  // Where the rollout is
  const where = clear($('rollout-where'));
  const started = rstate?.stageStartMs ?? null;
  const elapsed = started != null ? nowMs - started : null;
  const minWindow = cur?.minMs == null ? '—'
    : finished || status === 'paused' ? `${fmtDuration(cur.minMs)} — no window runs (${statusWords(status)})`
    : `${fmtDuration(cur.minMs)}${elapsed != null ? (elapsed >= cur.minMs ? ' — complete' : ` — ${fmtDuration(cur.minMs - elapsed)} left`) : ''}`;
  const rows = [
    ['Rollout', [st?.rolloutId, flag, plan?.name ? `plan ${plan.name}` : null].filter(Boolean).join(' · ') || '—'],
    ['Status', statusWords(status)],
    ['Stage', cur ? `${stageIdx}${cur.name ? ` (${cur.name})` : ''} — stages 0 to ${stages.length - 1}` : stageIdx != null ? String(stageIdx) : '—'],
    ['Traffic', `${fmtPct(traffic)}${finished || traffic === cur?.percent || !cur ? '' : ` (stage target ${fmtPct(cur.percent)})`}`],
    ['In stage since', started != null ? `${fmtTime(started)}${finished ? '' : ` (${fmtDuration(elapsed)})`}` : '—'],
    ['Minimum window', minWindow],
    ['Maximum', cur?.maxMs != null ? fmtDuration(cur.maxMs) : '—'],
    ['As of', fmtTime(nowMs)],
  ];
  for (const [k, v] of rows) where.append(el('dt', {}, k), el('dd', {}, v));

  // Plan
  const tb = clear(one('#plan-table tbody'));
  if (!stages.length) tb.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No plan loaded.')));
  for (const s of stages) {
    const here = s.index === stageIdx && status !== 'completed';
    tb.append(
      el('tr', { class: here ? (status === 'rolledBack' ? 'current failed' : 'current') : '', 'aria-current': here ? 'step' : null },
        el('td', {}, `${s.index}${s.name ? ` · ${s.name}` : ''}`), el('td', {}, fmtPct(s.percent)),
        el('td', {}, `${fmtDuration(s.minMs)}${s.maxMs != null ? ` (max ${fmtDuration(s.maxMs)})` : ''}`),
        el('td', {}, s.gates.length ? el('ul', { class: 'reasons', style: 'margin:0' }, ...s.gates.map((g) => el('li', {}, g))) : 'none'),
        el('td', {}, stageStatus(s.index, stageIdx, status))),
    );
  }

  // Timeline: each recorded action; "now" at the served traffic while the rollout runs
  /** @type {charts.TimelinePoint[]} */
  const points = history
    .map((/** @type {{atMs: number, lastAtMs?: number | null, percent?: number | null, verdict?: string | null, action?: string | null, toStage?: number | null, reason?: string, repeats?: number}} */ e) => ({
      t: e.atMs, percent: e.percent ?? 0, decision: e.verdict ?? ACTION_DECISION[e.action ?? ''] ?? '', action: e.action ?? '', stage: e.toStage ?? null, note: e.reason ?? '', repeats: e.repeats ?? 1, until: e.lastAtMs ?? null,
    }))
    .filter((p) => Number.isFinite(p.t));
  if (cur && !finished && nowMs > (points.at(-1)?.t ?? 0)) points.push({ t: nowMs, percent: traffic ?? cur.percent, decision: '', action: 'now', stage: stageIdx, note: nx?.action ? `now: ${nx.action}` : 'now', repeats: 1, until: null });
  const chartEl = $('timeline-chart');
  if (points.length) charts.timeline(chartEl, points);
  else chartEl.textContent = 'No decision history yet.';
  const ht = clear(one('#history-table tbody'));
  for (const g of foldRuns(points))
    ht.append(el('tr', {}, el('td', {}, g.until && g.until !== g.t ? `${fmtTime(g.t)} – ${fmtTime(g.until)}` : fmtTime(g.t)), el('td', {}, g.stage != null ? String(g.stage) : ''), el('td', {}, fmtPct(g.percent)),
      el('td', {}, g.decision ? el('span', { class: `badge ${classify(g.decision)}` }, `${g.decision}${g.action && g.action !== 'now' ? ` (${g.action})` : ''}`) : g.action),
      el('td', {}, `${g.repeats > 1 ? `×${g.repeats} · ` : ''}${g.note}`)));
}

/**
 * Consecutive entries with the same action, decision, stage and traffic as one row (a hold every
 * second is one row "×N" with its time span, not N rows).
 * @param {charts.TimelinePoint[]} points
 */
function foldRuns(points) {
  /** @type {charts.TimelinePoint[]} */
  const out = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && p.action !== 'now' && last.action === p.action && last.decision === p.decision && last.stage === p.stage && last.percent === p.percent) {
      last.repeats += p.repeats;
      last.until = p.until ?? p.t;
      last.note = p.note;
    } else out.push({ ...p });
  }
  return out;
}

/**
 * Per-arm requests, errors, p90 and requests per second of the current window (live), or of the
 * decisive window of a finished rollout.
 * @param {import('../status.js').WindowPoint | null} decisive
 */
function renderArms(decisive) {
  const box = $('arms-card');
  const st = state.status;
  const tb = clear(one('#arms-table tbody'));
  const w = st?.arms.window;
  if (!st || (!decisive && !w)) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const since = st.summary?.windowStartedAt ? Date.parse(st.summary.windowStartedAt) : null;
  const secs = since != null ? Math.max(1, (st.nowMs - since) / 1000) : null;
  $('arms-caption').textContent = decisive
    ? `The window the coordinator decided on (window ${decisive.window}, at ${fmtPct(decisive.percent)}, ${fmtTime(decisive.at)}).`
    : `The current window${st.summary?.window != null ? ` (window ${st.summary.window}, ` : ' ('}since ${since != null ? fmtTime(since) : '—'}): what the coordinator has merged so far.`;
  for (const arm of ['stable', 'canary']) {
    const a = decisive ? decisive[/** @type {'stable' | 'canary'} */ (arm)] : w?.[arm];
    if (!a) continue;
    const p90 = decisive ? a.p90 : a.latencyMs?.p90;
    const rate = a.requests ? a.errors / a.requests : null;
    // The origins' Server-Timing durations (the edge's sketches, by name): p90 of each.
    const timing = decisive ? null : Object.entries(/** @type {Record<string, {count: number, p90?: number}>} */ (a.timing ?? {})).filter(([, s]) => s.count > 0);
    tb.append(el('tr', { 'data-arm': arm }, el('th', { scope: 'row' }, arm), el('td', { class: 'num' }, fmtCount(a.requests)),
      el('td', { class: 'num' }, `${fmtCount(a.errors)} (${fmtRate(rate)})`), el('td', { class: 'num' }, fmtMs(p90)),
      el('td', { class: 'num', 'data-role': 'server-timing' }, timing?.length ? timing.map(([n, s]) => `${n} ${fmtMs(s.p90)}`).join(' · ') : '—'),
      el('td', { class: 'num' }, decisive || secs == null ? '—' : `${fmt(a.requests / secs, 1)}/s`)));
  }
}

/**
 * Every metric the judge ran, per arm, as the core's verdict gives it (nothing is computed here):
 * the statistic its primary comparison compared in each arm (a median, a rate, a mean per exposed
 * unit, ...), the effect canary − stable and its interval, and the outcome. Any gated metric shows:
 * request metrics, Server-Timing names, conversions and values per unit.
 * @param {{decision?: string, metrics?: import('rollgate').MetricResult[]} | null} analysis
 * @param {'decisive' | 'coordinator' | 'page'} source
 */
function renderJudged(analysis, source) {
  const box = $('judged-card');
  const tb = clear(one('#judged-table tbody'));
  const metrics = analysis?.metrics ?? [];
  if (!metrics.length) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('judged-caption').textContent = source === 'decisive' ? 'The window the coordinator decided on, as the core judged it.'
    : source === 'coordinator' ? 'The last window the coordinator judged (the core’s verdict).'
    : 'The current window, judged in this page with the stage’s gates.';
  const timingNames = state.status?.serverTiming?.names ?? [];
  const planMetrics = /** @type {Array<{name: string, description?: string}>} */ (planAndState().plan?.canary?.metrics ?? []);
  for (const m of metrics) {
    // The primary comparison: the first check against stable, else the first gate (canary only).
    const c = m.checks.find((x) => x.check !== 'gate') ?? m.checks[0] ?? null;
    const unit = timingNames.includes(m.name) ? 'ms' : unitOf({ name: m.name, kind: m.kind, description: planMetrics.find((p) => p.name === m.name)?.description });
    const iv = Array.isArray(m.interval) && m.interval.length === 2 ? /** @type {Array<number | null>} */ (m.interval) : null;
    const cls = outcomeClass(m);
    tb.append(el('tr', { 'data-metric': m.name },
      el('th', { scope: 'row' }, m.name, m.critical ? el('span', { class: 'muted' }, ' (critical)') : ''),
      el('td', {}, c ? c.label : '—'),
      el('td', { class: 'num', 'data-role': 'stable' }, c && c.check !== 'gate' ? fmtValue(c.baseline, unit) : '—'),
      el('td', { class: 'num', 'data-role': 'canary' }, c ? fmtValue(c.check === 'gate' ? c.estimate : c.canary, unit) : '—'),
      el('td', { class: 'num', 'data-role': 'effect' }, fmtDiff(m.estimate, unit)),
      el('td', { class: 'num', 'data-role': 'interval' }, iv ? `[${fmtDiff(iv[0], unit)}, ${fmtDiff(iv[1], unit)}]` : '—'),
      el('td', {}, el('span', { class: `badge ${cls}`, title: m.reasons.join('; ') }, `${m.classification}${outcomeNote(m, cls)}`))));
  }
}

/**
 * A finished rollout's evidence: which decision ended it, on which window, with which numbers.
 * @param {import('../evidence.js').Evidence | null} ev
 * @param {string | null} status
 */
function renderEvidence(ev, status) {
  const box = $('evidence');
  const body = clear($('evidence-body'));
  if (!ev) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('evidence-title').textContent = status === 'rolledBack' ? 'Why it rolled back' : 'How it completed';
  const e = ev.entry;
  body.append(el('p', { 'data-role': 'evidence-what' },
    `${status === 'rolledBack' ? 'Rolled back' : 'Completed'}${e ? ` at ${fmtTime(e.atMs)}` : ''} by ${ev.byOperator ? 'an operator' : 'the coordinator'}${e?.toStage != null ? `, at stage ${e.toStage}` : ''}${e?.reason ? `: ${e.reason}` : '.'}`));
  if (ev.window) {
    body.append(el('p', { 'data-role': 'evidence-window' }, `The window that caused it (window ${ev.window.window}, served at ${fmtPct(ev.window.percent)}): ${windowWords(ev.window, fmtMs, fmtCount).join('; ')}.`));
  } else if (ev.byOperator) body.append(el('p', { class: 'muted' }, 'An operator’s command: no window decided it. The last analysed window is below.'));
  const failing = (ev.analysis?.metrics ?? []).filter((m) => outcomeClass(m) === 'fail');
  if (failing.length) {
    body.append(el('ul', { class: 'reasons', 'data-role': 'evidence-metrics' }, ...failing.map((m) => {
      const unit = unitOf(m);
      const iv = Array.isArray(m.interval) && m.interval.length === 2 ? /** @type {number[]} */ (m.interval) : null;
      return el('li', {}, el('strong', {}, m.name), `${m.critical ? ' (critical)' : ''}: ${m.classification}${outcomeNote(m, 'fail')}; canary − baseline ${fmtDiff(m.estimate, unit)}${iv ? `, interval [${fmtDiff(iv[0], unit)}, ${fmtDiff(iv[1], unit)}]` : ''}${m.reasons.length ? ` — ${m.reasons.join('; ')}` : ''}`);
    })));
  }
}

/** Users and requests the canary reached, in the run and since the regression began. */
function renderBlast() {
  const box = $('blast');
  const b = state.status?.blastRadius;
  if (!b) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const body = clear($('blast-body'));
  // Users are the units the edge assigned for the first time (its newUnits): 0 means none was
  // counted (e.g. every request carried an assignment already), not that nobody was reached.
  /** @param {number | null | undefined} n */
  const users = (n) => (n ? ` from ${fmtCount(n)} users assigned to it` : '');
  body.append(el('p', { 'data-role': 'blast-total' }, `The canary answered ${fmtCount(b.canaryRequests)} requests${users(b.canaryUnits)} in this rollout.`));
  body.append(el('p', { 'data-role': 'blast-after' }, b.afterRegression
    ? `Since the regression began (window ${b.regressionWindow}, ${fmtTime(b.regressionAt ?? 0)}: the first window in which the judge found a metric worse): ${fmtCount(b.afterRegression.requests)} requests${users(b.afterRegression.units)}.`
    : 'No window so far had a metric the judge found worse.'));
}
