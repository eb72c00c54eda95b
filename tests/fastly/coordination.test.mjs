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
import { startBoth, bothCdns, edge, PEER_TOKEN, TTL } from './support/two-cdns.mjs';

const timeout = 60000;
let ctx;
let start;
let totalsReach;
let status;

before(async () => {
  ctx = await startBoth({ noPeerService: true });
  ({ start, totalsReach, status } = ctx);
});

after(async () => {
  await ctx?.stop();
});

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
  await bothCdns(ctx, 'two-cdns');
});
