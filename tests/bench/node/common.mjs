// Helpers of the node benchmarks: timing loops and a plain table. Benchmarks print figures; they
// never assert on time (CONTRIBUTING: performance lives in benchmarks, not in timed tests).

/** Runs fn() repeatedly for at least minMs after a warm-up; returns nanoseconds per op. */
export function measure(fn, opsPerCall, { minMs = 400, warmupMs = 150 } = {}) {
  let t0 = performance.now();
  while (performance.now() - t0 < warmupMs) fn();
  let calls = 0;
  t0 = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (elapsed * 1e6) / (calls * opsPerCall);
}

export function fmtNs(ns) {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
}

export function fmtRate(ns) {
  const perSec = 1e9 / ns;
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)} M/s` : `${(perSec / 1e3).toFixed(1)} k/s`;
}

export function table(title, rows) {
  console.log(`\n${title}`);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [j, r] of rows.entries()) {
    console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
    if (j === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
