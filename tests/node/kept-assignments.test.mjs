// Kept assignments (issue 18): a flag with `"bucketing": {"scheme": "growthbook" | "unleash"}`
// gives 100,000 units the same variation as the peer's own npm package does (GrowthBook's SDK
// evaluating the feature; Unleash's Node SDK flexible-rollout strategy and variant selection),
// and the default scheme still gives rollgate's XXH3 assignment (bucket.js, the package's own
// bucketing API), so adding the modes changed nothing for existing flags.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GrowthBook } from '@growthbook/growthbook';
import { flavours, load, root } from './support.mjs';

process.env.NODE_ENV = 'production'; // GrowthBook logs to the console outside production
const require = createRequire(path.join(root, 'package.json'));
const FlexibleRollout = require(path.join(root, 'node_modules/unleash-client/lib/strategy/flexible-rollout-strategy.js')).default;
const { selectVariantDefinition } = require(path.join(root, 'node_modules/unleash-client/lib/variant.js'));

const UNITS = 100_000;
// ASCII units of mixed shapes (Unleash's Node SDK and its Rust engine agree on ASCII only:
// docs/bucketing.md, "Peer bucketing").
const unitOf = (i) => (i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `${(i * 2654435761) >>> 0}` : `acct_${i.toString(36)}@x.io`);
const variations = (keys) => keys.map((k) => ({ key: k, value: k.toUpperCase() }));

function growthbookFlags() {
  return [
    { key: 'gb-exp-v2', bucketBy: 'id', bucketing: { scheme: 'growthbook', hashVersion: 2 }, variations: variations(['a', 'b', 'c', 'off']),
      defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'a', weight: 20 }, { variation: 'b', weight: 30 }, { variation: 'c', weight: 50 }], coverage: 80 } } },
    { key: 'gb-exp-v1', bucketBy: 'id', salt: 'checkout-test', bucketing: { scheme: 'growthbook' }, variations: variations(['a', 'b', 'off']),
      defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'a', weight: 33.333 }, { variation: 'b', weight: 66.667 }] } } },
    { key: 'gb-rollout', bucketBy: 'id', bucketing: { scheme: 'growthbook', hashVersion: 2, seed: 'rollout-seed' }, variations: variations(['on', 'off']),
      defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage: 37.5 } } },
  ];
}

// The same three features in GrowthBook's own format.
const growthbookFeatures = {
  'gb-exp-v2': { defaultValue: 'OFF', rules: [{ variations: ['A', 'B', 'C'], weights: [0.2, 0.3, 0.5], coverage: 0.8, hashVersion: 2 }] },
  'gb-exp-v1': { defaultValue: 'OFF', rules: [{ variations: ['A', 'B'], weights: [0.33333, 0.66667], seed: 'checkout-test' }] },
  'gb-rollout': { defaultValue: 'OFF', rules: [{ force: 'ON', coverage: 0.375, hashVersion: 2, seed: 'rollout-seed' }] },
};

function unleashFlags() {
  return [
    { key: 'ul-variants', bucketBy: 'userId', bucketing: { scheme: 'unleash' }, variations: variations(['red', 'green', 'blue', 'off']),
      defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'red', weight: 33.3 }, { variation: 'green', weight: 33.3 }, { variation: 'blue', weight: 33.4 }], coverage: 60 } } },
    { key: 'ul-rollout', bucketBy: 'userId', bucketing: { scheme: 'unleash', groupId: 'launch-2026' }, variations: variations(['on', 'off']),
      defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage: 25 } } },
  ];
}

const flexible = new FlexibleRollout(() => 'random-should-not-be-used');
/** Unleash's answer: a flexible rollout strategy (rollout %, groupId) with strategy variants. */
function unleashValue(groupId, rollout, variants, userId) {
  const context = { userId, featureToggle: groupId };
  if (!flexible.isEnabled({ rollout: String(rollout), stickiness: 'default', groupId }, context)) return 'OFF';
  if (variants.length === 0) return 'ON';
  return selectVariantDefinition(groupId, 'default', variants, context).name.toUpperCase();
}

