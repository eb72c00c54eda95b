// Guarded flag rollouts in the WASM package: flagTarget / withFlagRollout against
// tests/vectors/flag_rollout.json (made by tests/vectors/gen/gen_flag_rollout.py from
// docs/flag-delivery.md; the native flag_rollout tests read the same file), so the edge
// coordinator's served configuration is the core's on both builds.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';

const v = vectors('flag_rollout.json');

/** `doc` with the member at `path` (keys and indices) replaced by `value`. */
function replaced(doc, path, value) {
  const out = structuredClone(doc);
  let at = out;
  for (const step of path.slice(0, -1)) at = at[step];
  at[path[path.length - 1]] = value;
  return out;
}

for (const flavour of flavours) {
  describe(`guarded flag rollouts [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('the served configuration of every flag_rollout.json case matches the contract', () => {
      assert.ok(v.cases.length >= 10);
      for (const c of v.cases) {
        const config = c.config ?? v.config;
        const percent = c.percent === 'NaN' ? NaN : c.percent;
        const run = () => {
          const target = r.flagTarget(c.target, v.targetPointer);
          return r.withFlagRollout(JSON.stringify(config), target, percent, c.pending, v.targetPointer);
        };
        if (c.expected.error) {
          assert.throws(run, (e) => e instanceof r.RollgateError && e.code === c.expected.error && e.pointer === c.expected.pointer, c.name);
          continue;
        }
        const out = run();
        assert.equal(typeof out, 'string', c.name);
        assert.deepEqual(JSON.parse(out), replaced(config, c.expected.path, c.expected.serve), c.name);
        r.compile(out).dispose(); // what is served compiles
      }
    });

    test('bad arguments are refused with a pointer, and the module keeps working', () => {
      const t = { flag: 'new-checkout', variation: 'on' };
      assert.throws(() => r.withFlagRollout(JSON.stringify(v.config), t, 10, { atMs: 'soon', percent: 20 }), (e) => e.pointer === '/pending');
      assert.throws(() => r.withFlagRollout(JSON.stringify(v.config), t, '10'), (e) => e.pointer === '/percent');
      assert.throws(() => r.withFlagRollout('{"flags": [', t, 10), (e) => e.code === 'rollgate.json.101');
      assert.throws(() => r.withFlagRollout(JSON.stringify(v.config), t, 10, { atMs: Infinity, percent: 20 }), (e) => e.code === 'rollgate.plan.622');
      const ok = JSON.parse(r.withFlagRollout(JSON.stringify(v.config), t, 10));
      assert.equal(ok.flags[1].fallthrough.rollout.coverage, 10);
    });
  });
}
