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
export { BUCKET_SCALE } from 'rollgate';

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
