// One rollout across two CDNs: the Cloudflare worker and its coordinator Durable Object on
// workerd (tests/edge/support/harness.mjs starts them), and the Fastly service in the harness,
// whose backend `coordinator` is that worker (its /__rollgate/peer/* routes, peer.js). Both
// serve the same local origins with the same secrets. Proves:
//   - the peer routes: the token is required, another rollout's name is refused, and a worker
//     without ROLLGATE_PEER_TOKEN has no such routes;
//   - the service's flushes are merged by the coordinator: counts per arm equal what clients
//     saw, the Fastly node is one more isolate, its latency sketches merge;
//   - the service reads the state through the POP's cache: at most about one coordinator read
//     per TTL however many requests;
//   - a rollback by the coordinator reaches the service within the state TTL;
//   - one rollout served by both CDNs at once: every unit has the same arm on both, and the
//     coordinator's totals are exactly the sum of both CDNs' requests, per arm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as edge from '../edge/support/harness.mjs';
import { startFastly } from './support/harness.mjs';
import { PEER_TOKEN } from './support/coordinator.mjs';

edge.requireRuntime();
const timeout = 60000;
const TTL = 1000; // ROLLGATE_STATE_TTL_MS on both CDNs: Fastly's cache TTL is whole seconds
const ctx = {};

before(async () => {
  edge.buildWorker();
  ctx.stable = await edge.startOrigin('stable');
  ctx.canary = await edge.startOrigin('canary');
  ctx.cf = await edge.freePort();
  ctx.cfNoPeer = await edge.freePort();
  ctx.workerd = await edge.startWorkerd({
    services: [
      { name: 'edge', port: ctx.cf },
      { name: 'nopeer', port: ctx.cfNoPeer, vars: { ROLLGATE_PEER_TOKEN: undefined } },
    ],
    // The coordinator announces increases ROLLGATE_STATE_TTL_MS ahead; the Fastly service's
    // TTL must not be longer, or a POP could miss the announcement (README, "Coordination").
    vars: edge.baseVars(ctx.stable.url, { ROLLGATE_PEER_TOKEN: PEER_TOKEN, ROLLGATE_STATE_TTL_MS: String(TTL) }),
  });
  ctx.fastly = await startFastly({
    backends: { stable: ctx.stable.url, canary: ctx.canary.url, coordinator: `http://127.0.0.1:${ctx.cf}` },
    configStores: { rollgate_config: { ROLLGATE_ROLLOUT: 'test', ROLLGATE_STATE_TTL_MS: String(TTL) } },
    secretStores: {
      // The same secrets as the worker's: a cookie minted by one CDN is honoured by the other.
      rollgate_secrets: { ROLLGATE_COOKIE_SECRET: edge.COOKIE_SECRET, ROLLGATE_OVERRIDE_SECRET: edge.OVERRIDE_SECRET, ROLLGATE_PEER_TOKEN: PEER_TOKEN },
    },
    workers: 4,
  });
  ctx.fastlyPort = ctx.fastly.port;
});

after(async () => {
  await ctx.fastly?.close();
  await ctx.workerd?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
});

const status = async () => (await edge.admin(ctx.cf, 'GET', 'status')).body;

/** Starts a rollout and waits until both CDNs' caches hold it. */
async function start(id, percents = [50, 100]) {
  const r = await edge.admin(ctx.cf, 'POST', 'start', {
    id,
    origins: { canary: ctx.canary.url },
    plan: edge.testPlan({ minDurationMs: 3600000, percents }),
    evaluationIntervalMs: 60000,
  });
  assert.equal(r.status, 200, r.text);
  await new Promise((res) => setTimeout(res, TTL + 100));
  return r.body;
}

/** Polls the coordinator until the total requests of the rollout reach `n`. */
async function totalsReach(n) {
  return edge.until(async () => {
    const s = await status();
    const t = s.metrics.total;
    return t.stable.requests + t.canary.requests >= n ? s : null;
  }, 8000, 100);
}

