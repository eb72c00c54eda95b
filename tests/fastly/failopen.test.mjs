// The fail-open table of docs/edge.md, on Fastly: every problem of rollgate itself serves the
// request from the stable backend with `x-rollgate-fallback: <kind>`, one JSON log line, and
// the kind counted in the request's flush to the coordinator; origin failures are the origin's
// (and counted as that arm's errors). One harness with a stand-in coordinator; each test
// changes its stores, backends or the coordinator's answer.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startService, rolloutState, secrets, PEER_TOKEN, COOKIE_SECRET, OVERRIDE_SECRET } from './support/fixtures.mjs';
import { deadUrl } from './support/origins.mjs';

let svc;
before(async () => {
  svc = await startService({ coverage: 100000 });
});
after(async () => {
  await svc?.close();
});
beforeEach(async () => {
  await svc.h.idle();
  // Back to a healthy rollout at 100% (every unit in canary) before each case.
  svc.setState(rolloutState(100000));
  svc.coordinator.status = 0;
  svc.h.setBackend('stable', svc.stable.url);
  svc.h.setBackend('canary', svc.canary.url);
  svc.h.setBackend('coordinator', svc.coordinator.url);
  svc.h.setStore('secretStores', 'rollgate_secrets', secrets().rollgate_secrets);
  svc.h.setStore('configStores', 'rollgate_config', {});
  svc.h.logs.length = 0;
  svc.coordinator.reports.length = 0;
});

/** The counters of the last flush: what the coordinator adds to its status. */
async function lastFlush() {
  const reports = await svc.reports();
  assert.ok(reports.length > 0, 'the request was flushed to the coordinator');
  return reports[reports.length - 1];
}


async function get(path = '/page', init = {}) {
  const r = await fetch(svc.url + path, init);
  const text = await r.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: r.status, arm: r.headers.get('x-rollgate-arm'), fallback: r.headers.get('x-rollgate-fallback'), cookie: r.headers.get('set-cookie'), body, text };
}

async function lastLog() {
  await svc.h.idle();
  assert.ok(svc.h.logs.length > 0, 'a log line was written');
  const line = svc.h.logs[svc.h.logs.length - 1];
  assert.equal(line.src, 'rollgate');
  return line;
}

test('a healthy rollout at 100% serves canary with no fallback', async () => {
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'canary', null, 'canary']);
  await svc.h.idle();
  assert.equal(svc.h.logs.length, 0);
});

test('no rollout started yet (the coordinator\'s idle state): everything stable, without a fallback', async () => {
  svc.setState(null);
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', null, 'stable']);
  assert.ok(r.cookie, 'the unit is still minted, as on Cloudflare');
  const f = await lastFlush();
  assert.deepEqual(f.windows.map((w) => [w.rollout, w.arms.stable.requests, w.arms.stable.newUnits]), [[null, 1, 1]]);
});

test('a coordinator that cannot be reached, answers an error, refuses the token or is marked unhealthy fails open as "coordinator"', async () => {
  const cases = [
    [async () => svc.h.setBackend('coordinator', await deadUrl()), 'coordinator unreachable'],
    [() => (svc.coordinator.status = 503), 'coordinator answered 503'],
    [() => svc.h.setStore('secretStores', 'rollgate_secrets', { ...secrets().rollgate_secrets, ROLLGATE_PEER_TOKEN: 'not-the-peer-token-0123' }), 'coordinator answered 401'],
    [() => svc.h.setConfig('rollgate_config', 'ROLLGATE_ROLLOUT', 'another-rollout'), 'coordinator answered 409'],
    [() => svc.h.setBackend('coordinator', { url: svc.coordinator.url, health: 'unhealthy' }), 'backend coordinator is unhealthy'],
  ];
  for (const [breakIt, why] of cases) {
    svc.coordinator.status = 0;
    svc.h.setBackend('coordinator', svc.coordinator.url);
    svc.h.setStore('secretStores', 'rollgate_secrets', secrets().rollgate_secrets);
    svc.h.setStore('configStores', 'rollgate_config', {});
    svc.h.purgeCache();
    await breakIt();
    const reads = svc.coordinator.stateReads;
    const r = await get();
    assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', 'coordinator', 'stable'], why);
    assert.equal(r.cookie, null);
    await svc.h.idle();
    // (A flush that the coordinator refuses adds a "flush" line after it.)
    const log = svc.h.logs.find((l) => l.kind === 'coordinator');
    assert.deepEqual([log?.kind, log?.why], ['coordinator', why]);
    svc.h.logs.length = 0;
    if (why.includes('unhealthy')) assert.equal(svc.coordinator.stateReads, reads, 'an unhealthy coordinator is not asked');
  }
  // The flushes reached the coordinator wherever it took them (its error answering the state, and
  // the unhealthy mark, which gates only the state read): each counts failOpen.coordinator once.
  const counted = svc.coordinator.reports.map((f) => f.counters.failOpen.coordinator);
  assert.deepEqual(counted, [1, 1]);
});

