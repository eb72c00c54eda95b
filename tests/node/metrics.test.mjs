// Origin and business metrics in the WASM package (docs/canary.md "Unit-level metrics",
// docs/edge.md "Server-Timing"): the Server-Timing vectors of tests/vectors/server_timing.json
// (tests/vectors/gen/gen_server_timing.py; the native tests read the same file), unit summaries
// through JSON and the judge, and which gated metrics a client's sources cover.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

for (const flavour of flavours) {
  describe(`metrics [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('Server-Timing: every shared vector gives the same result as natively', () => {
      const v = vectors('server_timing.json');
      assert.ok(v.cases.length >= 25);
      for (const c of v.cases) {
        const reader = new r.ServerTimingReader(c.options);
        try {
          assert.deepEqual(reader.parse(c.header), c.expect, c.name);
        } finally {
          reader.dispose();
        }
      }
    });

    test('Server-Timing: bad options are refused with an id and a pointer', () => {
      assert.throws(() => new r.ServerTimingReader({ names: ['cpu', 'c@u'] }), (e) => e.code === 'rollgate.metrics.001' && e.pointer === '/names/1');
      assert.throws(() => new r.ServerTimingReader({ maxNames: 0 }), (e) => e.code === 'rollgate.metrics.001' && e.pointer === '/maxNames');
      assert.deepEqual(r.parseServerTiming(null).entries, []);
    });

    test('UnitSummary: exposure, events, merge and JSON round trip; the judge reads it', () => {
      const a = new r.UnitSummary();
      const b = new r.UnitSummary();
      for (let i = 0; i < 40; i++) a.expose(`u${i}`);
      assert.equal(b.record('u1', 'purchase', 12.5), true);
      assert.equal(b.record('u1', 'purchase', Number.NaN), false, 'NaN is refused by the core');
      assert.equal(b.record('ghost', 'purchase', 3), true, 'recorded, but never exposed: not counted');
      a.merge(r.UnitSummary.fromJSON(JSON.stringify(b)));
      assert.deepEqual(a.metric('purchase'), { exposed: 40, converted: 1, sum: 12.5, samplingRate: 1 });
      const back = r.UnitSummary.fromJSON(a.toJSON());
      assert.equal(back.metric('purchase').converted, 1);
      assert.throws(() => r.UnitSummary.fromJSON({ type: 'rollgate.units', version: 1, maxUnits: 100, level: 0, events: [], units: [['zz', 1]] }),
        (e) => e.code === 'rollgate.metrics.003' && e.pointer === '/units/0');
      const cfg = { metrics: [{ name: 'conversion', kind: 'rate', direction: 'decrease', event: 'purchase' }] };
      const j = r.judge(cfg, { metrics: { conversion: a.toJSON() } }, { metrics: { conversion: back.toJSON() } });
      assert.equal(j.metrics[0].canaryCount, 40);
      for (const s of [a, b, back]) s.dispose();
    });

    test('measurableFrom: the default plan\'s conversion needs an event source, cpu a Server-Timing name', () => {
      const plan = r.defaultPlan('medium');
      assert.deepEqual(r.measurableFrom(plan), ['errorRate', 'latency']);
      // The request metrics are the core's list (the edge reads it, never restates it).
      assert.deepEqual([...r.REQUEST_METRICS], ['errorRate', 'latency']);
      assert.ok(Object.isFrozen(r.REQUEST_METRICS));
      assert.deepEqual(r.measurableFrom(plan, { requests: false }), []);
      assert.deepEqual(r.measurableFrom(plan, { events: ['purchase'] }), ['conversion', 'errorRate', 'latency']);
      assert.throws(() => r.validatePlan(plan, { measurable: r.measurableFrom(plan) }), (e) => e.code === 'rollgate.plan.613');
      r.validatePlan(plan, { measurable: r.measurableFrom(plan, { events: ['purchase'] }) });
    });
  });
}
