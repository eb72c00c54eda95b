// The only module of the dashboard that calls the rollgate package. Everything the dashboard
// shows that is a number about the data (buckets, p-values, effects, scores, decisions, flag
// evaluations, mismatch rates, sample summaries) comes from the package through the functions
// below; the rest of the UI only formats. It runs inside the Web Worker (src/worker.js) so the page
// never freezes.
//
// Results are read by the names the package declares (wasm/types/index.d.ts, checked by
// `tsc --checkJs` in npm test): when the package's API changes, this file stops compiling instead
// of guessing at another spelling.
import * as rg from 'rollgate';
import { InputError } from './data.js';

/** @typedef {import('rollgate').Analysis} Analysis */
/** @typedef {import('rollgate').MetricResult} MetricResult */
/** @typedef {import('rollgate').RolloutAction} RolloutAction */
/** @typedef {import('rollgate').RolloutState} RolloutState */
/** @typedef {import('rollgate').ChisquareResult} ChisquareResult */
/** @typedef {import('rollgate').FieldVerdict} FieldVerdict */
/** @typedef {import('rollgate').Evaluation} Evaluation */
/** @typedef {import('rollgate').JsonInput} JsonInput */
/** @typedef {import('./data.js').Sketch} Sketch */

/**
 * Loads the WebAssembly module once (the package's init() is idempotent). In the browser the
 * package fetches its .wasm next to its own module (`new URL('./rollgate.wasm', import.meta.url)`,
 * which Vite rewrites to the emitted asset).
 */
export async function ready() {
  await rg.init();
}

/** What the page needs to know of the engine: the core's version and its bucketing scale. */
export function about() {
  return { version: rg.version(), bucketScale: rg.BUCKET_SCALE };
}

// ------------------------------------------------------------------------------------------------
// Errors

/**
 * @typedef {object} ErrorInfo A plain, cloneable description of an error (crosses postMessage).
 * @property {string} name
 * @property {string} message
 * @property {string | null} detail   the first problem's message, without id and pointer
 * @property {string | null} code     e.g. "rollgate.canary.503" (docs/errors/)
 * @property {string | null} pointer  JSON Pointer of the offending value
 * @property {{code: string | null, pointer: string, message: string}[]} problems  every problem found
 */

/**
 * @param {unknown} e
 * @returns {ErrorInfo}
 */
export function describeError(e) {
  if (e instanceof rg.RollgateError) {
    return {
      name: e.name,
      message: e.message,
      detail: e.detail,
      code: e.code,
      pointer: e.pointer,
      problems: e.problems.map((p) => ({ code: p.code, pointer: p.pointer, message: p.message })),
    };
  }
  if (e instanceof InputError) return { name: e.name, message: e.message, detail: null, code: null, pointer: e.pointer, problems: [] };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, detail: null, code: null, pointer: null, problems: [] };
}

// ------------------------------------------------------------------------------------------------
// Bucketing

/**
 * The explorer's inputs in the package's integer units: coverage and weights out of BUCKET_SCALE,
 * converted by the package (the core's percent_to_scale and weights_to_scale), never here.
 * @param {number} coveragePercent 0..100
 * @param {readonly number[]} relativeWeights non-negative, not all zero
 */
export function scaleInputs(coveragePercent, relativeWeights) {
  // The core's rules: percent_to_scale (at most 3 decimals, 0..100) and weights_to_scale (largest
  // remainder). Their errors carry the core's ids; the pointer says which input was refused.
  try {
    return { coverage: rg.percentToScale(coveragePercent), weights: rg.weightsToScale(relativeWeights), scale: rg.BUCKET_SCALE };
  } catch (e) {
    if (e instanceof rg.RollgateError) throw new InputError(e.message, e.pointer || null);
    throw e;
  }
}

/**
 * One unit under one salt: both draws' buckets, whether it is in a rollout of `coverage`, and its
 * variant under `weights` (the package's bucketDraws, inRollout and pickVariant).
 * @param {string} unit
 * @param {string} salt
 * @param {number} coverage out of BUCKET_SCALE
 * @param {readonly number[]} weights out of BUCKET_SCALE, summing to it
 */
export function assignOne(unit, salt, coverage, weights) {
  const d = rg.bucketDraws(unit, salt);
  return {
    fraction: d.fraction,
    coverageBucket: d.coverageBucket,
    variantBucket: d.variantBucket,
    in: rg.inRollout(unit, salt, coverage),
    variant: rg.pickVariant(unit, salt, weights),
    scale: rg.BUCKET_SCALE,
  };
}

/**
 * A chunk of units bucketed with one call into WebAssembly per output: the coverage bucket (for
 * the uniformity histogram, as `bins` equal bins) and membership; the variant of each member.
 * @param {readonly string[]} units
 * @param {string} salt
 * @param {number} coverage out of BUCKET_SCALE
 * @param {readonly number[]} weights out of BUCKET_SCALE
 * @param {number} bins
 * @param {{bins: number[], variants: number[], inside: number}} into counts, added to
 */
