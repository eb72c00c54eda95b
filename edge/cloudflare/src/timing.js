// rollgate edge — origin metrics from the `Server-Timing` response header (docs/edge.md,
// "Server-Timing"). SPDX-License-Identifier: MIT
//
// The worker reads each proxied origin response's Server-Timing header with the core's parser
// (engine.readTiming: the names ROLLGATE_SERVER_TIMING lists, the core's bounds), records each
// collected name's `dur` per arm in a quantile sketch, and counts what it could not use (never
// fatal). The sketches travel in the arm summaries (`timing: {name: sketch JSON}`), are merged by
// aggregators and the coordinator like latency, and reach the judge as continuous metrics of
// those names, so a plan can gate on `cpu`. Which names are measurable is the core's decision
// (measurableFrom); this file holds the plumbing only.
import * as engine from './engine.js';
import { TIMING_NAMES_MAX } from './coordinator/bounds.js';


let reader = null; // { key, reader } — this isolate's parser of the configured names
let refused = null; // { key, problem } — the configured names the core refused

/**
 * Why the configured names cannot be collected, or null (then a reader exists). Needs the
 * engine initialised. The core checks the names (tokens, no duplicates, at most its maxNames);
 * the edge adds its own storage cap and that a name must not be one of the request metrics.
 */
export function timingProblem(s) {
  const names = s.serverTiming || [];
  const key = names.join(',');
  if (reader && reader.key === key) return null;
  if (refused && refused.key === key) return refused.problem;
  let problem = null;
  const clash = names.find((n) => engine.REQUEST_METRICS.includes(n));
  if (clash) problem = `ROLLGATE_SERVER_TIMING: ${clash} is measured from the requests themselves`;
  else if (names.length > TIMING_NAMES_MAX) problem = `ROLLGATE_SERVER_TIMING: at most ${TIMING_NAMES_MAX} names fit the coordinator's storage bound, got ${names.length}`;
  else if (names.length) {
    try {
      const r = engine.newTimingReader(names);
      if (reader) reader.reader.dispose();
      reader = { key, reader: r };
    } catch (e) {
      problem = `ROLLGATE_SERVER_TIMING: ${engine.describeError(e)}`;
    }
  }
  if (problem) refused = { key, problem };
  return problem;
}

/** Server-Timing counters of an isolate (merged by metrics.js addCounters, shown in the status). */
export function emptyTimingCounters() {
  // headers read; durations recorded; malformed metrics and the headers that had any; metrics
  // not collected (other names, no dur, repeats); collected names past the core's maxNames.
  return { headers: 0, recorded: 0, malformed: 0, malformedHeaders: 0, ignored: 0, dropped: 0 };
}

/**
 * Records the Server-Timing of one origin response of `arm` (the arm's own origin, not a
 * fallback). Never throws: a failure is counted (failOpen.evaluation) and serving goes on.
 */
export function observe(acc, s, state, arm, response) {
  if (!response || !s.serverTiming.length || !reader) return;
  const header = response.headers.get('server-timing'); // several headers come joined with ", "
  if (!header) return;
  const c = acc.counters.serverTiming;
  acc.dirty = true;
  c.headers++;
  try {
    const t = engine.readTiming(reader.reader, header);
    c.malformed += t.malformed;
    if (t.malformed) c.malformedHeaders++;
    c.ignored += t.ignored;
    c.dropped += t.dropped;
    if (!t.entries.length) return;
    const a = acc.arm(state.rollout, state.window, arm);
    a.timing ||= {};
    for (const e of t.entries) {
      (a.timing[e.name] ||= engine.newTimingSketch()).add(e.dur);
      c.recorded++;
    }
  } catch {
    acc.count('failOpen.evaluation');
  }
}

/** Removes the origin's Server-Timing from what the user receives, when so configured. */
export function strip(headers, s) {
  if (s && s.stripServerTiming) headers.delete('server-timing');
}

// --- summaries: wire form, merging, status, judge -------------------------------------------------

/** An arm's timing sketches in wire form ({name: sketch JSON}), or null; frees nothing. */
export function timingToWire(timing, wire) {
  if (!timing) return null;
  const out = {};
  for (const [name, sk] of Object.entries(timing)) {
    const w = wire ? wire(sk, engine.sketchToWire) : engine.sketchToWire(sk);
    if (w) out[name] = w;
  }
  return Object.keys(out).length ? out : null;
}

export function freeTiming(timing) {
  if (!timing) return;
  for (const sk of Object.values(timing)) engine.freeSketch(sk);
}

/**
 * Merges a summary's `timing` into an aggregate's. A sketch the core rejects (or of other
 * parameters than the edge's timing sketches), a name past the edge's cap or one of the request
 * metrics is skipped and said in `problems`: one bad part never loses the rest.
 */
export function mergeTiming(into, wire, problems) {
  if (wire === undefined || wire === null) return;
  if (typeof wire !== 'object' || Array.isArray(wire)) {
    if (problems) problems.push('timing: not an object');
    return;
  }
  for (const [name, w] of Object.entries(wire)) {
    const known = into.timing && into.timing[name];
    if (!known && (engine.REQUEST_METRICS.includes(name) || Object.keys(into.timing || {}).length >= TIMING_NAMES_MAX || name.length > 64)) {
      if (problems) problems.push(`timing: name ${JSON.stringify(name.slice(0, 64))} refused`);
      continue;
    }
    try {
      const sk = engine.sketchFromWire(w);
      try {
        into.timing ||= {};
        const target = into.timing[name] || engine.newTimingSketch();
        target.merge(sk); // refuses a sketch of other parameters: what bounds its size
        into.timing[name] = target;
      } finally {
        engine.freeSketch(sk);
      }
    } catch (e) {
      if (problems) problems.push(`timing ${name}: ${engine.describeError(e)}`);
    }
  }
}

/** {name: {count, min, max, mean, p50, p90, p99}} of an arm, for the status. */
export function timingSummary(timing) {
  const out = {};
  for (const [name, sk] of Object.entries(timing || {})) out[name] = engine.sketchSummary(sk);
  return out;
}

/** Adds the arm's timing sketches to the judge's metrics, by name (never over a request metric). */
export function judgeTiming(metrics, timing) {
  for (const [name, sk] of Object.entries(timing || {})) {
    if (!(name in metrics) && sk.count > 0) metrics[name] = engine.sketchToWire(sk);
  }
  return metrics;
}

/** What the status says about collection (the counts are in `counters.serverTiming`). */
export function timingStatus(s) {
  return { names: s.serverTiming || [], strip: !!s.stripServerTiming, problem: (refused && refused.key === (s.serverTiming || []).join(',') && refused.problem) || null };
}
