// The fast paths of the JS API (issue 15): a bound context, the batch forms (array, values,
// variation indices) and the Bucketer give exactly what the plain calls give, on the shared
// vectors (tests/vectors/flags.json, bucketing.json) and on the storefront example, and keep the
// plain calls' errors (bad context values, refused coverage, disposal).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { flavours, load, root, vectors } from './support.mjs';

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const storefront = readJson(path.join(root, 'examples/configs/storefront.json'));
const contextsDir = path.join(root, 'examples/contexts');
const NOW = Date.parse('2026-03-01T00:00:00Z');

for (const flavour of flavours) {
  describe(`flag and bucketing fast paths [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('flags.json: bind(context).evaluate / values / variations / evaluateAll({as: "array"}) equal evaluate()', () => {
      const fv = vectors('flags.json');
      let checked = 0;
      for (const c of fv.cases) {
        const ev = r.compile(c.config);
        let plain;
        try {
          plain = ev.evaluate(c.flag, c.context, { now: c.now });
        } catch (e) {
          assert.throws(() => ev.bind(c.context), (e2) => e2.code === e.code, c.name);
          ev.dispose();
          continue;
        }
        const bound = ev.bind(c.context);
        assert.deepEqual(bound.evaluate(c.flag, { now: c.now }), plain, c.name);
        const i = ev.flagKeys.indexOf(c.flag);
        if (i >= 0) {
          const list = ev.evaluateAll(c.context, { now: c.now, as: 'array' });
          assert.ok(Array.isArray(list), c.name);
          assert.deepEqual(list[i], plain, c.name);
          assert.deepEqual(bound.evaluateAll({ now: c.now, as: 'array' })[i], plain, c.name);
          assert.deepEqual(bound.evaluateAll({ now: c.now })[c.flag], plain, c.name);
          assert.deepEqual(ev.values(c.context, { now: c.now })[i], plain.value, c.name);
          assert.deepEqual(bound.values({ now: c.now })[i], plain.value, c.name);
          const vars = ev.variations(c.context, { now: c.now });
          assert.ok(vars instanceof Int32Array && vars.length === ev.flagKeys.length, c.name);
          assert.equal(vars[i], plain.variationIndex, c.name);
          assert.equal(bound.variations({ now: c.now })[i], plain.variationIndex, c.name);
          checked++;
        }
        bound.dispose();
        ev.dispose();
      }
      assert.ok(checked >= 150, `only ${checked} cases compared`);
    });

    test('a bound context survives other evaluations and memory growth; bad values throw rollgate.config.250', () => {
      const ev = r.compile(storefront);
      const staff = readJson(path.join(contextsDir, 'staff.json'));
      const want = ev.evaluateAll(staff, { now: NOW });
      const bound = ev.bind(staff);
      // Other contexts through the shared scratch region, one of them large enough to grow memory.
      ev.evaluateAll({ ...staff, targetingKey: 'x'.repeat(1 << 20) }, { now: NOW });
      r.bucketBatch(Array.from({ length: 50_000 }, (_, i) => `u-${i}`), 's');
      assert.deepEqual(bound.evaluateAll({ now: NOW }), want);
      for (const key of ev.flagKeys) assert.deepEqual(bound.evaluate(key, { now: NOW }), want[key], key);
      assert.equal(bound.evaluate('no-such-flag').errorCode, r.ErrorCode.FlagNotFound);
      const attr = ev.attributes[0];
      assert.throws(() => ev.bind({ [attr]: { nested: true } }), (e) => e.code === 'rollgate.config.250' && e.pointer === `/${attr}`);
      bound.dispose();
      bound.dispose();
      assert.throws(() => bound.evaluate(ev.flagKeys[0]), (e) => e.code === 'rollgate.js.805');
      const other = ev.bind(staff);
      ev.dispose();
      assert.throws(() => other.values(), (e) => e.code === 'rollgate.js.805');
      other.dispose();
    });

    test('the context is read by name: inherited members and getters of unused attributes are not seen', () => {
      const ev = r.compile({ schemaVersion: 1, flags: [{ key: 'f', variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
        defaultVariation: 'off', rules: [{ conditions: [{ attribute: 'constructor', op: 'equals', value: 'x' }], serve: { variation: 'on' } }] }] });
      // "constructor" is inherited by every object: only an own property counts, as for...in saw it.
      assert.equal(ev.evaluate('f', { targetingKey: 'u' }).variant, 'off');
      assert.equal(ev.evaluate('f', { targetingKey: 'u', constructor: 'x' }).variant, 'on');
      const ctx = { targetingKey: 'u', get unused() { throw new Error('read'); } };
      assert.equal(ev.evaluate('f', ctx).variant, 'off');
      ev.dispose();
    });

    test('each attribute is read into its own id, past the encoder\'s eight unrolled load sites too', () => {
      // Twelve attributes, "constructor" last (an inherited name, read only as an own property):
      // flag fK is on exactly when attribute K is "yes", so a value read into the wrong id, or
      // not read, turns the wrong flag on or leaves fK off.
      const names = [...Array.from({ length: 11 }, (_, k) => `a${k}`), 'constructor'];
      const ev = r.compile({ schemaVersion: 1, flags: names.map((name, k) => ({ key: `f${k}`,
        variations: [{ key: 'on', value: true }, { key: 'off', value: false }], defaultVariation: 'off',
        rules: [{ conditions: [{ attribute: name, op: 'equals', value: 'yes' }], serve: { variation: 'on' } }] })) });
      assert.ok(ev.attributes.length >= 12, ev.attributes.join());
      const want = (k) => names.map((_, j) => j === k);
      for (let k = 0; k < names.length; k++) {
        const ctx = { targetingKey: 'u' };
        names.forEach((name, j) => { ctx[name] = j === k ? 'yes' : 'no'; });
        assert.deepEqual(ev.values(ctx), want(k), names[k]);
        assert.deepEqual(names.map((_, j) => ev.evaluate(`f${j}`, ctx).value), want(k), names[k]);
        const bound = ev.bind(ctx);
        assert.deepEqual(bound.values(), want(k), names[k]);
        bound.dispose();
      }
      assert.deepEqual(ev.values({ targetingKey: 'u' }), want(-1)); // "constructor" inherited: unset
      ev.dispose();
    });

    test('variations() fills a caller\'s Int32Array and refuses a short one', () => {
      const ev = r.compile(storefront);
      const staff = readJson(path.join(contextsDir, 'staff.json'));
      const out = new Int32Array(ev.flagKeys.length);
      assert.equal(ev.variations(staff, { now: NOW }, out), out);
      assert.deepEqual([...out], ev.evaluateAll(staff, { now: NOW, as: 'array' }).map((e) => e.variationIndex));
      assert.throws(() => ev.variations(staff, { now: NOW }, new Int32Array(1)), (e) => e.code === 'rollgate.js.804');
      ev.dispose();
    });

    test('Bucketer equals bucket() and inRollout() on every golden draw; refuses what they refuse', () => {
      const v = vectors('bucketing.json');
      const bySalt = new Map();
      for (const d of v.draws) {
        if (!bySalt.has(d.salt)) bySalt.set(d.salt, new r.Bucketer(d.salt));
        const b = bySalt.get(d.salt);
        assert.equal(b.bucket(d.unit), d.fraction, d.note);
        assert.equal(r.bucket(d.unit, d.salt), d.fraction, d.note);
      }
      for (const m of v.membership) {
        const b = bySalt.get(m.salt) || new r.Bucketer(m.salt);
        bySalt.set(m.salt, b);
        assert.equal(b.inRollout(m.unit, m.coverage), m.in, JSON.stringify(m));
        assert.equal(r.inRollout(m.unit, m.salt, m.coverage), m.in, JSON.stringify(m));
      }
      const b = new r.Bucketer('s');
      assert.throws(() => b.inRollout('u', r.BUCKET_SCALE + 1), (e) => e.code === 'rollgate.bucket.304');
      assert.throws(() => b.inRollout('u', -1), (e) => e.code === 'rollgate.js.804');
      assert.throws(() => b.bucket(7), (e) => e.code === 'rollgate.js.804');
      assert.throws(() => new r.Bucketer(7), (e) => e.code === 'rollgate.js.804');
      // Long and non-ASCII ids take TextEncoder.encodeInto: the same bytes as a UTF-8 encoder.
      const long = 'é'.repeat(40) + 'x'.repeat(100);
      assert.equal(b.bucket(long), r.bucket(long, 's'));
      assert.equal(r.bucket(long, 's'), r.bucketBatch([long], 's')[0]);
      b.dispose();
      assert.throws(() => b.bucket('u'), (e) => e.code === 'rollgate.js.805');
      for (const x of bySalt.values()) x.dispose();
    });
  });
}