for (const flavour of flavours) {
  describe(`kept assignments [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test(`growthbook scheme: ${UNITS} units agree with @growthbook/growthbook (hash v1, v2, experiment ranges, rollout rule)`, () => {
      const ev = r.compile({ flags: growthbookFlags() });
      const gb = new GrowthBook({ features: growthbookFeatures });
      const agree = { 'gb-exp-v2': 0, 'gb-exp-v1': 0, 'gb-rollout': 0 };
      const seen = new Set();
      for (let i = 0; i < UNITS; i++) {
        const id = unitOf(i);
        gb.setAttributes({ id });
        const all = ev.evaluateAll({ id });
        for (const key of Object.keys(agree)) {
          const want = gb.getFeatureValue(key, null);
          if (all[key].value === want) agree[key]++;
          else assert.fail(`${key} ${id}: rollgate ${all[key].value}, GrowthBook ${want}`);
          seen.add(`${key}=${want}`);
        }
      }
      for (const key of Object.keys(agree)) assert.equal(agree[key], UNITS, key);
      // Every outcome occurs, so agreement is not agreement on one constant answer.
      assert.deepEqual([...seen].sort(), ['gb-exp-v1=A', 'gb-exp-v1=B', 'gb-exp-v2=A', 'gb-exp-v2=B', 'gb-exp-v2=C', 'gb-exp-v2=OFF', 'gb-rollout=OFF', 'gb-rollout=ON']);
      gb.destroy();
      ev.dispose();
    });

    test(`unleash scheme: ${UNITS} units agree with unleash-client (flexible rollout, groupId, variant hashing)`, () => {
      const ev = r.compile({ flags: unleashFlags() });
      const variants = [{ name: 'red', weight: 333 }, { name: 'green', weight: 333 }, { name: 'blue', weight: 334 }]
        .map((v) => ({ ...v, weightType: 'variable', stickiness: 'default' }));
      const counts = new Map();
      for (let i = 0; i < UNITS; i++) {
        const userId = unitOf(i);
        const all = ev.evaluateAll({ userId });
        const v = unleashValue('ul-variants', 60, variants, userId);
        assert.equal(all['ul-variants'].value, v, `ul-variants ${userId}`);
        const o = unleashValue('launch-2026', 25, [], userId);
        assert.equal(all['ul-rollout'].value, o, `ul-rollout ${userId}`);
        counts.set(`v=${v}`, (counts.get(`v=${v}`) || 0) + 1);
        counts.set(`o=${o}`, (counts.get(`o=${o}`) || 0) + 1);
      }
      assert.deepEqual([...counts.keys()].sort(), ['o=OFF', 'o=ON', 'v=BLUE', 'v=GREEN', 'v=OFF', 'v=RED']);
      ev.dispose();
    });

    test('the default scheme is rollgate\'s XXH3, unchanged: "bucketing": {"scheme": "rollgate"} equals no bucketing member', () => {
      const base = { key: 'x', variations: variations(['a', 'b']), defaultVariation: 'a',
        fallthrough: { rollout: { weights: [{ variation: 'a', weight: 50 }, { variation: 'b', weight: 50 }] } } };
      const plainEv = r.compile({ flags: [base] });
      const explicit = r.compile({ flags: [{ ...base, bucketing: { scheme: 'rollgate' } }] });
      const growth = r.compile({ flags: [{ ...base, bucketing: { scheme: 'growthbook' } }] });
      let differ = 0;
      for (let i = 0; i < 2000; i++) {
        const ctx = { targetingKey: unitOf(i) };
        assert.equal(plainEv.evaluate('x', ctx).variant, explicit.evaluate('x', ctx).variant);
        if (plainEv.evaluate('x', ctx).variant !== growth.evaluate('x', ctx).variant) differ++;
      }
      assert.ok(differ > 500, `the schemes differ (${differ} of 2000), so the test can fail`);
      plainEv.dispose(); explicit.dispose(); growth.dispose();
    });

    test('bucketing problems carry rollgate.config.223 and a pointer', () => {
      const flag = (bucketing, weight = 50) => ({ flags: [{ key: 'x', variations: variations(['a', 'b']), defaultVariation: 'a', bucketing,
        fallthrough: { rollout: { weights: [{ variation: 'a', weight }, { variation: 'b', weight: 100 - weight }] } } }] });
      const problems = (cfg) => r.validateFlags(cfg).map((p) => `${p.code} ${p.pointer}`);
      assert.deepEqual(problems(flag({ scheme: 'launchdarkly' })), ['rollgate.config.223 /flags/0/bucketing/scheme']);
      assert.deepEqual(problems(flag({ scheme: 'growthbook', hashVersion: 3 })), ['rollgate.config.223 /flags/0/bucketing/hashVersion']);
      assert.deepEqual(problems(flag({ scheme: 'growthbook', groupId: 'g' })), ['rollgate.config.223 /flags/0/bucketing/groupId']);
      assert.deepEqual(problems(flag({ scheme: 'unleash' }, 33.33)), [
        'rollgate.config.223 /flags/0/fallthrough/rollout/weights/0/weight', 'rollgate.config.223 /flags/0/fallthrough/rollout/weights/1/weight']);
      assert.deepEqual(problems(flag({ scheme: 'unleash' }, 33.3)), []);
    });
  });
}
