// Dark-launch comparison in the WASM package: tests/vectors/diff.json (expected outputs derived by
// hand from docs/diff.md, read by tests/native/diff_vectors_test.cpp too), the response document
// (tests/vectors/diff_responses.json, also read by tests/native/diff_responses_vectors_test.cpp;
// made by tests/vectors/gen/gen_diff_responses.mjs), the mismatch report
// (noise learning, merge, JSON round trip) and experiment() (always the control's result).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

const dv = vectors('diff.json');
const rv = vectors('diff_responses.json');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const flavour of flavours) {
  describe(`diff and experiments [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('diff() gives every diff.json case exactly', () => {
      assert.equal(String(dv.spec_version).split('.')[0], '1');
      assert.ok(dv.cases.length >= 10);
      for (const c of dv.cases) {
        const got = r.diff(c.old, c.new, c.options);
        assert.deepEqual(got.differences, c.expected.differences, c.name);
        assert.equal(got.omitted, c.expected.omitted, c.name);
        assert.equal(got.equal, c.expected.differences.length === 0 && c.expected.omitted === 0, c.name);
        // Same answer from JSON text.
        assert.deepEqual(r.diffText(JSON.stringify(c.old), JSON.stringify(c.new), c.options), got, c.name);
      }
    });

    test('diffResponses() gives every diff_responses.json case exactly (the response document native = WASM)', () => {
      assert.equal(String(rv.spec_version).split('.')[0], '1');
      assert.ok(rv.cases.length >= 15);
      for (const c of rv.cases) {
        const got = r.diffResponses(c.old, c.new, c.options);
        assert.deepEqual(got.differences, c.expected.differences, c.name);
        assert.equal(got.omitted, c.expected.omitted, c.name);
        // The bytes of a body, not its JS string: the same answer from a Uint8Array body.
        const asBytes = (x) => ({ ...x, body: new TextEncoder().encode(x.body) });
        assert.deepEqual(r.diffResponses(asBytes(c.old), asBytes(c.new), c.options).differences, c.expected.differences, c.name);
      }
    });

    test('options are camelCase (docs/diff.md); snake_case spellings are unknown members', () => {
      const a = { q: 10, items: [{ id: 1, n: 'a' }, { id: 2, n: 'b' }] };
      const b = { q: 10.004, items: [{ id: 2, n: 'b' }, { id: 1, n: 'a' }] };
      const camel = r.diff(a, b, { paths: [{ path: '/q', absoluteTolerance: 0.01 }, { path: '/items', arrays: r.ArrayMode.Keyed, key: 'id' }] });
      assert.equal(camel.equal, true);
      assert.equal(r.diff(a, b, { paths: [{ path: '/items', arrays: 'keyed', key: 'id' }] }).equal, false);
      assert.throws(() => r.diff(a, b, { paths: [{ path: '/q', absolute_tolerance: 0.01 }] }),
        (e) => e.code === 'rollgate.diff.701' && e.pointer === '/paths/0/absolute_tolerance');
      assert.throws(() => r.diff(a, b, { max_differences: 1 }), (e) => e.code === 'rollgate.diff.701');
      assert.equal(r.diff(a, b, { maxDifferences: 1 }).omitted >= 1, true);
    });

    test('bad options and documents throw RollgateError with ids and pointers', () => {
      assert.throws(() => r.diff(1, 2, { paths: [{ path: 'no-slash', ignore: true }] }), (e) => e instanceof r.RollgateError && e.code === 'rollgate.diff.704');
      assert.throws(() => r.diff(1, 2, { bogus: true }), (e) => e.code === 'rollgate.diff.701');
      assert.throws(() => r.validateDiffOptions({ maxDifferences: 0 }), (e) => e.code === 'rollgate.diff.703');
      assert.throws(() => r.diffText('{', '{}'), (e) => e.code === 'rollgate.json.101');
      assert.throws(() => r.diff(undefined, 1), (e) => e.code === 'rollgate.js.804');
      r.validateDiffOptions({ paths: [{ path: '/a', ignore: true }] });
    });

    test('diffResponses compares status, headers (any case) and JSON bodies structurally', () => {
      const got = r.diffResponses(
        { status: 200, headers: { 'Content-Type': 'application/json', Date: 'Mon' }, body: '{"a":1,"b":2}' },
        { status: 200, headers: new Headers({ 'content-type': 'application/json', date: 'Tue' }), body: new TextEncoder().encode('{"b":2,"a":3}') },
        { paths: [{ path: '/headers/date', ignore: true }] });
      assert.deepEqual(got.differences.map((d) => [d.path, d.kind]), [['/body/a', 'value_changed']]);
      const bytes = r.diffResponses({ status: 200, body: 'abc' }, { status: 404, body: 'abd' });
      assert.deepEqual(bytes.differences.map((d) => d.path), ['/status', '/body']);
    });

    test('MismatchReport learns noise, judges real regressions, merges and round-trips as JSON', () => {
      const a = new r.MismatchReport();
      const b = new r.MismatchReport();
      for (let i = 0; i < 40; i++) {
        const primary = { price: 10, ts: i, id: 'x' };
        const target = i % 2 ? a : b;
        target.addNoise(primary, { ...primary, ts: i + 1 });
        target.add(primary, { ...primary, ts: i + 1, price: 11 });
      }
      const whole = new r.MismatchReport();
      for (let i = 0; i < 40; i++) {
        const primary = { price: 10, ts: i, id: 'x' };
        whole.addNoise(primary, { ...primary, ts: i + 1 });
        whole.add(primary, { ...primary, ts: i + 1, price: 11 });
      }
      a.merge(b);
      assert.deepEqual(a.toJSON(), whole.toJSON(), 'merge equals one report fed both streams');
      assert.equal(a.comparisons, 40);
      assert.equal(a.noiseComparisons, 40);
      const verdicts = Object.fromEntries(a.judge().map((v) => [v.field, v]));
      assert.equal(verdicts['/price'].real, true);
      assert.equal(verdicts['/ts'].real, false, 'ts differs as often in noise: not a regression');
      const back = r.MismatchReport.fromJSON(JSON.stringify(a));
      assert.deepEqual(back.toJSON(), a.toJSON());
      assert.throws(() => r.MismatchReport.fromJSON('{"format":"nope"}'), r.RollgateError);
      assert.throws(() => a.judge({ significance: 0 }), (e) => e.code === 'rollgate.diff.703');
      const small = new r.MismatchReport({ maxPaths: 5 });
      assert.throws(() => a.merge(small), (e) => e.code === 'rollgate.diff.712');
      for (const x of [a, b, whole, back, small]) x.dispose();
      assert.throws(() => a.add(1, 2), (e) => e.code === 'rollgate.js.805');
    });

    test('noise model p-values match scipy (tests/vectors/diff_noise.json)', () => {
      // Made by tests/vectors/gen/gen_diff_noise.py: scipy fisher_exact(..., alternative='greater');
      // the native diff_noise_test reads it too. We feed the counts through real comparisons.
      const nv = vectors('diff_noise.json');
      let checked = 0;
      for (const c of nv.cases) {
        if (c.differed === 0 && c.noiseDiffered === 0) continue;
        const report = new r.MismatchReport();
        for (let i = 0; i < c.comparisons; i++) report.add({ f: 0 }, { f: i < c.differed ? 1 : 0 });
        for (let i = 0; i < c.noiseComparisons; i++) report.addNoise({ f: 0 }, { f: i < c.noiseDiffered ? 1 : 0 });
        const v = report.judge().find((x) => x.field === '/f');
        assert.equal(v.differed, c.differed);
        assert.equal(v.noiseComparisons, c.noiseComparisons);
        const want = c.pValue;
        assert.ok(Math.abs(v.pValue - want) <= 1e-9 * Math.abs(want) + 1e-300, `${JSON.stringify(c)}: got ${v.pValue}`);
        report.dispose();
        checked++;
      }
      assert.ok(checked >= 10);
    });

    test('experiment returns the control result; candidate failures never reach the caller', async () => {
      const report = new r.MismatchReport();
      const outcomes = [];
      const publish = (o) => outcomes.push(o);
      assert.deepEqual(await r.experiment({ control: () => ({ a: 1 }), candidate: async () => ({ a: 2 }), report, publish }), { a: 1 });
      assert.deepEqual(await r.experiment({ control: async () => ({ a: 1 }), candidate: () => { throw new Error('boom'); }, report, publish }), { a: 1 });
      await assert.rejects(r.experiment({ control: async () => { throw new TypeError('control'); }, candidate: () => 1, publish }), TypeError);
      assert.equal(await r.experiment({ control: () => 5, candidate: () => 6, sample: false, publish }), 5);
      assert.equal(await r.experiment({ control: () => 5, candidate: () => 5, compare: (x, y) => x === y, publish }), 5);
      assert.equal(outcomes.length, 4, 'unsampled runs are not published');
      assert.equal(outcomes[0].matched, false);
      assert.deepEqual(outcomes[0].differences.differences.map((d) => d.path), ['/a']);
      assert.equal(outcomes[1].candidateThrew, true);
      assert.equal(outcomes[1].candidateError.message, 'boom');
      assert.equal(outcomes[2].controlThrew, true);
      assert.equal(outcomes[3].matched, true);
      assert.equal(report.toJSON().experiments.runs, 2);
      report.dispose();
    });

    test('experiment: a slow candidate does not hold the caller beyond timeBudgetMs and is published later', async () => {
      let published;
      const done = new Promise((resolve) => { published = resolve; });
      const t0 = performance.now();
      const v = await r.experiment({
        control: () => 'old', candidate: async () => { await sleep(300); return 'new'; }, timeBudgetMs: 20, publish: published,
      });
      const waited = performance.now() - t0;
      assert.equal(v, 'old');
      assert.ok(waited < 250, `caller waited ${waited} ms`);
      const o = await done;
      assert.equal(o.slow, true);
      assert.equal(o.matched, false);
    });

    test('experiment sampling: rates, sticky units and failing samplers', async () => {
      let ran = 0;
      const spec = (sample) => ({ control: () => 1, candidate: () => { ran++; return 1; }, sample });
      for (let i = 0; i < 50; i++) await r.experiment(spec(0));
      assert.equal(ran, 0);
      await r.experiment(spec(() => { throw new Error('sampler'); }));
      assert.equal(ran, 0);
      // Sticky: the same unit decides the same way every time, following bucket().
      const unit = 'user-42';
      const inside = r.bucket(unit, 'rollgate-experiment') < 0.5;
      for (let i = 0; i < 5; i++) await r.experiment(spec({ unit, rate: 0.5 }));
      assert.equal(ran, inside ? 5 : 0);
      await assert.rejects(r.experiment({ control: 1 }), (e) => e.code === 'rollgate.js.804');
    });
  });
}
