// The rollout state inside the Fastly service (the core's rollgate::parse_serving_state and
// in_force, through the self-test module) against tests/vectors/serving_state.json: the file the
// native test and the package's servingStateProblem (the Cloudflare worker's check) read too, so
// a state one CDN refuses, the other refuses with the same reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSelftest } from './support/selftest.mjs';

const st = loadSelftest();
const data = JSON.parse(readFileSync(new URL('../vectors/serving_state.json', import.meta.url), 'utf8'));

test('every shared serving state: the same problem, or the coverage in force at its time', () => {
  assert.ok(data.cases.length >= 30);
  for (const c of data.cases) {
    const got = st.checkState(c.text, c.now_ms);
    if (c.expected.problem !== null) assert.deepEqual(got, { ok: false, problem: c.expected.problem }, c.name);
    else assert.deepEqual(got, { ok: true, coverage: c.expected.in_force.coverage }, c.name);
  }
});
