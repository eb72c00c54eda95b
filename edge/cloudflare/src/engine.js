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

/** Coverage and weights are integers out of this scale (bucket.hpp: kScale). */
export const SCALE = 100000;

/**
 * True iff `unit` falls inside a rollout of `percent` % under `salt`: rollgate's coverage draw,
 * bucket(h, 100000) < percent * 1000. Raising the percentage only adds units (sticky).
 */
export function inCoverage(unit, salt, percent) {
  const coverage = Math.round(Math.min(100, Math.max(0, percent)) * (SCALE / 100));
  if (coverage <= 0) return false;
  if (coverage >= SCALE) return true;
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
 * Splits the rollout's diff options into the part rollgate's report applies (paths, limits) and
 * the header selection, which this module applies itself when it builds the documents below.
 */
function splitOptions(options) {
  const { headers, ...rest } = options || {};
  const ignore = new Set(((headers && headers.ignore) || []).map((h) => String(h).toLowerCase()));
  const only = headers && headers.only ? new Set(headers.only.map((h) => String(h).toLowerCase())) : null;
  return { ignore, only, rest };
}

/**
 * A response as the JSON document the report diffs: {status, headers: {name: value}, body}, the
 * body parsed when its content type says JSON (so differences get field paths such as
 * /body/items/3/price), else kept as text. The same paths as rollgate's diffResponses.
 */
function responseDocument(resp, sel) {
  const headers = {};
  let contentType = '';
  for (const [name, value] of resp.headers) {
    const n = name.toLowerCase();
    if (n === 'content-type') contentType = value;
    if (sel.ignore.has(n) || (sel.only && !sel.only.has(n))) continue;
    headers[n] = n in headers ? `${headers[n]}, ${value}` : value;
  }
  let body = resp.body;
  if (/json/i.test(contentType)) {
    try {
      body = JSON.parse(resp.body);
    } catch {
      // not JSON after all: compared as text
    }
  }
  return { status: resp.status, headers, body };
}

/**
 * Records one dark-launch comparison in `report`: served vs shadow (the candidate) and, when a
 * second request to the served origin was made, served vs secondary (noise).
 * Responses are {status, headers: [name, value][], body: string}.
 * @returns {{equal: boolean}} whether the shadow matched the served response
 */
export function compareInto(report, served, shadow, secondary, diffOptions) {
  const sel = splitOptions(diffOptions);
  const primary = responseDocument(served, sel);
  const candidate = report.add(primary, responseDocument(shadow, sel), sel.rest);
  if (secondary) report.addNoise(primary, responseDocument(secondary, sel), sel.rest);
  return { equal: !!candidate.equal };
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

export function mergeReport(into, other) {
  into.merge(other);
}

export function freeReport(report) {
  if (report && typeof report.dispose === 'function') report.dispose();
}

// ------------------------------------------------------------------------------------------------
// Judge, plan, state machine

export function defaultPlan(risk) {
  return rg.defaultPlan(risk);
}

/** Throws RollgateError (with id and pointer) when the plan is invalid. */
export function validatePlan(plan) {
  rg.validatePlan(plan);
}

/** Throws RollgateError (diff.70x, with a pointer) for invalid diff options. */
export function validateDiffOptions(options) {
  const h = options && options.headers;
  if (h !== undefined) {
    const lists = h && typeof h === 'object' && !Array.isArray(h) && Object.keys(h).every((k) => k === 'ignore' || k === 'only');
    const ok = lists && Object.values(h).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) throw new rg.RollgateError('rollgate.diff.702', '/headers', 'headers must be {"ignore": [names], "only": [names]}');
  }
  rg.validateDiffOptions(splitOptions(options).rest);
}

export function initialState(nowMs) {
  return rg.initialState({ now: nowMs });
}

/** The canary config (judge input) that gates stage `stage` of `plan`. */
export function stageCanaryConfig(plan, stage) {
  return rg.stageCanaryConfig(plan, stage);
}

/** Judge the canary against the baseline: { verdict: 'PASS'|'HOLD'|'ROLLBACK', reasons, ... }. */
export function judge(config, baseline, canary) {
  return rg.judge(config, baseline, canary);
}

/** The plan's pure state machine: { action, percent, stage, status, reasons, state }. */
export function nextAction(plan, state, analysis, nowMs) {
  return rg.nextAction(plan, state, analysis, { now: nowMs });
}

/** Sample-ratio mismatch: chi-square of the observed arm counts against the configured shares. */
export function sampleRatioMismatch(counts, shares) {
  const srm = (rg.stats && rg.stats.srm) || rg.srm;
  return srm(counts, shares);
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
