// The canary judge in the WASM package. tests/vectors/canary.json (made by
// tests/vectors/gen/gen_canary.py with scipy) gives the judge's expected decisions; the rollout
// state machine has its own file, rollout.test.mjs.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

for (const flavour of flavours) {
  describe(`canary judge [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('judge: a clearly broken canary is rolled back, an identical one is not', () => {
      const config = {
        metrics: [
          { name: 'errors', kind: 'rate', direction: 'increase', critical: true },
          { name: 'latency', kind: 'continuous', direction: 'increase', allowedChange: { relative: 0.1 } },
        ],
      };
      const lat = Array.from({ length: 400 }, (_, i) => 100 + (i % 50));
      const baseline = { metrics: { errors: { events: 5, total: 10000 }, latency: lat } };
      const same = r.judge(config, baseline, baseline);
      assert.notEqual(same.decision, r.Decision.Rollback, JSON.stringify(same.reasons));
      const broken = { metrics: { errors: { events: 900, total: 10000 }, latency: lat.map((x) => x * 3) } };
      const bad = r.judge(config, baseline, broken);
      assert.equal(bad.decision, r.Decision.Rollback, JSON.stringify(bad.reasons));
      assert.ok(bad.criticalFailures.includes('errors'));
      assert.equal(bad.metrics.length, 2);
    });

    test('judge rejects bad input with codes and pointers', () => {
      assert.throws(() => r.judge({ metrics: 5 }, { metrics: {} }, { metrics: {} }),
        (e) => e instanceof r.RollgateError && e.code === 'rollgate.canary.508' && e.pointer === '/metrics');
      assert.throws(() => r.judge('{', '{}', '{}'), (e) => e.code === 'rollgate.json.101');
      assert.throws(() => r.judge(undefined, {}, {}), (e) => e.code === 'rollgate.js.804');
    });

    test('judge matches every canary.json case (scipy p-values and estimates, documented decisions)', () => {
      // tests/vectors/canary.json: made by tests/vectors/gen/gen_canary.py with scipy 1.10; the
      // native canary_vectors_test reads it with the same tolerances.
      const cv = vectors('canary.json');
      assert.equal(cv.spec_version, 1);
      assert.ok(cv.cases.length >= 15);
      const close = (got, want, rel, what) => assert.ok(Math.abs(got - want) <= rel * Math.max(1e-300, Math.abs(want)) + 1e-15, `${what}: ${got} vs ${want}`);
      for (const c of cv.cases) {
        const a = r.judge(c.config, c.baseline, c.canary);
        const e = c.expect;
        assert.equal(a.decision, e.decision, c.name);
        if (e.score === null) assert.equal(a.score, null, c.name);
        else close(a.score, e.score, 1e-9, `${c.name} score`);
        for (const m of a.metrics) {
          const want = e.metrics[m.name];
          assert.equal(m.classification, want.classification, `${c.name} ${m.name}: ${m.reasons[0]}`);
          if (want.test !== undefined) assert.equal(m.test, want.test, `${c.name} ${m.name}`);
          if (want.pValue !== undefined) close(m.pValue, want.pValue, cv.tolerance.pValue, `${c.name} ${m.name} pValue`);
          if (want.estimate !== undefined) close(m.estimate ?? m.checks[0].estimate, want.estimate, cv.tolerance.estimate, `${c.name} ${m.name} estimate`);
        }
      }
    });
  });
}