export function assignChunk(units, salt, coverage, weights, bins, into) {
  const buckets = rg.bucketBatch(units, salt, { output: 'coverageBucket' });
  const inside = rg.bucketBatch(units, salt, { output: 'inCoverage', coverage });
  for (let i = 0; i < units.length; i++) {
    // Equal bins of the coverage bucket's range [0, BUCKET_SCALE): display only.
    into.bins[Math.floor((buckets[i] * bins) / rg.BUCKET_SCALE)]++;
    if (!inside[i]) continue;
    into.inside++;
    into.variants[rg.pickVariant(units[i], salt, weights)]++;
  }
}

/**
 * Chi-square goodness of fit of counts against expected shares (the package's SRM test).
 * @param {readonly number[]} counts
 * @param {readonly number[]} shares
 * @returns {ChisquareResult}
 */
export function srm(counts, shares) {
  return rg.stats.srm(counts, shares);
}

// ------------------------------------------------------------------------------------------------
// Sample summaries (the summary rows of the canary view)

/**
 * @typedef {object} Summary n, mean, median and p90 of one arm of a metric.
 * @property {number} n
 * @property {number} mean
 * @property {number} median
 * @property {number} p90
 */

/** The quantiles the summary rows show. */
const SUMMARY_PS = [0.5, 0.9];

/**
 * Count, mean, median and p90 of samples: the package's stats.summarize and stats.quantiles
 * (numpy's linear rule), so the table shows what the core computes.
 * @param {readonly number[]} xs
 * @returns {Summary}
 */
export function summarizeSamples(xs) {
  const s = rg.stats.summarize(xs);
  const [median, p90] = rg.stats.quantiles(xs, SUMMARY_PS);
  return { n: s.count, mean: s.mean, median: median ?? NaN, p90: p90 ?? NaN };
}

/**
 * Count, mean and quantiles at `ps` of a quantile sketch in its JSON form (the edge's latency
 * sketches).
 * @param {Sketch} wire
 * @param {readonly number[]} ps
 */
export function sketchQuantiles(wire, ps) {
  const sk = rg.QuantileSketch.fromJSON(wire);
  try {
    const count = sk.count;
    return { count, mean: count ? sk.sum / count : NaN, qs: count ? sk.quantiles(ps) : ps.map(() => NaN) };
  } finally {
    sk.dispose();
  }
}

// ------------------------------------------------------------------------------------------------
// Flags

/**
 * @typedef {{key: string, value: unknown, ruleIndex: number, variant: string | null, reason: string, errorCode: string | null, errorMessage: string | null}} FlagRow
 * @typedef {{rows: FlagRow[], error?: undefined, where?: undefined} | {error: ErrorInfo, where: 'context' | 'config' | 'evaluate', rows?: undefined}} FlagsResult
 */

/**
 * Compiles a flag configuration and evaluates one flag (or all) for a context.
 * @param {string} configText
 * @param {string} contextText
 * @param {string | null} flagKey
 * @returns {FlagsResult}
 */
export function evaluateFlags(configText, contextText, flagKey) {
  let context;
  try {
    context = contextText.trim() ? JSON.parse(contextText) : {};
  } catch (e) {
    return { error: { name: 'SyntaxError', message: `context is not valid JSON: ${describeError(e).message}`, detail: null, code: null, pointer: '', problems: [] }, where: 'context' };
  }
  let ev;
  try {
    ev = rg.compile(configText);
  } catch (e) {
    return { error: describeError(e), where: 'config' };
  }
  try {
    /** @type {Record<string, Evaluation>} */
    const flags = flagKey ? { [flagKey]: ev.evaluate(flagKey, context) } : ev.evaluateAll(context);
    const rows = Object.values(flags).map((r) => ({
      key: r.flagKey,
      value: r.value,
      ruleIndex: r.ruleIndex,
      variant: r.variant ?? null,
      reason: r.reason,
      errorCode: r.errorCode ?? null,
      errorMessage: r.errorMessage ?? null,
    }));
    return { rows };
  } catch (e) {
    return { error: describeError(e), where: 'evaluate' };
  } finally {
    ev.dispose();
  }
}

// ------------------------------------------------------------------------------------------------
// Canary analysis

/**
 * The package's canary judge: per-metric outcomes, score and decision.
 * @param {JsonInput} canaryConfig
 * @param {Record<string, unknown>} baseline  {metric: data} of the baseline arm
 * @param {Record<string, unknown>} canary
 * @returns {Analysis}
 */
export function judge(canaryConfig, baseline, canary) {
  return rg.judge(canaryConfig, { metrics: baseline }, { metrics: canary });
}

