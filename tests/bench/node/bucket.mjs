// Bucketing throughput per unit: rollgate (XXH3 in WASM, one call per batch, or one call per unit)
// against xxhash-wasm hashing the same strings (XXH64, one call per string, its fastest string
// API), in one run. Run: node tests/bench/node/bucket.mjs
import { init, bucket, bucketBatch } from 'rollgate';
import xxhash from 'xxhash-wasm';
import { measure, fmtNs, fmtRate, table } from './common.mjs';

await init();
const { h64, h64Raw, h32 } = await xxhash();
const N = 100_000;
const units = Array.from({ length: N }, (_, i) => `user-${i.toString(36)}-${(i * 2654435761 % 1e9).toString(16)}`);
const uuids = Array.from({ length: N }, (_, i) => `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-7f3c-4a2b-9d1e-${i.toString(16).padStart(12, '0')}`);
const enc = new TextEncoder();

let sink = 0;
const results = [];
for (const [label, set] of [['ids like "user-2n9c-5f5e1"', units], ['UUIDs (36 bytes)', uuids]]) {
  const batch = measure(() => { const f = bucketBatch(set, 'new-checkout', { output: 'coverageBucket' }); sink ^= f[7]; }, N);
  const batchFraction = measure(() => { const f = bucketBatch(set, 'new-checkout'); sink ^= f[7] > 0.5 ? 1 : 0; }, N);
  const single = measure(() => { for (let i = 0; i < N; i++) sink ^= bucket(set[i], 'new-checkout') > 0.5 ? 1 : 0; }, N);
  const xx64 = measure(() => { for (let i = 0; i < N; i++) sink ^= Number(h64(set[i]) & 1n); }, N);
  const xx32 = measure(() => { for (let i = 0; i < N; i++) sink ^= h32(set[i]) & 1; }, N);
  const xx64raw = measure(() => { for (let i = 0; i < N; i++) sink ^= Number(h64Raw(enc.encode(set[i])) & 1n); }, N);
  results.push([label, batch, batchFraction, single, xx64, xx32, xx64raw]);
}
for (const [label, batch, batchFraction, single, xx64, xx32, xx64raw] of results) {
  table(`bucketing ${N.toLocaleString('en')} units: ${label}`, [
    ['method', 'per unit', 'rate', 'vs xxhash-wasm h64'],
    ['rollgate bucketBatch (coverage buckets, Uint32Array)', fmtNs(batch), fmtRate(batch), `${(xx64 / batch).toFixed(2)}x`],
    ['rollgate bucketBatch (fractions, Float64Array)', fmtNs(batchFraction), fmtRate(batchFraction), `${(xx64 / batchFraction).toFixed(2)}x`],
    ['rollgate bucket() one call per unit', fmtNs(single), fmtRate(single), `${(xx64 / single).toFixed(2)}x`],
    ['xxhash-wasm h64(string)', fmtNs(xx64), fmtRate(xx64), '1.00x'],
    ['xxhash-wasm h32(string)', fmtNs(xx32), fmtRate(xx32), `${(xx64 / xx32).toFixed(2)}x`],
    ['xxhash-wasm h64Raw(TextEncoder bytes)', fmtNs(xx64raw), fmtRate(xx64raw), `${(xx64 / xx64raw).toFixed(2)}x`],
  ]);
}
if (sink === 42) console.log('');
