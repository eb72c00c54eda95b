// Helpers of the node benchmarks: timing loops and a plain table. Benchmarks print figures; they
// never assert on time (CONTRIBUTING: performance lives in benchmarks, not in timed tests).

/**
 * Runs fn() repeatedly for at least minMs after a warm-up; returns nanoseconds per op, in CPU time
 * of this process (process.cpuUsage, every thread): on a shared machine the wall clock also counts
 * the time the process waits for a core, which the native benchmarks' cpu_time leaves out too.
 * ROLLGATE_BENCH_CLOCK=wall measures wall-clock time instead.
 */
export function measure(fn, opsPerCall, { minMs = 400, warmupMs = 150 } = {}) {
  let t0 = performance.now();
  while (performance.now() - t0 < warmupMs) fn();
  let calls = 0;
  const c0 = process.cpuUsage();
  t0 = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return nsPerOp(c0, elapsed, calls * opsPerCall);
}
export const WALL = process.env.ROLLGATE_BENCH_CLOCK === 'wall';

/** Nanoseconds per op of a timed loop: CPU time since `c0`, or `elapsedMs` of wall time (WALL). */
function nsPerOp(c0, elapsedMs, ops) {
  const c = process.cpuUsage(c0);
  const ms = WALL ? elapsedMs : (c.user + c.system) / 1000;
  return (ms * 1e6) / ops;
}

/** Times an async loop body the way measure() times a sync one (CPU time unless WALL). */
export async function measureAsync(fn, opsPerCall, { minMs = 400 } = {}) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    await fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return nsPerOp(c0, elapsed, calls * opsPerCall);
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

/**
 * Hands this script's figures to goals.mjs (which runs every bench script as a child process and
 * prints the goal table): one marker line of JSON on stdout. Harmless when run alone.
 */
export function emit(figures) {
  console.log(`${MARKER}${JSON.stringify(figures)}`);
}
export const MARKER = '@@rollgate-bench ';

/** Median of an array of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs the several measures of one comparison interleaved, `rounds` times; returns medians. */
export function interleaved(fns, rounds = 3, opts = {}) {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [k, [fn, ops]] of Object.entries(fns)) samples[k].push(measure(fn, ops, opts));
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}
