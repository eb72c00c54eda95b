// `npm start -- --scenario flag` (examples/live-rollout/flag.mjs), run for real, headless and
// time-compressed: simulated browsers on the package's FlagSource, a new-checkout flag ramped by
// the coordinator, its checkout silently failing (200, no order) once it serves half of the
// shoppers, the pages' purchase events sent with the package's createTracker. Checks, from the
// summary the run writes with --json: the flag was served at 1%, 10% and 50%, then rolled back
// on its own on the conversion gate, with no error (5xx) anywhere; the judged window's share of
// converting units is lower in the flag's arm; the edge now serves coverage 0; every page left the
// new checkout within the worker's TTL plus the page's interval (and a request's slack) of the
// decision; pages' exposures were counted in both arms; nothing is left running.
// SPDX-License-Identifier: MIT
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { missingPieces, groupMembers } = await import(join(repo, 'examples/live-rollout/lib/edge.mjs'));
const missing = missingPieces();
if (missing) throw new Error(`cannot run the demo suite: ${missing}`);
const out = mkdtempSync(join(tmpdir(), 'rollgate-flag-demo-'));
let child = null;
after(() => {
  child?.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

test('the flag scenario ramps the new checkout 1% → 10% → 50% and rolls it back on its own', { timeout: 200_000 }, async () => {
  const file = join(out, 'flag.json');
  const run = await new Promise((res) => {
    child = spawn(process.execPath, [join(repo, 'examples/live-rollout/run.mjs'), '--scenario', 'flag', '--speed', '4', '--no-dashboard', '--duration', '150', '--json', file],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr, pgid: /process group (\d+)/.exec(stdout)?.[1] }));
  });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const s = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(s.status, 'rolledBack', run.stdout);
  for (const p of [1, 10, 50]) assert.ok(s.percentsServed.includes(p), `served at ${p}%: ${s.percentsServed}`);
  assert.ok(!s.percentsServed.includes(100));
  assert.ok(s.rollback.reasons.some((r) => /conversion/.test(r)), s.rollback.reasons.join('; '));
  assert.ok(!s.rollback.reasons.some((r) => /errorRate/.test(r)), s.rollback.reasons.join('; '));
  const rb = s.judged.find((w) => w.action === 'rollback');
  assert.ok(rb && rb.classification === 'Low', JSON.stringify(s.judged));
  assert.ok(rb.canary.rate < rb.stable.rate, JSON.stringify(rb));
  assert.ok(s.events.recorded > 0, JSON.stringify(s.events));
  assert.equal(s.servedCoverage.coverage, 0);
  assert.ok(s.conversion.on < s.conversion.off, JSON.stringify(s.conversion));
  assert.ok(s.exposures.on > 0 && s.exposures.off > 0, JSON.stringify(s.exposures));
  assert.ok(s.rollbackToPagesMs && s.rollbackToPagesMs.pages > 0, JSON.stringify(s.rollbackToPagesMs));
  assert.equal(s.rollbackToPagesMs.stillOn, 0);
  // 500 ms worker TTL + 500 ms page interval + slack for a loaded machine.
  assert.ok(s.rollbackToPagesMs.max <= 2500, JSON.stringify(s.rollbackToPagesMs));
  assert.match(run.stdout, /ROLLBACK/);
  if (run.pgid) assert.deepEqual(groupMembers(Number(run.pgid)), [], 'workerd stopped');
});
