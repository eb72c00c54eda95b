// The plan's stages in words, for the rollout view's plan table: traffic, windows and the gates of
// each stage with their units ("latency (critical): allowed rise 25% or 25 ms; p90 ≤ 500 ms").
import { fmtPp, fmtRate, unitOf } from '../format.js';

/**
 * A metric of a canary config (docs/canary.md), as far as the plan table describes it.
 * @typedef {{name: string, kind?: string, description?: string, critical?: boolean, compare?: boolean, direction?: string, allowedChange?: {relative?: number, absolute?: number}, gates?: {stat: string, max?: number, min?: number}[]}} MetricConfig
 */
/**
 * A stage of a rollout plan (docs/rollout.md).
 * @typedef {{name?: string, percent: number, minDurationMs: number, maxDurationMs?: number, gates?: string[] | {metrics: MetricConfig[]}}} Stage
 */
/** @typedef {{index: number, name: string, percent: number, minMs: number, maxMs: number | null, gates: string[]}} StageInfo */

/**
 * A metric of a canary config, in words with its units.
 * @param {MetricConfig} m
 */
export function metricWords(m) {
  const unit = unitOf(m);
  /** @param {number} x an absolute amount of the metric */
  const abs = (x) => (unit === 'rate' ? fmtPp(x).replace(/^\+/, '') : unit === 'ms' ? `${x} ms` : String(x));
  /** @param {string} stat @param {number} x a bound on a statistic */
  const bound = (stat, x) => (unit === 'rate' || stat === 'rate' ? fmtRate(x) : unit === 'ms' ? `${x} ms` : String(x));
  const parts = [];
  if (m.compare !== false && m.allowedChange) {
    const a = m.allowedChange;
    const lim = [a.relative != null ? `${+(a.relative * 100).toFixed(3)}%` : null, a.absolute != null ? abs(a.absolute) : null].filter(Boolean).join(' or ');
    parts.push(`allowed ${m.direction === 'decrease' ? 'drop' : m.direction === 'either' ? 'change' : 'rise'} ${lim}`);
  }
  for (const g of m.gates ?? []) parts.push(`${g.stat} ${g.max != null ? `≤ ${bound(g.stat, g.max)}` : `≥ ${bound(g.stat, g.min ?? 0)}`}`);
  return `${m.name}${m.critical ? ' (critical)' : ''}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/**
 * @param {{canary?: {metrics?: MetricConfig[]}}} plan
 * @param {Stage} s
 * @param {number} i
 * @returns {StageInfo}
 */
export function stageInfo(plan, s, i) {
  const byName = Object.fromEntries((plan.canary?.metrics ?? []).map((m) => [m.name, m]));
  const g = s.gates ?? [];
  /** @type {string[]} */
  let gates;
  if (Array.isArray(g)) gates = g.map((name) => (byName[name] ? metricWords(byName[name]) : name));
  else gates = (g.metrics ?? []).map(metricWords);
  return { index: i, name: s.name ?? '', percent: s.percent, minMs: s.minDurationMs, maxMs: s.maxDurationMs ?? null, gates };
}

/**
 * A stage's status word in the plan table: done, current, rolled back here, not reached, pending.
 * @param {number} index
 * @param {number | null} current the rollout's stage
 * @param {string | null | undefined} status the package's RolloutStatus
 */
export function stageStatus(index, current, status) {
  if (current == null) return '';
  if (status === 'completed') return 'done ✓';
  if (index < current) return 'done ✓';
  if (index === current) return status === 'rolledBack' ? 'rolled back here ✕' : status === 'paused' ? 'current, paused ‖' : 'current ◀';
  return status === 'rolledBack' ? 'not reached' : 'pending';
}

