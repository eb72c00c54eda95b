// servingStateProblem (the Cloudflare worker's check of the coordinator's state) against
// tests/vectors/serving_state.json: the same file the native test and the Fastly service's
// self-test read, so both CDNs refuse the same states for the same reasons.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

const data = vectors('serving_state.json');

for (const flavour of flavours) {
  describe(`serving states (${flavour})`, () => {
    let rg;
    before(async () => { rg = await load(flavour); });

    test('every shared vector: the same problem, or none', () => {
      assert.ok(data.cases.length >= 30);
      for (const c of data.cases) assert.equal(rg.servingStateProblem(c.text), c.expected.problem, c.name);
    });

    test('an object is checked as its JSON text; what JSON cannot hold is "not JSON", never a throw', () => {
      const ok = JSON.parse(data.cases[0].text);
      assert.equal(rg.servingStateProblem(ok), null);
      assert.equal(rg.servingStateProblem({ ...ok, coverage: 100001 }), 'coverage out of range');
      const cyclic = { ...ok };
      cyclic.self = cyclic;
      assert.equal(rg.servingStateProblem(cyclic), 'state is not JSON');
      assert.equal(rg.servingStateProblem({ coverage: 10n }), 'state is not JSON');
      assert.equal(rg.servingStateProblem(undefined), 'state is not an object');
      assert.equal(rg.servingStateProblem('x'.repeat(1 << 20)), 'state is not JSON');
    });
  });
}
