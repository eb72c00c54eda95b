// Edge suite: the coordinator's stored state is bounded whatever the responses contain (issue 12
// #1). The reproduction: every response of stable, canary and the shadow differs in 1,200 JSON
// members of about 250 characters, every request is shadowed and re-sent for noise, so each of the
// four mismatch reports (window/total × stable/canary) fills up with examples. Before the fix the
// record grew past what the chunked store takes (about 4.9 MB), the alarm threw "coordinator
// state too large to persist", evaluations fell back to the alarm's retries (a canary failing
// 100% was rolled back after 13 s instead of within a second) and every flush got a 500.
// Proves: the stored record stays under the documented bound, every save succeeds, no flush is
// refused, and the loop keeps evaluating: a canary failing 100% is rolled back within a couple of
// evaluation intervals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 60000;
const ctx = {};
const EVAL_MS = 250;
// The bound the coordinator states for its record (docs/edge.md, "Storage bound").
// 2 MiB, plus the Server-Timing sketches of 8 names in 4 arms (18 Ki each; docs/edge.md).
const RECORD_BOUND = 2 * 1024 * 1024 + 4 * 8 * 18 * 1024 + 2 * 4096 * 168;

/** 1,200 members of ~250 random characters: every response differs from every other in all of them. */
function wideBody() {
  const o = {};
  for (let i = 0; i < 1200; i++) o[`m${String(i).padStart(4, '0')}`] = Math.random().toString(36).slice(2).repeat(25).slice(0, 250);
  return JSON.stringify(o);
}

async function wideOrigin(name) {
  const o = { name, failing: false, served: 0 };
  o.server = createServer((req, res) => {
    req.resume();
    o.served++;
    res.writeHead(o.failing ? 500 : 200, { 'content-type': 'application/json', 'x-origin': name });
    res.end(wideBody());
  });
  await new Promise((r) => o.server.listen(0, '127.0.0.1', r));
  o.url = `http://127.0.0.1:${o.server.address().port}`;
  o.close = () => new Promise((r) => { o.server.closeAllConnections?.(); o.server.close(() => r()); });
  return o;
}

before(async () => {
  h.buildWorker();
  ctx.stable = await wideOrigin('stable');
  ctx.canary = await wideOrigin('canary');
  ctx.shadow = await wideOrigin('shadow');
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({ services: [{ name: 'edge', port: ctx.port }], vars: h.baseVars(ctx.stable.url) });
});

after(async () => {
  await ctx.workerd?.stop();
  for (const o of [ctx.stable, ctx.canary, ctx.shadow]) await o?.close();
});

const status = async () => (await h.admin(ctx.port, 'GET', 'status')).body;

test('issue 12 #1: adversarial response content keeps the stored record under its bound, every save and flush succeeds, and the loop keeps deciding', { timeout }, async () => {
  const started = await h.admin(ctx.port, 'POST', 'start', {
    id: 'wide',
    origins: { canary: ctx.canary.url, shadow: ctx.shadow.url },
    plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }),
    shadow: { sampleRate: 1, noiseRate: 1 },
    evaluationIntervalMs: EVAL_MS,
  });
  assert.equal(started.status, 200, started.text);
  // Default report limits of the rollout: the edge's, smaller than the core's defaults.
  const st0 = await status();
  assert.ok(st0.rollout.shadow.report.maxPaths <= 1000, JSON.stringify(st0.rollout.shadow.report));

  // Fill all four reports: 60 shadowed requests, about half in each arm.
  const res = await h.pool(60, 6, (i) => h.get(ctx.port, '/wide', { 'x-user-id': `w-${i}` }));
  assert.ok(res.every((r) => r.status === 200));
  const filled = await h.until(async () => {
    const s = await status();
    const t = s.metrics.total;
    const done = (a) => a.shadow.compared + a.shadow.skipped + a.shadow.failed;
    return done(t.stable) + done(t.canary) >= 60 ? s : null;
  }, 30000, 250);
  assert.ok(filled, 'every comparison reached the coordinator');
  assert.ok(filled.metrics.total.stable.shadow.compared > 10 && filled.metrics.total.canary.shadow.compared > 10, JSON.stringify(filled.metrics.total));
  for (const part of ['window', 'total']) {
    for (const arm of ['stable', 'canary']) {
      const rep = filled.mismatches[part][arm];
      assert.ok(rep && Object.keys(rep.fields).length >= 100, `${part}/${arm}: the report holds the differing members`);
    }
  }
  // Wait for a save after the last merge, then check the record's size and that nothing failed.
  const saved = await h.until(async () => {
    const s = await status();
    return s.storage && s.storage.saves > 0 && s.storage.savedAt >= Date.parse(filled.state.windowStartedAt) && !s.storage.dirty ? s : null;
  }, 5000, 200);
  assert.ok(saved, `storage: ${JSON.stringify((await status()).storage)}`);
  const sto = saved.storage;
  assert.equal(sto.saveErrors, 0, sto.lastError);
  assert.ok(sto.bytes > 0 && sto.bytes <= RECORD_BOUND, `stored ${sto.bytes} chars, bound ${RECORD_BOUND}`);
  assert.equal(sto.bound, RECORD_BOUND);
  assert.equal(saved.counters.flushErrors, 0, 'no flush was refused');

  // The loop still decides at its own pace: a canary failing 100% is rolled back within a couple
  // of evaluation intervals (plus the flush interval and the judge's minimum sample).
  ctx.canary.failing = true;
  const regressedAt = Date.now();
  let rolled = null;
  for (let round = 0; round < 40 && !rolled; round++) {
    const r = await h.pool(20, 5, (i) => h.get(ctx.port, '/wide', { 'x-user-id': `f-${round}-${i}` }));
    assert.ok(r.every((x) => x.status === 200 || (x.arm === 'canary' && x.status === 500)));
    const s = await status();
    if (s.state.status === 'rolledBack') rolled = s;
  }
  assert.ok(rolled, 'the failing canary was rolled back');
  const rb = rolled.history.find((e) => e.action === 'rollback');
  const latency = Date.parse(rb.at) - regressedAt;
  assert.ok(latency < 8 * EVAL_MS + 1000, `rollback ${latency} ms after the regression`);
  const final = await h.until(async () => {
    const s = await status();
    return s.storage.saves > sto.saves && !s.storage.dirty ? s : null;
  }, 5000, 200);
  assert.ok(final);
  console.log(`# stored record ${sto.bytes} chars after filling the reports (bound ${RECORD_BOUND}), ${final.storage.bytes} at the end; trimmed ${JSON.stringify(final.storage.trimmed)}; ${final.storage.saves} saves, ${final.storage.saveErrors} failed; rollback ${latency} ms after the regression`);
  assert.equal(final.storage.saveErrors, 0, final.storage.lastError);
  assert.ok(final.storage.bytes <= RECORD_BOUND, `stored ${final.storage.bytes}`);
  assert.equal(final.counters.flushErrors, 0, 'no flush was refused');
  assert.ok(!ctx.workerd.logs.some((l) => /too large to persist|coordinator answered 5\d\d/.test(l)), ctx.workerd.logs.filter((l) => /error/.test(l)).slice(0, 3).join('\n'));
});