test('unusable states fail open as "state", with the core\'s reasons (the worker\'s too)', async () => {
  const base = rolloutState(50000);
  const cases = [
    ['{"coverage": 5', 'state is not JSON'],
    ['[1, 2]', 'state is not an object'],
    [{ ...base, coverage: 150000 }, 'coverage out of range'],
    [{ ...base, coverage: -1 }, 'coverage out of range'],
    [{ ...base, coverage: '50000' }, 'coverage out of range'],
    [{ ...base, coverage: 12.5 }, 'coverage out of range'],
    [{ ...base, coverage: undefined }, 'coverage out of range'],
    [{ ...base, salt: '' }, 'salt or canary origin missing'],
    [{ ...base, origins: { stable: 'https://s' } }, 'salt or canary origin missing'],
    [{ ...base, coverage: 0, origins: undefined }, 'origins missing'],
    [{ ...base, next: null }, 'next out of range'],
    [{ ...base, next: { coverage: 100001, at: 1 } }, 'next out of range'],
    [{ ...base, next: { coverage: 100000 } }, 'next out of range'],
    [{ ...base, coverage: 0, salt: undefined, next: { coverage: 10000, at: 1 } }, 'salt or canary origin missing'],
    [{ ...base, shadow: { sampleRate: 2, methods: ['GET'] } }, 'shadow.sampleRate out of range'],
    [{ ...base, shadow: { sampleRate: 0.5 } }, 'shadow.methods missing'],
  ];
  for (const [state, why] of cases) {
    svc.setState(typeof state === 'string' ? state : JSON.stringify(state));
    const r = await get();
    assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', 'state', 'stable'], why);
    const log = (await lastLog());
    assert.deepEqual([log.kind, log.why], ['state', why]);
  }
  // And states that are fine: no shadow, shadow null, a pending increase.
  for (const state of [{ ...base, shadow: undefined }, { ...base, shadow: false }, { ...base, next: { coverage: 60000, window: 2, at: Date.now() + 60000 } }]) {
    svc.setState(state);
    assert.equal((await get()).fallback, null, JSON.stringify(state));
  }
  assert.equal((await lastFlush()).counters.failOpen.state, 0);
  assert.equal(svc.coordinator.reports.filter((f) => f.counters.failOpen.state === 1).length, cases.length);
});

test('a guarded flag rollout\'s state fails open: this service evaluates no flags', async () => {
  // As the coordinator hands a flag rollout out: no salt, no canary origin, a target.
  const state = { ...rolloutState(50000), origins: { stable: svc.stable.url }, target: { flag: 'new-checkout', variation: 'on' } };
  delete state.salt;
  svc.setState(state);
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', 'state', 'stable']);
  const log = await lastLog();
  assert.deepEqual([log.kind, log.why], ['state', 'flag rollouts are served by the Cloudflare worker only']);
  assert.equal((await lastFlush()).counters.failOpen.state, 1);
});

test('an announced increase applies from its time on, as worker.js inForce does', async () => {
  svc.setState(rolloutState(0, { next: { coverage: 100000, window: 2, at: Date.now() + 3600000 } }));
  assert.equal((await get()).arm, 'stable');
  assert.equal((await lastFlush()).windows[0].window, 1);
  svc.setState(rolloutState(0, { next: { coverage: 100000, window: 2, at: Date.now() - 1 } }));
  assert.equal((await get()).arm, 'canary');
  assert.equal((await lastFlush()).windows[0].window, 2, 'counted in the announced window');
});

