// DEVELOPMENT SHIM, NOT rollgate. SPDX-License-Identifier: MIT
//
// A tiny pure-JS stand-in for the `rollgate` package's API, used ONLY when the edge worker is
// built with ROLLGATE_EDGE_SHIM=1 (edge/cloudflare/scripts/build.mjs), so that the worker's
// plumbing (cookies, proxying, flushing, the coordinator's HTTP API) can be exercised before the
// real WebAssembly package exists. Its statistics are deliberately naive. The edge tests skip
// unless the real package is built, or print loudly that they run against this shim.
export class RollgateError extends Error {
  constructor(code, pointer, message) {
    super(`[${code}] ${pointer ? pointer + ': ' : ''}${message}`);
    this.code = code;
    this.pointer = pointer;
    this.problems = [{ code, pointer, message }];
  }
}
export const SHIM = true;
export async function init() {}

function fnv(s) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(s)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}
export function inRollout(unit, salt, coverage) {
  const h = BigInt.asUintN(64, fnv(salt + '\u0000' + unit) * 0x9e3779b97f4a7c15n);
  return Number((h * 100000n) >> 64n) < coverage;
}

const G = 1.02;
export class QuantileSketch {
  constructor() {
    this.b = new Map();
    this.count = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.sum = 0;
  }
  add(v) {
    const k = v <= 0 ? -1e9 : Math.ceil(Math.log(v) / Math.log(G));
    this.b.set(k, (this.b.get(k) || 0) + 1);
    this.count++;
    this.sum += v;
    this.min = Math.min(this.min, v);
    this.max = Math.max(this.max, v);
  }
  merge(o) {
    for (const [k, n] of o.b) this.b.set(k, (this.b.get(k) || 0) + n);
    this.count += o.count;
    this.sum += o.sum;
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
  }
  quantile(q) {
    const rank = Math.floor(q * (this.count - 1));
    let seen = 0;
    for (const k of [...this.b.keys()].sort((a, b) => a - b)) {
      seen += this.b.get(k);
      if (seen > rank) return Math.min(this.max, Math.max(this.min, k === -1e9 ? 0 : (2 * G ** k) / (G + 1)));
    }
    return this.max;
  }
  toJSON() {
    return { type: 'shim', b: [...this.b], count: this.count, min: this.min, max: this.max, sum: this.sum };
  }
  static deserialize(t) {
    const j = typeof t === 'string' ? JSON.parse(t) : t;
    const s = new QuantileSketch();
    s.b = new Map(j.b);
    Object.assign(s, { count: j.count, min: j.min, max: j.max, sum: j.sum });
    return s;
  }
  dispose() {}
}

export function diffResponses(a, b) {
  const differences = [];
  if (a.status !== b.status) differences.push({ path: '/status', field: '/status', kind: 'value_changed' });
  let x, y;
  try {
    x = JSON.parse(a.body);
    y = JSON.parse(b.body);
  } catch {
    if (a.body !== b.body) differences.push({ path: '/body', field: '/body', kind: 'value_changed' });
    return { equal: differences.length === 0, differences, omitted: 0 };
  }
  const walk = (p, u, v) => {
    if (u && v && typeof u === 'object' && typeof v === 'object') {
      for (const k of new Set([...Object.keys(u), ...Object.keys(v)])) walk(p + '/' + k, u[k], v[k]);
    } else if (JSON.stringify(u) !== JSON.stringify(v)) {
      differences.push({ path: '/body' + p, field: '/body' + p, kind: 'value_changed' });
    }
  };
  walk('', x, y);
  return { equal: differences.length === 0, differences, omitted: 0 };
}

export class MismatchReport {
  constructor() {
    this.comparisons = 0;
    this.noise_comparisons = 0;
    this.fields = {};
  }
  addComparison(r) {
    this.comparisons++;
    for (const f of new Set(r.differences.map((d) => d.field))) (this.fields[f] ||= { differed: 0, noise_differed: 0 }).differed++;
  }
  addNoise(r) {
    this.noise_comparisons++;
    for (const f of new Set(r.differences.map((d) => d.field))) (this.fields[f] ||= { differed: 0, noise_differed: 0 }).noise_differed++;
  }
  merge(o) {
    this.comparisons += o.comparisons;
    this.noise_comparisons += o.noise_comparisons;
    for (const [k, v] of Object.entries(o.fields)) {
      const f = (this.fields[k] ||= { differed: 0, noise_differed: 0 });
      f.differed += v.differed;
      f.noise_differed += v.noise_differed;
    }
  }
  judge() {
    return Object.entries(this.fields).map(([field, f]) => {
      const rate = f.differed / (this.comparisons || 1);
      const noiseRate = f.noise_differed / (this.noise_comparisons || 1);
      return { field, comparisons: this.comparisons, differed: f.differed, noiseComparisons: this.noise_comparisons, noiseDiffered: f.noise_differed, rate, noiseRate, real: f.differed >= 2 && rate - noiseRate > 0.2 };
    });
  }
  toJSON() {
    return { format: 'shim', comparisons: this.comparisons, noise_comparisons: this.noise_comparisons, fields: this.fields };
  }
  static deserialize(j) {
    const r = new MismatchReport();
    Object.assign(r, { comparisons: j.comparisons, noise_comparisons: j.noise_comparisons, fields: j.fields });
    return r;
  }
  dispose() {}
}

