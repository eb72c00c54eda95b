// The demo's rollout plan: rollgate's default plan (risk "medium": 1% → 10% → 50% → 100%, with
// its error-rate and latency gates), with a few changes so that it runs in a minute on a laptop:
//   1. time compressed: stage windows of seconds instead of hours (divided again by --speed);
//   2. the conversion gate (purchase events from the shoppers, ROLLGATE_EVENTS=purchase) is
//      critical and may drop by 20 points (default: not critical, 5% relative): at demo volumes
//      a window holds tens of canary units, not the ~55,000 a 5% relative drop needs;
//   3. latency may rise by 25% or 25 ms before it counts (the default: 10% or 5 ms), since
//      the origins, the edge and the users share one machine's jittery CPU;
//   4. the latency tail is p90 instead of p99 (the gate p90 <= 500 ms; the tail comparison with
//      stable on p90 instead of p95 and p99), with 2 samples beyond the quantile instead of 5:
//      a p99 needs 500 canary samples per window, which a 1% stage of a few hundred requests
//      per second does not collect in seconds.
//   5. a `cpu` gate in every stage: the origins' Server-Timing `cpu` (the edge collects it with
//      ROLLGATE_SERVER_TIMING=cpu), compared with stable (+50% or 0.5 ms allowed) and p90 <= 50 ms.
// Everything else (thresholds, tests, allowed changes, critical metrics, the 100% stage's
// absolute gates, maximum windows of four minimum windows) is the default plan's.
// SPDX-License-Identifier: MIT

/** Stage windows at --speed 1, in seconds, by stage index. */
export const DEMO_WINDOWS_S = [15, 15, 15, 12];

/** The floor of a stage's maximum duration (see below). */
export const MIN_MAX_MS = 60000;

const human = (ms) => {
  if (ms >= 3600000) return `${+(ms / 3600000).toFixed(1)} h`;
  if (ms >= 60000) return `${+(ms / 60000).toFixed(1)} min`;
  return `${+(ms / 1000).toFixed(1)} s`;
};
export { human };

/**
 * The judge passes a metric only when the window could have seen its allowed change with 80%
 * power (docs/canary.md, "Power"). The default error-rate allowance (+0.05 points) and 0.1% gate
 * need about 12,000 canary requests per window: hours at 1% of a 300 req/s demo. The demo sizes
 * them for its volumes: +10 points against stable (about 70 canary requests) and a 2% gate at
 * 100% (about 600 requests); the gate of the earlier stages stays 0.1%, and a canary failing
 * more than that is still rolled back by it.
 */
function adaptErrors(metric, absoluteOnly) {
  if (metric.name !== 'errorRate') return metric;
  const m = { ...metric };
  if (m.allowedChange) m.allowedChange = { ...m.allowedChange, absolute: Math.max(0.1, m.allowedChange.absolute ?? 0) };
  if (absoluteOnly) m.gates = (m.gates || []).map((g) => (g.stat === 'rate' ? { ...g, max: Math.max(0.02, g.max ?? 0) } : g));
  return m;
}

function adaptLatency(metric) {
  if (metric.name !== 'latency') return metric;
  const m = { ...metric, minTailSamples: 2 };
  // One loaded laptop runs the origins, the edge and the users: its latency jitters far more
  // than a fleet's, and a 1% arm's few users arrive in bursts; 10% / 5 ms would flag noise.
  if (m.allowedChange) m.allowedChange = { relative: Math.max(0.25, m.allowedChange.relative ?? 0), absolute: Math.max(25, m.allowedChange.absolute ?? 0) };
  // The default compares p95 and p99 too (what catches a regression of part of the traffic,
  // which leaves the median where it was); at demo volumes p90 is the tail that has the samples.
  if (Array.isArray(m.quantiles)) m.quantiles = [0.9];
  m.gates = (m.gates || []).map((g) => (g.stat === 'p99' ? { ...g, stat: 'p90' } : g));
  return m;
}

/**
 * The origins' CPU time per request, from their `Server-Timing: cpu;dur=...` header: an origin
 * metric, not critical (a failing cpu costs its group's share of the score: HOLD, not ROLLBACK).
 * Like latency's, its p90 gate needs 2 samples beyond the quantile, not 5, at demo volumes.
 */
