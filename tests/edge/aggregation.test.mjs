// Edge suite: one rollout fed by a thousand isolates through aggregator objects (issue 12, "At
// scale"; docs/edge.md). A workerd runs the real Coordinator class (support/do-front.mjs lets the
// test reach its objects by name) with ROLLGATE_AGGREGATORS = 8. In Node, 1,000 simulated
// isolates (support/sim.mjs: the worker's own Accumulator, aggregator choice and delivery code)
// each read the state and flush every 2 s, a few requests per flush, and 2% of the answers to
// their flushes are lost after the object handled them, so those batches are re-sent. The canary
// starts failing every request 6 s in. Proves: the coordinator receives one merged batch per
// aggregator per interval rather than one per isolate; its totals equal exactly what the isolates
// counted (requests, errors and new units per arm, no batch dropped or counted twice despite the
// retries); and the regression is rolled back within a few seconds, the figure stated below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as h from './support/harness.mjs';
import { remoteNamespace, SimIsolate } from './support/sim.mjs';
import * as engine from '../../edge/cloudflare/src/engine.js';

h.requireRuntime();
const ctx = {};
// The suite's run; ROLLGATE_SIM_ISOLATES / _AGGREGATORS / _FLUSH_MS run the same test at another
// scale (docs/edge.md "At scale": 10,000 isolates through 16 aggregators, flushing every 5 s).
const ISOLATES = Number(process.env.ROLLGATE_SIM_ISOLATES || 1000);
const AGGREGATORS = Number(process.env.ROLLGATE_SIM_AGGREGATORS || 8);
const FLUSH_EVERY_MS = Number(process.env.ROLLGATE_SIM_FLUSH_MS || 2000);
const timeout = 60000 + 10 * FLUSH_EVERY_MS + 10 * ISOLATES;
const REGRESS_AT_MS = 6000;
const TTL = 1000;

before(async () => {
  h.buildWorker();
  await engine.initEngine();
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    services: [{ name: 'front', port: ctx.port, entry: join(h.repo, 'tests/edge/support/do-front.mjs') }],
    // Flushes are committed and aggregators forward every 500 ms (ROLLGATE_FLUSH_MS caps both).
    vars: h.baseVars('http://127.0.0.1:9', { ROLLGATE_ROLLOUT: 'sim', ROLLGATE_AGGREGATORS: String(AGGREGATORS), ROLLGATE_STATE_TTL_MS: String(TTL), ROLLGATE_FLUSH_MS: '500' }),
    probe: 'tcp',
  });
  ctx.front = `http://127.0.0.1:${ctx.port}`;
});

after(async () => {
  await ctx.workerd?.stop();
});

