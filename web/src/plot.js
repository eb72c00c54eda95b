// Plotting helpers (pure display: no test statistics here): the ECDFs the canary view draws.

/** @typedef {{x: number[], baseline: number[], canary: number[]}} Grid ECDFs of both arms on one grid */

/** @param {readonly number[]} xs sorted copy */
const sorted = (xs) => Float64Array.from(xs).sort();

/**
 * ECDFs of two samples evaluated on one grid of `points` x values (0.1%..99.9% quantiles).
 * @param {readonly number[]} a
 * @param {readonly number[]} b
 * @returns {Grid}
 */
export function ecdfGrid(a, b, points = 256) {
  const sa = sorted(a), sb = sorted(b);
  // Clip the extreme 0.1% on each side (rounding outward, so small samples keep their range).
  /** @param {Float64Array} s */
  const lower = (s) => s[Math.max(0, Math.floor(0.001 * (s.length - 1)))];
  /** @param {Float64Array} s */
  const upper = (s) => s[Math.min(s.length - 1, Math.ceil(0.999 * (s.length - 1)))];
  const lo = Math.min(lower(sa), lower(sb));
  const hi = Math.max(upper(sa), upper(sb));
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  /** @param {Float64Array} s */
  const F = (s) => {
    /** @type {number[]} */
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

/**
 * ECDFs on one grid from two quantile functions (sketches): F(x) interpolated between the ps.
 * @param {readonly number[]} qa
 * @param {readonly number[]} qb
 * @param {readonly number[]} ps
 * @returns {Grid}
 */
export function cdfFromQuantiles(qa, qb, ps, points = 200) {
  const lo = Math.min(qa[0], qb[0]);
  const hi = Math.max(qa[qa.length - 1], qb[qb.length - 1]);
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  /** @param {readonly number[]} q */
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
