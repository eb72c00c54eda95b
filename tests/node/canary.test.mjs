// Rollout plans and the canary judge in the WASM package. tests/vectors/plan.json (made by
// tests/vectors/gen/gen_plan.py from the rules of docs/rollout.md; the native rollout tests read
// it too) gives the expected action for each (state, analysis, clock); canary.json, when present,
// gives the judge's expected decisions.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

const plan = vectors('plan.json');

for (const flavour of flavours) {
  describe(`canary and rollout [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('nextAction gives the expected action for every plan.json case', () => {
      assert.equal(plan.spec_version, 1);
      assert.ok(plan.cases.length > 10);
      for (const c of plan.cases) {
        const got = r.nextAction(plan.plan, c.state, c.analysis, { now: c.nowMs });
        for (const [k, want] of Object.entries(c.expect)) assert.deepEqual(got[k], want, `${c.name}: ${k}`);
        // The new state round-trips: feeding it back as text or object gives the same answer.
        const again = r.nextAction(JSON.stringify(plan.plan), JSON.stringify(c.state), c.analysis ?? null, { now: c.nowMs });
        assert.deepEqual(again, got, c.name);
      }
    });

    test('validatePlan reports every expected problem of invalid plans', () => {
      for (const c of plan.invalidPlans) {
        let err;
        try { r.validatePlan(c.plan); } catch (e) { err = e; }
        assert.ok(err instanceof r.RollgateError, c.name);
        const got = err.problems.map((p) => [p.code, p.pointer]);
        for (const want of c.expectProblems) {
          assert.ok(got.some(([code, ptr]) => code === want[0] && ptr === want[1]), `${c.name}: ${JSON.stringify(want)} in ${JSON.stringify(got)}`);
        }
      }
      r.validatePlan(plan.plan); // valid: does not throw
    });

    test('default plans are valid, start at stage 0 and hold inside the first window', () => {
      for (const risk of Object.values(r.Risk)) {
        const p = r.defaultPlan(risk);
        r.validatePlan(p);
        const s = r.initialState({ now: 1_000 });
        assert.deepEqual(s, { history: [], stage: 0, stageStartMs: 1000, status: 'running' });
        const a = r.nextAction(p, s, null, { now: 2_000 });
        assert.equal(a.action, r.ActionKind.Hold);
        assert.equal(a.stage, 0);
        const config = r.stageCanaryConfig(p, 0);
        r.validateCanaryConfig(config);
      }
      assert.throws(() => r.defaultPlan('reckless'), (e) => e.code === 'rollgate.plan.612');
      assert.throws(() => r.stageCanaryConfig(r.defaultPlan(), 99), (e) => e.code === 'rollgate.plan.610');
    });

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

    test('judge and plans reject bad input with ids and pointers', () => {
      assert.throws(() => r.judge({ metrics: 5 }, { metrics: {} }, { metrics: {} }),
        (e) => e instanceof r.RollgateError && e.code === 'rollgate.canary.508' && e.pointer === '/metrics');
      assert.throws(() => r.judge('{', '{}', '{}'), (e) => e.code === 'rollgate.json.101');
      assert.throws(() => r.nextAction(plan.plan, { stage: 'x' }, null, { now: 1 }), (e) => e.code === 'rollgate.plan.610');
      assert.throws(() => r.nextAction(plan.plan, plan.cases[0].state, null, { now: 1.5 }), (e) => e.code === 'rollgate.js.804');
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
