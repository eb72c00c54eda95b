// One rollout across two CDNs, set up for tests/fastly/coordination*.test.mjs: local origins,
// the Cloudflare worker and its coordinator on workerd (tests/edge/support/harness.mjs), and the
// Fastly service in the harness with the worker as its backend `coordinator`, both with the same
// secrets; and the scenario both files run, one rollout served by both at once.
// SPDX-License-Identifier: MIT
import assert from 'node:assert/strict';
import * as edge from '../../edge/support/harness.mjs';
import { startFastly } from './harness.mjs';
import { PEER_TOKEN } from './coordinator.mjs';

export { edge, PEER_TOKEN };
export const TTL = 1000; // ROLLGATE_STATE_TTL_MS on both CDNs: Fastly's cache TTL is whole seconds

/** Starts everything; `vars` are added to the worker's (e.g. ROLLGATE_AGGREGATORS). */
export async function startBoth({ vars = {}, noPeerService = false } = {}) {
  edge.requireRuntime();
  edge.buildWorker();
  const ctx = {};
  ctx.stable = await edge.startOrigin('stable');
  ctx.canary = await edge.startOrigin('canary');
  ctx.cf = await edge.freePort();
  const services = [{ name: 'edge', port: ctx.cf }];
  if (noPeerService) {
    ctx.cfNoPeer = await edge.freePort();
    services.push({ name: 'nopeer', port: ctx.cfNoPeer, vars: { ROLLGATE_PEER_TOKEN: undefined } });
  }
  ctx.workerd = await edge.startWorkerd({
    services,
    // The coordinator announces increases ROLLGATE_STATE_TTL_MS ahead; the Fastly service's
    // TTL must not be longer, or a POP could miss the announcement (README, "Coordination").
    vars: edge.baseVars(ctx.stable.url, { ROLLGATE_PEER_TOKEN: PEER_TOKEN, ROLLGATE_STATE_TTL_MS: String(TTL), ...vars }),
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
  ctx.status = async () => (await edge.admin(ctx.cf, 'GET', 'status')).body;
  /** Starts a rollout and waits until both CDNs' caches hold it. */
  ctx.start = async (id, percents = [50, 100]) => {
    const r = await edge.admin(ctx.cf, 'POST', 'start', {
      id,
      origins: { canary: ctx.canary.url },
      plan: edge.testPlan({ minDurationMs: 3600000, percents }),
      evaluationIntervalMs: 60000,
    });
    assert.equal(r.status, 200, r.text);
    await new Promise((res) => setTimeout(res, TTL + 300));
    return r.body;
  };
  /** Polls the coordinator until the total requests of the rollout reach `n`. */
  ctx.totalsReach = (n) =>
    edge.until(async () => {
      const s = await ctx.status();
      const t = s.metrics.total;
      return t.stable.requests + t.canary.requests >= n ? s : null;
    }, 10000, 100);
  ctx.stop = async () => {
    await ctx.fastly?.close();
    await ctx.workerd?.stop();
    await ctx.stable?.close();
    await ctx.canary?.close();
  };
  return ctx;
}

/**
 * One rollout served by both CDNs at once: the same arm per unit on both, cookies honoured
 * across them, and the coordinator's totals per arm exactly the sum of both CDNs' requests.
 * `perCdnSources`: also check the status' sources per CDN (isolates talk to the coordinator).
 */
export async function bothCdns(ctx, id, { perCdnSources = true } = {}) {
  const { start, totalsReach, status } = ctx;
  await start(id);
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
  if (!perCdnSources) return;
  const perCdn = { fastly: 0, cloudflare: 0 };
  for (const [id, iso] of Object.entries(final.isolates)) perCdn[id.startsWith('fastly:') ? 'fastly' : 'cloudflare'] += iso.requests;
  assert.deepEqual(perCdn, { fastly: 150 + 30 + 30, cloudflare: 150 + 30 + 30 });
}
