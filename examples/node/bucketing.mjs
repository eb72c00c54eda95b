// Deterministic bucketing: where a unit falls under a salt, alone or many at once.
// Run: node examples/node/bucketing.mjs
import { init, bucket, bucketBatch, inRollout, pickVariant, bucketDraws, BUCKET_SCALE } from 'rollgate';

await init();
console.log(`alice under "new-checkout": ${bucket('alice', 'new-checkout')}`);
console.log(`in a 50% rollout: ${inRollout('alice', 'new-checkout', BUCKET_SCALE / 2)}`);
console.log(`variant of a 50/50 split: ${pickVariant('alice', 'new-checkout', [50_000, 50_000])}`);
const d = bucketDraws('alice', 'new-checkout');
console.log(`draws: coverage 0x${d.coverageHash.toString(16)} -> bucket ${d.coverageBucket}, variant bucket ${d.variantBucket}`);

// 100,000 units in one call: UTF-8 into WASM memory once, results in a typed array.
const units = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
const inside = bucketBatch(units, 'new-checkout', { output: 'inCoverage', coverage: 12_500 });
const count = inside.reduce((a, b) => a + b, 0);
console.log(`12.5% rollout over ${units.length} users: ${count} inside (${(100 * count / units.length).toFixed(2)}%)`);
