// Bucketing in the WASM package against tests/vectors/bucketing.json: the golden file made from
// python3-xxhash by tests/vectors/gen/gen_bucketing.py (see that file's "description"), also read
// by the native tests, so the package and the C++ core must agree with an independent XXH3.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

const v = vectors('bucketing.json');

for (const flavour of flavours) {
  describe(`bucketing [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('vector file is the version this suite understands', () => {
      assert.equal(v.spec_version, 1);
      assert.equal(r.BUCKET_SCALE, v.scale);
      assert.ok(v.draws.length > 10 && v.membership.length > 10);
    });

    test('bucketDraws matches every golden draw (hashes, fraction, buckets)', () => {
      for (const d of v.draws) {
        const got = r.bucketDraws(d.unit, d.salt);
        const label = `${JSON.stringify(d.unit)} / ${JSON.stringify(d.salt)} (${d.note})`;
        assert.equal(got.coverageHash, BigInt(`0x${d.coverage_hash}`), label);
        assert.equal(got.variantHash, BigInt(`0x${d.variant_hash}`), label);
        assert.equal(got.fraction, d.fraction, label);
        assert.equal(got.coverageBucket, d.coverage_bucket, label);
        assert.equal(got.variantBucket, d.variant_bucket, label);
      }
    });

    test('bucket() gives the golden fraction', () => {
      for (const d of v.draws) assert.equal(r.bucket(d.unit, d.salt), d.fraction, d.note);
    });

    test('xxh3(salt) is the golden seed and UTF-8 lengths agree', () => {
      for (const d of v.draws) {
        assert.equal(r.xxh3(d.salt), BigInt(`0x${d.seed}`), d.note);
        assert.equal(Buffer.byteLength(d.unit, 'utf8'), d.unit_utf8_bytes, d.note);
        assert.equal(r.xxh3(new TextEncoder().encode(d.salt)), BigInt(`0x${d.seed}`), d.note);
      }
    });

    test('bucketBatch gives the golden values for every output, one call per salt', () => {
      const bySalt = new Map();
      for (const d of v.draws) {
        if (!bySalt.has(d.salt)) bySalt.set(d.salt, []);
        bySalt.get(d.salt).push(d);
      }
      for (const [salt, ds] of bySalt) {
        const units = ds.map((d) => d.unit);
        const f = r.bucketBatch(units, salt);
        assert.ok(f instanceof Float64Array);
        assert.deepEqual([...f], ds.map((d) => d.fraction));
        const cb = r.bucketBatch(units, salt, { output: r.BucketOutput.CoverageBucket });
        assert.ok(cb instanceof Uint32Array);
        assert.deepEqual([...cb], ds.map((d) => d.coverage_bucket));
        const vb = r.bucketBatch(units, salt, { output: 'variantBucket' });
        assert.deepEqual([...vb], ds.map((d) => d.variant_bucket));
      }
    });

    test('membership: inRollout and pickVariant match the golden table, singly and in batch', () => {
      for (const m of v.membership) {
        const label = `${JSON.stringify(m)}`;
        assert.equal(r.inRollout(m.unit, m.salt, m.coverage), m.in, label);
        assert.equal(r.pickVariant(m.unit, m.salt, m.weights), m.variant, label);
        const batch = r.bucketBatch([m.unit, m.unit], m.salt, { output: 'inCoverage', coverage: m.coverage });
        assert.deepEqual([...batch], [m.in ? 1 : 0, m.in ? 1 : 0], label);
      }
    });

    test('a large batch (mixed ASCII, non-ASCII, empty, long) equals unit-by-unit results', () => {
      const units = [];
      for (let i = 0; i < 5000; i++) {
        const k = i % 5;
        units.push(k === 0 ? `user-${i}` : k === 1 ? `ünï-${i}-😀` : k === 2 ? '' : k === 3 ? `x`.repeat(i % 300) : `\ud800lone-${i}`);
      }
      const f = r.bucketBatch(units, 'salt-ü');
      const b = r.bucketBatch(units, 'salt-ü', { output: 'coverageBucket' });
      assert.equal(f.length, units.length);
      for (let i = 0; i < units.length; i += 7) {
        assert.equal(f[i], r.bucket(units[i], 'salt-ü'), `unit ${i}`);
        assert.equal(b[i], r.bucketDraws(units[i], 'salt-ü').coverageBucket, `unit ${i}`);
      }
      // A lone surrogate is encoded as U+FFFD, exactly as TextEncoder (and every web API) does.
      assert.equal(r.bucket('\ud800lone-4', 's'), r.bucket('\ufffdlone-4', 's'));
      assert.deepEqual([...r.bucketBatch([], 's')], []);
    });

    test('bucketOf is floor(draw * n / 2^64)', () => {
      assert.equal(r.bucketOf(0n, 100000), 0);
      assert.equal(r.bucketOf(2n ** 64n - 1n, 100000), 99999);
      assert.equal(r.bucketOf(2n ** 63n, 10), 5);
    });

    test('bad arguments throw RollgateError rollgate.js.804 and the module keeps working', () => {
      const bad = [
        () => r.bucket(42, 'salt'),
        () => r.bucket('u', undefined),
        () => r.bucketBatch(['a', 7], 's'),
        () => r.bucketBatch(['a'], 's', { output: 'nope' }),
        () => r.bucketBatch(['a'], 's', { output: 'inCoverage' }),
        () => r.inRollout('a', 's', 1.5),
        () => r.pickVariant('a', 's', []),
        () => r.pickVariant('a', 's', [-1, 5]),
      ];
      for (const f of bad) {
        assert.throws(f, (e) => e instanceof r.RollgateError && e instanceof Error && e.code === 'rollgate.js.804');
      }
      assert.equal(r.bucket('alice', 'new-checkout'), v.draws[0].fraction);
    });
  });
}