test('the peer routes need their token, refuse another rollout, and exist only with ROLLGATE_PEER_TOKEN', { timeout }, async () => {
  const call = (port, path, token, init = {}) =>
    fetch(`http://127.0.0.1:${port}/__rollgate/peer/${path}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal((await call(ctx.cf, 'state?rollout=test', PEER_TOKEN)).status, 200);
  assert.equal((await call(ctx.cf, 'state?rollout=test', null)).status, 401);
  assert.equal((await call(ctx.cf, 'state?rollout=test', edge.TOKEN)).status, 401, 'the admin token is not a peer token');
  assert.equal((await call(ctx.cf, 'state?rollout=other', PEER_TOKEN)).status, 409);
  assert.equal((await call(ctx.cf, 'report?rollout=test', PEER_TOKEN)).status, 405, 'report takes POST');
  assert.equal((await call(ctx.cfNoPeer, 'state?rollout=test', PEER_TOKEN)).status, 404);
  // The peer token steers nothing: the control API still wants the admin token.
  assert.equal((await edge.admin(ctx.cf, 'POST', 'rollback', {}, PEER_TOKEN)).status, 401);
  // And the Fastly service forwards the control API to the same coordinator.
  const viaFastly = await edge.admin(ctx.fastlyPort, 'GET', 'status');
  assert.equal(viaFastly.status, 200);
  assert.ok(viaFastly.body.state, JSON.stringify(viaFastly.body));
});

test('the coordinator merges the service\'s flushes: counts per arm, the Fastly node as an isolate, latency sketches', { timeout }, async () => {
  await start('fastly-merge');
  const res = await edge.pool(120, 4, (i) => edge.get(ctx.fastlyPort, i % 4 === 0 ? '/m?delay=60' : '/m', { 'x-user-id': `fm-${i}` }));
  const sent = { stable: 0, canary: 0 };
  for (const r of res) {
    assert.equal(r.status, 200);
    sent[r.arm]++;
    assert.equal(r.body.origin, r.arm);
  }
  assert.ok(sent.canary > 20 && sent.stable > 20, JSON.stringify(sent));
  await ctx.fastly.idle();
  const st = await totalsReach(120);
  assert.ok(st, 'the flushes reached the coordinator');
  const w = st.metrics.window;
  assert.deepEqual([w.stable.requests, w.canary.requests], [sent.stable, sent.canary]);
  assert.equal(w.stable.statuses['2xx'] + w.canary.statuses['2xx'], 120);
  assert.equal(w.stable.errors + w.canary.errors, 0);
  assert.equal(st.rejectedParts, 0, 'every sketch the service sent was accepted by the core');
  // Latency sketches hold every request, the delayed ones at 60 ms or more.
  assert.equal(w.stable.latencyMs.count + w.canary.latencyMs.count, 120);
  assert.ok(Math.max(w.stable.latencyMs.max, w.canary.latencyMs.max) >= 59);
  const node = st.isolates['fastly:LCL:localhost'];
  assert.ok(node, `isolates: ${Object.keys(st.isolates).join(', ')}`);
  assert.deepEqual([node.batches, node.requests], [120, 120]);
});

test('the service reads the state through the POP\'s cache: about one coordinator read per TTL', { timeout }, async () => {
  await start('fastly-cache');
  const log = ctx.fastly.backendRequests;
  const from = log.length;
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < 3 * TTL) {
    await Promise.all(Array.from({ length: 4 }, () => edge.get(ctx.fastlyPort, '/c', { 'x-user-id': `c-${n++}` })));
  }
  const elapsed = Date.now() - t0;
  await ctx.fastly.idle(); // the last requests' flushes
  const reads = log.slice(from).filter((r) => r.backend === 'coordinator' && r.method === 'GET');
  assert.ok(reads.length >= n, `${reads.length} state lookups for ${n} requests`);
  assert.ok(reads.every((r) => r.cache && r.cache.ttl === TTL / 1000 && !r.cache.pass), 'with the TTL override, never pass');
  const fetched = reads.filter((r) => !r.fromCache).length;
  assert.ok(fetched >= 1 && fetched <= Math.ceil(elapsed / TTL) + 1, `${fetched} reads from the coordinator in ${elapsed} ms for ${n} requests`);
  // Reports and proxied requests are never cached.
  const others = log.slice(from).filter((r) => !(r.backend === 'coordinator' && r.method === 'GET'));
  assert.ok(others.length >= 2 * n, `${others.length} other requests for ${n}`);
  assert.deepEqual(others.filter((r) => !(r.cache && r.cache.pass)), [], 'reports and origin requests pass');
});

test('a rollback by the coordinator reaches the service within the state TTL', { timeout }, async () => {
  await start('fastly-rollback');
  const users = Array.from({ length: 40 }, (_, i) => `rb-${i}`);
  const before = await edge.pool(users.length, 4, (i) => edge.get(ctx.fastlyPort, '/r', { 'x-user-id': users[i] }));
  assert.ok(before.some((r) => r.arm === 'canary'), 'some users are in canary before the rollback');
  const rb = await edge.admin(ctx.cf, 'POST', 'rollback', { reason: 'test' });
  assert.equal(rb.status, 200, rb.text);
  assert.equal(rb.body.coverage, 0);
  const decidedAt = Date.now();
  // Requests keep coming for 2 TTLs; every canary answer must come from a request that started
  // before the decision's time plus the TTL (the POP's cached state then expires).
  const answers = [];
  let n = 0;
  while (Date.now() - decidedAt < 2 * TTL) {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const startedAt = Date.now();
        const r = await edge.get(ctx.fastlyPort, '/r', { 'x-user-id': users[n++ % users.length] });
        answers.push({ startedAt, arm: r.arm });
      }),
    );
  }
  const lastCanary = Math.max(decidedAt, ...answers.filter((a) => a.arm === 'canary').map((a) => a.startedAt));
  assert.ok(lastCanary - decidedAt <= TTL + 50, `a canary answer to a request started ${lastCanary - decidedAt} ms after the rollback`);
  assert.ok(answers.filter((a) => a.startedAt > decidedAt + TTL + 50).length > 10, 'requests after the TTL were made');
  const hits = ctx.canary.hits;
  await edge.pool(users.length, 4, (i) => edge.get(ctx.fastlyPort, '/r', { 'x-user-id': users[i] }));
  assert.equal(ctx.canary.hits, hits, 'not one request reaches the canary origin after TTL');
});

test('one rollout served by both CDNs at once: the same arm per unit, and the coordinator\'s totals are exactly the sum', { timeout }, async () => {
  await start('two-cdns');
  const stableHits = ctx.stable.hits;
  const canaryHits = ctx.canary.hits;
  // Known users on both CDNs (by header), and fresh visitors that get a cookie from one CDN and
  // come back through the other.
  const users = Array.from({ length: 150 }, (_, i) => `both-${i}`);
  const [viaCf, viaFastly] = await Promise.all([
    edge.pool(users.length, 4, (i) => edge.get(ctx.cf, '/both', { 'x-user-id': users[i] })),
    edge.pool(users.length, 4, (i) => edge.get(ctx.fastlyPort, '/both', { 'x-user-id': users[i] })),
  ]);
  for (let i = 0; i < users.length; i++) {
    assert.equal(viaFastly[i].arm, viaCf[i].arm, `unit ${users[i]}: Fastly ${viaFastly[i].arm}, Cloudflare ${viaCf[i].arm}`);
  }
  const freshCf = await edge.pool(30, 4, () => edge.get(ctx.cf, '/fresh'));
  const freshFastly = await edge.pool(30, 4, () => edge.get(ctx.fastlyPort, '/fresh'));
  const back = await Promise.all([
    ...freshCf.map((r) => edge.get(ctx.fastlyPort, '/back', { cookie: r.cookie }).then((b) => [r, b])),
    ...freshFastly.map((r) => edge.get(ctx.cf, '/back', { cookie: r.cookie }).then((b) => [r, b])),
  ]);
  for (const [first, again] of back) {
    assert.ok(first.cookie, 'a fresh visitor got a cookie');
    assert.equal(again.cookie, null, 'the other CDN honoured it and minted no other');
    assert.equal(again.arm, first.arm, 'and served the same arm');
  }
  const all = [...viaCf, ...viaFastly, ...freshCf, ...freshFastly, ...back.map(([, b]) => b)];
  const sent = { stable: 0, canary: 0 };
  for (const r of all) {
    assert.equal(r.status, 200);
    sent[r.arm]++;
  }
  assert.equal(sent.stable + sent.canary, 420);
  await ctx.fastly.idle();
  const st = await totalsReach(420);
  assert.ok(st, 'both CDNs\' summaries reached the coordinator');
  // Give a late flush the chance to show up: the totals must not move past the exact sum.
  await new Promise((res) => setTimeout(res, 500));
  const final = await status();
  const t = final.metrics.total;
  assert.deepEqual([t.stable.requests, t.canary.requests], [sent.stable, sent.canary], 'exact totals per arm');
  assert.deepEqual([ctx.stable.hits - stableHits, ctx.canary.hits - canaryHits], [sent.stable, sent.canary], 'and what the origins saw');
  assert.equal(t.stable.newUnits + t.canary.newUnits, 60, 'each fresh visitor is one minted unit, on one CDN');
  assert.equal(t.stable.latencyMs.count + t.canary.latencyMs.count, 420);
  const perCdn = { fastly: 0, cloudflare: 0 };
  for (const [id, iso] of Object.entries(final.isolates)) perCdn[id.startsWith('fastly:') ? 'fastly' : 'cloudflare'] += iso.requests;
  assert.deepEqual(perCdn, { fastly: 150 + 30 + 30, cloudflare: 150 + 30 + 30 });
});
