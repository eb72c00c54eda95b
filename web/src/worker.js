// The dashboard's Web Worker: parses inputs and runs every rollgate computation off the main
// thread, reporting progress for long jobs. Protocol: {id, method, args} in; {id, progress:
// {done, total, label}} zero or more times, then {id, result} or {id, error} out.
import * as engine from './engine.js';
import { parseSamples, parseJSON, ecdfGrid, cdfFromQuantiles, summarize, detectKind } from './data.js';

const methods = {
  /** What a (large) dropped file is: parsing it here keeps the page responsive. */
  async detect({ text, name }) {
    return detectKind(text, name);
  },

  async init() {
    await engine.ready();
    return { version: engine.version() };
  },

  /** Assignment counts and uniformity for many units. */
  async bucketRun({ idsText, generate, salt, coverage, weights }, progress) {
    let units;
    if (generate) {
      units = new Array(generate.n);
      for (let i = 0; i < generate.n; i++) units[i] = `${generate.prefix}${i}`;
    } else {
      units = idsText.split(/[\r\n,]+/).map((s) => s.trim()).filter(Boolean);
    }
    const total = units.length;
    if (!total) throw new Error('no unit ids: paste some, or generate them');
    const bins = 20;
    const binCounts = new Array(bins).fill(0);
    const variantCounts = new Array(weights.length).fill(0);
    let inside = 0;
    const cum = [];
    weights.reduce((a, w, i) => (cum[i] = a + w), 0);
    const chunk = 5000;
    const t0 = performance.now();
    for (let start = 0; start < total; start += chunk) {
      const part = units.slice(start, start + chunk);
      const { coverage: cb, variant: vb } = engine.bucketChunk(part, salt);
      for (let i = 0; i < part.length; i++) {
        binCounts[Math.min(bins - 1, Math.floor((cb[i] * bins) / 100000))]++;
        if (cb[i] < coverage) {
          inside++;
          let v = cum.findIndex((c) => vb[i] < c);
          if (v < 0) v = weights.length - 1;
          variantCounts[v]++;
        }
      }
      progress(Math.min(total, start + chunk), total, 'bucketing');
      // Let progress messages flush (and keep the worker responsive to other requests).
      await new Promise((r) => setTimeout(r, 0));
    }
    const ms = performance.now() - t0;
    const uniformity = engine.chiSquare(binCounts, new Array(bins).fill(1));
    const split = inside > 0 && weights.length > 1 ? engine.chiSquare(variantCounts, weights) : null;
    const sample = units.slice(0, 10).map((u) => ({ unit: u, ...engine.assignOne(u, salt, coverage, weights) }));
    return { total, inside, variantCounts, binCounts, uniformity, split, ms, sample };
  },

  async bucketOne({ unit, salt, coverage, weights }) {
    return engine.assignOne(unit, salt, coverage, weights);
  },

  async evalFlags({ configText, contextText, flagKey }) {
    return engine.evaluateFlags(configText, contextText, flagKey);
  },

  /** Canary analysis of one window: judge, per-metric distributions, sequential evidence, SRM. */
  async analyse({ samples, samplesText, samplesName, config, plan, stage }, progress) {
    const t0 = performance.now();
    progress(0, 4, 'parsing samples');
    const data = samples ?? parseSamples(samplesText, samplesName);
    let cfg = typeof config === 'string' ? parseJSON(config, 'canary config') : config;
    // Without an explicit config, the plan's gates for the current stage decide.
    const configSource = cfg ? 'file' : plan ? `plan stage ${stage ?? 0}` : null;
    if (!cfg && plan) cfg = engine.stageConfig(plan, stage ?? 0);
    if (!cfg) throw new Error('no canary config: load one, or a rollout plan');
    progress(1, 4, 'judging');
    const verdict = engine.judge(cfg, data.baseline, data.canary);
    const tJudge = performance.now() - t0;
    progress(2, 4, 'distributions');
    const metrics = Object.keys(data.baseline).filter((m) => data.canary[m]).map((name) => {
      const b = data.baseline[name];
      const c = data.canary[name];
      const arrays = Array.isArray(b) && Array.isArray(c) && b.length > 0 && c.length > 0;
      const binary = arrays ? isBinary(b) && isBinary(c) : !!(b.events !== undefined && c.events !== undefined);
      return {
        name,
        binary,
        form: arrays ? 'samples' : b.events !== undefined ? 'counts' : 'sketch',
        baseline: arrays ? summarize(b) : countsSummary(b),
        canary: arrays ? summarize(c) : countsSummary(c),
        ecdf: arrays && !binary ? ecdfGrid(b, c, 256) : null,
      };
    });
    // Sketches (a live edge window): distributions from the package's quantile sketch.
    const ps = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
    for (const m of metrics) {
      if (m.form !== 'sketch') continue;
      try {
        const b = engine.sketchQuantiles(data.baseline[m.name], ps);
        const c = engine.sketchQuantiles(data.canary[m.name], ps);
        const sum = (k) => ({ n: k.count, mean: k.mean, median: k.qs[49], p90: k.qs[89] });
        m.baseline = sum(b);
        m.canary = sum(c);
        if (b.count && c.count) m.ecdf = cdfFromQuantiles(b.qs, c.qs, ps);
      } catch (e) {
        m.sketchError = engine.describeError(e).message;
      }
    }
    progress(3, 4, 'sequential test');
    for (const m of metrics) {
      if (m.form === 'counts') {
        // Counts carry no arrival order: one look at the totals.
        try {
          m.sequential = engine.sequentialCounts(data.baseline[m.name], data.canary[m.name], cfg?.alpha ?? 0.05);
        } catch (e) {
          m.sequentialError = engine.describeError(e).message;
        }
        continue;
      }
      if (m.form !== 'samples') continue;
      try {
        m.sequential = engine.sequentialEvidence(m.binary ? 'rate' : 'continuous', data.baseline[m.name], data.canary[m.name], 20, cfg?.alpha ?? 0.05);
      } catch (e) {
        m.sequential = [];
        m.sequentialError = engine.describeError(e).message;
      }
    }
    let srm = null;
    if (data.units) {
      const w = data.expectedSplit ?? [50, 50];
      srm = { counts: [data.units.baseline, data.units.canary], weights: w, alpha: data.srmAlpha ?? 0.001, ...engine.srm([data.units.baseline, data.units.canary], w) };
    }
    progress(4, 4, 'done');
    return { verdict, metrics, srm, configSource, alpha: cfg?.alpha ?? 0.05, n: { baseline: count(data.baseline), canary: count(data.canary) }, ms: performance.now() - t0, msJudge: tJudge };
  },

  /** Synthetic samples (n per arm, the canary shifted by shift%) analysed like a dropped file. */
  async synth({ n, shift, config }, progress) {
    const mk = (median) => {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = 1 - Math.random(), v = Math.random();
        a[i] = median * Math.exp(0.35 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
      }
      return Array.from(a);
    };
    const samples = {
      baseline: { latency_ms: mk(120) },
      canary: { latency_ms: mk(120 * (1 + shift / 100)) },
      units: { baseline: n, canary: n },
      expectedSplit: [50, 50],
    };
    return methods.analyse({ samples, config }, progress);
  },

  async rollout({ plan, state, analysis, nowMs }) {
    return { next: engine.nextAction(plan, state, analysis, nowMs) };
  },

  async defaultPlan({ risk }) {
    return engine.defaultPlan(risk);
  },

  async mismatch({ report }) {
    return engine.mismatchReport(report);
  },
};

const isBinary = (xs) => xs.length > 0 && xs.every((x) => x === 0 || x === 1);
const count = (arms) => Object.values(arms).reduce((a, xs) => Math.max(a, Array.isArray(xs) ? xs.length : xs.total ?? xs.count ?? 0), 0);
const countsSummary = (d) => (d.events !== undefined ? { n: d.total, mean: d.total ? d.events / d.total : NaN, median: NaN, p90: NaN } : { n: d.count ?? NaN, mean: NaN, median: NaN, p90: NaN });

self.onmessage = async ({ data: { id, method, args } }) => {
  const progress = (done, total, label) => self.postMessage({ id, progress: { done, total, label } });
  try {
    if (!methods[method]) throw new Error(`unknown worker method ${method}`);
    if (method !== 'init' && method !== 'detect') await engine.ready();
    const result = await methods[method](args ?? {}, progress);
    self.postMessage({ id, result });
  } catch (e) {
    self.postMessage({ id, error: engine.describeError(e) });
  }
};
