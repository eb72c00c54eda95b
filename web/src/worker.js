// The dashboard's Web Worker: parses inputs and runs every rollgate computation off the main
// thread, reporting progress for long jobs. Protocol: {id, method, args} in; {id, progress:
// {done, total, label}} zero or more times, then {id, result} or {id, error} out. The page's
// rpc() (app/rpc.js) is typed from `methods` below, so a method's arguments and result are
// checked on both sides.
import * as engine from './engine.js';
import { parseSamples, parseJSON, detectKind, InputError } from './data.js';
import { ecdfGrid, cdfFromQuantiles } from './plot.js';

/** @typedef {import('./data.js').Samples} Samples */
/** @typedef {import('./data.js').MetricData} MetricData */
/** @typedef {import('./data.js').Counts} Counts */
/** @typedef {import('./data.js').Sketch} Sketch */
/** @typedef {import('./engine.js').Summary} Summary */
/** @typedef {import('./engine.js').Look} Look */
/** @typedef {(done: number, total: number, label: string) => void} Progress */

/**
 * A canary config as far as the worker reads it (docs/canary.md): its metrics' names and kinds,
 * and the significance level.
 * @typedef {{alpha?: number, metrics?: {name: string, kind?: 'continuous' | 'rate'}[]}} CanaryConfig
 */

/**
 * @typedef {object} MetricView What the canary view shows of one metric besides the judge's result.
 * @property {string} name
 * @property {boolean} binary       0/1 samples or counts: a rate
 * @property {'samples' | 'counts' | 'sketch'} form
 * @property {Summary} baseline
 * @property {Summary} canary
 * @property {import('./plot.js').Grid | null} ecdf
 * @property {Look[]} [sequential]
 * @property {string} [sequentialError]
 * @property {string} [sketchError]
 */

/**
 * @typedef {object} Srm The sample-ratio check of one window.
 * @property {number[]} counts
 * @property {number[]} weights
 * @property {number} alpha
 * @property {number} statistic
 * @property {number} pValue
 * @property {number} df
 */

/**
 * @typedef {object} AnalyseArgs
 * @property {Samples} [samples]          parsed already (a live status)
 * @property {string} [samplesText]       or a file's text
 * @property {string} [samplesName]
 * @property {string | CanaryConfig | null} [config]   a canary config (text or object)
 * @property {Record<string, unknown> | null} [plan]   else the plan's config for `stage`
 * @property {number} [stage]
 */

const BINS = 20;
const CHUNK = 5000;

