// Input handling with no statistics in it: parsing dropped files (CSV / JSON), recognising what a
// file is, reading an edge worker's status snapshot, and the plotting helpers (ECDF points,
// order statistics for the summary rows). Used by the page and by the worker.

export class InputError extends Error {
  constructor(message, pointer = null) {
    super(message);
    this.name = 'InputError';
    this.pointer = pointer;
  }
}

export function parseJSON(text, what = 'file') {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} is not valid JSON: ${e.message}`);
  }
}

const BASELINE = /^(baseline|control|base|old|a)$/i;
const CANARY = /^(canary|treatment|experiment|new|b)$/i;
const armOf = (g) => (BASELINE.test(String(g).trim()) ? 'baseline' : CANARY.test(String(g).trim()) ? 'canary' : null);

function toNumbers(xs, where) {
  if (!Array.isArray(xs)) throw new InputError(`${where} must be an array of numbers`);
  const out = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = typeof xs[i] === 'boolean' ? Number(xs[i]) : typeof xs[i] === 'number' ? xs[i] : Number(xs[i]);
    if (!Number.isFinite(v)) throw new InputError(`${where}/${i} is not a finite number: ${JSON.stringify(xs[i])}`, `${where}/${i}`);
    out[i] = v;
  }
  return out;
}

/**
 * Metric samples of a baseline and a canary, from any of:
 *  - JSON {baseline: {metric: [x...]}, canary: {metric: [x...]}, units?: {baseline, canary}, expected_split?}
 *  - JSON {metrics: {metric: {baseline: [...], canary: [...]}}}
 *  - JSON [{group, metric, value}, ...]
 *  - CSV, long (group,metric,value) or wide (group,<metric>,<metric>,...); group is
 *    baseline/control or canary/treatment.
 * @returns {{baseline: Object<string, number[]>, canary: Object<string, number[]>, units?, expectedSplit?}}
 */
export function parseSamples(text, name = '') {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return samplesFromObject(parseJSON(text, name || 'samples'));
  return samplesFromCSV(text);
}

/** One metric's data for the judge: samples (numbers), counts {events, total}, or a sketch. */
function metricData(v, where) {
  if (Array.isArray(v)) return toNumbers(v, where);
  if (v && typeof v === 'object' && (('events' in v && 'total' in v) || 'type' in v)) return v;
  throw new InputError(`${where}: expected an array of numbers, counts {events, total} or a sketch`, where);
}

export function samplesFromObject(o) {
  const out = { baseline: {}, canary: {} };
  if (Array.isArray(o)) {
    o.forEach((row, i) => addRow(out, row.group ?? row.arm ?? row.variant, row.metric, row.value, `/${i}`));
    return finish(out);
  }
  if (o.baseline && o.canary && typeof o.baseline === 'object' && !Array.isArray(o.baseline)) {
    for (const arm of ['baseline', 'canary']) {
      // the judge's own input shape {metrics: {...}} or directly {name: data}
      const nested = o[arm].metrics && typeof o[arm].metrics === 'object' && !Array.isArray(o[arm].metrics);
      const src = nested ? o[arm].metrics : o[arm];
      for (const [m, xs] of Object.entries(src)) out[arm][m] = metricData(xs, `/${arm}${nested ? '/metrics' : ''}/${m}`);
    }
  } else if (o.metrics && typeof o.metrics === 'object' && !Array.isArray(o.metrics)) {
    for (const [m, v] of Object.entries(o.metrics)) {
      if (v?.baseline !== undefined && v?.canary !== undefined) {
        out.baseline[m] = metricData(v.baseline, `/metrics/${m}/baseline`);
        out.canary[m] = metricData(v.canary, `/metrics/${m}/canary`);
      }
    }
  } else {
    throw new InputError('samples: expected {baseline: {metrics: {...}}, canary: {metrics: {...}}}, {metrics: {name: {baseline, canary}}} or a CSV');
  }
  const units = o.units ?? o.unit_counts ?? o.unitCounts ?? o.counts;
  if (units && Number.isFinite(+units.baseline) && Number.isFinite(+units.canary))
    out.units = { baseline: +units.baseline, canary: +units.canary };
  const split = o.expected_split ?? o.expectedSplit;
  if (Array.isArray(split) && split.length === 2) out.expectedSplit = split.map(Number);
  if (Number.isFinite(o.srmAlpha)) out.srmAlpha = o.srmAlpha;
  return finish(out);
}

function addRow(out, group, metric, value, where) {
  const arm = armOf(group ?? '');
  if (!arm) throw new InputError(`${where}: group ${JSON.stringify(group)} is neither baseline/control nor canary/treatment`);
  const v = Number(value);
  if (value === '' || !Number.isFinite(v)) throw new InputError(`${where}: value ${JSON.stringify(value)} is not a number`);
  (out[arm][metric] ??= []).push(v);
}

function finish(out) {
  const names = Object.keys(out.baseline).filter((m) => out.canary[m]);
  if (!names.length) throw new InputError('samples: no metric has both baseline and canary values');
  return out;
}

function splitCSVLine(line) {
  const cells = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',' || ch === ';' || ch === '\t') { cells.push(cur); cur = ''; }
    else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.trim());
}

export function samplesFromCSV(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new InputError('CSV: need a header line and at least one row');
  const header = splitCSVLine(lines[0]).map((h) => h.toLowerCase());
  const gi = header.findIndex((h) => ['group', 'arm', 'variant', 'cohort'].includes(h));
  if (gi < 0) throw new InputError('CSV: no group column (group / arm / variant: baseline or canary)');
  const out = { baseline: {}, canary: {} };
  const mi = header.indexOf('metric');
  const vi = header.indexOf('value');
  for (let r = 1; r < lines.length; r++) {
    const cells = splitCSVLine(lines[r]);
    if (mi >= 0 && vi >= 0) addRow(out, cells[gi], cells[mi], cells[vi], `line ${r + 1}`);
    else
      header.forEach((h, c) => {
        if (c !== gi && cells[c] !== undefined && cells[c] !== '') addRow(out, cells[gi], h, cells[c], `line ${r + 1}, column ${h}`);
      });
  }
  return finish(out);
}

/** What a dropped JSON/CSV file is, by its content. */
export function detectKind(text, name = '') {
  const t = text.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) {
    if (/\.(csv|tsv|txt)$/i.test(name) || /^[^\n]*\b(group|arm|variant)\b/i.test(t)) return 'samples';
    return 'unknown';
  }
  let o;
  try {
    o = JSON.parse(text);
  } catch {
    return /config|flag/i.test(name) ? 'flags' : 'unknown';
  }
  if (Array.isArray(o)) return o.length && o[0] && 'metric' in o[0] ? 'samples' : 'unknown';
  if (o.baseline && o.canary) return 'samples';
  if (o.metrics && !Array.isArray(o.metrics) && Object.values(o.metrics).some((v) => v?.baseline !== undefined)) return 'samples';
  if (o.format === 'rollgate.mismatch_report') return 'mismatch';
  // One arm of the judge's input, named after its arm: baseline.json / canary.json
  if (o.metrics && !Array.isArray(o.metrics) && Object.keys(o).length <= 2) {
    if (/baseline|control|stable/i.test(name)) return 'baselineArm';
    if (/canary|treatment/i.test(name)) return 'canaryArm';
  }
  if (o.flags) return 'flags';
  if (Array.isArray(o.stages)) return 'plan';
  const st = o.state ?? o.rollout;
  if (st && typeof st === 'object' && (o.plan || o.metrics || o.samples || o.mismatch || o.mismatchReport || o.sketches || o.analysis || o.decisions)) return 'status';
  if (st && typeof st === 'object' && 'stage' in st) return 'rollout';
  if (o.fields) return 'mismatch';
  if (Array.isArray(o.metrics)) return 'canaryConfig';
  return 'unknown';
}

/**
 * An edge worker's GET /__rollgate/status snapshot (edge/cloudflare/src/coordinator.js), read
 * tolerantly: every piece is optional, and older or newer shapes degrade to "not shown".
 *  - plan: rollout.plan; state: the state machine's {stage, stageStartMs, status, history}
 *    (state.machine), else state itself;
 *  - history: the coordinator's decision log [{at, action, percent, stage, verdict, reasons}];
 *  - judgeInput: per arm {metric: data} rebuilt from the merged window (errorRate counts and the
 *    latency sketch), which the dashboard judges again with the plan's stage config;
 *  - analysis: the coordinator's own last analysis; mismatch: the merged mismatch report(s).
 */
export function readStatus(o) {
  const st = o.state ?? null;
  const plan = o.plan ?? o.rollout?.plan ?? null;
  const machine = st?.machine ?? (st && 'stage' in st ? st : null);
  const rawHistory = o.history ?? o.decisions ?? [];
  const history = (Array.isArray(rawHistory) ? rawHistory : []).map((h) => ({
    atMs: h.atMs ?? (h.at ? Date.parse(h.at) : h.t),
    action: h.action ?? null,
    percent: h.percent ?? null,
    toStage: h.toStage ?? h.stage ?? null,
    verdict: h.verdict ?? h.decision ?? null,
    reason: Array.isArray(h.reasons) ? h.reasons.join('; ') : h.reason ?? '',
    repeats: h.repeats ?? 1,
  }));
  const win = (part) => o.metrics?.window?.[part] ?? o.metrics?.[part] ?? null;
  const sk = (part) => o.sketches?.window?.[part] ?? null;
  let judgeInput = null;
  const arms = { baseline: o.metrics?.window?.stable ? 'stable' : 'baseline', canary: 'canary' };
  const b = win(arms.baseline), c = win(arms.canary);
  if (b && c && Number.isFinite(b.requests) && Number.isFinite(c.requests)) {
    const one = (a, sketch) => {
      const m = { errorRate: { events: a.errors ?? 0, total: a.requests } };
      if (sketch && (sketch.count ?? 1) > 0) m.latency = sketch;
      return m;
    };
    judgeInput = {
      baseline: one(b, sk(arms.baseline)),
      canary: one(c, sk(arms.canary)),
      // SRM on what the coordinator counts it on (new units), else on requests.
      units: o.srm?.counts?.length === 2 ? { baseline: o.srm.counts[0], canary: o.srm.counts[1] } : { baseline: b.requests, canary: c.requests },
      expectedSplit: o.srm?.shares ?? (st?.percent != null ? [100 - st.percent, st.percent] : undefined),
      srmAlpha: o.srm?.alpha ?? o.rollout?.srmAlpha,
    };
  }
  let samples = null;
  try {
    if (o.samples) samples = samplesFromObject(o.samples);
  } catch {
    samples = null;
  }
  const mm = o.mismatches?.window ?? o.mismatches?.total ?? o.mismatches ?? o.mismatch ?? o.mismatchReport ?? null;
  let mismatch = null;
  if (mm?.format === 'rollgate.mismatch_report') mismatch = [mm];
  else if (mm && typeof mm === 'object') mismatch = Object.values(mm).filter((r) => r?.format === 'rollgate.mismatch_report');
  return {
    plan,
    state: machine,
    summary: st,
    flag: o.rollout?.flag ?? o.flag ?? null,
    history,
    analysis: o.lastAnalysis ?? o.analysis ?? null,
    judgeInput: samples ?? judgeInput,
    srm: o.srm ?? null,
    mismatch: mismatch?.length ? mismatch : null,
    nowMs: o.nowMs ?? Date.now(),
    raw: o,
  };
}

// ------------------------------------------------------------------------------------------------
// Plotting helpers (pure display: no test statistics here)

/** Sorted copy. */
const sorted = (xs) => Float64Array.from(xs).sort();

/** ECDFs of two samples evaluated on one grid of `points` x values (0.1%..99.9% quantiles). */
export function ecdfGrid(a, b, points = 256) {
  const sa = sorted(a), sb = sorted(b);
  // Clip the extreme 0.1% on each side (rounding outward, so small samples keep their range).
  const lower = (s) => s[Math.max(0, Math.floor(0.001 * (s.length - 1)))];
  const upper = (s) => s[Math.min(s.length - 1, Math.ceil(0.999 * (s.length - 1)))];
  const lo = Math.min(lower(sa), lower(sb));
  const hi = Math.max(upper(sa), upper(sb));
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const F = (s) => {
    const out = new Array(points);
    let j = 0;
    for (let i = 0; i < points; i++) {
      while (j < s.length && s[j] <= x[i]) j++;
      out[i] = j / s.length;
    }
    return out;
  };
  return { x, baseline: F(sa), canary: F(sb) };
}

/** ECDFs on one grid from two quantile functions (sketches): F(x) interpolated between the ps. */
export function cdfFromQuantiles(qa, qb, ps, points = 200) {
  const lo = Math.min(qa[0], qb[0]);
  const hi = Math.max(qa[qa.length - 1], qb[qb.length - 1]);
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const F = (q) => x.map((v) => {
    if (v < q[0]) return 0;
    if (v >= q[q.length - 1]) return ps[ps.length - 1];
    let j = 1;
    while (q[j] <= v) j++;
    const t = q[j] === q[j - 1] ? 1 : (v - q[j - 1]) / (q[j] - q[j - 1]);
    return ps[j - 1] + t * (ps[j] - ps[j - 1]);
  });
  return { x, baseline: F(qa), canary: F(qb) };
}

/** n, mean, median, p90 for the summary rows. */
export function summarize(xs) {
  const s = sorted(xs);
  const n = s.length;
  let sum = 0;
  for (const v of s) sum += v;
  const at = (p) => (n ? s[Math.min(n - 1, Math.floor(p * (n - 1)))] : NaN);
  return { n, mean: n ? sum / n : NaN, median: at(0.5), p90: at(0.9), min: s[0], max: s[n - 1] };
}

/**
 * Where the value at JSON Pointer `pointer` sits in the JSON `text`: [start, end) offsets, or null.
 * A small scanner (no evaluation), used to select a config error's location in the editor.
 */
export function locatePointer(text, pointer) {
  const want = pointer === '' ? [] : pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = () => {
    const s = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(s, i));
  };
  // Returns [start, end] of the wanted value when found below `depth`, else skips the value.
  const value = (depth) => {
    ws();
    const start = i;
    const here = depth === want.length;
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      let index = 0;
      for (;;) {
        ws();
        if (text[i] === '}' || text[i] === ']') { i++; break; }
        let key = String(index++);
        if (c === '{') {
          key = str();
          ws();
          i++; // ':'
        }
        const found = !here && key === want[depth] ? value(depth + 1) : (value(-1), null);
        if (found) return found;
        ws();
        if (text[i] === ',') i++;
        if (i >= text.length) return null;
      }
    } else if (c === '"') str();
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    return here ? [start, i] : null;
  };
  try {
    return value(0);
  } catch {
    return null;
  }
}
