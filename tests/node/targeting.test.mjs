// The operators, options and semantics of issue 18 in the WASM package: every case and every
// compile problem of tests/vectors/targeting.json (made by tests/vectors/gen/gen_targeting.py;
// the native tests/native/flags_targeting_test.cpp reads the same file), so native = WASM.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { expectFlagCase, flavours, load, vectors } from './support.mjs';

for (const flavour of flavours) {
  describe(`targeting [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('targeting.json: every case, singly and via evaluateAll', () => {
      const tv = vectors('targeting.json');
      assert.equal(tv.spec_version, 1);
      assert.ok(tv.cases.length >= 250);
      for (const c of tv.cases) expectFlagCase(r, c);
    });

    test('targeting.json: every compile problem with its id and pointer', () => {
      const tv = vectors('targeting.json');
      assert.ok(tv.errors.length >= 15);
      for (const e of tv.errors) {
        const problems = r.validateFlags(e.config).map((p) => ({ code: p.code, pointer: p.pointer }));
        assert.deepEqual(problems, e.problems, e.name);
        assert.throws(() => r.compile(e.config), (err) => err.problems.length === e.problems.length, e.name);
      }
    });
  });
}
