// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Statistics with scipy's names and semantics (docs/statistics.md): x is the first sample (the
// canary), estimates are x minus y. Samples (arrays or Float64Array) are copied into WASM memory
// in one go; results come back as a few doubles.
import { mod, scratch, lastError, outPtr } from './runtime.js';
import { invalidArgument } from './errors.js';
import { Owned, disposeSymbol } from './memory.js';

/** The alternative hypothesis (scipy's spelling). */
export const Alternative = Object.freeze({ TwoSided: 'two-sided', Less: 'less', Greater: 'greater' });
/** How a p-value is computed. */
export const Method = Object.freeze({ Auto: 'auto', Exact: 'exact', Asymptotic: 'asymptotic' });
/** What to do with NaN values ("raise" is accepted as scipy's alias of "reject"). */
export const NanPolicy = Object.freeze({ Reject: 'reject', Omit: 'omit' });

const METHODS = ['auto', 'exact', 'asymptotic'];

function option(value, fallback, name) {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string, got ${typeof value}`, `/${name}`);
  return value;
}

function number(value, fallback, name) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgument(`${name} must be a number, got ${typeof value}`, `/${name}`);
  return value;
}

function countOf(value, pointer) {
  if (!Number.isSafeInteger(value)) throw invalidArgument(`${pointer.slice(1)} must be an integer, got ${value}`, pointer);
  return value;
}

function checkSample(values, name) {
  if (values instanceof Float64Array) return values.length;
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
    throw invalidArgument(`${name} must be an array of numbers or a Float64Array`, `/${name}`);
  }
  if (Array.isArray(values)) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw invalidArgument(`${name}[${i}] must be a number, got ${typeof values[i]}`, `/${name}/${i}`);
    }
  }
  return values.length;
}

/**
 * @internal Copies samples into scratch memory in one block: returns their addresses, then the
 * address of `outDoubles` doubles for the result.
 */
function place(samples, outDoubles = 8) {
  let total = 0;
  for (const s of samples) total += s.length;
  const base = scratch(8 * (total + outDoubles));
  const heap = mod().HEAPF64;
  const addrs = [];
  let at = base;
  for (const s of samples) {
    heap.set(s, at >> 3);
    addrs.push(at);
    at += 8 * s.length;
  }
  addrs.push(at);
  return addrs;
}

function out(n, at = outPtr) {
  return mod().HEAPF64.subarray(at >> 3, (at >> 3) + n);
}

function methodName(code) {
  return METHODS[code];
}

/** Mann-Whitney U test, as scipy.stats.mannwhitneyu (statistic is U of x). */
export function mannWhitneyU(x, y, options = {}) {
  const M = mod();
  checkSample(x, 'x');
  checkSample(y, 'y');
  const alt = option(options.alternative, 'two-sided', 'alternative');
  const how = option(options.method, 'auto', 'method');
  const nan = option(options.nanPolicy, 'reject', 'nanPolicy');
  const continuity = options.useContinuity === undefined ? true : Boolean(options.useContinuity);
  const [px, py] = place([x, y]);
  if (!M.mannWhitneyU(px, x.length, py, y.length, alt, how, continuity, nan, outPtr)) throw lastError();
  const w = out(4);
  return { statistic: w[0], pValue: w[1], method: methodName(w[2]), z: w[3] };
}

/** Hodges-Lehmann estimate of the shift x - y with its confidence interval. */
export function hodgesLehmann(x, y, options = {}) {
  const M = mod();
  checkSample(x, 'x');
  checkSample(y, 'y');
  const confidence = number(options.confidence, 0.95, 'confidence');
  const how = option(options.method, 'auto', 'method');
  const nan = option(options.nanPolicy, 'reject', 'nanPolicy');
  const [px, py] = place([x, y]);
  if (!M.hodgesLehmann(px, x.length, py, y.length, confidence, how, nan, outPtr)) throw lastError();
  const w = out(6);
  return { estimate: w[0], lower: w[1], upper: w[2], k: w[3], achievedConfidence: w[4], method: methodName(w[5]) };
}

/** Welch's t-test, as scipy.stats.ttest_ind(x, y, equal_var=False). */
export function welchT(x, y, options = {}) {
  const M = mod();
  checkSample(x, 'x');
  checkSample(y, 'y');
  const alt = option(options.alternative, 'two-sided', 'alternative');
  const nan = option(options.nanPolicy, 'reject', 'nanPolicy');
  const [px, py] = place([x, y]);
  if (!M.welchT(px, x.length, py, y.length, alt, nan, outPtr)) throw lastError();
  const w = out(4);
  return { statistic: w[0], pValue: w[1], df: w[2], difference: w[3] };
}

function summaryArgs(s, name) {
  if (s === null || typeof s !== 'object') throw invalidArgument(`${name} must be {count, mean, variance}`, `/${name}`);
  return [number(s.count, NaN, 'count'), number(s.mean, NaN, 'mean'), number(s.variance, NaN, 'variance')];
}

/** Welch's t-test from summaries, as scipy.stats.ttest_ind_from_stats(equal_var=False). */
export function welchTFromStats(x, y, options = {}) {
  const M = mod();
  const alt = option(options.alternative, 'two-sided', 'alternative');
  if (!M.welchTFromStats(...summaryArgs(x, 'x'), ...summaryArgs(y, 'y'), alt, outPtr)) throw lastError();
  const w = out(4);
  return { statistic: w[0], pValue: w[1], df: w[2], difference: w[3] };
}

/** Count, mean and unbiased variance (ddof = 1) of a sample. */
export function summarize(x, options = {}) {
  const M = mod();
  checkSample(x, 'x');
  const nan = option(options.nanPolicy, 'reject', 'nanPolicy');
  const [px] = place([x]);
  if (!M.summarize(px, x.length, nan, outPtr)) throw lastError();
  const w = out(3);
  return { count: w[0], mean: w[1], variance: w[2] };
}

function proportionArgs(p, name) {
  if (p === null || typeof p !== 'object') throw invalidArgument(`${name} must be {successes, trials}`, `/${name}`);
  return [countOf(p.successes, `/${name}/successes`), countOf(p.trials, `/${name}/trials`)];
}

/** Two-proportion z-test with pooled variance (statsmodels proportions_ztest). */
export function proportionsZ(x, y, options = {}) {
  const M = mod();
  const alt = option(options.alternative, 'two-sided', 'alternative');
  if (!M.proportionsZ(...proportionArgs(x, 'x'), ...proportionArgs(y, 'y'), alt, outPtr)) throw lastError();
  const w = out(5);
  return { statistic: w[0], pValue: w[1], pX: w[2], pY: w[3], difference: w[4] };
}

/** Fisher's exact test on [[a, b], [c, d]], as scipy.stats.fisher_exact (statistic = odds ratio). */
export function fisherExact(table, options = {}) {
  const M = mod();
  if (!Array.isArray(table) || table.length !== 2 || !Array.isArray(table[0]) || !Array.isArray(table[1]) ||
      table[0].length !== 2 || table[1].length !== 2) {
    throw invalidArgument('table must be [[a, b], [c, d]]', '/table');
  }
  const cells = [table[0][0], table[0][1], table[1][0], table[1][1]];
  cells.forEach((c, i) => countOf(c, `/table/${i >> 1}/${i & 1}`));
  const alt = option(options.alternative, 'two-sided', 'alternative');
  if (!M.fisherExact(...cells, alt, outPtr)) throw lastError();
  const w = out(2);
  return { statistic: w[0], oddsRatio: w[0], pValue: w[1] };
}

/** Chi-square goodness of fit, as scipy.stats.chisquare(observed, expected). */
export function chisquare(observed, expected) {
  const M = mod();
  checkSample(observed, 'observed');
  checkSample(expected, 'expected');
  const [po, pe] = place([observed, expected]);
  if (!M.chisquare(po, observed.length, pe, expected.length, outPtr)) throw lastError();
  const w = out(3);
  return { statistic: w[0], pValue: w[1], df: w[2] };
}

/** Sample-ratio mismatch: chi-square of observed counts per arm against configured shares. */
export function srm(counts, shares) {
  const M = mod();
  checkSample(counts, 'counts');
  for (let i = 0; i < counts.length; i++) countOf(counts[i], `/counts/${i}`);
  checkSample(shares, 'shares');
  const [pc, ps] = place([counts, shares]);
  if (!M.srm(pc, counts.length, ps, shares.length, outPtr)) throw lastError();
  const w = out(3);
  return { statistic: w[0], pValue: w[1], df: w[2] };
}

function sequentialResult() {
  const w = out(6);
  return { estimate: w[0], pValue: w[1], lower: w[2], upper: w[3], reject: w[4] === 1, tau2: w[5] };
}

function sequentialOptions(options) {
  return [number(options.alpha, 0.05, 'alpha'), number(options.tau2, 0, 'tau2'),
    number(options.previousPValue, 1, 'previousPValue')];
}

/**
 * Always-valid (mSPRT) test of a difference in means from two summaries, or from two samples.
 * Pass the previous look's pValue as `previousPValue` to keep it monotone across looks.
 */
export function sequentialMeanTest(x, y, options = {}) {
  const M = mod();
  const sx = ArrayBuffer.isView(x) || Array.isArray(x) ? summarize(x) : x;
  const sy = ArrayBuffer.isView(y) || Array.isArray(y) ? summarize(y) : y;
  if (!M.sequentialMean(...summaryArgs(sx, 'x'), ...summaryArgs(sy, 'y'), ...sequentialOptions(options), outPtr)) throw lastError();
  return sequentialResult();
}

/** Always-valid (mSPRT) test of a difference in proportions. */
export function sequentialProportionTest(x, y, options = {}) {
  const M = mod();
  if (!M.sequentialProportion(...proportionArgs(x, 'x'), ...proportionArgs(y, 'y'), ...sequentialOptions(options), outPtr)) throw lastError();
  return sequentialResult();
}

/** Exact quantiles, numpy's default ('linear') method; one value per q. */
export function quantiles(values, qs, options = {}) {
  const M = mod();
  checkSample(values, 'values');
  checkSample(qs, 'qs');
  const nan = option(options.nanPolicy, 'reject', 'nanPolicy');
  const [pv, pq, po] = place([values, qs], qs.length);
  if (!M.quantiles(pv, values.length, pq, qs.length, nan, po)) throw lastError();
  return Array.from(out(qs.length, po));
}

/** One exact quantile (numpy's default method). */
export function quantile(values, q, options = {}) {
  return quantiles(values, [q], options)[0];
}

/**
 * Mergeable quantile sketch with a relative-error guarantee (DDSketch-style, docs/statistics.md).
 * Holds WASM memory: call dispose() (or `using`) when done; a FinalizationRegistry frees forgotten ones.
 */
export class QuantileSketch {
  /** @param {{relativeAccuracy?: number, maxBuckets?: number}} [options] */
  constructor(options = {}) {
    const M = mod();
    let handle;
    if (options && options.__handle) {
      handle = options.__handle;
    } else {
      handle = M.sketchCreate(number(options.relativeAccuracy, 0.01, 'relativeAccuracy'),
        number(options.maxBuckets, 2048, 'maxBuckets'));
      if (handle === null) throw lastError();
    }
    this._h = handle;
    this._owned = new Owned(this, () => handle.delete(), 'QuantileSketch');
  }

  /** Adds a value (`count` copies of it). */
  add(value, count = 1) {
    this._owned.check();
    if (typeof value !== 'number') throw invalidArgument(`value must be a number, got ${typeof value}`, '/value');
    countOf(count, '/count');
    if (!this._h.add(value, count)) throw lastError();
    return this;
  }

  /** Adds every value (one copy into WASM memory); rejects the whole batch on a bad value. */
  addAll(values) {
    this._owned.check();
    checkSample(values, 'values');
    const [p] = place([values], 0);
    if (!this._h.addAll(p, values.length)) throw lastError();
    return this;
  }

  /** Merges another sketch into this one (same accuracy and bucket budget). */
  merge(other) {
    this._owned.check();
    if (!(other instanceof QuantileSketch)) throw invalidArgument('merge: other must be a QuantileSketch');
    other._owned.check();
    if (!this._h.merge(other._h)) throw lastError();
    return this;
  }

  /** Approximate quantile, q in [0, 1]. */
  quantile(q) {
    this._owned.check();
    const v = this._h.quantile(number(q, NaN, 'q'));
    if (Number.isNaN(v)) throw lastError();
    return v;
  }

  /** Several quantiles in one call. */
  quantiles(qs) {
    this._owned.check();
    checkSample(qs, 'qs');
    const [pq, po] = place([qs], qs.length);
    if (!this._h.quantiles(pq, qs.length, po)) throw lastError();
    return Array.from(out(qs.length, po));
  }

  _summary() {
    this._owned.check();
    this._h.summary(outPtr);
    return out(8);
  }

  get count() { return this._summary()[0]; }
  get min() { return this._summary()[1]; }
  get max() { return this._summary()[2]; }
  get sum() { return this._summary()[3]; }
  get relativeAccuracy() { return this._summary()[4]; }
  get maxBuckets() { return this._summary()[5]; }
  get bucketCount() { return this._summary()[6]; }
  /** True if buckets were collapsed (the lowest quantiles may exceed the error bound). */
  get collapsed() { return this._summary()[7] === 1; }

  /**
   * The JSON form (docs/statistics.md, "Sketch JSON") as an object; JSON.stringify(sketch) gives
   * the wire text. Read it back with QuantileSketch.fromJSON, as MismatchReport does.
   */
  toJSON() {
    this._owned.check();
    const text = this._h.toJson();
    if (text === '') throw lastError();
    return JSON.parse(text);
  }

  /** The compact binary form, base64-encoded. */
  toBase64() {
    this._owned.check();
    const text = this._h.toBase64();
    if (text === '') throw lastError();
    return text;
  }

  /** Same parameters, counts and buckets. */
  equals(other) {
    this._owned.check();
    return other instanceof QuantileSketch && this._h.equals(other._h);
  }

  /** Parses the JSON form (text or object), validating it as untrusted input. */
  static fromJSON(json) {
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    const handle = mod().sketchFromJson(text);
    if (handle === null) throw lastError();
    return new QuantileSketch({ __handle: handle });
  }

  /** Parses the base64 form. */
  static fromBase64(text) {
    if (typeof text !== 'string') throw invalidArgument('fromBase64: text must be a string');
    const handle = mod().sketchFromBase64(text);
    if (handle === null) throw lastError();
    return new QuantileSketch({ __handle: handle });
  }

  /** Frees the WASM memory now; the sketch cannot be used afterwards. Idempotent. */
  dispose() {
    this._owned.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}