async function call(object, method, path, body) {
  const r = await fetch(ctx.front + path, {
    method,
    headers: { 'x-rollgate-object': object, authorization: `Bearer ${h.TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

test(`${ISOLATES.toLocaleString('en-US')} isolates through ${AGGREGATORS} aggregators: exact totals despite lost replies, one merged batch per aggregator per interval, regression rolled back within seconds`, { timeout }, async () => {
  const plan = h.testPlan({ minDurationMs: 3600000, percents: [20, 100] });
  const started = await call('sim', 'POST', '/__rollgate/start', { id: 'sim', origins: { canary: 'http://127.0.0.1:9' }, plan, evaluationIntervalMs: 500 });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const ns = remoteNamespace(ctx.front, { loseReplies: 0.02 });
  const s = { coordinator: ns, aggregators: AGGREGATORS, rolloutName: 'sim' };
  const isolates = Array.from({ length: ISOLATES }, () => new SimIsolate(s, TTL));

  const t0 = Date.now();
  let running = true;
  let regressedAt = null;
  const loops = isolates.map(async (iso) => {
    await new Promise((r) => setTimeout(r, Math.random() * FLUSH_EVERY_MS)); // isolates start at random
    while (running) {
      const next = Date.now() + FLUSH_EVERY_MS;
      await iso.readState();
      iso.serve(3, regressedAt !== null);
      await iso.flush();
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  });
  // The regression, then wait for the rollback decision.
  await new Promise((r) => setTimeout(r, REGRESS_AT_MS));
  regressedAt = Date.now();
  let rolled = null;
  while (!rolled && Date.now() - regressedAt < 20000 + 3 * FLUSH_EVERY_MS) {
    await new Promise((r) => setTimeout(r, 200));
    const st = (await call('sim', 'GET', '/__rollgate/status')).body;
    if (st.state.status === 'rolledBack') rolled = st;
  }
  await new Promise((r) => setTimeout(r, 1000)); // a little traffic after the rollback
  running = false;
  await Promise.all(loops);
  const elapsed = (Date.now() - t0) / 1000;
  assert.ok(rolled, 'the failing canary was rolled back');
  const rb = rolled.history.find((e) => e.action === 'rollback');
  const latencyMs = Date.parse(rb.at) - regressedAt;

  // Drain: every isolate delivers what it still holds (retrying lost replies).
  for (let round = 0; round < 10 && !isolates.every((i) => i.idle); round++) {
    await Promise.all(isolates.filter((i) => !i.idle).map((i) => i.flush()));
  }
  assert.ok(isolates.every((i) => i.idle), 'every isolate delivered everything');
  const sent = { stable: { requests: 0, errors: 0, newUnits: 0 }, canary: { requests: 0, errors: 0, newUnits: 0 } };
  for (const i of isolates) for (const arm of ['stable', 'canary']) for (const k of ['requests', 'errors', 'newUnits']) sent[arm][k] += i.sent[arm][k];
  const flushes = isolates.reduce((n, i) => n + i.flushes, 0);
  // The aggregators forward what they hold within their interval; then the totals are exact.
  const st = await h.until(async () => {
    const x = (await call('sim', 'GET', '/__rollgate/status')).body;
    const t = x.metrics.total;
    return t.stable.requests + t.canary.requests >= sent.stable.requests + sent.canary.requests ? x : null;
  }, 10000, 250);
  assert.ok(st, 'the merged totals arrived');
  const total = st.metrics.total;
  for (const arm of ['stable', 'canary']) {
    assert.equal(total[arm].requests, sent[arm].requests, `${arm} requests`);
    assert.equal(total[arm].errors, sent[arm].errors, `${arm} errors`);
    assert.equal(total[arm].newUnits, sent[arm].newUnits, `${arm} new units`);
    assert.equal(total[arm].latencyMs.count, sent[arm].requests, `${arm} latency values`);
  }
  assert.equal(st.counters.droppedBatches, 0);
  assert.ok(ns.stats.lostReplies > 20, `lost replies ${ns.stats.lostReplies}`);
  // The coordinator saw the 8 aggregators, not the 1,000 isolates.
  const sources = Object.values(st.isolates);
  assert.equal(sources.length, AGGREGATORS, JSON.stringify(Object.keys(st.isolates)));
  const forwarded = sources.reduce((n, x) => n + x.batches, 0);
  const aggs = await Promise.all(Array.from({ length: AGGREGATORS }, (_, i) => call(`sim:agg:${i}`, 'GET', '/__rollgate/internal/agg/status')));
  const received = aggs.reduce((n, a) => n + a.body.received, 0);
  const duplicates = aggs.reduce((n, a) => n + a.body.duplicates, 0);
  assert.ok(duplicates > 0, 'lost replies were re-sent and recognised');
  for (const a of aggs) assert.ok(a.body.received > 50 && a.body.storage.saveErrors === 0, JSON.stringify(a.body));
  assert.ok(forwarded < received / 10, `the coordinator merged ${forwarded} batches for ${received} isolate flushes`);
  // Bound: a flush interval for the failures to leave the isolates, the aggregators' forwarding
  // (500 ms here) and a few evaluations; 6 s at the suite's 2 s flushes.
  assert.ok(latencyMs < Math.max(6000, 2 * FLUSH_EVERY_MS + 2000), `rollback ${latencyMs} ms after the regression`);
  console.log(`# ${ISOLATES} isolates, ${AGGREGATORS} aggregators: ${flushes} isolate flushes in ${elapsed.toFixed(1)} s (${(flushes / elapsed).toFixed(0)}/s), ${ns.stats.lostReplies} replies lost and ${duplicates} retries recognised; the coordinator merged ${forwarded} batches (${(forwarded / elapsed).toFixed(1)}/s); totals exact: stable ${total.stable.requests} requests, canary ${total.canary.requests} requests / ${total.canary.errors} errors; regression → rollback decision ${latencyMs} ms`);
});