const CPU = {
  name: 'cpu', description: "origin CPU time per request in ms (the origin's Server-Timing cpu)", kind: 'continuous',
  direction: 'increase', allowedChange: { relative: 0.5, absolute: 0.5 }, group: 'saturation', test: 'mannWhitney',
  minTailSamples: 2, gates: [{ stat: 'p90', max: 50 }],
};
/**
 * Conversion (share of exposed units with a purchase event, docs/edge.md "Events"): the default
 * plan's metric, critical so that a confirmed drop rolls back at once (the default holds and rolls
 * back at the stage's maximum), and allowed to drop 20 points: with ~40% of the demo's shoppers
 * buying, a 10% stage's window passes with about 55 canary units (80% power) and the conversion
 * scenario's canary, losing 80% of its checkouts, is confirmed below that within a few seconds.
 */
function adaptConversion(metric) {
  if (metric.name !== 'conversion') return metric;
  return { ...metric, critical: true, allowedChange: { absolute: 0.2 } };
}

const CPU_ABSOLUTE = { name: 'cpu', kind: 'continuous', direction: 'increase', compare: false, group: 'saturation', minTailSamples: 2, gates: [{ stat: 'p90', max: 50 }] };

/**
 * @param rg the initialised rollgate package
 * @returns {{plan, stages: Array<{name, percent, windowMs, maxMs, realWindowMs, realMaxMs, gates}>, changes: string[]}}
 */
export function demoPlan(rg, { speed = 1 } = {}) {
  const original = rg.defaultPlan('medium');
  const plan = structuredClone(original);
  plan.name = 'live-rollout-demo';
  plan.description = `rollgate's default medium-risk plan, time-compressed for the live demo (windows in seconds, speed ${speed})`;
  plan.canary.metrics = plan.canary.metrics.map(adaptLatency).map((m) => adaptErrors(m, false)).map(adaptConversion);
  plan.canary.metrics.push(CPU);
  const stages = [];
  plan.stages = plan.stages.map((s, i) => {
    const out = { ...s };
    const windowMs = Math.max(250, Math.round((DEMO_WINDOWS_S[i] ?? DEMO_WINDOWS_S.at(-1)) * 1000 / speed));
    out.minDurationMs = windowMs;
    // The maximum keeps the default plan's ratio (four windows) but never drops under a minute:
    // at 1% the window must collect 20 canary requests, and a slow or busy machine may need that
    // long; a stage that has not passed by its maximum is rolled back (for lack of data too).
    if (s.maxDurationMs != null) out.maxDurationMs = Math.max(MIN_MAX_MS, Math.round((windowMs * s.maxDurationMs) / s.minDurationMs));
    if (Array.isArray(s.gates)) out.gates = [...s.gates, 'cpu'];
    else if (s.gates && s.gates.metrics) out.gates = { ...s.gates, metrics: [...s.gates.metrics.map(adaptLatency).map((m) => adaptErrors(m, true)), CPU_ABSOLUTE] };
    if (Array.isArray(s.watch)) out.watch = [...s.watch, 'cpu'];
    stages.push({
      name: s.name,
      percent: s.percent,
      windowMs,
      maxMs: out.maxDurationMs ?? null,
      realWindowMs: s.minDurationMs,
      realMaxMs: s.maxDurationMs ?? null,
      gates: Array.isArray(out.gates) ? out.gates : (out.gates?.metrics || []).map((m) => m.name + ' (absolute)'),
    });
    return out;
  });
  rg.validatePlan(plan);
  return {
    plan,
    stages,
    changes: [
      `windows in seconds instead of hours (the real plan: ${stages.map((s) => human(s.realWindowMs)).join(', ')})`,
      `a stage's maximum is four windows, but at least ${MIN_MAX_MS / 1000} s (data at 1% takes a few seconds to come)`,
      'conversion (purchase events the shoppers send to the edge) is critical and may drop by 20 points (default: not critical, 5% relative): a demo window holds tens of canary shoppers, not the ~55,000 a 5% relative drop needs',
      'latency may rise by 25% or 25 ms (default 10% or 5 ms): one shared machine is noisier than a fleet',
      'error rate may rise by 10 points against stable and the 100% gate is 2% (default 0.05 points and 0.1%): with fewer canary requests the judge lacks the power to pass',
      'latency tail: gate p90 ≤ 500 ms and compare p90, instead of p99 ≤ 500 ms and p95/p99 (a p99 needs 500 canary samples per window)',
      "a cpu gate in every stage: the origins' Server-Timing cpu (+50% or 0.5 ms against stable, p90 ≤ 50 ms), which the edge collects (ROLLGATE_SERVER_TIMING=cpu)",
    ],
  };
}
