// Statistics in the WASM package against tests/vectors/stats.json: golden values from scipy 1.10,
// numpy and statsmodels made by tests/vectors/gen/gen_stats.py (regenerate:
// /usr/bin/python3 tests/vectors/gen/gen_stats.py > tests/vectors/stats.json), the same file the
// native stats tests read, with the same 1e-9 relative tolerance.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors, num, close } from './support.mjs';

const v = vectors('stats.json');
const nums = (a) => a.map(num);

function assertClose(actual, expected, label, rel) {
  assert.ok(close(actual, expected, rel), `${label}: actual ${actual}, expected ${expected}`);
}

for (const flavour of flavours) {
  describe(`stats [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('mannWhitneyU matches scipy on every case (arrays and Float64Array)', (t) => {
      let checked = 0;
      for (const c of v.mannwhitneyu) {
        const x = nums(c.x);
        const y = Float64Array.from(nums(c.y));
        for (const e of c.results) {
          const label = `${c.name} ${JSON.stringify({ ...e, x: undefined })}`;
          const got = r.stats.mannWhitneyU(x, y, {
            alternative: e.alternative, method: e.method, useContinuity: e.use_continuity,
          });
          assert.equal(got.statistic, num(e.statistic), label);
          assertClose(got.pValue, num(e.pvalue), label);
          assert.ok(got.method === 'exact' || got.method === 'asymptotic');
          checked++;
        }
      }
      assert.ok(checked > 90, `${checked} cases`);
    });

    test('hodgesLehmann matches the reference', (t) => {
      for (const c of v.hodges_lehmann) {
        const got = r.stats.hodgesLehmann(nums(c.x), nums(c.y), { confidence: c.confidence, method: c.method });
        assertClose(got.estimate, num(c.estimate), c.name);
        assertClose(got.lower, num(c.lower), c.name);
        assertClose(got.upper, num(c.upper), c.name);
        assert.equal(got.k, c.k, c.name);
        assertClose(got.achievedConfidence, num(c.achieved_confidence), c.name);
        assert.equal(got.method, c.used, c.name);
      }
    });

    test('welchT and welchTFromStats match scipy.stats.ttest_ind(equal_var=False)', (t) => {
      for (const c of v.welch) {
        for (const e of c.results) {
          const got = r.stats.welchT(nums(c.x), nums(c.y), { alternative: e.alternative });
          assertClose(got.statistic, num(e.statistic), c.name);
          assertClose(got.pValue, num(e.pvalue), c.name);
          assertClose(got.df, num(c.df), c.name);
        }
      }
      for (const c of v.welch_from_stats) {
        const got = r.stats.welchTFromStats(c.x, c.y, { alternative: c.alternative });
        assertClose(got.statistic, num(c.statistic), JSON.stringify(c));
        assertClose(got.pValue, num(c.pvalue), JSON.stringify(c));
      }
    });

    test('proportionsZ matches statsmodels proportions_ztest', (t) => {
      for (const c of v.proportions) {
        const got = r.stats.proportionsZ(
          { successes: c.successes_x, trials: c.trials_x }, { successes: c.successes_y, trials: c.trials_y },
          { alternative: c.alternative });
        assertClose(got.statistic, num(c.statistic), JSON.stringify(c));
        assertClose(got.pValue, num(c.pvalue), JSON.stringify(c));
      }
    });

    test('fisherExact matches scipy.stats.fisher_exact', (t) => {
      for (const c of v.fisher) {
        const [a, b, cc, d] = c.table;
        const got = r.stats.fisherExact([[a, b], [cc, d]], { alternative: c.alternative });
        assertClose(got.oddsRatio, num(c.odds_ratio), JSON.stringify(c));
        assertClose(got.pValue, num(c.pvalue), JSON.stringify(c));
      }
    });

    test('srm matches scipy.stats.chisquare on the implied expected counts', (t) => {
      for (const c of v.srm) {
        const got = r.stats.srm(c.counts, c.shares);
        assertClose(got.statistic, num(c.statistic), JSON.stringify(c));
        assertClose(got.pValue, num(c.pvalue), JSON.stringify(c));
        assert.equal(got.df, c.df);
        const chi = r.stats.chisquare(c.counts, c.expected);
        assertClose(chi.pValue, num(c.pvalue), JSON.stringify(c), 1e-8);
      }
    });

    test('quantiles match numpy (linear method)', (t) => {
      for (const c of v.quantiles) {
        const got = r.stats.quantiles(nums(c.values), c.q);
        assert.equal(got.length, c.q.length);
        got.forEach((g, i) => assertClose(g, num(c.expected[i]), `${c.name} q=${c.q[i]}`, 1e-12));
        assertClose(r.stats.quantile(nums(c.values), c.q[0]), num(c.expected[0]), c.name, 1e-12);
      }
    });

    test('sequential tests: valid p-values, monotone across looks, reject on a large effect', (t) => {
      const base = { count: 1000, mean: 10, variance: 4 };
      const first = r.stats.sequentialMeanTest({ count: 1000, mean: 10.05, variance: 4 }, base);
      assert.ok(first.pValue > 0 && first.pValue <= 1);
      assert.equal(typeof first.reject, 'boolean');
      const second = r.stats.sequentialMeanTest({ count: 2000, mean: 10.6, variance: 4 }, { count: 2000, mean: 10, variance: 4 },
        { previousPValue: first.pValue });
      assert.ok(second.pValue <= first.pValue, 'always-valid p-values never increase');
      assert.equal(second.reject, true);
      assert.ok(second.lower < second.estimate && second.estimate < second.upper);
      const prop = r.stats.sequentialProportionTest({ successes: 300, trials: 1000 }, { successes: 100, trials: 1000 });
      assert.equal(prop.reject, true);
      assert.ok(Math.abs(prop.estimate - 0.2) < 1e-12);
    });

    test('summarize gives count, mean and unbiased variance', (t) => {
      const s = r.stats.summarize([1, 2, 3, 4]);
      assert.deepEqual(s, { count: 4, mean: 2.5, variance: 5 / 3 });
    });

    test('QuantileSketch: add/addAll/merge/quantile/serialise round trip, dispose', (t) => {
      const a = new r.QuantileSketch().addAll(Float64Array.from({ length: 1000 }, (_, i) => i + 1));
      const b = new r.QuantileSketch();
      for (let i = 1001; i <= 2000; i++) b.add(i);
      a.merge(b);
      assert.equal(a.count, 2000);
      assert.equal(a.min, 1);
      assert.equal(a.max, 2000);
      const p99 = a.quantile(0.99);
      // numpy 'lower' p99 of 1..2000 is the value of rank floor(0.99 * 1999) = 1979, i.e. 1980.
      assert.ok(Math.abs(p99 - 1980) <= 0.01 * 1980, `p99 ${p99}`);
      assert.deepEqual(a.quantiles([0.99]), [p99]);
      const text = JSON.stringify(a);
      const back = r.QuantileSketch.fromJSON(text);
      assert.ok(back.equals(a));
      assert.equal(back.quantile(0.5), a.quantile(0.5));
      const b64 = r.QuantileSketch.fromBase64(a.toBase64());
      assert.ok(b64.equals(a));
      assert.throws(() => new r.QuantileSketch({ relativeAccuracy: 2 }), (e) => e.code === 'rollgate.stats.406');
      assert.throws(() => r.QuantileSketch.fromJSON('{"type":"nope"}'), (e) => e.code === 'rollgate.stats.410');
      assert.throws(() => r.QuantileSketch.fromJSON('{'), (e) => e.code === 'rollgate.json.101');
      assert.throws(() => a.add(NaN), (e) => e.code === 'rollgate.stats.402');
      assert.throws(() => new r.QuantileSketch().quantile(0.5), (e) => e.code === 'rollgate.stats.412');
      for (const s of [a, b, back, b64]) s.dispose();
      a.dispose(); // idempotent
      assert.throws(() => a.quantile(0.5), (e) => e instanceof r.RollgateError && e.code === 'rollgate.js.805');
    });

    test('errors carry the core id and JSON pointer', (t) => {
      const cases = [
        [() => r.stats.mannWhitneyU([], [1, 2]), 'rollgate.stats.401'],
        [() => r.stats.mannWhitneyU([1, NaN], [1, 2]), 'rollgate.stats.402', '/x/1'],
        [() => r.stats.mannWhitneyU([1], [2], { alternative: 'bigger' }), 'rollgate.stats.407', '/alternative'],
        [() => r.stats.mannWhitneyU([1, 'a'], [2]), 'rollgate.js.804', '/x/1'],
        [() => r.stats.fisherExact([[1, 2], [3]]), 'rollgate.js.804', '/table'],
        [() => r.stats.proportionsZ({ successes: 5, trials: 2 }, { successes: 1, trials: 2 }), 'rollgate.stats.405'],
      ];
      for (const [f, code, pointer] of cases) {
        let err;
        try { f(); } catch (e) { err = e; }
        assert.ok(err instanceof r.RollgateError, `${f} should throw RollgateError, got ${err}`);
        assert.equal(err.code, code, `${f}: ${err.message}`);
        if (pointer !== undefined) assert.equal(err.pointer, pointer, err.message);
        assert.ok(err.message.startsWith(`[${code}]`), err.message);
      }
    });
  });
}