export function defaultPlan() {
  return { stages: [{ percent: 1, minDurationMs: 900000 }, { percent: 100, minDurationMs: 0 }] };
}
export function validatePlan(p) {
  if (!p || !Array.isArray(p.stages) || p.stages.length === 0) throw new RollgateError('rollgate.plan.601', '/stages', 'stages must be a non-empty array');
  p.stages.forEach((s, i) => {
    if (!(s.percent >= 0 && s.percent <= 100)) throw new RollgateError('rollgate.plan.602', `/stages/${i}/percent`, 'percent out of range');
  });
}
export function initialState({ now }) {
  return { stage: 0, stageStartMs: now, status: 'running', history: [] };
}
export function stageCanaryConfig(plan, stage) {
  const g = plan.stages[stage].gates;
  return Array.isArray(g) ? plan.canary : g || null;
}
export function judge(config, base, can) {
  const b = base.metrics.errorRate || { events: 0, total: 0 };
  const c = can.metrics.errorRate;
  const minN = (config && config.minRequests) || 20;
  const absolute = config && config.metrics && config.metrics.every((m) => m.compare === false);
  if (absolute && c.total >= minN) return c.events / c.total > 0.05 ? { decision: 'ROLLBACK', reasons: ['errorRate gate'], criticalFailures: ['errorRate'] } : { decision: 'PASS', reasons: ['gates pass'], criticalFailures: [] };
  if (b.total < minN || c.total < minN) return { decision: 'HOLD', reasons: ['not enough data'], criticalFailures: [] };
  const rb = b.events / b.total;
  const rc = c.events / c.total;
  if (rc > 0.05 && rc > 2 * rb) return { decision: 'ROLLBACK', reasons: [`errorRate ${rc} vs ${rb}`], criticalFailures: ['errorRate'] };
  return { decision: 'PASS', reasons: ['errorRate within bounds'], criticalFailures: [] };
}
export function nextAction(plan, state, analysis, { now }) {
  const st = { ...state };
  const stage = plan.stages[st.stage];
  const out = (action, reasons) => ({ action, percent: st.status === 'rolledBack' ? 0 : plan.stages[st.stage].percent, stage: st.stage, status: st.status, reasons, state: st });
  if (st.status === 'rolledBack') return { ...out('hold', ['rolled back']), percent: 0 };
  if (st.status === 'completed') return out('hold', ['completed']);
  if (analysis && analysis.criticalFailures && analysis.criticalFailures.length) {
    st.status = 'rolledBack';
    return { ...out('rollback', ['critical failure: ' + analysis.criticalFailures.join(', ')]), percent: 0 };
  }
  if (st.status === 'paused') return out('hold', ['paused']);
  if (now - st.stageStartMs < stage.minDurationMs) return out('hold', ['window not over']);
  if (!analysis) return out('hold', ['no analysis']);
  if (analysis.decision === 'ROLLBACK') {
    st.status = 'rolledBack';
    return { ...out('rollback', analysis.reasons), percent: 0 };
  }
  if (analysis.decision === 'PASS') {
    if (st.stage === plan.stages.length - 1) {
      st.status = 'completed';
      return out('complete', ['last stage passed']);
    }
    st.stage++;
    st.stageStartMs = now;
    return out('advance', ['stage passed']);
  }
  return out('hold', analysis.reasons);
}
export const stats = {
  srm(counts, shares) {
    const n = counts.reduce((a, b) => a + b, 0);
    const t = shares.reduce((a, b) => a + b, 0);
    let chi = 0;
    counts.forEach((c, i) => {
      const e = (n * shares[i]) / t;
      chi += ((c - e) ** 2) / e;
    });
    // df = 1: p = erfc(sqrt(chi/2))
    const x = Math.sqrt(chi / 2);
    const t2 = 1 / (1 + 0.5 * x);
    const erfc = t2 * Math.exp(-x * x - 1.26551223 + t2 * (1.00002368 + t2 * (0.37409196 + t2 * (0.09678418 + t2 * (-0.18628806 + t2 * (0.27886807 + t2 * (-1.13520398 + t2 * (1.48851587 + t2 * (-0.82215223 + t2 * 0.17087277)))))))));
    return { statistic: chi, pValue: erfc, df: counts.length - 1 };
  },
};
