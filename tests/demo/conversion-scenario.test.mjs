// `npm start -- --scenario conversion` (examples/live-rollout/run.mjs), run for real, headless and
// time-compressed: the canary answers every request 200 at normal speed, but from the 10% stage on
// 80% of its checkouts silently fail (no order, so the shopper's page sends no purchase event).
// Checks, from the summary the run writes with --json: the coordinator rolled back on its own at
// 10%, naming conversion; in the window that rolled back, the core classified conversion Low and
// neither errors nor latency failed; the canary's conversion there is well below stable's; the
// shoppers' purchase events were accepted by the edge; the canary served no 5xx; nothing is left
// running. SPDX-License-Identifier: MIT
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
const out = mkdtempSync(join(tmpdir(), 'rollgate-conversion-demo-'));
let child = null;
after(() => {
  child?.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

test('the conversion scenario rolls back on conversion, errors and latency passing', { timeout: 200_000 }, async () => {
  const file = join(out, 'conversion.json');
  const run = await new Promise((res) => {
    child = spawn(process.execPath, [join(repo, 'examples/live-rollout/run.mjs'), '--scenario', 'conversion', '--speed', '4', '--no-dashboard', '--duration', '150', '--json', file],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const s = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(s.final.status, 'rolledBack', run.stdout);
  assert.equal(s.regression.atPercent, 10, run.stdout);
  const rollbacks = s.decisions.filter((d) => d.action === 'rollback');
  assert.equal(rollbacks.length, 1);
  assert.equal(rollbacks[0].actor, 'coordinator');
  assert.equal(rollbacks[0].from, 10);
  assert.ok(rollbacks[0].reasons.some((r) => /conversion/.test(r)), rollbacks[0].reasons.join(' | '));
  assert.ok(s.timing.processToRollbackMs > 0);
  // The window that rolled back: conversion Low, the request metrics not failing.
  const w = s.conversion.decidingWindows.find((x) => x.action === 'rollback');
  assert.ok(w, JSON.stringify(s.conversion.decidingWindows));
  assert.equal(w.classification, 'Low', JSON.stringify(w));
  assert.ok(w.canary.exposed > 0 && w.stable.exposed > w.canary.exposed, JSON.stringify(w));
  assert.ok(w.canary.rate < w.stable.rate - 0.2, `conversion stable ${w.stable.rate}, canary ${w.canary.rate}`);
  const series = s.requestMetricsAtRollback;
  for (const name of ['errorRate', 'latency']) {
    assert.ok(['Pass', 'NoData'].includes(series[name]), `${name}: ${series[name]}`);
  }
  assert.equal(s.traffic.canary.errors, 0, 'the canary answered no 5xx');
  assert.ok(s.conversion.events.sent > 20 && s.conversion.events.refused === 0, JSON.stringify(s.conversion.events));
  assert.ok(s.conversion.counters.recorded > 20, JSON.stringify(s.conversion.counters));
  assert.match(run.stdout, /ROLLBACK\s+10% → 0%/);
  // Unit counts are printed with thousands separators (1,421 units).
  assert.match(run.stdout, /conversion\s+rollback at 10% .*conversion stable \d+\.\d% of [\d,]+ units, canary \d+\.\d% of [\d,]+ units → Low/);
  assert.deepEqual(groupMembers(s.processes.workerdGroup), [], 'workerd stopped');
});
