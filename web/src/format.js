// Formatting and tiny DOM helpers (no computation about the data).

export const fmt = (x, digits = 3) => {
  if (x == null || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
};

/** p-values: 4 significant digits, scientific below 0.0001. */
export const fmtP = (p) => {
  if (p == null || Number.isNaN(p)) return '—';
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(2);
  return String(+p.toPrecision(4));
};

export const fmtPct = (x) => (x == null || Number.isNaN(+x) ? '—' : `${+(+x).toFixed(3)}%`);

export function fmtDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

export const fmtTime = (t) => {
  const d = new Date(typeof t === 'number' || /^\d+$/.test(String(t)) ? +t : t);
  return Number.isNaN(+d) ? String(t) : d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
};

/** CSS class for a classification or decision word (the badge also shows the word and a symbol). */
export function classify(word) {
  const w = String(word ?? '').toLowerCase();
  if (/^(pass|ok|healthy|advance|promote|success)/.test(w)) return 'pass';
  if (/^(fail|rollback|roll_back|abort|bad|regress)/.test(w)) return 'fail';
  if (/^(marginal|hold|wait|inconclusive|pending|insufficient)/.test(w)) return 'hold';
  return 'neutral';
}

/** PASS / HOLD / ROLLBACK from a decision record of any shape. */
export function decisionOf(x) {
  const d = typeof x === 'string' ? x : x?.decision ?? x?.verdict ?? x?.action ?? '';
  const u = String(d).toUpperCase();
  if (u === 'ADVANCE' || u === 'PROMOTE') return 'PASS';
  if (u === 'ABORT' || u === 'ROLL_BACK') return 'ROLLBACK';
  return u;
}

/** el('tag', {attr: value}, ...children): null/undefined attributes are skipped. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, v);
  for (const c of children) if (c != null && c !== '') e.append(c instanceof Node ? c : String(c));
  return e;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}
