// Feature flags in the WASM package: the same answers as the native core (the `rollgate eval`
// CLI built from the same sources by scripts/bootstrap.sh) on the example configs and contexts,
// the shared tests/vectors/flags.json when present, and the JS API's own behaviour (context
// encoding, errors, dispose).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { flavours, load, root, vectors } from './support.mjs';

const cli = path.join(root, 'build/native/core/rollgate');
const configsDir = path.join(root, 'examples/configs');
const contextsDir = path.join(root, 'examples/contexts');
const NOW = Date.parse('2026-11-26T12:00:00Z');
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/** The native core's answer, in the package's shape (flag -> flagKey). */
function nativeAll(configPath, context, now) {
  let out;
  try {
    out = execFileSync(cli, ['eval', '--config', configPath, '--all', '--context', JSON.stringify(context), '--now', String(now)], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout; // exit 1 when some flag evaluated to ERROR; the JSON is still printed
  }
  const all = JSON.parse(out);
  const shaped = {};
  for (const [k, v] of Object.entries(all)) {
    const { flag, ...rest } = v;
    shaped[k] = { flagKey: flag, ...rest };
  }
  return shaped;
}

function plain(result) {
  const out = {};
  for (const [k, v] of Object.entries(result)) {
    out[k] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
  }
  return JSON.parse(JSON.stringify(out));
}

const storefront = readJson(path.join(configsDir, 'storefront.json'));

for (const flavour of flavours) {
  describe(`flags [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('evaluateAll equals the native core on every example config x context (and 200 generated contexts)', () => {
        assert.ok(existsSync(cli), `native CLI not built at ${cli} (scripts/bootstrap.sh builds it)`);
        const configs = readdirSync(configsDir).filter((f) => f.endsWith('.json'));
        assert.ok(configs.length > 0);
        const contexts = readdirSync(contextsDir).filter((f) => f.endsWith('.json')).map((f) => readJson(path.join(contextsDir, f)));
        // Generated contexts cover the rollouts' buckets and every attribute kind.
        const platforms = ['ios', 'android', 'web'];
        for (let i = 0; i < 200; i++) {
          contexts.push({
            targetingKey: `user-${i * 7919}`, platform: platforms[i % 3], appVersion: `5.${i % 4}.${i % 10}`,
            country: ['DE', 'US', 'FR', 'JP'][i % 4], plan: ['free', 'team'][i % 2], groups: i % 5 === 0 ? ['beta'] : [],
            email: i % 9 === 0 ? `p${i}@shop.example` : `p${i}@mail.example`, createdAt: new Date(NOW - i * 86_400_000).toISOString(),
          });
        }
        for (const file of configs) {
          const configPath = path.join(configsDir, file);
          const ev = r.compile(readFileSync(configPath, 'utf8'));
          // One CLI process per context is slow; check the examples fully and every 10th generated one.
          contexts.forEach((ctx, i) => {
            if (i >= 3 && i % 10 !== 0) return;
            assert.deepEqual(plain(ev.evaluateAll(ctx, { now: NOW })), nativeAll(configPath, ctx, NOW), `${file} ${JSON.stringify(ctx)}`);
          });
          ev.dispose();
        }
      });

    test('flags.json: every shared vector case (as the native flags_vectors_test reads it), singly and via evaluateAll', () => {
      // tests/vectors/flags.json is made by tests/vectors/gen/gen_flags.py (bucketing expectations
      // from an independent python3-xxhash implementation); the native test reads the same file.
      const fv = vectors('flags.json');
      assert.equal(fv.spec_version, 1);
      assert.ok(fv.cases.length >= 200);
      for (const c of fv.cases) {
        const ev = r.compile(c.config);
        const got = ev.evaluate(c.flag, c.context, { now: c.now });
        const want = c.expected;
        assert.equal(got.reason, want.reason, c.name);
        assert.equal(got.ruleIndex, want.ruleIndex, c.name);
        assert.equal(got.errorCode, want.errorCode === null ? undefined : want.errorCode, c.name);
        if (want.variant === null) {
          assert.equal(got.variationIndex, -1, c.name);
          assert.equal(got.value, undefined, c.name);
        } else {
          assert.equal(got.variant, want.variant, c.name);
          assert.deepEqual(got.value, want.value, c.name);
        }
        if (ev.flagType(c.flag) !== undefined) assert.deepEqual(ev.evaluateAll(c.context, { now: c.now })[c.flag], got, c.name);
        ev.dispose();
      }
    });

    test('evaluate() equals the matching evaluateAll() entry and reports reasons/variants', () => {
      const ev = r.compile(storefront);
      assert.deepEqual([...ev.flagKeys], storefront.flags.map((f) => f.key));
      const ctx = readJson(path.join(contextsDir, 'staff.json'));
      const all = ev.evaluateAll(ctx, { now: NOW });
      for (const key of ev.flagKeys) assert.deepEqual(ev.evaluate(key, ctx, { now: NOW }), all[key], key);
      assert.equal(all['checkout-redesign'].reason, r.Reason.TargetingMatch);
      assert.equal(all['checkout-redesign'].variant, 'on');
      assert.equal(all['checkout-redesign'].value, true);
      ev.dispose();
    });

    test('context values: Date as RFC 3339, lists, null, unknown attributes ignored, no context at all', () => {
      const ev = r.compile(storefront);
      const base = readJson(path.join(contextsDir, 'mobile-beta.json'));
      const withDate = { ...base, createdAt: new Date(base.createdAt) };
      assert.deepEqual(ev.evaluateAll(withDate, { now: NOW }), ev.evaluateAll({ ...base, createdAt: new Date(base.createdAt).toISOString() }, { now: NOW }));
      const extra = { ...base, unknownThing: 'x', another: [ 'a' ], nested: null };
      assert.deepEqual(ev.evaluateAll(extra, { now: NOW }), ev.evaluateAll(base, { now: NOW }));
      const missing = ev.evaluate('checkout-redesign', {}, { now: NOW });
      assert.equal(missing.reason, r.Reason.Error);
      assert.equal(missing.errorCode, r.ErrorCode.TargetingKeyMissing);
      assert.equal(typeof missing.errorMessage, 'string');
      assert.deepEqual(ev.evaluate('checkout-redesign', undefined, { now: NOW }), missing);
      // A long, non-ASCII context grows the scratch buffer and still evaluates the same.
      const big = { ...base, email: `${'é'.repeat(100_000)}@mail.example`, groups: Array.from({ length: 5000 }, (_, i) => `g${i}`).concat(['beta']) };
      const a = ev.evaluateAll(big, { now: NOW });
      assert.equal(a['checkout-redesign'].flagKey, 'checkout-redesign');
      ev.dispose();
    });

    test('ramps follow the clock when no time is given (and an explicit now overrides it)', () => {
      const flag = (at) => ({
        schemaVersion: 1,
        flags: [{
          key: 'ramped', variations: [{ key: 'on', value: true }, { key: 'off', value: false }], defaultVariation: 'off',
          fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], ramp: [{ at, coverage: 100 }] } },
        }],
      });
      const past = r.compile(flag('2000-01-01T00:00:00Z'));
      const future = r.compile(flag('2999-01-01T00:00:00Z'));
      const ctx = { targetingKey: 'u-1' };
      assert.equal(past.evaluate('ramped', ctx).value, true);
      assert.equal(past.evaluateAll(ctx).ramped.value, true);
      assert.equal(future.evaluate('ramped', ctx).value, false);
      assert.equal(future.evaluate('ramped', ctx, { now: Date.parse('2999-06-01T00:00:00Z') }).value, true);
      assert.equal(future.evaluateAll(ctx, { now: new Date('2999-06-01T00:00:00Z') }).ramped.value, true);
      // A config without ramps gives the same answer whatever the clock says.
      const plain = r.compile(flag('2000-01-01T00:00:00Z').flags[0].fallthrough.rollout.ramp && {
        schemaVersion: 1,
        flags: [{ key: 'p', variations: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }], defaultVariation: 'a',
          fallthrough: { rollout: { weights: [{ variation: 'a', weight: 50 }, { variation: 'b', weight: 50 }] } } }],
      });
      for (let i = 0; i < 50; i++) {
        const c = { targetingKey: `u-${i}` };
        assert.deepEqual(plain.evaluate('p', c), plain.evaluate('p', c, { now: 4_102_444_800_000 }));
      }
      for (const e of [past, future, plain]) e.dispose();
    });

    test('unknown flags, type mismatches and bad contexts', () => {
      const ev = r.compile(storefront);
      const nf = ev.evaluate('no-such-flag', { targetingKey: 'u' });
      assert.equal(nf.reason, 'ERROR');
      assert.equal(nf.errorCode, 'FLAG_NOT_FOUND');
      assert.equal(nf.value, undefined);
      assert.equal(ev.flagType('checkout-redesign'), 'boolean');
      assert.equal(ev.flagType('nope'), undefined);
      const tm = ev.evaluate('checkout-redesign', { targetingKey: 'u' }, { now: NOW, expectedType: 'string' });
      assert.equal(tm.errorCode, 'TYPE_MISMATCH');
      const bad = [
        [{ targetingKey: { a: 1 } }, '/targetingKey'],
        [{ groups: ['ok', 3] }, '/groups/1'],
        [{ country: Infinity }, '/country'],
        [{ 'we/ird~name': {} }, '/we~1ird~0name'],
        [[1, 2], ''],
      ];
      for (const [ctx, pointer] of bad) {
        assert.throws(() => ev.evaluate('checkout-redesign', ctx), (e) => e instanceof r.RollgateError && e.code === 'rollgate.config.250' && e.pointer === pointer, JSON.stringify(ctx));
        assert.throws(() => ev.evaluateAll(ctx), (e) => e.code === 'rollgate.config.250');
      }
      assert.throws(() => ev.evaluate('checkout-redesign', {}, { expectedType: 'date' }), (e) => e.code === 'rollgate.js.804');
      ev.dispose();
    });

    test('compile errors list every problem with ids and pointers; validateFlags does not throw', () => {
      const broken = structuredClone(storefront);
      broken.flags[0].variations = 'nope';
      broken.flags[1].key = 42;
      let err;
      try { r.compile(broken); } catch (e) { err = e; }
      assert.ok(err instanceof r.RollgateError && err instanceof Error);
      assert.equal(err.name, 'RollgateError');
      assert.match(err.code, /^rollgate\.config\.2\d\d$/);
      assert.ok(err.problems.length >= 2, JSON.stringify(err.problems));
      assert.ok(err.problems.some((p) => p.pointer.startsWith('/flags/0')));
      assert.ok(err.problems.some((p) => p.pointer.startsWith('/flags/1')));
      assert.deepEqual(r.validateFlags(broken).map((p) => [p.code, p.pointer]), err.problems.map((p) => [p.code, p.pointer]));
      assert.deepEqual(r.validateFlags(storefront), []);
      assert.throws(() => r.compile('{"flags": ['), (e) => e.code === 'rollgate.json.101');
      assert.throws(() => r.compile('['.repeat(100000)), (e) => e.code === 'rollgate.json.102' || e.code === 'rollgate.json.103');
    });

    test('after 1000 errors of every kind the module still evaluates correctly', () => {
      const ev = r.compile(storefront);
      const ctx = readJson(path.join(contextsDir, 'staff.json'));
      const expected = ev.evaluateAll(ctx, { now: NOW });
      for (let i = 0; i < 1000; i++) {
        const f = [
          () => r.compile('{"flags": 1}'),
          () => ev.evaluate('checkout-redesign', { targetingKey: {} }),
          () => r.stats.mannWhitneyU([], []),
          () => r.judge('{', '{}', '{}'),
          () => r.bucket(1, 2),
        ][i % 5];
        assert.throws(f, r.RollgateError);
      }
      assert.deepEqual(ev.evaluateAll(ctx, { now: NOW }), expected);
      assert.equal(r.bucket('alice', 'new-checkout'), 0.4241408303321975);
      ev.dispose();
    });

    test('dispose frees, is idempotent, and later use throws rollgate.js.805; Symbol.dispose works', () => {
      const ev = r.compile(storefront);
      ev.dispose();
      ev.dispose();
      assert.throws(() => ev.evaluate('checkout-redesign', {}), (e) => e.code === 'rollgate.js.805');
      assert.throws(() => ev.evaluateAll({}), (e) => e.code === 'rollgate.js.805');
      const ev2 = r.compile(storefront);
      const disposeKey = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('nodejs.dispose');
      ev2[disposeKey]();
      assert.throws(() => ev2.evaluate('checkout-redesign', {}), (e) => e.code === 'rollgate.js.805');
    });

    test('compiling and disposing many evaluators does not grow memory', () => {
      const text = JSON.stringify(storefront);
      const ev0 = r.compile(text);
      ev0.dispose();
      const before = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < 2000; i++) r.compile(text).dispose();
      const after = process.memoryUsage().arrayBuffers;
      // WASM memory only grows; if every evaluator leaked, 2000 of them would need many MB.
      assert.ok(after - before < 8 * 1024 * 1024, `grew ${after - before} bytes`);
    });

    test('cached values are shared and frozen (a caller cannot corrupt later results)', () => {
      const ev = r.compile(storefront);
      const a = ev.evaluate('search-ranking', { targetingKey: 'u1' }, { now: NOW });
      assert.equal(typeof a.value, 'object');
      assert.ok(Object.isFrozen(a.value));
      assert.throws(() => { 'use strict'; a.value.model = 'x'; });
      const b = ev.evaluate('search-ranking', { targetingKey: 'u1' }, { now: NOW });
      assert.deepEqual(b.value, a.value);
      ev.dispose();
    });
  });
}
