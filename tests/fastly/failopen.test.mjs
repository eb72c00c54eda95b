// The fail-open table of docs/edge.md, on Fastly: every problem of rollgate itself serves the
// request from the stable backend with `x-rollgate-fallback: <kind>` and one JSON log line;
// origin failures are the origin's. One harness; each test changes its stores or backends.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startService, rolloutState, secrets } from './support/fixtures.mjs';
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
  svc.h.setConfig('rollgate_state', 'default', JSON.stringify(rolloutState(100000)));
  svc.h.setBackend('stable', svc.stable.url);
  svc.h.setBackend('canary', svc.canary.url);
  svc.h.setStore('secretStores', 'rollgate_secrets', secrets().rollgate_secrets);
  svc.h.setStore('configStores', 'rollgate_config', {});
  svc.h.logs.length = 0;
});


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

test('no state item yet (no rollout started): everything stable, without a fallback', async () => {
  svc.h.setConfig('rollgate_state', 'default', undefined);
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', null, 'stable']);
  assert.ok(r.cookie, 'the unit is still minted, as on Cloudflare');
});

test('the state store missing fails open as "coordinator"', async () => {
  svc.h.removeStore('configStores', 'rollgate_state');
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', 'coordinator', 'stable']);
  assert.equal(r.cookie, null);
  assert.equal((await lastLog()).kind, 'coordinator');
});

test('unusable states fail open as "state", with worker.js checkState\'s reasons', async () => {
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
    svc.h.setConfig('rollgate_state', 'default', typeof state === 'string' ? state : JSON.stringify(state));
    const r = await get();
    assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [200, 'stable', 'state', 'stable'], why);
    const log = (await lastLog());
    assert.deepEqual([log.kind, log.why], ['state', why]);
  }
  // And states that are fine: no shadow, shadow null, a pending increase.
  for (const state of [{ ...base, shadow: undefined }, { ...base, shadow: false }, { ...base, next: { coverage: 60000, window: 2, at: Date.now() + 60000 } }]) {
    svc.h.setConfig('rollgate_state', 'default', JSON.stringify(state));
    assert.equal((await get()).fallback, null, JSON.stringify(state));
  }
});

test('an announced increase applies from its time on, as worker.js inForce does', async () => {
  svc.h.setConfig('rollgate_state', 'default', JSON.stringify(rolloutState(0, { next: { coverage: 100000, window: 2, at: Date.now() + 3600000 } })));
  assert.equal((await get()).arm, 'stable');
  svc.h.setConfig('rollgate_state', 'default', JSON.stringify(rolloutState(0, { next: { coverage: 100000, window: 2, at: Date.now() - 1 } })));
  assert.equal((await get()).arm, 'canary');
});

test('unusable settings fail open as "settings", and a request body still streams through', async () => {
  const body = 'x'.repeat(100000);
  const sha = createHash('sha256').update(body).digest('hex');
  const cases = [
    [() => svc.h.removeStore('secretStores', 'rollgate_secrets'), 'secret store rollgate_secrets is missing'],
    [() => svc.h.setStore('secretStores', 'rollgate_secrets', { ROLLGATE_OVERRIDE_SECRET: 'o'.repeat(20) }), 'secret ROLLGATE_COOKIE_SECRET is missing'],
    [
      () => svc.h.setStore('secretStores', 'rollgate_secrets', { ROLLGATE_COOKIE_SECRET: 'short', ROLLGATE_OVERRIDE_SECRET: 'o'.repeat(20) }),
      'secret ROLLGATE_COOKIE_SECRET is shorter than 16 characters',
    ],
    [() => svc.h.setConfig('rollgate_config', 'ROLLGATE_COOKIE_MAX_AGE_S', '1e3'), 'ROLLGATE_COOKIE_MAX_AGE_S must be an integer in [60, 63072000], got "1e3"'],
    [() => svc.h.setConfig('rollgate_config', 'ROLLGATE_COOKIE_MAX_AGE_S', '59'), 'ROLLGATE_COOKIE_MAX_AGE_S must be an integer in [60, 63072000], got "59"'],
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
  }
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
});

test('a canary that answers 5xx is passed through unchanged, never hidden', async () => {
  const r = await get('/status/503');
  assert.deepEqual([r.status, r.arm, r.fallback, r.body.origin], [503, 'canary', null, 'canary']);
});

test('an unreachable stable origin gives 502', async () => {
  svc.h.setConfig('rollgate_state', 'default', JSON.stringify(rolloutState(0)));
  svc.h.setBackend('stable', await deadUrl());
  const r = await get();
  assert.deepEqual([r.status, r.arm, r.text], [502, 'stable', 'upstream unreachable']);
});

test('internal paths are 404 from outside and never proxied; the control API is not connected yet', async () => {
  const before = svc.stable.hits + svc.canary.hits;
  assert.equal((await get('/__rollgate/internal/state')).status, 404);
  assert.equal((await get('/__rollgate/internal/report', { method: 'POST', body: '{}' })).status, 404);
  assert.equal((await get('/__rollgate/status')).status, 503);
  assert.equal(svc.stable.hits + svc.canary.hits, before);
});
