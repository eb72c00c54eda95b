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

    test('weightsToScale: the golden table, and the refusals with their pointers', () => {
      for (const w of v.weights_to_scale) assert.deepEqual(r.weightsToScale(w.weights), w.scale, JSON.stringify(w));
      const num = (x) => (x === 'nan' ? NaN : x === 'inf' ? Infinity : x);
      for (const w of v.weights_refused) {
        assert.throws(() => r.weightsToScale(w.weights.map(num)), (e) => e.code === w.code && e.pointer === w.pointer, JSON.stringify(w));
      }
      assert.throws(() => r.weightsToScale(['1']), (e) => e.code === r.JsErrorCode.InvalidArgument && e.pointer === '/0');
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

    test('BUCKET_SCALE and the buckets come from the core (bucketDraws, bucketOf agree with the golden file)', () => {
      assert.equal(r.BUCKET_SCALE, 100000);
      for (const d of v.draws) {
        assert.equal(r.bucketOf(BigInt(`0x${d.coverage_hash}`), r.BUCKET_SCALE), d.coverage_bucket, d.note);
        assert.equal(r.bucketOf(BigInt(`0x${d.variant_hash}`), r.BUCKET_SCALE), d.variant_bucket, d.note);
      }
      assert.throws(() => r.bucketOf(5, 10), (e) => e.code === 'rollgate.js.804');
      assert.throws(() => r.bucketOf(5n, 0), (e) => e.code === 'rollgate.js.804');
    });

    test('issue 12 #7: inRollout refuses coverage above BUCKET_SCALE (rollgate.bucket.304), singly and in batch', () => {
      for (const f of [() => r.inRollout('u', 's', 100001), () => r.inRollout('u', 's', 0xFFFFFFFF),
        () => r.bucketBatch(['u'], 's', { output: 'inCoverage', coverage: 100001 })]) {
        assert.throws(f, (e) => e instanceof r.RollgateError && e.code === 'rollgate.bucket.304' && /above 100000/.test(e.detail));
      }
      assert.equal(r.inRollout('u', 's', 100000), true);
      assert.equal(r.inRollout('u', 's', 0), false);
      assert.deepEqual([...r.bucketBatch(['u', 'v'], 's', { output: 'inCoverage', coverage: 100000 })], [1, 1]);
    });

    test('issue 12 #7: pickVariant refuses weights that do not sum to BUCKET_SCALE (rollgate.bucket.305)', () => {
      for (const w of [[0xFFFFFFFF, 0xFFFFFFFF], [50000, 49999], [100000, 1], [0]]) {
        assert.throws(() => r.pickVariant('u', 's', w), (e) => e.code === 'rollgate.bucket.305' && /weights sum to \d+, expected 100000/.test(e.detail), JSON.stringify(w));
      }
      assert.equal(r.pickVariant('u', 's', [100000]), 0);
      assert.equal(r.pickVariant('u', 's', new Uint32Array([0, 100000])), 1);
    });

    test('percentToScale and rateToScale: the core\'s exact rule, never rounding', () => {
      const ok = [[12.5, 12500], [0.001, 1], [100, 100000], [33.333, 33333], [0, 0], [-0, 0], [99.999, 99999]];
      for (const [p, want] of ok) assert.equal(r.percentToScale(p), want, String(p));
      for (const [rate, want] of [[0.07, 7000], [0.125, 12500], [1, 100000], [0.00001, 1], [0.3, 30000]]) assert.equal(r.rateToScale(rate), want, String(rate));
      const bad = [[33.3330000001, 'rollgate.bucket.303'], [1e-320, 'rollgate.bucket.303'], [12.0005, 'rollgate.bucket.303'], [NaN, 'rollgate.bucket.301'],
        [Infinity, 'rollgate.bucket.301'], [-1, 'rollgate.bucket.302'], [100.001, 'rollgate.bucket.302']];
      for (const [p, code] of bad) assert.throws(() => r.percentToScale(p), (e) => e.code === code, String(p));
      for (const [rate, code] of [[1 / 3, 'rollgate.bucket.303'], [1.5, 'rollgate.bucket.302'], [0.000001, 'rollgate.bucket.303']]) {
        assert.throws(() => r.rateToScale(rate), (e) => e.code === code, String(rate));
      }
      assert.throws(() => r.percentToScale('12.5'), (e) => e.code === 'rollgate.js.804');
    });

    test('experiment sampling by unit decides on integer coverage (inRollout with the rate through rateToScale)', async () => {
      const sampled = async (unit, rate) => {
        let ran = false;
        await r.experiment({ control: () => 1, candidate: () => { ran = true; return 1; }, sample: { unit, rate, salt: 'exp' } });
        return ran;
      };
      for (let i = 0; i < 200; i++) {
        const unit = `user-${i}`;
        assert.equal(await sampled(unit, 0.25), r.inRollout(unit, 'exp', 25000), unit);
      }
      await assert.rejects(sampled('u', 0.123456), (e) => e.code === 'rollgate.bucket.303' && e.pointer === '/sample/rate');
      await assert.rejects(sampled('u', 2), (e) => e.code === 'rollgate.bucket.302' && e.pointer === '/sample/rate');
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
