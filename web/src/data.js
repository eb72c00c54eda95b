// Input handling with no statistics in it: parsing dropped files (CSV / JSON) and recognising what
// a file is. Used by the page and by the worker. Summaries of the data (counts, means, quantiles)
// are the package's (engine.js); status snapshots are read in status.js, ECDF points in plot.js.

/** @typedef {Record<string, unknown>} Sketch A quantile sketch in its JSON form (QuantileSketch.toJSON). */
/** @typedef {{events: number, total: number}} Counts */
/** @typedef {number[] | Counts | Sketch} MetricData One metric of one arm, as judge() takes it. */
/**
 * @typedef {object} Samples Both arms' metrics, and what the sample-ratio check needs.
 * @property {Record<string, MetricData>} baseline
 * @property {Record<string, MetricData>} canary
 * @property {{baseline: number, canary: number}} [units]
 * @property {number[]} [expectedSplit]
 * @property {number} [srmAlpha]
 */
/** @typedef {'samples' | 'canaryConfig' | 'plan' | 'rollout' | 'flags' | 'context' | 'mismatch' | 'status' | 'baselineArm' | 'canaryArm' | 'unknown'} Kind */

/** An input the dashboard cannot read (not the package's verdict on it: that is a RollgateError). */
export class InputError extends Error {
  /**
   * @param {string} message
   * @param {string | null} [pointer] JSON Pointer (or line) of the offending value
   */
  constructor(message, pointer = null) {
    super(message);
    this.name = 'InputError';
    this.pointer = pointer;
  }
}

/**
 * @param {string} text
 * @returns {any} whatever the text holds: callers check its shape
 */
export function parseJSON(text, what = 'file') {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const BASELINE = /^(baseline|control|base|old|a)$/i;
const CANARY = /^(canary|treatment|experiment|new|b)$/i;
/** @param {unknown} g @returns {'baseline' | 'canary' | null} */
const armOf = (g) => (BASELINE.test(String(g).trim()) ? 'baseline' : CANARY.test(String(g).trim()) ? 'canary' : null);

/**
 * @param {unknown} xs
 * @param {string} where
 * @returns {number[]}
 */
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
 *  - JSON {baseline: {metric: [x...]}, canary: {metric: [x...]}, units?: {baseline, canary}, expectedSplit?, srmAlpha?}
 *  - JSON {metrics: {metric: {baseline: [...], canary: [...]}}}
 *  - JSON [{group, metric, value}, ...]
 *  - CSV, long (group,metric,value) or wide (group,<metric>,<metric>,...); group is
 *    baseline/control or canary/treatment.
 * @param {string} text
 * @returns {Samples}
 */
export function parseSamples(text, name = '') {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return samplesFromObject(parseJSON(text, name || 'samples'));
  return samplesFromCSV(text);
}

/**
 * One metric's data for the judge: samples (numbers), counts {events, total}, or a sketch.
 * @param {unknown} v
 * @param {string} where
 * @returns {MetricData}
 */
function metricData(v, where) {
  if (Array.isArray(v)) return toNumbers(v, where);
  if (v && typeof v === 'object' && (('events' in v && 'total' in v) || 'type' in v)) return /** @type {MetricData} */ (v);
  throw new InputError(`${where}: expected an array of numbers, counts {events, total} or a sketch`, where);
}

/**
 * @param {any} o parsed JSON
 * @returns {Samples}
 */
export function samplesFromObject(o) {
  /** @type {Samples} */
  const out = { baseline: {}, canary: {} };
  if (Array.isArray(o)) {
    o.forEach((row, i) => addRow(out, row.group ?? row.arm ?? row.variant, row.metric, row.value, `/${i}`));
    return finish(out);
  }
  if (o.baseline && o.canary && typeof o.baseline === 'object' && !Array.isArray(o.baseline)) {
    for (const arm of /** @type {const} */ (['baseline', 'canary'])) {
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
  const units = o.units;
  if (units && Number.isFinite(+units.baseline) && Number.isFinite(+units.canary))
    out.units = { baseline: +units.baseline, canary: +units.canary };
  const split = o.expectedSplit;
  if (Array.isArray(split) && split.length === 2) out.expectedSplit = split.map(Number);
  if (Number.isFinite(o.srmAlpha)) out.srmAlpha = o.srmAlpha;
  return finish(out);
}

/**
 * @param {Samples} out
 * @param {unknown} group
 * @param {string} metric
 * @param {unknown} value
 * @param {string} where
 */
function addRow(out, group, metric, value, where) {
  const arm = armOf(group ?? '');
  if (!arm) throw new InputError(`${where}: group ${JSON.stringify(group)} is neither baseline/control nor canary/treatment`);
  const v = Number(value);
  if (value === '' || !Number.isFinite(v)) throw new InputError(`${where}: value ${JSON.stringify(value)} is not a number`);
  const xs = (out[arm][metric] ??= []);
  if (Array.isArray(xs)) xs.push(v);
}

/** @param {Samples} out */
function finish(out) {
  const names = Object.keys(out.baseline).filter((m) => out.canary[m]);
  if (!names.length) throw new InputError('samples: no metric has both baseline and canary values');
  return out;
}

/** @param {string} line */
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

/**
 * @param {string} text
 * @returns {Samples}
 */
export function samplesFromCSV(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new InputError('CSV: need a header line and at least one row');
  const header = splitCSVLine(lines[0]).map((h) => h.toLowerCase());
  const gi = header.findIndex((h) => ['group', 'arm', 'variant', 'cohort'].includes(h));
  if (gi < 0) throw new InputError('CSV: no group column (group / arm / variant: baseline or canary)');
  /** @type {Samples} */
  const out = { baseline: {}, canary: {} };
  const mi = header.indexOf('metric');
  const vi = header.indexOf('value');
  for (let r = 1; r < lines.length; r++) {
    const cells = splitCSVLine(lines[r]);
    if (mi >= 0 && vi >= 0) addRow(out, cells[gi], cells[mi] ?? '', cells[vi], `line ${r + 1}`);
    else
      header.forEach((h, c) => {
        if (c !== gi && cells[c] !== undefined && cells[c] !== '') addRow(out, cells[gi], h, cells[c], `line ${r + 1}, column ${h}`);
      });
  }
  return finish(out);
}

/**
 * What a dropped JSON/CSV file is, by its content.
 * @param {string} text
 * @returns {Kind}
 */
export function detectKind(text, name = '') {
  const t = text.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) {
    if (/\.(csv|tsv|txt)$/i.test(name) || /^[^\n]*\b(group|arm|variant)\b/i.test(t)) return 'samples';
    return 'unknown';
  }
  /** @type {any} */
  let o;
  try {
    o = JSON.parse(text);
  } catch {
    return /config|flag/i.test(name) ? 'flags' : 'unknown';
  }
  if (Array.isArray(o)) return o.length && o[0] && 'metric' in o[0] ? 'samples' : 'unknown';
  if (o.baseline && o.canary) return 'samples';
  if (o.metrics && !Array.isArray(o.metrics) && Object.values(o.metrics).some((/** @type {any} */ v) => v?.baseline !== undefined)) return 'samples';
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
