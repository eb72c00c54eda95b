// Formatting of numbers, times and outcomes (no computation about the data). Pure functions: the
// browser tests import them to compare what the page shows with what the package returns.

/**
 * A number with up to `digits` decimals (grouped), scientific when tiny or huge; '—' when missing.
 * @param {number | null | undefined} x
 */
export const fmt = (x, digits = 3) => {
  if (x == null || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
};

/**
 * p-values: 4 significant digits, scientific below 0.0001.
 * @param {number | null | undefined} p
 */
export const fmtP = (p) => {
  if (p == null || Number.isNaN(p)) return '—';
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(2);
  return String(+p.toPrecision(4));
};

/** @param {number | string | null | undefined} x a percentage */
export const fmtPct = (x) => (x == null || Number.isNaN(+x) ? '—' : `${+(+x).toFixed(3)}%`);

/** @param {number | null | undefined} ms */
export function fmtDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/**
 * The page's one time format: seconds, in UTC ("14:03:07 UTC"), with the date in front when it is
 * not today's ("2026-12-01 14:03:07 UTC").
 * @param {number | string} t epoch milliseconds or a date text
 * @param {number} [nowMs] what "today" is (tests)
 */
export const fmtTime = (t, nowMs = Date.now()) => {
  const d = new Date(typeof t === 'number' || /^\d+$/.test(String(t)) ? +t : t);
  if (Number.isNaN(+d)) return String(t);
  const iso = d.toISOString();
  const day = iso.slice(0, 10);
  return `${day === new Date(nowMs).toISOString().slice(0, 10) ? '' : `${day} `}${iso.slice(11, 19)} UTC`;
};

/** Milliseconds: "12 ms", "150.5 ms", "1,204 ms". @param {number | null | undefined} x */
export const fmtMs = (x) => (x == null || !Number.isFinite(x) ? '—' : `${x.toLocaleString('en-US', { maximumFractionDigits: Math.abs(x) < 10 ? 2 : 1 })} ms`);

/**
 * A rate (a fraction) as a percentage, with enough digits for small rates: 0.00067 → "0.067%".
 * @param {number | null | undefined} r
 */
export const fmtRate = (r) => {
  if (r == null || !Number.isFinite(r)) return '—';
  const p = 100 * r;
  return `${p === 0 ? '0' : Math.abs(p) < 0.1 ? +p.toPrecision(2) : +p.toFixed(2)}%`;
};

/**
 * A difference of two rates in percentage points: −6.67e-4 → "−0.067 pp".
 * @param {number | null | undefined} d
 */
export const fmtPp = (d) => {
  if (d == null || !Number.isFinite(d)) return '—';
  const p = 100 * d;
  const a = Math.abs(p);
  const t = a === 0 ? '0' : a < 0.1 ? String(+a.toPrecision(2)) : String(+a.toFixed(2));
  return `${p < 0 ? '−' : p > 0 ? '+' : ''}${t} pp`;
};

/** Sizes: "812 B", "27.1 KiB", "27.09 MiB". @param {number} bytes */
export function fmtBytes(bytes) {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** A count: "1,204". @param {number | null | undefined} n */
export const fmtCount = (n) => (n == null || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US'));

/**
 * The unit a metric is measured in, for display: rates are fractions (shown in %, differences in
 * percentage points), latencies and durations milliseconds (the edge measures them so; a
 * config's description may say "in ms"), anything else has none.
 * @param {{name: string, kind?: string, description?: string}} m
 * @returns {'rate' | 'ms' | ''}
 */
export function unitOf(m) {
  if (m.kind === 'rate') return 'rate';
  if (/latency|duration|time|_ms$/i.test(m.name) || /\bms\b|millisecond/i.test(m.description ?? '')) return 'ms';
  return '';
}

/**
 * A value of a metric in its unit (rate → %, ms → ms).
 * @param {number | null | undefined} x
 * @param {'rate' | 'ms' | ''} unit
 */
export const fmtValue = (x, unit) => (unit === 'rate' ? fmtRate(x) : unit === 'ms' ? fmtMs(x) : fmt(x, 4));

/**
 * A difference of a metric in its unit (rate → pp, ms → ms, signed).
 * @param {number | null | undefined} x
 * @param {'rate' | 'ms' | ''} unit
 */
export function fmtDiff(x, unit) {
  if (unit === 'rate') return fmtPp(x);
  if (x == null || !Number.isFinite(x)) return '—';
  const sign = x > 0 ? '+' : x < 0 ? '−' : '';
  return `${sign}${unit === 'ms' ? fmtMs(Math.abs(x)) : fmt(Math.abs(x), 4)}`;
}

/** The words of a rollout status of the package ("rolledBack" → "rolled back"). @param {string | null | undefined} s */
export const statusWords = (s) => ({ running: 'running', paused: 'paused', rolledBack: 'rolled back', completed: 'completed', idle: 'no rollout' })[s ?? ''] ?? (s || '—');

/**
 * CSS class of a decision (the badge also shows the word and a symbol).
 * @param {string | null | undefined} decision PASS, HOLD or ROLLBACK
 * @returns {'pass' | 'fail' | 'hold' | 'neutral'}
 */
export function classify(decision) {
  return decision === 'PASS' ? 'pass' : decision === 'ROLLBACK' ? 'fail' : decision === 'HOLD' ? 'hold' : 'neutral';
}

/**
 * Pass / fail colour of a metric's outcome: High or Low is a failure only in the metric's bad
 * direction.
 * @param {{classification: string, direction?: string | null}} m
 * @returns {'pass' | 'fail' | 'hold'}
 */
export function outcomeClass(m) {
  const o = m.classification;
  if (o === 'Pass') return 'pass';
  if (o === 'NoData' || !o) return 'hold';
  const bad = m.direction === 'either' || (o === 'High' && m.direction !== 'decrease') || (o === 'Low' && m.direction === 'decrease');
  return bad ? 'fail' : 'pass';
}

/**
 * The words after an outcome: worse or better, or not judged.
 * @param {{classification: string, baselineCount?: number | null, canaryCount?: number | null}} m
 * @param {string} cls outcomeClass(m)
 */
export function outcomeNote(m, cls) {
  if (m.classification === 'High' || m.classification === 'Low') return cls === 'fail' ? ' — worse' : ' — better';
  // NoData with samples in both arms is the judge finding them too few for its test: inconclusive.
  if (m.classification === 'NoData') return (m.baselineCount ?? 0) > 0 && (m.canaryCount ?? 0) > 0 ? ' — inconclusive, too few samples' : ' — not judged, no data';
  return '';
}