test('unusable settings fail open as "settings", and a request body still streams through', async () => {
  const body = 'x'.repeat(100000);
  const sha = createHash('sha256').update(body).digest('hex');
  const cases = [
    [() => svc.h.removeStore('secretStores', 'rollgate_secrets'), 'secret store rollgate_secrets is missing'],
    [() => svc.h.setStore('secretStores', 'rollgate_secrets', { ROLLGATE_OVERRIDE_SECRET: 'o'.repeat(20), ROLLGATE_PEER_TOKEN: PEER_TOKEN }), 'secret ROLLGATE_COOKIE_SECRET is missing'],
    [
      () => svc.h.setStore('secretStores', 'rollgate_secrets', { ROLLGATE_COOKIE_SECRET: 'short', ROLLGATE_OVERRIDE_SECRET: 'o'.repeat(20), ROLLGATE_PEER_TOKEN: PEER_TOKEN }),
      'secret ROLLGATE_COOKIE_SECRET is shorter than 16 characters',
    ],
    [() => svc.h.setConfig('rollgate_config', 'ROLLGATE_COOKIE_MAX_AGE_S', '1e3'), 'ROLLGATE_COOKIE_MAX_AGE_S must be an integer in [60, 63072000], got "1e3"'],
    [() => svc.h.setConfig('rollgate_config', 'ROLLGATE_COOKIE_MAX_AGE_S', '59'), 'ROLLGATE_COOKIE_MAX_AGE_S must be an integer in [60, 63072000], got "59"'],
    [() => svc.h.setConfig('rollgate_config', 'ROLLGATE_STATE_TTL_MS', '500'), 'ROLLGATE_STATE_TTL_MS must be an integer in [1000, 60000], got "500"'],
    [() => svc.h.setStore('secretStores', 'rollgate_secrets', { ROLLGATE_COOKIE_SECRET: COOKIE_SECRET, ROLLGATE_OVERRIDE_SECRET: OVERRIDE_SECRET }), 'secret ROLLGATE_PEER_TOKEN is missing'],
    [() => svc.h.setBackend('coordinator', undefined), 'backend coordinator (ROLLGATE_COORDINATOR_BACKEND) is missing'],
  ];
  for (const [breakIt, why] of cases) {
    svc.h.setStore('secretStores', 'rollgate_secrets', secrets().rollgate_secrets);
    svc.h.setStore('configStores', 'rollgate_config', {});
    breakIt();
    const r = await get('/upload?q=1', { method: 'POST', body, headers: { 'x-rollgate-override': 'canary.1.x' } });
    assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', 'settings', 'stable'], why);
    assert.deepEqual([r.body.method, r.body.path, r.body.bodyBytes, r.body.bodySha], ['POST', '/upload?q=1', body.length, sha]);
    const seen = svc.stable.seen[svc.stable.seen.length - 1];
    assert.equal(seen.headers['x-rollgate-override'], undefined, 'the override header never reaches an origin');
    const log = (await lastLog());
    assert.deepEqual([log.kind, log.why], ['settings', why]);
    svc.h.setBackend('coordinator', svc.coordinator.url);
  }
  // Counted wherever the flush could still go (a peer token and a coordinator backend): all but
  // the missing secret store, the missing token and the missing coordinator backend.
  assert.deepEqual(svc.coordinator.reports.map((f) => f.counters.failOpen.settings), [1, 1, 1, 1, 1]);
});

test('settings that name a canary backend the service does not have fail open as "settings"', async () => {
  svc.h.setConfig('rollgate_config', 'ROLLGATE_CANARY_BACKEND', 'canary-v2');
  const r = await get();
  assert.deepEqual([r.arm, r.fallback, r.body.origin], ['stable', 'settings', 'stable']);
  assert.match((await lastLog()).why, /backend canary-v2 \(ROLLGATE_CANARY_BACKEND\) is missing/);
  svc.h.setConfig('rollgate_config', 'ROLLGATE_CANARY_BACKEND', 'stable');
  const renamed = await get();
  assert.deepEqual([renamed.arm, renamed.fallback, renamed.body.origin], ['canary', null, 'stable'], 'a renamed backend is used');
});

test('with broken settings and no stable backend there is nothing to fail open to: 502', async () => {
  svc.h.removeStore('secretStores', 'rollgate_secrets');
  svc.h.setBackend('stable', undefined);
  const r = await get();
  assert.deepEqual([r.status, r.text], [502, 'origin not configured']);
});

