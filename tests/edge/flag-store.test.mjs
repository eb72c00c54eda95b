// Edge suite, no workerd: the coordinator's flag store (edge/cloudflare/src/coordinator/flags.js)
// on an in-memory storage, with the package doing the evaluations. Proves: a configuration is
// stored only once the core compiles it (its id and pointer otherwise), and a running flag
// rollout's target cannot be dropped by a new one; the served form of a rule target replaces that
// rule's serve only, at the core's percentage (SPLIT inside, DEFAULT with the rule's index
// outside), and an announced increase is a ramp step that switches at its instant; the ETag
// changes exactly when the served text does.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { FlagStore, withTarget, targetOf } from '../../edge/cloudflare/src/coordinator/flags.js';
import * as engine from '../../edge/cloudflare/src/engine.js';

const storage = () => {
  const data = new Map();
  return { data, async get(k) { return Array.isArray(k) ? new Map(k.map((x) => [x, data.get(x)])) : data.get(k); }, async put(e) { for (const [k, v] of Object.entries(e)) data.set(k, v); } };
};
const config = {
  schemaVersion: 1,
  flags: [{
    key: 'new-checkout',
    variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
    defaultVariation: 'off',
    rules: [
      { id: 'staff', conditions: [{ attribute: 'targetingKey', op: 'startsWith', value: 'staff-' }], serve: { variation: 'on' } },
      { id: 'eu', conditions: [{ attribute: 'targetingKey', op: 'startsWith', value: 'eu-' }], serve: { variation: 'off' } },
    ],
    fallthrough: { variation: 'off' },
  }],
};
const target = { flag: 'new-checkout', variation: 'on', rule: 'eu' };
const record = (servingPercent, pending) => ({ rollout: { target }, action: { servingPercent, pending } });

before(() => engine.initEngine());

test('the store accepts what the core compiles, with the core\'s id and pointer otherwise', async () => {
  const st = new FlagStore(storage());
  await assert.rejects(st.put('{"flags": [{"key": "x"}]}', null), (e) => /^rollgate\.config\./.test(e.code) && e.pointer.startsWith('/flags/0'));
  await assert.rejects(st.put('{"flags": [', null), (e) => e.code === 'rollgate.json.101');
  assert.throws(() => st.checkTarget(target), (e) => e.code === 'rollgate.edge.902' && e.status === 409);
  await assert.rejects(st.put('"' + 'x'.repeat(1 << 20) + '"', null), (e) => e.code === 'rollgate.edge.903' && e.status === 413);
  const ok = await st.put(JSON.stringify(config), null);
  assert.equal(ok.version, 1);
  st.checkTarget(target);
  assert.throws(() => st.checkTarget({ ...target, rule: 'us' }), (e) => e.code === 'rollgate.plan.621' && e.pointer === '/target/rule');
  // While a flag rollout runs, a configuration without its target is refused; the old one stays.
  const without = { ...config, flags: [{ ...config.flags[0], rules: [config.flags[0].rules[0]] }] };
  await assert.rejects(st.put(JSON.stringify(without), record(10, null)), (e) => e.code === 'rollgate.plan.621');
  assert.equal(st.status(null).version, 1);
  // A restart finds it.
  const again = new FlagStore(st.storage);
  await again.load();
  assert.equal(again.status(null).etag, st.status(null).etag);
  assert.throws(() => targetOf({ flag: 'f', variation: 'v', extra: 1 }), (e) => e.code === 'rollgate.plan.620' && e.pointer === '/target/extra');
});

test('a rule target: only that rule\'s serve changes, at the core\'s percentage; an announced increase switches at its instant', async () => {
  const st = new FlagStore(storage());
  await st.put(JSON.stringify(config), null);
  const units = Array.from({ length: 2000 }, (_, i) => `eu-${i}`);
  const share = (text, now) => {
    const ev = engine.compileFlags(text);
    try {
      let on = 0;
      for (const u of units) {
        const r = ev.evaluate('new-checkout', { targetingKey: u }, { now });
        assert.equal(r.ruleIndex, 1);
        if (r.reason === 'SPLIT') {
          assert.equal(r.variant, 'on');
          on++;
        } else assert.equal(r.reason, 'DEFAULT');
      }
      assert.equal(ev.evaluate('new-checkout', { targetingKey: 'staff-1' }, { now }).reason, 'TARGETING_MATCH', 'the rule before is untouched');
      assert.equal(ev.evaluate('new-checkout', { targetingKey: 'us-1' }, { now }).variant, 'off', 'the fallthrough is untouched');
      return on / units.length;
    } finally {
      ev.dispose();
    }
  };
  const at10 = st.served(record(10, null));
  assert.ok(Math.abs(share(at10.text, Date.now()) - 0.1) < 0.03);
  assert.deepEqual(JSON.parse(at10.text).flags[0].rules[1].serve, { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage: 10 } });
  assert.equal(st.served(record(10, null)).etag, at10.etag, 'same served text, same ETag');
  const atMs = Date.now() + 60000;
  const announced = st.served(record(10, { percent: 50, atMs }));
  assert.notEqual(announced.etag, at10.etag);
  assert.ok(Math.abs(share(announced.text, atMs - 1) - 0.1) < 0.03, 'before the instant: still 10%');
  assert.ok(Math.abs(share(announced.text, atMs) - 0.5) < 0.04, 'from the instant: 50%');
  assert.equal(share(st.served(record(0, null)).text, Date.now()), 0, 'a rollback serves coverage 0');
  assert.equal(st.served(null).text, JSON.stringify(config), 'no flag rollout: the stored configuration as it is');
  assert.equal(JSON.parse(withTarget(JSON.stringify(config), { flag: 'new-checkout', variation: 'on' }, 5, null)).flags[0].fallthrough.rollout.coverage, 5);
});