export const methods = {
  /**
   * What a (large) dropped file is: parsing it here keeps the page responsive.
   * @param {{text: string, name: string}} args
   */
  async detect({ text, name }) {
    return detectKind(text, name);
  },

  /**
   * Parses samples without judging them (no config yet): their errors show at once.
   * @param {{text: string, name: string}} args
   */
  async checkSamples({ text, name }) {
    const data = parseSamples(text, name);
    return { baseline: count(data.baseline), canary: count(data.canary), metrics: Object.keys(data.baseline) };
  },

  async init() {
    await engine.ready();
    return engine.about();
  },

  /**
   * Assignment counts and uniformity for many units (generated or pasted).
   * @param {{idsText?: string, generate?: {n: number, prefix: string}, salt: string, coverage: number, weights: number[]}} args
   *   coverage in percent, weights relative
   * @param {Progress} progress
   */
  async bucketRun({ idsText, generate, salt, coverage: percent, weights: relative }, progress) {
    const { coverage, weights, scale } = engine.scaleInputs(percent, relative);
    /** @type {string[]} */
    let units;
    if (generate) {
      units = new Array(generate.n);
      for (let i = 0; i < generate.n; i++) units[i] = `${generate.prefix}${i}`;
    } else {
      units = (idsText ?? '').split(/[\r\n,]+/).map((s) => s.trim()).filter(Boolean);
    }
    const total = units.length;
    if (!total) throw new InputError('no unit ids: paste some, or generate them');
    const counts = { bins: new Array(BINS).fill(0), variants: new Array(weights.length).fill(0), inside: 0 };
    const t0 = performance.now();
    for (let start = 0; start < total; start += CHUNK) {
      engine.assignChunk(units.slice(start, start + CHUNK), salt, coverage, weights, BINS, counts);
      progress(Math.min(total, start + CHUNK), total, 'bucketing');
      // Let progress messages flush (and keep the worker responsive to other requests).
      await new Promise((r) => setTimeout(r, 0));
    }
    const ms = performance.now() - t0;
    const uniformity = engine.srm(counts.bins, new Array(BINS).fill(1));
    const split = counts.inside > 0 && weights.length > 1 ? engine.srm(counts.variants, weights) : null;
    return { total, inside: counts.inside, variantCounts: counts.variants, binCounts: counts.bins, uniformity, split, ms, coverage, weights, scale };
  },

  /**
   * One unit's draws and assignment.
   * @param {{unit: string, salt: string, coverage: number, weights: number[]}} args coverage in percent, weights relative
   */
  async bucketOne({ unit, salt, coverage: percent, weights: relative }) {
    const { coverage, weights } = engine.scaleInputs(percent, relative);
    return { ...engine.assignOne(unit, salt, coverage, weights), coverage };
  },

  /** @param {{configText: string, contextText: string, flagKey: string | null}} args */
  async evalFlags({ configText, contextText, flagKey }) {
    return engine.evaluateFlags(configText, contextText, flagKey);
  },

  /**
   * Canary analysis of one window: judge, per-metric distributions, sequential evidence, SRM.
   * @param {AnalyseArgs} args
   * @param {Progress} progress
   */
  async analyse({ samples, samplesText, samplesName, config, plan, stage }, progress) {
    const t0 = performance.now();
    progress(0, 4, 'parsing samples');
    const data = samples ?? parseSamples(samplesText ?? '', samplesName);
    const { cfg, configSource } = canaryConfig(config, plan, stage);
    progress(1, 4, 'judging');
    const verdict = engine.judge(cfg, data.baseline, data.canary);
    const tJudge = performance.now() - t0;
    progress(2, 4, 'distributions');
    const alpha = cfg.alpha ?? 0.05;
    /** @type {MetricView[]} */
    const metrics = [];
    for (const name of Object.keys(data.baseline)) {
      const b = data.baseline[name], c = data.canary[name];
      if (b !== undefined && c !== undefined) metrics.push(metricView(name, b, c, alpha));
    }
    let srm = null;
    if (data.units) {
      const counts = [data.units.baseline, data.units.canary];
      const weights = data.expectedSplit ?? [50, 50];
      srm = { counts, weights, alpha: data.srmAlpha ?? 0.001, ...engine.srm(counts, weights) };
    }
    progress(4, 4, 'done');
    return { verdict, metrics, srm, configSource, alpha, n: { baseline: count(data.baseline), canary: count(data.canary) }, ms: performance.now() - t0, msJudge: tJudge };
  },

  /**
   * Synthetic samples for every metric the config judges (n per arm; continuous metrics
   * log-normal around 120 with the canary shifted by shift%, rates 0/1 at 1% with the canary's
   * rate shifted likewise), analysed like a dropped file.
   * @param {{n: number, shift: number, config: string}} args
   * @param {Progress} progress
   */
  async synth({ n, shift, config }, progress) {
    const { cfg } = canaryConfig(config, null, 0);
    const factor = 1 + shift / 100;
    /** @type {Samples} */
    const samples = { baseline: {}, canary: {}, units: { baseline: n, canary: n }, expectedSplit: [50, 50] };
    for (const m of cfg.metrics ?? []) {
      samples.baseline[m.name] = m.kind === 'rate' ? bernoulli(n, 0.01) : logNormal(n, 120);
      samples.canary[m.name] = m.kind === 'rate' ? bernoulli(n, 0.01 * factor) : logNormal(n, 120 * factor);
    }
    if (!Object.keys(samples.baseline).length) throw new InputError('synthetic load: the canary config judges no metric');
    return methods.analyse({ samples, config: cfg }, progress);
  },

  /**
   * @param {{plan: Record<string, unknown>, state: import('rollgate').RolloutState, analysis: import('rollgate').Analysis | null, nowMs: number}} args
   */
  async rollout({ plan, state, analysis, nowMs }) {
    return { next: engine.nextAction(plan, state, analysis, nowMs) };
  },

  /** @param {{risk: import('rollgate').Risk}} args */
  async defaultPlan({ risk }) {
    return engine.defaultPlan(risk);
  },

  /** @param {{report: Record<string, unknown> | Record<string, unknown>[]}} args */
  async mismatch({ report }) {
    return engine.mismatchReport(report);
  },
};

/**
 * The canary config that judges: the one given (text or object), else the plan's for `stage`.
 * @param {string | CanaryConfig | null | undefined} config
 * @param {Record<string, unknown> | null | undefined} plan
 * @param {number | undefined} stage
 * @returns {{cfg: CanaryConfig, configSource: string}}
 */
function canaryConfig(config, plan, stage) {
  if (config) return { cfg: typeof config === 'string' ? parseJSON(config, 'canary config') : config, configSource: 'file' };
  // Without an explicit config, the plan's gates for the current stage decide.
  const fromPlan = plan ? engine.stageConfig(plan, stage ?? 0) : null;
  if (!fromPlan) throw new InputError('no canary config: load one, or a rollout plan');
  return { cfg: /** @type {CanaryConfig} */ (fromPlan), configSource: `plan stage ${stage ?? 0}` };
}

