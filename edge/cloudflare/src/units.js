// rollgate edge — per-arm unit summaries: which units each arm served in a window (exposure) and
// their metric events (events.js), for conversion and value per exposed unit (docs/edge.md,
// "Events"). SPDX-License-Identifier: MIT
//
// An isolate keeps one summary (the core's UnitSummary) per arm and window when ROLLGATE_EVENTS
// names events: every request it serves in the rollout exposes the request's unit, every event
// accepted is recorded under the unit's arm. The summaries travel in the flush (`units`: the
// core's JSON), are merged by aggregators and the coordinator (windows only: the rollout's
// totals keep none, see bounds.js), and reach the judge as the data of every plan metric whose
// event is collected (the core decides which: measurableFrom). This file holds the plumbing.
import * as engine from './engine.js';
import { EVENT_NAMES_MAX, EVENT_UNITS_MAX } from './coordinator/bounds.js';

let checked = null; // { key, problem } — the configured names and what the core said of them

/**
 * Why ROLLGATE_EVENTS cannot be collected, or null. Needs the engine initialised. The edge bounds
 * how many names (its storage cap); whether a name is one the core counts is the core's to say:
 * a probe summary must record it.
 */
export function eventsProblem(s) {
  const names = s.events || [];
  const key = names.join(',');
  if (checked && checked.key === key) return checked.problem;
  let problem = null;
  if (names.length > EVENT_NAMES_MAX) problem = `ROLLGATE_EVENTS: at most ${EVENT_NAMES_MAX} names fit the coordinator's storage bound, got ${names.length}`;
  else if (new Set(names).size !== names.length) problem = 'ROLLGATE_EVENTS: a name is listed twice';
  else if (names.length) {
    const probe = engine.newUnits(16);
    try {
      const bad = names.find((n) => !probe.record('probe', n));
      if (bad !== undefined) problem = `ROLLGATE_EVENTS: ${JSON.stringify(bad)} is not an event name the core counts (1 to 64 bytes)`;
    } finally {
      engine.freeUnits(probe);
    }
  }
  checked = { key, problem };
  return problem;
}

/** Events counters of an isolate (merged by metrics.js addCounters, shown in the status). */
export function emptyEventCounters() {
  return {
    batches: 0, // batches accepted
    recorded: 0, // events recorded in a unit summary
    notInRollout: 0, // events of units the rollout in force does not serve (flag rollouts), or with no rollout
    refused: 0, // events the summary refused (the core: a new name past its bound)
    malformed: 0, // batches the core's parser refused (400/413 with its id)
    tooLarge: 0, // bodies over EVENTS_BODY_MAX
    crossOrigin: 0, // browser batches from another origin
    noUnit: 0, // browser batches without a signed unit cookie
    forged: 0, // browser batches whose cookie failed verification (also in tamperedCookies)
    badToken: 0, // back-end batches without the right bearer token
    rateLimited: 0, // batches over ROLLGATE_EVENTS_PER_MIN for their unit
    failOpen: 0, // batches lost to a problem of rollgate's (state, WebAssembly)
  };
}

/** The arm's summary in this accumulator's window, made on first use. */
function summaryOf(acc, state, arm) {
  const a = acc.arm(state.rollout, state.window, arm);
  return (a.units ||= engine.newUnits(EVENT_UNITS_MAX));
}

/**
 * Records that `unit` was served by `arm` in the window in force (idempotent in the core). Only
 * when events are collected; never throws (a failure is counted, serving goes on).
 */
export function expose(acc, s, state, arm, unit) {
  if (!s.events.length || !unit) return;
  try {
    summaryOf(acc, state, arm).expose(unit);
  } catch {
    acc.count('failOpen.evaluation');
  }
}

/** Records one accepted event of `unit` under `arm`; false when the core refused it. */
export function recordEvent(acc, state, arm, unit, e) {
  return summaryOf(acc, state, arm).record(unit, e.name, e.hasValue ? e.value : undefined);
}

// --- summaries: wire form, merging, status, judge -------------------------------------------------

export function unitsToWire(units, wire) {
  if (!units) return null;
  return wire ? wire(units, engine.unitsToWire) : engine.unitsToWire(units);
}

export function freeUnits(units) {
  engine.freeUnits(units);
}

/**
 * Merges a summary's `units` into an aggregate's (created with the edge's cap, so the merge
 * bounds it whatever maxUnits the sender claims). A summary the core rejects, or one whose
 * names would take the aggregate past EVENT_NAMES_MAX, is skipped and said in `problems`.
 */
export function mergeUnits(into, wire, problems) {
  if (wire === undefined || wire === null) return;
  if (typeof wire !== 'object' || Array.isArray(wire) || !Array.isArray(wire.events)) {
    if (problems) problems.push('units: not a unit summary');
    return;
  }
  const names = new Set([...(into.unitNames || []), ...wire.events.map(String)]);
  if (names.size > EVENT_NAMES_MAX) {
    if (problems) problems.push(`units: more than ${EVENT_NAMES_MAX} event names`);
    return;
  }
  try {
    const u = engine.unitsFromWire(wire);
    try {
      into.units ||= engine.newUnits(EVENT_UNITS_MAX);
      into.units.merge(u);
      into.unitNames = [...names];
    } finally {
      engine.freeUnits(u);
    }
  } catch (e) {
    if (problems) problems.push('units: ' + engine.describeError(e));
  }
}

/**
 * The event names an arm's summary is shown under: the ones it holds and the worker's accepted
 * ones (`configured`, settings.js `events`). A unit exposed in a window that sent no event of a
 * configured name is still an exposed unit that did not convert: the judge reads it so (the core's
 * unit_summary::metric counts every exposed unit), and the status and series show what it read.
 */
function shownNames(a, configured) {
  return [...new Set([...(configured || []), ...(a.unitNames || [])])];
}

/** Per event name {exposed, converted, conversion, valuePerUnit, samplingRate}, for the status. */
export function unitsSummary(a, configured) {
  const out = {};
  if (!a.units) return out;
  for (const name of shownNames(a, configured)) {
    const m = engine.unitsMetric(a.units, name);
    out[name] = { ...m, conversion: m.exposed ? m.converted / m.exposed : null, valuePerUnit: m.exposed ? m.sum / m.exposed : null };
  }
  return out;
}

/** {name: {exposed, converted, sum}} of an arm's summary, or null (the history series keeps it). */
export function unitsPoint(a, configured) {
  if (!a.units) return null;
  const names = shownNames(a, configured);
  if (!names.length) return null;
  const out = {};
  for (const name of names) {
    const m = engine.unitsMetric(a.units, name);
    out[name] = { exposed: m.exposed, converted: m.converted, sum: m.sum };
  }
  return out;
}

/**
 * Adds the arm's unit summary to the judge's metrics under each of `names` (the plan's metrics
 * measured from events: eventMetrics in sources.js). An arm with no summary gives an empty one:
 * no unit exposed is what was seen.
 */
export function judgeUnits(metrics, units, names) {
  if (!names || !names.length) return metrics;
  let wire = null;
  if (units) wire = engine.unitsToWire(units);
  else {
    const empty = engine.newUnits(EVENT_UNITS_MAX);
    try {
      wire = engine.unitsToWire(empty);
    } finally {
      engine.freeUnits(empty);
    }
  }
  for (const n of names) if (!(n in metrics)) metrics[n] = wire;
  return metrics;
}
