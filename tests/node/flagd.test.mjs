// flagd flag definitions in the package: compile(text, {format: 'flagd'}) (docs/flagd.md).
// The shared vectors (tests/vectors/flagd.json, made by tests/vectors/gen/gen_flagd.mjs from
// @openfeature/flagd-core's own results) run through the WASM build exactly as the native test
// runs them, so native = WASM = flagd-core. Then 100,000 units: rollgate's `fractional` gives
// every unit the variant flagd-core gives it (a flag moved from flagd keeps its users), with the
// default bucketing key (flag key + targetingKey) and with a `cat` key on a nested attribute;
// 'flagd-js' also agrees on non-ASCII keys, where flagd-core's UTF-16 hashing differs from
// flagd's UTF-8 ('flagd').
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { flavours, load, root, vectors } from './support.mjs';

const require = createRequire(path.join(root, 'package.json'));
const { FlagdCore } = require('@openfeature/flagd-core');
const quiet = { error() {}, warn() {}, info() {}, debug() {} };

const data = vectors('flagd.json');

function observed(r) {
  const out = {};
  if (r.variationIndex >= 0) out.value = r.value;
  out.variant = r.variationIndex >= 0 ? r.variant : null;
  out.reason = r.reason;
  if (r.errorCode !== undefined) out.errorCode = r.errorCode;
  return out;
}

const UNITS = 100_000;
const splitConfig = {
  flags: {
    checkout: {
      state: 'ENABLED', variants: { a: 'a', b: 'b', c: 'c', none: 'none' }, defaultVariant: 'none',
      targeting: { fractional: [['a', 25], ['b', 25], ['c', 50]] },
    },
    'by-org': {
      state: 'ENABLED', variants: { x: 'x', y: 'y', none: 'none' }, defaultVariant: 'none',
      targeting: { if: [{ '!!': { var: 'user.org' } }, { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'user.org' }] }, ['x', 1], ['y', 3]] }, 'none'] },
    },
  },
};
const unitOf = (i) => (i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `${(i * 2654435761) >>> 0}` : `acct_${i.toString(36)}@x.io`);

for (const flavour of flavours) {
  describe(`flagd definitions (${flavour})`, () => {
    let rg;
    before(async () => { rg = await load(flavour); });

    test('every shared vector agrees with flagd-core', () => {
      let n = 0;
      for (const file of data.files) {
        const ev = rg.compile(file.config, { format: 'flagd' });
        for (const e of file.evaluations) {
          assert.deepEqual(observed(ev.evaluate(e.flag, e.context, { now: data.now_ms })), e.expected, `${file.name}: ${e.flag} ${JSON.stringify(e.context)}`);
          n++;
        }
        for (const [key, m] of Object.entries(file.metadata)) assert.deepEqual({ ...ev.flagMetadata(key) }, m, key);
        ev.dispose();
      }
      assert.ok(n > 1000);
    });

    test('100,000 units get the variant flagd-core gives them', () => {
      const core = new FlagdCore(undefined, quiet);
      core.setConfigurations(JSON.stringify(splitConfig));
      const ev = rg.compile(JSON.stringify(splitConfig), { format: 'flagd' });
      const counts = { a: 0, b: 0, c: 0 };
      for (let i = 0; i < UNITS; i++) {
        const unit = unitOf(i);
        const ctx = { targetingKey: unit, user: { org: `org-${i % 1000}-${unit}` } };
        const mine = ev.evaluate('checkout', ctx).variant;
        assert.equal(mine, core.resolveStringEvaluation('checkout', 'x', ctx, quiet).variant, unit);
        assert.equal(ev.evaluate('by-org', ctx).variant, core.resolveStringEvaluation('by-org', 'x', ctx, quiet).variant, unit);
        counts[mine]++;
      }
      // Not a reference check (that is above) but a sanity one: the weights show.
      assert.ok(Math.abs(counts.c / UNITS - 0.5) < 0.01, JSON.stringify(counts));
      ev.dispose();
    });

    test("'flagd-js' buckets non-ASCII keys as flagd-core does", () => {
      const core = new FlagdCore(undefined, quiet);
      core.setConfigurations(JSON.stringify(splitConfig));
      const js = rg.compile(splitConfig, { format: 'flagd-js' });
      const go = rg.compile(splitConfig, { format: 'flagd' });
      let differs = 0;
      for (let i = 0; i < 2000; i++) {
        const unit = `ü-${i}-€-${String.fromCodePoint(0x1F600 + (i % 50))}-名${i}`;
        const expected = core.resolveStringEvaluation('checkout', 'x', { targetingKey: unit }, quiet).variant;
        assert.equal(js.evaluate('checkout', { targetingKey: unit }).variant, expected, unit);
        if (go.evaluate('checkout', { targetingKey: unit }).variant !== expected) differs++;
      }
      assert.ok(differs > 0, "UTF-8 hashing ('flagd') should differ from flagd-core on some non-ASCII keys");
      js.dispose();
      go.dispose();
    });

    test('problems carry ids and pointers into the flagd document', () => {
      const bad = { flags: { f: { state: 'ENABLED', variants: { on: true, off: false }, targeting: { if: [{ some: [] }, 'on', 'off'] } } } };
      assert.deepEqual(rg.validateFlags(bad, { format: 'flagd' }), [
        { code: 'rollgate.config.234', pointer: '/flags/f/targeting/if/0/some', message: "JSON Logic operation 'some' is not supported by rollgate's flagd loader" },
      ]);
      assert.throws(() => rg.compile(bad, { format: 'flagd' }), (e) => e.code === 'rollgate.config.234');
      assert.throws(() => rg.compile(bad, { format: 'yaml' }), /format must be one of rollgate, flagd, flagd-js/);
      // The default format is still rollgate's own: a flagd file is not one.
      assert.throws(() => rg.compile(bad), (e) => e.code.startsWith('rollgate.config.2'));
    });

    test('nested context objects are read along var paths; disabled flags give no value', () => {
      const ev = rg.compile({
        flags: {
          f: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [{ '==': [{ var: 'user.plan' }, 'pro'] }, 'on', 'off'] } },
          d: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
        },
      }, { format: 'flagd' });
      assert.equal(ev.evaluate('f', { user: { plan: 'pro' } }).variant, 'on');
      assert.equal(ev.evaluate('f', { 'user.plan': 'pro' }).variant, 'off');
      assert.equal(ev.evaluate('f', { user: 'pro' }).variant, 'off');
      const d = ev.evaluate('d', {});
      assert.equal(d.reason, 'DISABLED');
      assert.equal(d.value, undefined);
      assert.equal(d.variationIndex, -1);
      ev.dispose();
    });
  });
}