/**
 * Summaries, distribution and sequential evidence of one metric (the package computes them).
 * @param {string} name
 * @param {MetricData} b
 * @param {MetricData} c
 * @param {number} alpha
 * @returns {MetricView}
 */
function metricView(name, b, c, alpha) {
  if (Array.isArray(b) && Array.isArray(c) && b.length > 0 && c.length > 0) {
    const binary = isBinary(b) && isBinary(c);
    /** @type {MetricView} */
    const m = { name, binary, form: 'samples', baseline: engine.summarizeSamples(b), canary: engine.summarizeSamples(c), ecdf: binary ? null : ecdfGrid(b, c, 256) };
    try {
      m.sequential = engine.sequentialEvidence(binary ? 'rate' : 'continuous', b, c, 20, alpha);
    } catch (e) {
      m.sequential = [];
      m.sequentialError = engine.describeError(e).message;
    }
    return m;
  }
  if (isCounts(b) && isCounts(c)) {
    /** @type {MetricView} */
    const m = { name, binary: true, form: 'counts', baseline: countsSummary(b), canary: countsSummary(c), ecdf: null };
    // Counts carry no arrival order: one look at the totals.
    try {
      m.sequential = engine.sequentialCounts(b, c, alpha);
    } catch (e) {
      m.sequentialError = engine.describeError(e).message;
    }
    return m;
  }
  /** @type {MetricView} */
  const m = { name, binary: false, form: 'sketch', baseline: NO_SUMMARY, canary: NO_SUMMARY, ecdf: null };
  if (Array.isArray(b) || Array.isArray(c) || isCounts(b) || isCounts(c)) return m; // mixed forms: the judge says what is wrong
  // Sketches (a live edge window): distributions from the package's quantile sketch.
  try {
    const sb = engine.sketchQuantiles(b, PS);
    const sc = engine.sketchQuantiles(c, PS);
    /** @param {{count: number, mean: number, qs: number[]}} k @returns {Summary} */
    const summary = (k) => ({ n: k.count, mean: k.mean, median: k.qs[P50] ?? NaN, p90: k.qs[P90] ?? NaN });
    m.baseline = summary(sb);
    m.canary = summary(sc);
    if (sb.count && sc.count) m.ecdf = cdfFromQuantiles(sb.qs, sc.qs, PS);
  } catch (e) {
    m.sketchError = engine.describeError(e).message;
  }
  return m;
}

/** The percentiles 1..99 a sketch's distribution is drawn from. */
// (and the far tail, 99.5% and 99.9%, so a p99 failure shows at the curves' ends)
const PS = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.995, 0.999];
const P50 = 49, P90 = 89;
/** @type {Summary} */
const NO_SUMMARY = { n: NaN, mean: NaN, median: NaN, p90: NaN };

/** @param {readonly number[]} xs */
const isBinary = (xs) => xs.every((x) => x === 0 || x === 1);
/** @param {MetricData} d @returns {d is Counts} */
const isCounts = (d) => !Array.isArray(d) && 'events' in d && 'total' in d;
/** @param {Counts} d @returns {Summary} */
const countsSummary = (d) => ({ n: d.total, mean: d.total ? d.events / d.total : NaN, median: NaN, p90: NaN });
/** The largest sample count of an arm's metrics. @param {Record<string, MetricData>} arm */
const count = (arm) => Object.values(arm).reduce((a, d) => Math.max(a, Array.isArray(d) ? d.length : isCounts(d) ? d.total : Number(d.count ?? 0)), 0);

/** @param {number} n @param {number} median */
function logNormal(n, median) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - Math.random(), v = Math.random();
    a[i] = median * Math.exp(0.35 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return a;
}

/** @param {number} n @param {number} rate */
function bernoulli(n, rate) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() < rate ? 1 : 0;
  return a;
}

/**
 * @typedef {{id: number, method: keyof typeof methods, args: any}} Request
 */
self.onmessage = async (/** @type {MessageEvent<Request>} */ { data: { id, method, args } }) => {
  /** @type {Progress} */
  const progress = (done, total, label) => self.postMessage({ id, progress: { done, total, label } });
  try {
    const fn = /** @type {(args: any, progress: Progress) => Promise<unknown>} */ (methods[method]);
    if (!fn) throw new Error(`unknown worker method ${method}`);
    if (method !== 'init' && method !== 'detect') await engine.ready();
    const result = await fn(args ?? {}, progress);
    self.postMessage({ id, result });
  } catch (e) {
    self.postMessage({ id, error: engine.describeError(e) });
  }
};
