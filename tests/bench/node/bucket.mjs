// Bucketing one unit per call from JS: rollgate (XXH3 in WASM) against xxhash-wasm hashing the
// same strings (h64, its string API), for ids of 8, 16, 36 (a UUID) and 64 bytes, in one process,
// interleaved (medians of three rounds). Also the batch form (one call for 100,000 units).
//   bucket(unit, salt)                 the unit's coverage draw as a fraction
//   inRollout(unit, salt, coverage)    membership
//   new Bucketer(salt).bucket(unit) / .inRollout(unit, coverage): the salt hashed once
// Run: node tests/bench/node/bucket.mjs [--quick]   (npm run bench runs it through goals.mjs)
import { init, bucket, inRollout, bucketBatch, Bucketer } from 'rollgate/flags';
import xxhash from 'xxhash-wasm';
import { interleaved, measure, fmtNs, table, emit } from './common.mjs';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const timing = quick ? { minMs: 60, warmupMs: 30 } : { minMs: 250, warmupMs: 100 };
await init();
const { h64 } = await xxhash();
const N = 100_000;
const hex = (i, n) => (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8).slice(0, n);
const idsOf = (bytes) => Array.from({ length: N }, (_, i) => {
  if (bytes === 36) return `${hex(i, 8)}-7f3c-4a2b-9d1e-${i.toString(16).padStart(12, '0')}`;
  const tail = i.toString(36);
  return (hex(i + 7, bytes) .slice(0, bytes - tail.length) + tail);
});
const salt = 'new-checkout';
const b = new Bucketer(salt);
const COVERAGE = 25_000; // 25%

let sink = 0;
const figures = {};
for (const bytes of [8, 16, 36, 64]) {
  const ids = idsOf(bytes);
  if (ids.some((s) => s.length !== bytes)) throw new Error(`ids of ${bytes} bytes expected`);
  const loop = (f) => [() => { for (let i = 0; i < N; i++) sink ^= f(ids[i]) ? 1 : 0; }, N];
  const r = interleaved({
    'bucket(unit, salt)': loop((u) => bucket(u, salt) > 0.5),
    'inRollout(unit, salt, coverage)': loop((u) => inRollout(u, salt, COVERAGE)),
    'Bucketer.bucket(unit)': loop((u) => b.bucket(u) > 0.5),
    'Bucketer.inRollout(unit, coverage)': loop((u) => b.inRollout(u, COVERAGE)),
    'xxhash-wasm h64(string)': loop((u) => (h64(u) & 1n) === 1n),
  }, ROUNDS, timing);
  r['bucketBatch (coverage buckets)'] = measure(() => { sink ^= bucketBatch(ids, salt, { output: 'coverageBucket' })[7]; }, N, timing);
  figures[bytes] = r;
  const xx = r['xxhash-wasm h64(string)'];
  table(`bucketing one ${bytes}-byte id per call (${N.toLocaleString('en')} distinct ids)`, [
    ['method', 'per unit', 'vs xxhash-wasm h64'],
    ...Object.entries(r).map(([k, ns]) => [k, fmtNs(ns), `${(xx / ns).toFixed(2)}x faster`]),
  ]);
}
emit({ bucket: figures });
b.dispose();
if (sink === 42) console.log('');
