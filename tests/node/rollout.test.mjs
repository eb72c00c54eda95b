// Rollout plans and the state machine in the WASM package. tests/vectors/plan.json (made by
// tests/vectors/gen/gen_plan.py from the rules of docs/rollout.md; the native rollout tests read
// it too) gives the expected action for each (state, analysis, sample-ratio units, announcement,
// clock) and for each operator command, so native and WASM are held to the same contract.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

const plan = vectors('plan.json');

function checkAction(got, want, name) {
  for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${name}: ${k}`);
  assert.ok(got.reasons.length > 0, name);
  assert.equal(got.state.status, got.status, name);
}

for (const flavour of flavours) {
  describe(`rollout plans and state machine [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('nextAction gives the expected action for every plan.json case', () => {
      assert.equal(plan.spec_version, 2);
      assert.ok(plan.cases.length >= 30);
      for (const c of plan.cases) {
        const options = { now: c.nowMs, announceMs: c.announceMs ?? 0 };
        if (c.srm) Object.assign(options, { units: { stable: c.srm.stableUnits, canary: c.srm.canaryUnits }, srmAlpha: c.srm.alpha });
        const got = r.nextAction(plan.plan, c.state, c.analysis, options);
        checkAction(got, c.expect, c.name);
        // Feeding the inputs as JSON text gives the same answer.
        const again = r.nextAction(JSON.stringify(plan.plan), JSON.stringify(c.state), c.analysis ?? null, options);
        assert.deepEqual(again, got, c.name);
      }
    });

    test('operator commands follow plan.json', () => {
      assert.ok(plan.commands.length >= 8);
      for (const c of plan.commands) {
        if (c.expect.error) {
          assert.throws(() => r.applyCommand(plan.plan, c.state, c.command, { now: c.nowMs }),
            (e) => e instanceof r.RollgateError && e.code === c.expect.error && e.pointer === '/command', c.name);
          continue;
        }
        const got = r.applyCommand(plan.plan, c.state, c.command, { now: c.nowMs, reason: 'vector' });
        checkAction(got, c.expect, c.name);
        const last = got.state.history.at(-1);
        assert.equal(last.actor, 'operator', c.name);
        assert.equal(last.reason, 'vector', c.name);
      }
    });

    test('validatePlan reports every expected problem of invalid plans', () => {
      for (const c of plan.invalidPlans) {
        let err;
        try { r.validatePlan(c.plan); } catch (e) { err = e; }
        assert.ok(err instanceof r.RollgateError, c.name);
        const got = err.problems.map((p) => [p.code, p.pointer]);
        assert.deepEqual(got, c.expectProblems, c.name);
      }
      r.validatePlan(plan.plan); // valid: does not throw
    });

    test('default plans are valid, start at stage 0 and hold inside the first window', () => {
      for (const risk of Object.values(r.Risk)) {
        const p = r.defaultPlan(risk);
        r.validatePlan(p);
        const s = r.initialState({ now: 1_000 });
        assert.deepEqual(s, { stage: 0, stageStartMs: 1000, status: 'running', window: 1, pending: null, history: [] });
        const a = r.nextAction(p, s, null, { now: 2_000 });
        assert.equal(a.action, r.ActionKind.Hold);
        assert.equal(a.stage, 0);
        r.validateCanaryConfig(r.stageCanaryConfig(p, 0));
      }
      assert.throws(() => r.defaultPlan('reckless'), (e) => e.code === 'rollgate.plan.612');
      assert.throws(() => r.stageCanaryConfig(r.defaultPlan(), 99), (e) => e.code === 'rollgate.plan.610');
    });

    test('a client restricts a default plan to what it measures, and refuses explicit plans it cannot judge', () => {
      const medium = r.defaultPlan('medium');
      const { plan: edge, dropped } = r.restrictPlan(medium, ['errorRate', 'latency']);
      assert.deepEqual(dropped, ['conversion']);
      assert.ok(!JSON.stringify(edge.stages).includes('conversion'));
      r.validatePlan(edge, { measurable: ['errorRate', 'latency'] });
      assert.throws(() => r.validatePlan(medium, { measurable: ['errorRate', 'latency'] }),
        (e) => e.code === 'rollgate.plan.613' && e.pointer === '/stages/1/gates/2' && e.problems.length === 2);
    });

    test('a rollout from start to rollback: step judges real window data, commands are transitions', () => {
      const p = r.defaultPlan('medium');
      const start = r.startRollout(p, { now: 0 });
      assert.equal(start.action, 'start');
      assert.equal(start.servingCoverage, r.BUCKET_SCALE / 100);
      const paused = r.applyCommand(p, start.state, 'pause', { now: 10 });
      assert.equal(paused.status, 'paused');
      assert.throws(() => r.applyCommand(p, paused.state, 'pause', { now: 11 }), (e) => e.code === 'rollgate.plan.614');
      const resumed = r.applyCommand(p, paused.state, r.Command.Resume, { now: 20 });
      const window = {
        baseline: { metrics: { errorRate: { events: 2, total: 9000 } } },
        canary: { metrics: { errorRate: { events: 40, total: 1000 } } },
        units: { stable: 990, canary: 10 },
      };
      const s = r.rolloutStep(p, resumed.state, window, { now: 60_000 });
      assert.equal(s.analysis.decision, 'ROLLBACK');
      assert.equal(s.srm.checked, true);
      assert.equal(s.srm.failed, false);
      assert.equal(s.action.action, 'rollback');
      assert.equal(s.action.servingCoverage, 0);
      assert.equal(s.action.newWindow, true);
      assert.deepEqual(s.action.state.history.map((h) => h.action), ['start', 'pause', 'resume', 'rollback']);
      const after = r.rolloutStep(p, s.action.state, window, { now: 120_000 });
      assert.equal(after.analysis, null); // nothing judged once rolled back: the evidence stays
      assert.equal(after.action.action, 'hold');
    });

    test('an announced increase takes effect at its instant and starts a new window', () => {
      const p = r.defaultPlan('medium');
      const pass = { decision: 'PASS', criticalFailures: [], reasons: [] };
      const adv = r.nextAction(p, r.initialState({ now: 0 }), pass, { now: 900_000, announceMs: 5000 });
      assert.equal(adv.action, 'advance');
      assert.equal(adv.coverage, 10_000);
      assert.equal(adv.servingCoverage, 1_000);
      assert.deepEqual(adv.pending, { percent: 10, coverage: 10_000, atMs: 905_000, window: adv.state.window + 1 });
      assert.equal(r.settleRollout(p, adv.state, { now: 904_999 }), null);
      const on = r.settleRollout(p, adv.state, { now: 905_000 });
      assert.equal(on.servingCoverage, 10_000);
      assert.equal(on.newWindow, true);
      assert.equal(on.state.window, adv.state.window + 1);
    });

    test('bad input is refused with codes and pointers, and the module keeps working', () => {
      assert.throws(() => r.nextAction(plan.plan, { stage: 'x' }, null, { now: 1 }), (e) => e.code === 'rollgate.plan.610');
      assert.throws(() => r.nextAction(plan.plan, plan.cases[0].state, null, { now: 1.5 }), (e) => e.code === 'rollgate.js.804');
      assert.throws(() => r.nextAction(plan.plan, plan.cases[0].state, { decision: 'MAYBE' }, { now: 1 }),
        (e) => e.code === 'rollgate.plan.611' && e.pointer === '/decision');
      assert.throws(() => r.applyCommand(plan.plan, plan.cases[0].state, 'abort', { now: 1 }), (e) => e.code === 'rollgate.plan.614');
      assert.throws(() => r.restrictPlan(plan.plan, 'errorRate'), (e) => e.code === 'rollgate.js.804');
      assert.throws(() => r.nextAction(plan.plan, plan.cases[0].state, null, { now: 1, units: { stable: -1, canary: 0 } }),
        (e) => e.code === 'rollgate.stats.404');
      assert.equal(r.nextAction(plan.plan, plan.cases[0].state, null, { now: 1 }).action, 'hold');
    });
  });
}
