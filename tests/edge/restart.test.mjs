// Edge suite: the coordinator's process dies in the middle of a rollout, under load (issue 12,
// "Faults during a rollout"). Two workerd processes, as in a deployment where the coordinator
// lives in another location than the isolates: the EDGE process runs two worker services (the
// real worker; support/remote-coordinator.mjs reaches its Durable Objects over HTTP) and the
// COORDINATOR process runs the real Coordinator class (and its 2 aggregators) with on-disk Durable
// Object storage. Users browse through the edge all along; the coordinator process is killed
// (SIGKILL) during the first stage and started again on the same disk 1.5 s later. Proves: users
// are served throughout (200 from the arm's origin, or from stable with x-rollgate-fallback:
// coordinator while it is down, as docs/edge.md documents); nothing is lost or counted twice: the
// coordinator's totals per arm equal exactly the responses the users got from each arm (and its
// fail-open counter the fallbacks), although flushes were cut off mid-way and re-sent; and the
// rollout goes on deciding after the restart, stage by stage to completion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 60000;
const ctx = {};
const DOWN_MS = 1500;

function coordinatorProcess() {
  return h.startWorkerd({
    services: [{ name: 'coord', port: ctx.coordPort, entry: join(h.repo, 'tests/edge/support/do-front.mjs') }],
    vars: ctx.vars,
    storage: { localDisk: ctx.disk },
    probe: 'tcp',
  });
}

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary');
  ctx.disk = mkdtempSync(join(tmpdir(), 'rollgate-do-disk-'));
  ctx.coordPort = await h.freePort();
  ctx.a = await h.freePort();
  ctx.b = await h.freePort();
  ctx.vars = h.baseVars(ctx.stable.url, { ROLLGATE_AGGREGATORS: '2' });
  ctx.coord = await coordinatorProcess();
  const entry = join(h.repo, 'tests/edge/support/remote-coordinator.mjs');
  const external = { ROLLGATE_REMOTE: `127.0.0.1:${ctx.coordPort}` };
  ctx.edge = await h.startWorkerd({
    services: [
      { name: 'edge-a', port: ctx.a, entry, external },
      { name: 'edge-b', port: ctx.b, entry, external },
    ],
    vars: ctx.vars,
  });
});

after(async () => {
  await ctx.edge?.stop();
  await ctx.coord?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
  if (ctx.disk) rmSync(ctx.disk, { recursive: true, force: true });
});

const status = async () => {
  try {
    const r = await h.admin(ctx.a, 'GET', 'status');
    return r.status === 200 ? r.body : null;
  } catch {
    return null;
  }
};

test('the coordinator process killed mid-rollout under load: users are served throughout, totals stay exact, decisions go on after the restart', { timeout }, async () => {
  const started = await h.admin(ctx.a, 'POST', 'start', {
    id: 'restart', origins: { canary: ctx.canary.url }, plan: h.testPlan({ minDurationMs: 3000, percents: [20, 50, 100] }), evaluationIntervalMs: 250,
  });
  assert.equal(started.status, 200, started.text);
  await new Promise((r) => setTimeout(r, 500)); // every isolate has the rollout's state

  // Users, all along: every response is recorded with its arm and fallback.
  const seen = [];
  let loading = true;
  let n = 0;
  const users = Promise.all(Array.from({ length: 6 }, async (_, k) => {
    while (loading) {
      const i = n++;
      const r = await h.get(i % 2 ? ctx.a : ctx.b, '/shop', { 'x-user-id': `user-${i % 500}` });
      seen.push({ status: r.status, arm: r.arm, fallback: r.fallback, origin: r.body && r.body.origin, at: Date.now() });
    }
  }));

  await new Promise((r) => setTimeout(r, 1200));
  const killedAt = Date.now();
  await ctx.coord.stop(); // SIGKILL: no hook, no last save
  await new Promise((r) => setTimeout(r, DOWN_MS));
  ctx.coord = await coordinatorProcess();
  const restartedAt = Date.now();
  // The rollout goes on from its stored state, to completion.
  const done = await h.until(async () => {
    const s = await status();
    return s && s.state.status === 'completed' ? s : null;
  }, 30000, 250);
  loading = false;
  await users;
  assert.ok(done, `the rollout completed after the restart: ${JSON.stringify((await status())?.history?.slice(-3))}`);

  // Users were served throughout: from their arm's origin, or from stable while it was down.
  for (const r of seen) {
    assert.equal(r.status, 200, JSON.stringify(r));
    assert.ok(r.fallback === null || r.fallback === 'coordinator', JSON.stringify(r));
    assert.equal(r.origin, r.arm, JSON.stringify(r));
    if (r.fallback) assert.equal(r.arm, 'stable');
  }
  const during = seen.filter((r) => r.at >= killedAt && r.at <= restartedAt);
  const fellBack = seen.filter((r) => r.fallback === 'coordinator').length;
  assert.ok(during.length > 20, `requests while the coordinator was down: ${during.length}`);
  assert.ok(fellBack > 0, 'some requests failed open while it was down');

  // Decisions after the restart: the rollout advanced from 20% and completed.
  const after = done.history.filter((e) => Date.parse(e.at) > restartedAt && e.actor === 'coordinator' && e.action !== 'hold');
  assert.deepEqual(after.map((e) => e.action), ['advance', 'advance', 'complete'], JSON.stringify(done.history.map((e) => [e.action, e.at])));

  // Exact totals: what each arm served, once, although flushes were cut off and re-sent.
  const expect = { stable: 0, canary: 0 };
  for (const r of seen) if (!r.fallback) expect[r.arm]++;
  const st = await h.until(async () => {
    const s = await status();
    const t = s && s.metrics.total;
    return t && t.stable.requests + t.canary.requests >= expect.stable + expect.canary && s.counters.failOpen.coordinator >= fellBack ? s : null;
  }, 8000, 250);
  if (!st) { const s = await status(); assert.fail(`totals: expected ${JSON.stringify(expect)} and ${fellBack} fail-open, got stable ${s.metrics.total.stable.requests} canary ${s.metrics.total.canary.requests}, counters ${JSON.stringify(s.counters)}, dedupe ${JSON.stringify(s.dedupe)}, sources ${JSON.stringify(s.isolates)}`); }
  assert.equal(st.metrics.total.stable.requests, expect.stable);
  assert.equal(st.metrics.total.canary.requests, expect.canary);
  assert.equal(st.counters.failOpen.coordinator, fellBack);
  assert.equal(st.counters.droppedBatches, 0);
  assert.ok(st.counters.flushErrors > 0, 'the outage was felt by the isolates');
  assert.equal(st.storage.saveErrors, 0);
  const aggs = await Promise.all([0, 1].map(async (i) => (await fetch(`http://127.0.0.1:${ctx.coordPort}/__rollgate/internal/agg/status`, { headers: { 'x-rollgate-object': `test:agg:${i}` } })).json()));
  const aggDup = aggs.reduce((n, a) => n + a.duplicates, 0);
  console.log(`# ${seen.length} requests (${during.length} while the coordinator process was down for ${restartedAt - killedAt} ms, ${fellBack} served from stable failing open); totals exact after the restart: stable ${expect.stable}, canary ${expect.canary}; ${st.counters.flushErrors} failed flushes retried, ${aggDup + st.dedupe.duplicates} re-sent batches recognised (aggregators ${aggDup}, coordinator ${st.dedupe.duplicates}); decisions after the restart: ${after.map((e) => `${e.action} at +${Date.parse(e.at) - restartedAt} ms`).join(', ')}`);
});
