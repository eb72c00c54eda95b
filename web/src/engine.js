// The only module of the dashboard that calls the rollgate package. Everything the dashboard
// shows that is a number about the data (buckets, p-values, effects, scores, decisions, flag
// evaluations, mismatch rates) comes from the package through the functions below; the rest of
// the UI only formats. It runs inside the Web Worker (src/worker.js) so the page never freezes.
//
// The package's result objects are normalised here (snake_case or camelCase, nested or flat) so
// the views depend on one shape only.
import * as pkg from 'rollgate';
import { normJudge, num, pick } from './normalize.js';

let api = null;

/**
 * Loads the WebAssembly module once (idempotent). In the browser the package fetches its .wasm
 * next to its own module (`new URL('./rollgate.wasm', import.meta.url)`, which Vite rewrites to
 * the emitted asset).
 */
export async function ready(options) {
  if (!api) {
    await pkg.init(options);
    api = pkg;
  }
  return api;
}

export function version() {
  return typeof pkg.version === 'function' ? pkg.version() : null;
}

// ------------------------------------------------------------------------------------------------
// Errors

/** A plain, cloneable description of any error (RollgateError keeps code and pointer). */
export function describeError(e) {
  const problems = (e?.problems ?? e?.errors ?? []).map((p) => ({
    code: p.code ?? p.id ?? e.code ?? null,
    pointer: p.pointer ?? p.path ?? '',
    message: p.message ?? p.detail ?? String(p),
  }));
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(e),
    detail: e?.detail ?? null,
    code: e?.code ?? e?.id ?? null,
    pointer: e?.pointer ?? null,
    problems,
  };
}


// ------------------------------------------------------------------------------------------------
// Bucketing

const SCALE = 100000;

/** Both buckets (0..99999), the fraction and the two hashes of one unit under one salt. */
export function bucketOne(unit, salt) {
  if (api.bucketDraws) {
    const d = api.bucketDraws(unit, salt);
    const hex = (h) => (typeof h === 'bigint' ? h.toString(16).padStart(16, '0') : h ?? null);
    return {
      fraction: num(d.fraction),
      coverageBucket: num(d.coverageBucket),
      variantBucket: num(d.variantBucket),
      coverageHash: hex(d.coverageHash),
      variantHash: hex(d.variantHash),
    };
  }
  const r = api.bucket(unit, salt);
  return { fraction: r, coverageBucket: Math.floor(r * SCALE), variantBucket: null };
}

/** In/out and variant for a unit, given coverage and weights in units of 1/100000. */
export function assignOne(unit, salt, coverage, weights) {
  const b = bucketOne(unit, salt);
  const inside = b.coverageBucket < coverage;
  let variant = weights.length - 1;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (b.variantBucket < acc) {
      variant = i;
      break;
    }
  }
  return { ...b, in: inside, variant: weights.length ? variant : 0 };
}

/**
 * Buckets a chunk of units. Uses the package's batch form when it has one (one call into WASM per
 * chunk), else one call per unit. Returns {coverage: Uint32Array, variant: Uint32Array}.
 */
export function bucketChunk(units, salt) {
  if (api.bucketBatch) {
    return {
      coverage: api.bucketBatch(units, salt, { output: 'coverageBucket' }),
      variant: api.bucketBatch(units, salt, { output: 'variantBucket' }),
    };
  }
  const coverage = new Uint32Array(units.length);
  const variant = new Uint32Array(units.length);
  for (let i = 0; i < units.length; i++) {
    const b = bucketOne(units[i], salt);
    coverage[i] = b.coverageBucket;
    variant[i] = b.variantBucket;
  }
  return { coverage, variant };
}

/** Chi-square goodness of fit of counts against expected weights (the package's SRM test). */
export function chiSquare(counts, weights) {
  const r = api.stats.srm(counts, weights);
  return {
    statistic: num(pick(r, 'statistic', 'chi2', 'chiSquare')),
    pValue: num(pick(r, 'pValue', 'p_value', 'p')),
    df: num(pick(r, 'df', 'dof')) ?? counts.length - 1,
    mismatch: pick(r, 'mismatch', 'srm', 'detected') ?? null,
  };
}

// ------------------------------------------------------------------------------------------------
// Flags

export function evaluateFlags(configText, contextText, flagKey) {
  let context;
  try {
    context = contextText.trim() ? JSON.parse(contextText) : {};
  } catch (e) {
    return { error: { message: `context is not valid JSON: ${e.message}`, code: null, pointer: '', problems: [] }, where: 'context' };
  }
  let ev;
  try {
    ev = api.compile(configText);
  } catch (e) {
    return { error: describeError(e), where: 'config' };
  }
  try {
    const flags = flagKey ? { [flagKey]: ev.evaluate(flagKey, context) } : ev.evaluateAll(context);
    const rows = Object.entries(flags).map(([key, r]) => normEvaluation(key, r));
    return { rows };
  } catch (e) {
    return { error: describeError(e), where: 'evaluate' };
  } finally {
    ev.dispose?.();
  }
}

function normEvaluation(key, r) {
  return {
    key,
    value: pick(r, 'value'),
    ruleIndex: num(pick(r, 'ruleIndex', 'rule_index')),
    variant: pick(r, 'variant') ?? null,
    reason: pick(r, 'reason') ?? null,
    errorCode: pick(r, 'errorCode', 'error_code') ?? null,
    errorMessage: pick(r, 'errorMessage', 'error_message') ?? null,
  };
}

// ------------------------------------------------------------------------------------------------
// Canary analysis

