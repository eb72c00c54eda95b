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

/** @param {number | string} t epoch milliseconds or a date text */
export const fmtTime = (t) => {
  const d = new Date(typeof t === 'number' || /^\d+$/.test(String(t)) ? +t : t);
  return Number.isNaN(+d) ? String(t) : d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
};

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
 * @param {{classification: string}} m
 * @param {string} cls outcomeClass(m)
 */
export function outcomeNote(m, cls) {
  if (m.classification === 'High' || m.classification === 'Low') return cls === 'fail' ? ' — worse' : ' — better';
  if (m.classification === 'NoData') return ' — not judged';
  return '';
}