test('an unreachable canary is a canary error: a safe request is served by stable, others get 502', async () => {
  svc.h.setBackend('canary', await deadUrl());
  const g = await get('/list?page=2', { headers: { 'x-user-id': 'u1', accept: 'text/html', 'x-multi': 'a' } });
  assert.deepEqual([g.status, g.arm, g.fallback, g.body.origin, g.body.path], [200, 'stable', 'canary-unreachable', 'stable', '/list?page=2']);
  const seen = svc.stable.seen[svc.stable.seen.length - 1];
  assert.equal(seen.headers['x-rollgate-arm'], 'stable');
  assert.equal(seen.headers['x-user-id'], 'u1');
  const p = await get('/order', { method: 'POST', body: 'order', headers: { 'x-user-id': 'u1' } });
  assert.deepEqual([p.status, p.arm, p.text], [502, 'canary', 'upstream unreachable']);
  assert.equal((await lastLog()).kind, 'canary');
  // Both are counted as canary network errors, and neither as stable traffic (worker.js).
  const arms = svc.coordinator.reports.map((f) => f.windows[0].arms);
  assert.deepEqual(arms.map((a) => [a.canary.requests, a.canary.networkErrors, a.canary.errors, a.stable.requests]), [[1, 1, 1, 0], [1, 1, 1, 0]]);
});

test('a canary that answers 5xx is passed through unchanged, never hidden', async () => {
  const r = await get('/status/503');
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [503, 'canary', null, 'canary']);
  const a = (await lastFlush()).windows[0].arms.canary;
  assert.deepEqual([a.requests, a.errors, a.networkErrors, a.statuses['5xx']], [1, 1, 0, 1]);
});

test('an unreachable stable origin gives 502', async () => {
  svc.setState(rolloutState(0));
  svc.h.setBackend('stable', await deadUrl());
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.text], [502, 'stable', 'upstream unreachable']);
  assert.equal((await lastFlush()).windows[0].arms.stable.networkErrors, 1);
});

test('internal and peer paths are 404 from outside and never proxied; the control API goes to the coordinator', async () => {
  const before = svc.stable.hits + svc.canary.hits;
  const seen = svc.coordinator.seen.length;
  assert.equal((await get('/__rollgate/internal/state')).status, 404);
  assert.equal((await get('/__rollgate/internal/report', { method: 'POST', body: '{}' })).status, 404);
  assert.equal((await get('/__rollgate/peer/state?rollout=default')).status, 404);
  assert.equal(svc.coordinator.seen.length, seen, 'not one of them reached the coordinator');
  const st = await get('/__rollgate/status?x=1', { headers: { authorization: 'Bearer admin' } });
  assert.deepEqual([st.status, st.body], [200, { forwarded: 'GET', path: '/__rollgate/status?x=1', authorization: 'Bearer admin' }]);
  const start = await get('/__rollgate/start', { method: 'POST', body: '{"id":"x"}' });
  assert.deepEqual(start.body.forwarded, 'POST');
  assert.equal(svc.stable.hits + svc.canary.hits, before);
  // Unless settings are broken: /__rollgate/* is still never proxied to an origin.
  svc.h.removeStore('secretStores', 'rollgate_secrets');
  assert.equal((await get('/__rollgate/internal/state')).status, 404);
  assert.equal(svc.stable.hits + svc.canary.hits, before);
});

test('a client cannot claim to be a shadow request or carry an override to an origin', async () => {
  await get('/page', { headers: { 'x-rollgate-shadow': 'candidate', 'x-rollgate-override': 'canary.1.x' } });
  const seen = svc.canary.seen[svc.canary.seen.length - 1];
  assert.equal(seen.headers['x-rollgate-shadow'], undefined);
  assert.equal(seen.headers['x-rollgate-override'], undefined);
  assert.equal((await lastFlush()).counters.tamperedOverrides, 1);
});

test('the state is cached by the POP for the TTL, and a coordinator error is not: each request asks again', async () => {
  svc.h.setConfig('rollgate_config', 'ROLLGATE_STATE_TTL_MS', '60000');
  svc.h.purgeCache();
  const reads = svc.coordinator.stateReads;
  for (let i = 0; i < 20; i++) assert.equal((await get()).fallback, null);
  assert.equal(svc.coordinator.stateReads - reads, 1, 'one read for 20 requests within the TTL');
  svc.coordinator.status = 503;
  svc.h.purgeCache();
  const before = svc.coordinator.stateReads;
  for (let i = 0; i < 5; i++) assert.equal((await get()).fallback, 'coordinator');
  assert.equal(svc.coordinator.stateReads - before, 5, 'Fastly caches no 5xx: every request asks, and fails open');
});