/** The per-metric verdicts, the score and the decision of the package's canary judge. */
export function judge(canaryConfig, baseline, canary) {
  let r = api.judge(canaryConfig, { metrics: baseline }, { metrics: canary });
  if (typeof r === 'string') r = JSON.parse(r);
  return normJudge(r);
}

/**
 * The sequential test's always-valid p-value and confidence sequence at `looks` successive looks
 * at the data (prefixes of the samples in arrival order), canary minus baseline. Each look passes
 * the previous p-value on, as the package's mSPRT expects, so the curve never rises.
 */
export function sequentialEvidence(kind, baseline, canary, looks = 20, alpha = 0.05) {
  const st = api.stats;
  const out = [];
  let previous = 1;
  const sum = (xs, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[i];
    return s;
  };
  for (let k = 1; k <= looks; k++) {
    const nb = Math.max(2, Math.round((baseline.length * k) / looks));
    const nc = Math.max(2, Math.round((canary.length * k) / looks));
    const opts = { alpha, previousPValue: previous };
    const r = kind === 'rate'
      ? st.sequentialProportionTest({ successes: sum(canary, nc), trials: nc }, { successes: sum(baseline, nb), trials: nb }, opts)
      : st.sequentialMeanTest(canary.slice(0, nc), baseline.slice(0, nb), opts);
    previous = num(pick(r, 'pValue', 'p_value')) ?? previous;
    out.push({ n: nb + nc, pValue: previous, estimate: num(r.estimate), lower: num(r.lower), upper: num(r.upper), reject: !!r.reject });
  }
  return out;
}

/** One look of the sequential proportion test at two arms' totals {events, total}. */
export function sequentialCounts(baseline, canary, alpha = 0.05) {
  const r = api.stats.sequentialProportionTest({ successes: canary.events, trials: canary.total }, { successes: baseline.events, trials: baseline.total }, { alpha });
  return [{ n: baseline.total + canary.total, pValue: num(r.pValue), estimate: num(r.estimate), lower: num(r.lower), upper: num(r.upper), reject: !!r.reject, single: true }];
}

export function srm(counts, weights) {
  return chiSquare(counts, weights);
}

/** Count, mean and quantiles at `ps` of a serialised quantile sketch (the edge's latency sketches). */
export function sketchQuantiles(wire, ps) {
  const Q = api.QuantileSketch;
  const text = typeof wire === 'string' ? wire : JSON.stringify(wire);
  const sk = Q.fromJSON(text);
  try {
    const count = sk.count;
    return { count, mean: count ? sk.sum / count : NaN, qs: count ? Array.from(sk.quantiles(ps)) : ps.map(() => NaN) };
  } finally {
    sk.dispose?.();
  }
}

// ------------------------------------------------------------------------------------------------
// Rollout plans

export function defaultPlan(risk = 'medium') {
  const p = api.defaultPlan ? api.defaultPlan(risk) : null;
  return typeof p === 'string' ? JSON.parse(p) : p;
}

/** The canary config that gates stage `stage` of `plan` (the package's stageCanaryConfig). */
export function stageConfig(plan, stage) {
  const f = api.stageCanaryConfig ?? api.stageConfig;
  if (!f) return plan?.canary ?? null;
  const c = f(plan, stage);
  return typeof c === 'string' ? JSON.parse(c) : c;
}

/** The rollout state machine's next action for (plan, state, analysis) at nowMs. */
export function nextAction(plan, state, analysis, nowMs) {
  if (!api.nextAction) return null;
  let r = api.nextAction(plan, state, analysis, { now: Math.round(nowMs) });
  if (typeof r === 'string') r = JSON.parse(r);
  return {
    action: String(pick(r, 'action', 'kind') ?? ''),
    percent: num(pick(r, 'percent')),
    stage: num(pick(r, 'stage')),
    status: pick(r, 'status') ?? null,
    reasons: pick(r, 'reasons') ?? [],
    state: pick(r, 'state') ?? null,
  };
}

// ------------------------------------------------------------------------------------------------
// Dark launch

/**
 * Reads a mismatch report (the package's "rollgate.mismatch_report" JSON) and judges every field
 * against its noise with the package; returns the counts, the verdicts and the kept examples.
 */
export function mismatchReport(report, thresholds) {
  const R = api.MismatchReport;
  const read = (x) => {
    const text = typeof x === 'string' ? x : JSON.stringify(x);
    return R.fromJSON ? R.fromJSON(text) : R.fromJson(text);
  };
  // A list of reports (one per arm or worker, as the edge sends them) is merged into one.
  const list = Array.isArray(report) ? report : [report];
  const rep = read(list[0]);
  for (const other of list.slice(1)) {
    const o = read(other);
    rep.merge(o);
    o.dispose?.();
  }
  const text = JSON.stringify(list[0]);
  try {
    const verdicts = (thresholds ? rep.judge(thresholds) : rep.judge()).map((v) => ({
      field: pick(v, 'field'),
      comparisons: num(pick(v, 'comparisons')),
      differed: num(pick(v, 'differed')),
      noiseComparisons: num(pick(v, 'noiseComparisons')),
      noiseDiffered: num(pick(v, 'noiseDiffered')),
      rate: num(pick(v, 'rate')),
      noiseRate: num(pick(v, 'noiseRate')),
      pValue: num(pick(v, 'pValue')),
      real: !!pick(v, 'real'),
    }));
    const doc = JSON.parse(rep.toJSON ? (typeof rep.toJSON() === 'string' ? rep.toJSON() : JSON.stringify(rep.toJSON())) : text);
    return { verdicts, comparisons: doc.comparisons, noiseComparisons: doc.noiseComparisons, fields: doc.fields, experiments: doc.experiments ?? null, other: doc.other ?? null };
  } finally {
    rep.dispose?.();
  }
}
