// rollgate edge — the ONLY module that calls the `rollgate` package. SPDX-License-Identifier: MIT
//
// Everything the worker and the coordinator need from rollgate goes through these few functions,
// so that a change in the package's JS API is adapted here and nowhere else. Objects that live in
// WebAssembly memory (sketches, mismatch reports) are wrapped so their owners can free them.
import * as rg from 'rollgate';

let ready = null;

/**
 * Initialises the WebAssembly module once per isolate (idempotent). The package's workerd entry
 * imports its own rollgate.wasm (a compiled WebAssembly.Module on workerd and with wrangler); pass
 * `wasmModule` only to use another one.
 * @param {WebAssembly.Module} [wasmModule]
 */
export function initEngine(wasmModule) {
  if (!ready) {
    ready = Promise.resolve()
      .then(() => rg.init(wasmModule ? { module: wasmModule } : undefined))
      .catch((e) => {
        ready = null; // let the next request try again
        throw e;
      });
  }
  return ready;
}

/** Coverages are integers out of this scale (the core's kScale; a live binding of the package). */
export { BUCKET_SCALE, REQUEST_METRICS } from 'rollgate';

/**
 * True iff `unit` falls inside `coverage` (an integer out of the package's BUCKET_SCALE, as the
 * coordinator's state gives it) under `salt`: rollgate's coverage draw. Raising the coverage only
 * adds units (sticky).
 */
export function inCoverage(unit, salt, coverage) {
  return rg.inRollout(unit, salt, coverage);
}

// ------------------------------------------------------------------------------------------------
// Latency sketches

/** A new, empty latency sketch (DDSketch, 1% relative accuracy). */
export function newSketch() {
  return new rg.QuantileSketch();
}

/** Sketch → JSON-able value for the wire (the package's serialised form). */
export function sketchToWire(sketch) {
  return sketch.toJSON(); // an object: the core's "Sketch JSON"
}

/** Wire value → sketch (validated by the core; throws RollgateError when malformed). */
export function sketchFromWire(wire) {
  return rg.QuantileSketch.fromJSON(wire);
}

export function sketchSummary(sketch) {
  const n = sketch.count;
  if (!n) return { count: 0 };
  return {
    count: n,
    min: sketch.min,
    max: sketch.max,
    mean: sketch.sum / n,
    p50: sketch.quantile(0.5),
    p90: sketch.quantile(0.9),
    p99: sketch.quantile(0.99),
  };
}

export function freeSketch(sketch) {
  if (sketch && typeof sketch.dispose === 'function') sketch.dispose();
}

// ------------------------------------------------------------------------------------------------
// Dark-launch diffing

/** A new mismatch report (limits: {maxPaths, maxExamples, maxExampleLength}, optional). */
export function newMismatchReport(limits) {
  return new rg.MismatchReport(limits || undefined);
}

/**
 * Records one dark-launch sample in `report`: served vs shadow (the candidate) and, when a second
 * request to the served origin was made, served vs secondary (noise). Responses are {status,
 * headers: [name, value][], body: Uint8Array}; the core compares them (status, content type,
 * headers as the options select them, bodies structurally when JSON) with the rollout's diff
 * options.
 * @returns {{equal: boolean}} whether the shadow matched the served response
 */
export function compareInto(report, served, shadow, secondary, diffOptions) {
  return { equal: !!report.addResponses(served, shadow, secondary, diffOptions).equal };
}

/** Per-field verdicts of a report: which differences are real, which are noise. */
export function reportVerdicts(report, thresholds) {
  return report.judge(thresholds || undefined);
}

export function reportToWire(report) {
  return report.toJSON(); // an object: the core's "rollgate.mismatch_report" version 1
}

export function reportFromWire(wire) {
  return rg.MismatchReport.fromJSON(wire);
}

export function freeReport(report) {
  if (report && typeof report.dispose === 'function') report.dispose();
}

// ------------------------------------------------------------------------------------------------
// Plans and the rollout state machine: every decision is the core's (docs/rollout.md).

export const defaultPlan = (risk) => rg.defaultPlan(risk);
/** Throws RollgateError (with code and pointer) when the plan is invalid or gates on a metric outside `measurable`. */
export const validatePlan = (plan, options) => rg.validatePlan(plan, options);
export const restrictPlan = (plan, measurable) => rg.restrictPlan(plan, measurable);
/** Throws RollgateError (diff.70x, with a pointer) for invalid diff options. */
export const validateDiffOptions = (options) => rg.validateDiffOptions(options);
export const startRollout = (plan, nowMs) => rg.startRollout(plan, { now: nowMs });
export const flagTarget = (target, pointer) => rg.flagTarget(target, pointer);
export const withFlagRollout = (config, target, percent, pending, pointer) => rg.withFlagRollout(config, target, percent, pending, pointer);
/** Why the coordinator's state (JSON text) cannot be served by, or null: the core's check, as on Fastly. */
export const servingStateProblem = (stateText) => rg.servingStateProblem(stateText);
export const applyCommand = (plan, state, command, nowMs, reason) => rg.applyCommand(plan, state, command, { now: nowMs, reason });
export const settleRollout = (plan, state, nowMs) => rg.settleRollout(plan, state, { now: nowMs });
/** Judges the window, checks its sample ratio and steps the plan: {action, analysis, srm}. */
export const rolloutStep = (plan, state, window, options) => rg.rolloutStep(plan, state, window, options);

