// The native core's figures for the comparisons the node benchmarks make: runs the Google
// Benchmark binary that scripts/bootstrap.sh builds (build/native/tests/bench/native/
// rollgate_bench) with a filter and returns {benchmark name: nanoseconds per iteration}, or {}
// when the binary is not built. CPU time per iteration (cpu_time), as the node benchmarks measure
// (common.mjs); ROLLGATE_BENCH_CLOCK=wall takes real_time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const nativeBench = path.join(root, 'build/native/tests/bench/native/rollgate_bench');

export function nativeFigures(filter, minTime = 0.2) {
  if (!existsSync(nativeBench)) return {};
  const r = spawnSync(nativeBench, [`--benchmark_filter=${filter}`, `--benchmark_min_time=${minTime}`, '--benchmark_format=json'],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${nativeBench} failed: ${r.stderr}`);
  const scale = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };
  const out = {};
  const wall = process.env.ROLLGATE_BENCH_CLOCK === 'wall';
  for (const b of JSON.parse(r.stdout).benchmarks) out[b.name] = (wall ? b.real_time : b.cpu_time) * scale[b.time_unit];
  return out;
}
