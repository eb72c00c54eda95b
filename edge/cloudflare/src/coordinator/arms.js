// rollgate edge — the coordinator's live aggregates: per arm, the merged counts, latency sketch
// and mismatch report of the current window and of the whole rollout. WASM objects (sketches,
// reports) live here and are freed here. SPDX-License-Identifier: MIT
import * as engine from '../engine.js';
import { ARMS, newArm } from '../metrics.js';
import { reportLimitsProblem } from './bounds.js';
import { mergeTiming, freeTiming, timingSummary, judgeTiming } from '../timing.js';
import { mergeUnits, freeUnits, unitsSummary, judgeUnits } from '../units.js';

export function emptyArms() {
  return { stable: newArm(), canary: newArm() };
}

export function freeArms(arms) {
  for (const a of ARMS) {
    engine.freeSketch(arms[a].sketch);
    engine.freeReport(arms[a].report);
    freeTiming(arms[a].timing);
    freeUnits(arms[a].units);
  }
}

const count = (x) => (Number.isFinite(x) && x >= 0 ? Math.floor(x) : 0);

/**
 * Adds one worker summary (wire form) into a live aggregate. Counts always merge; a sketch or
 * report the core rejects is skipped and counted in `problems` (when given), so one bad part
 * never loses a batch's counts. The aggregate's sketch always has the edge's parameters and its
 * report the given `limits` (or, without them, the first report's, within the edge's caps): the
 * core refuses to merge others, which is what bounds their size (bounds.js). `units: false`
 * leaves the unit summary out (the coordinator's rollout totals keep none: bounds.js).
 */
export function mergeArm(into, a, problems, limits, { units = true } = {}) {
  into.requests += count(a.requests);
  into.newUnits += count(a.newUnits);
  into.errors += count(a.errors);
  into.networkErrors += count(a.networkErrors);
  into.exposures += count(a.exposures);
  for (const k of Object.keys(into.statuses)) into.statuses[k] += count(a.statuses && a.statuses[k]);
  for (const k of Object.keys(into.shadow)) into.shadow[k] += count(a.shadow && a.shadow[k]);
  if (a.latency) {
    try {
      const s = engine.sketchFromWire(a.latency);
      try {
        into.sketch ||= engine.newSketch();
        into.sketch.merge(s);
      } finally {
        engine.freeSketch(s);
      }
    } catch (e) {
      if (problems) problems.push('latency: ' + engine.describeError(e));
    }
  }
  mergeTiming(into, a.timing, problems);
  if (units) mergeUnits(into, a.units, problems);
  if (a.mismatches) {
    try {
      const why = limits ? null : reportLimitsProblem(a.mismatches.limits);
      if (why) throw new Error(why);
      const m = engine.reportFromWire(a.mismatches);
      try {
        into.report ||= engine.newMismatchReport(limits || a.mismatches.limits);
        into.report.merge(m);
      } finally {
        engine.freeReport(m);
      }
    } catch (e) {
      if (problems) problems.push('mismatches: ' + engine.describeError(e));
    }
  }
}

/** Per-field verdicts of an arm's merged report (real regression or noise), or null. */
export function verdictsOf(a, shadow) {
  if (!a.report) return null;
  try {
    return engine.reportVerdicts(a.report, shadow && shadow.thresholds);
  } catch (e) {
    return { error: engine.describeError(e) };
  }
}

/** An arm as the status shows it; `events`: the worker's accepted event names (units.js). */
export function armSummary(a, events) {
  return {
    requests: a.requests,
    newUnits: a.newUnits,
    errors: a.errors,
    errorRate: a.requests ? a.errors / a.requests : null,
    networkErrors: a.networkErrors,
    statuses: a.statuses,
    latencyMs: a.sketch ? engine.sketchSummary(a.sketch) : { count: 0 },
    shadow: a.shadow,
    exposures: a.exposures,
    timing: timingSummary(a.timing), // Server-Timing durations (ms) by name
    units: unitsSummary(a, events), // per event name: exposed and converted units, value per unit (windows only)
  };
}

/**
 * The judge's view of one arm: {"metrics": {name: data}} (canary.hpp): the request metrics, the
 * Server-Timing names, and the arm's unit summary under each of `eventMetrics` (sources.js).
 */
export function judgeInput(a, eventMetrics) {
  const metrics = { errorRate: { events: a.errors, total: a.requests } };
  if (a.sketch && a.sketch.count > 0) metrics.latency = engine.sketchToWire(a.sketch);
  judgeTiming(metrics, a.timing);
  judgeUnits(metrics, a.units, eventMetrics);
  return { metrics };
}

/** Both parts' arms from their stored wire form. */
export function rehydrate(stored, limits) {
  const live = { window: emptyArms(), total: emptyArms() };
  for (const part of ['window', 'total']) {
    for (const a of ARMS) if (stored && stored[part] && stored[part][a]) mergeArm(live[part][a], stored[part][a], null, limits, { units: part === 'window' });
  }
  return live;
}