/**
 * Runs `fn`; a RollgateError it throws about a part of a request body is rethrown with its
 * pointers relative to the body (`prefix` + the core's pointer), so clients see where to look.
 */
export function underPointer(prefix, fn) {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof rg.RollgateError)) throw e;
    const problems = e.problems.map((p) => ({ ...p, pointer: prefix + p.pointer }));
    throw new rg.RollgateError(e.code, prefix + e.pointer, e.detail, { problems });
  }
}

/** A short, loggable description of an error (RollgateError keeps id and pointer). */
export function describeError(e) {
  if (!e) return 'unknown error';
  if (e instanceof rg.RollgateError) return e.message; // "[id] /pointer: message"
  return String(e.message || e);
}

export function isRollgateError(e) {
  return e instanceof rg.RollgateError;
}

// ------------------------------------------------------------------------------------------------
// Flag configurations (flag delivery, docs/edge.md)

/** Compiles a flag configuration (JSON text); throws RollgateError (json.1xx, config.2xx) with its pointer. */
export function compileFlags(text) {
  return rg.compile(text);
}

/** Throws the core's RollgateError unless `text` is a flag configuration the core compiles. */
export function checkFlags(text) {
  rg.compile(text).dispose();
}

/** A strong ETag of a text: its XXH3-64 (the package's hash) in hex, quoted. */
export function textEtag(text) {
  return `"${rg.xxh3(text).toString(16).padStart(16, '0')}"`;
}

// ------------------------------------------------------------------------------------------------
// Origin metrics from Server-Timing (timing.js, docs/edge.md "Server-Timing")

/**
 * A reader of the names a deployment collects, its options checked by the core (throws
 * RollgateError rollgate.metrics.001 with a pointer such as /names/1). The bound on how many
 * names, and on a header's length, is the core's default (server_timing_options).
 */
export function newTimingReader(names) {
  return new rg.ServerTimingReader({ names });
}

/** {entries: [{name, dur}], metrics, malformed, ignored, dropped}; never throws for a bad header. */
export function readTiming(reader, header) {
  return reader.parse(header);
}

/** Which of a plan's gated metrics these sources measure (the core decides; rollout.hpp measurable_from). */
export const measurableFrom = (plan, sources) => rg.measurableFrom(plan, sources);

/**
 * A new, empty sketch of one Server-Timing name: the latency sketch's type and accuracy (1%)
 * with a smaller bucket budget, so that a few names per arm stay within the storage bound
 * (coordinator/bounds.js BUDGET.timingSketch). Merges refuse sketches of other parameters.
 */
export function newTimingSketch() {
  return new rg.QuantileSketch({ maxBuckets: TIMING_SKETCH_BUCKETS });
}
/** 512 buckets of 1% cover durations over a ratio of e^(512 · 0.02) ≈ 28,000 (e.g. 0.04 ms to 1 s) at full accuracy. */
export const TIMING_SKETCH_BUCKETS = 512;

// ------------------------------------------------------------------------------------------------
// Metric events and per-unit summaries (events.js, units.js, docs/edge.md "Events")

/**
 * Reads an events endpoint body with the core's parser: `{backEnd, accept}`. Returns
 * [{name, value, hasValue, unit}] or throws RollgateError (rollgate.json.1xx, metrics.020-024)
 * listing every problem with its pointer.
 */
export const parseEventBatch = (text, options) => rg.parseEventBatch(text, options);

/** A new, empty unit summary of one arm (the core's UnitSummary) holding at most `maxUnits` exact records. */
export function newUnits(maxUnits) {
  return new rg.UnitSummary({ maxUnits });
}

/** Unit summary → its JSON value (the core's "rollgate.units"), what the judge reads as a metric's data. */
export function unitsToWire(units) {
  return units.toJSON();
}

/** Wire value → unit summary (validated by the core as untrusted input; throws RollgateError). */
export function unitsFromWire(wire) {
  return rg.UnitSummary.fromJSON(wire);
}

/** {exposed, converted, sum, samplingRate} of one event name. */
export function unitsMetric(units, name) {
  return units.metric(name);
}

export function freeUnits(units) {
  if (units && typeof units.dispose === 'function') units.dispose();
}