/**
 * @typedef {object} Look One look of the sequential test.
 * @property {number} n        samples seen (both arms)
 * @property {number} pValue   always-valid p-value
 * @property {number} estimate canary minus baseline
 * @property {number} lower
 * @property {number} upper
 * @property {boolean} reject
 * @property {boolean} [single] one look at totals (counts carry no arrival order)
 */

/**
 * The sequential test's always-valid p-value and confidence sequence at `looks` successive looks
 * at the data (prefixes of the samples in arrival order), canary minus baseline. Each look passes
 * the previous p-value on, as the package's mSPRT expects, so the curve never rises.
 * @param {'rate' | 'continuous'} kind
 * @param {readonly number[]} baseline
 * @param {readonly number[]} canary
 * @returns {Look[]}
 */
export function sequentialEvidence(kind, baseline, canary, looks = 20, alpha = 0.05) {
  /** @type {Look[]} */
  const out = [];
  let previous = 1;
  /** @param {readonly number[]} xs @param {number} n */
  const sum = (xs, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[i] ?? 0;
    return s;
  };
  for (let k = 1; k <= looks; k++) {
    const nb = Math.max(2, Math.round((baseline.length * k) / looks));
    const nc = Math.max(2, Math.round((canary.length * k) / looks));
    const opts = { alpha, previousPValue: previous };
    const r = kind === 'rate'
      ? rg.stats.sequentialProportionTest({ successes: sum(canary, nc), trials: nc }, { successes: sum(baseline, nb), trials: nb }, opts)
      : rg.stats.sequentialMeanTest(canary.slice(0, nc), baseline.slice(0, nb), opts);
    previous = r.pValue;
    out.push({ n: nb + nc, pValue: r.pValue, estimate: r.estimate, lower: r.lower, upper: r.upper, reject: r.reject });
  }
  return out;
}

/**
 * One look of the sequential proportion test at two arms' totals.
 * @param {{events: number, total: number}} baseline
 * @param {{events: number, total: number}} canary
 * @returns {Look[]}
 */
export function sequentialCounts(baseline, canary, alpha = 0.05) {
  const r = rg.stats.sequentialProportionTest({ successes: canary.events, trials: canary.total }, { successes: baseline.events, trials: baseline.total }, { alpha });
  return [{ n: baseline.total + canary.total, pValue: r.pValue, estimate: r.estimate, lower: r.lower, upper: r.upper, reject: r.reject, single: true }];
}

// ------------------------------------------------------------------------------------------------
// Rollout plans

/** @param {import('rollgate').Risk} risk */
export function defaultPlan(risk) {
  return rg.defaultPlan(risk);
}

/**
 * The canary config that gates stage `stage` of `plan`.
 * @param {JsonInput} plan
 * @param {number} stage
 */
export function stageConfig(plan, stage) {
  return rg.stageCanaryConfig(plan, stage);
}

/**
 * The rollout state machine's next action for (plan, state, analysis) at nowMs.
 * @param {JsonInput} plan
 * @param {JsonInput | RolloutState} state
 * @param {Analysis | null} analysis
 * @param {number} nowMs
 * @returns {RolloutAction}
 */
export function nextAction(plan, state, analysis, nowMs) {
  return rg.nextAction(plan, state, analysis, { now: Math.round(nowMs) });
}

// ------------------------------------------------------------------------------------------------
// Dark launch

/**
 * The parts of a mismatch report's JSON form (docs/diff.md) the dark-launch view shows.
 * @typedef {object} ReportDoc
 * @property {Record<string, {differed: number, noiseDiffered: number, examples?: {old: string, new: string}[]}>} fields
 * @property {{runs: number, candidateExceptions: number, slow: number, controlNs: number, candidateNs: number}} [experiments]
 */

/**
 * Reads a mismatch report (the package's "rollgate.mismatch_report" JSON, or a list of them, one
 * per arm or worker as the edge sends them, merged into one) and judges every field against its
 * noise with the package; returns the counts, the verdicts and the kept examples.
 * @param {Record<string, unknown> | Record<string, unknown>[]} report
 */
export function mismatchReport(report) {
  const list = Array.isArray(report) ? report : [report];
  const [first, ...others] = list;
  if (!first) throw new InputError('mismatch: an empty list of reports');
  const rep = rg.MismatchReport.fromJSON(first);
  try {
    for (const other of others) {
      const o = rg.MismatchReport.fromJSON(other);
      try {
        rep.merge(o);
      } finally {
        o.dispose();
      }
    }
    const doc = /** @type {ReportDoc} */ (/** @type {unknown} */ (rep.toJSON()));
    return { verdicts: rep.judge(), comparisons: rep.comparisons, noiseComparisons: rep.noiseComparisons, fields: doc.fields, experiments: doc.experiments ?? null };
  } finally {
    rep.dispose();
  }
}
