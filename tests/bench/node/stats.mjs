// Mann-Whitney U on 100,000 + 100,000 values: the package (WASM) against the native core, in one
// run, on the data tests/bench/native/stats_bench.cpp uses (SplitMix64 uniforms, x = 100 u,
// y = 100 u + 0.5). The native figure comes from running the native benchmark binary
// (build/native/tests/bench/native/rollgate_bench, built by scripts/bootstrap.sh).
// Run: node tests/bench/node/stats.mjs
import { init, stats, QuantileSketch } from 'rollgate';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, fmtNs, table, emit } from './common.mjs';

await init();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function splitmixUniform(seed, n, scale, shift) {
  const out = new Float64Array(n);
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < n; i++) {
    let z = (BigInt(seed) + 0x9E3779B97F4A7C15n * BigInt(i + 1)) & mask;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & mask;
    z ^= z >> 31n;
    out[i] = Number(z >> 11n) * 2 ** -53 * scale + shift;
  }
  return out;
}

const n = 100_000;
const x = splitmixUniform(1, n, 100, 0);
const y = splitmixUniform(2, n, 100, 0.5);
const xs = Array.from(x);
let r;
const wasmTyped = measure(() => { r = stats.mannWhitneyU(x, y); }, 1, { minMs: 2000, warmupMs: 300 });
const wasmArray = measure(() => { r = stats.mannWhitneyU(xs, y); }, 1, { minMs: 2000, warmupMs: 300 });
console.log(`U = ${r.statistic}, p = ${r.pValue}`);

let native = null;
const bench = path.join(root, 'build/native/tests/bench/native/rollgate_bench');
if (existsSync(bench)) {
  const out = spawnSync(bench, ['--benchmark_filter=BM_StatsMannWhitneyU/100000', '--benchmark_format=json', '--benchmark_min_time=2'], { encoding: 'utf8' });
  try {
    const b = JSON.parse(out.stdout).benchmarks.find((e) => e.name.startsWith('BM_StatsMannWhitneyU/100000'));
    if (b) {
      const unit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[b.time_unit];
      native = { ns: (process.env.ROLLGATE_BENCH_CLOCK === 'wall' ? b.real_time : b.cpu_time) * unit, U: b.U };
    }
  } catch { /* binary without that benchmark */ }
}
const rows = [['implementation', 'time', 'vs native']];
rows.push(['rollgate WASM (Float64Array input)', fmtNs(wasmTyped), native ? `${(wasmTyped / native.ns).toFixed(2)}x` : 'n/a']);
rows.push(['rollgate WASM (plain array input)', fmtNs(wasmArray), native ? `${(wasmArray / native.ns).toFixed(2)}x` : 'n/a']);
rows.push(['rollgate native (Google Benchmark)', native ? fmtNs(native.ns) : 'not built', native ? '1.00x' : '']);
table(`Mann-Whitney U, ${n.toLocaleString('en')} + ${n.toLocaleString('en')} values`, rows);
if (native && native.U !== undefined && native.U !== r.statistic) console.log(`warning: native U ${native.U} differs from WASM U ${r.statistic}`);

const lat = Float64Array.from({ length: n }, (_, i) => Math.exp(3 + Math.sin(i) * 1.5));
const addAll = measure(() => { const s = new QuantileSketch().addAll(lat); s.dispose(); }, n, { minMs: 500 });
const s = new QuantileSketch().addAll(lat);
const q = measure(() => { s.quantile(0.99); }, 1, { minMs: 300 });
table('quantile sketch', [['operation', 'time'], ['addAll (per value)', fmtNs(addAll)], ['quantile(0.99)', fmtNs(q)]]);
s.dispose();
emit({ stats: { mannWhitneyWasm: wasmTyped, mannWhitneyNative: native ? native.ns : null } });
