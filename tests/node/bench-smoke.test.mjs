// Smoke test of `npm run bench`'s node part (tests/bench/node/goals.mjs --quick): every benchmark
// script runs against the built package and its peers, and the goal table names every goal of
// issue 15. Tiny samples: the figures are not looked at (performance lives in benchmarks, never in
// timed tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root } from './support.mjs';

test('goals.mjs --quick runs every benchmark and prints every goal beside its peer', { timeout: 240_000 }, () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, [path.join(root, 'tests/bench/node/goals.mjs'), '--quick'], { encoding: 'utf8', env, cwd: root, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const table = r.stdout.slice(r.stdout.indexOf('issue 15 goals'));
  for (const goal of ['one flag, 10-attr context', 'within 2x of native', 'all 20 flags', 'bucket(), 8-byte id', 'bucket(), 64-byte id',
    'inRollout() ~ bucket()', 'core alone in WASM', 'cold start, rollgate/flags', 'first compile()', 'rollgate/flags wasm + glue', 'whole package']) {
    assert.ok(table.includes(goal), `goal row "${goal}" missing:\n${table}`);
  }
  for (const peer of ['flagd-core', 'growthbook', 'unleash', 'launchdarkly', 'flipt', 'xxhash-wasm']) {
    assert.ok(table.includes(peer), `peer ${peer} missing:\n${table}`);
  }
  assert.match(table, /load average/);
});
