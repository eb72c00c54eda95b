// The dark launch on Fastly, the scenarios of tests/edge/shadow.test.mjs: every safe request
// (sample rate 1) is also sent to a shadow backend that answers 1.5 s late, with a `requestId`
// that differs on every answer (stable's too: noise) and, under /priced, another price (a real
// mismatch), and each is re-sent to stable for the noise sample. The service runs the shadow
// after the client has the whole response and flushes the comparison with the request's
// summary. Proves: responses are neither changed nor delayed; only safe methods (and no
// overridden request) are shadowed; the flushes hold core mismatch reports that merge, and
// judged together they call /body/price real and /body/requestId noise; bodies above the limit
// are skipped; a late, unreachable or misconfigured shadow is a failed comparison, never the
// user's problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as engine from '../../edge/cloudflare/src/engine.js';
import * as cf from '../../edge/cloudflare/src/crypto.js';
import { startOrigin } from '../edge/support/harness.mjs';
import { startFastly } from './support/harness.mjs';
import { startCoordinator } from './support/coordinator.mjs';
import { deadUrl } from './support/origins.mjs';
import { rolloutState, secrets, OVERRIDE_SECRET } from './support/fixtures.mjs';

await engine.initEngine();
const SHADOW_DELAY = 1500;
const ctx = {};

const shadowState = (shadow = {}) =>
  rolloutState(0, {
    origins: { stable: 'https://stable.internal', canary: 'https://canary.internal', shadow: 'https://next.internal' },
    shadow: { sampleRate: 1, noiseRate: 1, methods: ['GET', 'HEAD'], diff: { headers: { ignore: ['date'] } }, maxBodyBytes: 1048576, ...shadow },
  });

before(async () => {
  ctx.stable = await startOrigin('stable');
  ctx.canary = await startOrigin('canary');
  // Pretends to be stable (same body shape and labels) so only the planted differences remain.
  ctx.shadow = await startOrigin('shadow', { label: 'stable', delayMs: SHADOW_DELAY, price: 12 });
  ctx.coordinator = await startCoordinator();
  ctx.coordinator.state = shadowState();
  // Compute runs one instance per request however many are waiting on their shadow: the
  // harness needs as many workers as requests in flight.
  ctx.h = await startFastly({
    backends: { stable: ctx.stable.url, canary: ctx.canary.url, shadow: ctx.shadow.url, coordinator: ctx.coordinator.url },
    configStores: { rollgate_config: {} },
    secretStores: secrets(),
    workers: 12,
  });
});

after(async () => {
  await ctx.h?.close();
  for (const o of [ctx.stable, ctx.canary, ctx.shadow, ctx.coordinator]) await o?.close();
});

function setState(state) {
  ctx.coordinator.state = state;
  ctx.h.purgeCache();
}

async function get(path, headers = {}, method = 'GET') {
  const t0 = performance.now();
  const r = await fetch(ctx.h.url + path, { method, headers });
  const text = await r.text();
  const ms = performance.now() - t0;
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: r.status, arm: r.headers.get('x-rollgate-arm'), headers: r.headers, body, ms };
}

/** Flushes sent since `from`, once every instance (and so every shadow) has finished. */
async function flushesSince(from) {
  await ctx.h.idle();
  return ctx.coordinator.reports.slice(from);
}

const stableArms = (flushes) => flushes.flatMap((f) => f.windows.map((w) => w.arms.stable));
const sumShadow = (arms) => {
  const t = { sent: 0, compared: 0, equal: 0, noise: 0, failed: 0, skipped: 0 };
  for (const a of arms) for (const k of Object.keys(t)) t[k] += a.shadow[k];
  return t;
};

test('shadow requests neither change nor delay the served response, and every comparison is flushed', async () => {
  const from = ctx.coordinator.reports.length;
  const beforeShadow = ctx.shadow.seen.length;
  const res = [];
  for (let round = 0; round < 6; round++) {
    res.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => get(i % 2 ? '/same' : '/priced', { 'x-user-id': `sh-${round}-${i}` })))));
    // The harness has 12 workers for instances (Compute has no such limit): let this round's
    // instances finish their shadows before the next round needs workers.
    await ctx.h.idle();
  }
  for (const r of res) {
    assert.equal(r.status, 200);
    assert.equal(r.arm, 'stable');
    assert.equal(r.body.origin, 'stable');
    assert.equal(r.body.price, 10, "the served price is stable's, never the shadow's");
    assert.match(r.body.requestId, /^stable-/);
    assert.equal(r.headers.get('x-origin'), 'stable');
    assert.ok(r.ms < SHADOW_DELAY - 300, `a response took ${r.ms.toFixed(0)} ms: it waited for the shadow`);
  }
  const flushes = await flushesSince(from);
  assert.equal(flushes.length, 60, 'one flush per request, sent after its shadow');
  // Every request was shadowed, marked as such; stable got each a second time, marked as the
  // noise sample, with no x-forwarded-host or arm header (as worker.js sends them).
  const shadowSeen = ctx.shadow.seen.slice(beforeShadow);
  assert.equal(shadowSeen.length, 60);
  assert.ok(shadowSeen.every((s) => s.headers['x-rollgate-shadow'] === 'candidate' && s.headers['x-user-id'] && !s.headers['x-rollgate-arm']));
  const secondaries = ctx.stable.seen.filter((s) => s.headers['x-rollgate-shadow'] === 'secondary' && s.path !== '/probe');
  assert.ok(secondaries.length >= 60, `${secondaries.length} secondary requests`);
  const sh = sumShadow(stableArms(flushes));
  assert.deepEqual(sh, { sent: 60, compared: 60, equal: 0, noise: 60, failed: 0, skipped: 0 });
  ctx.flushes = flushes;
});

test('the flushed mismatch reports merge in the core, which calls /body/price real and /body/requestId noise', () => {
  const reports = stableArms(ctx.flushes).map((a) => a.mismatches);
  assert.ok(reports.every((m) => m && m.format === 'rollgate.mismatch_report'));
  const merged = engine.reportFromWire(reports[0]);
  try {
    for (const m of reports.slice(1)) {
      const r = engine.reportFromWire(m);
      merged.merge(r);
      engine.freeReport(r);
    }
    const verdict = Object.fromEntries(engine.reportVerdicts(merged).map((v) => [v.field, v]));
    const price = verdict['/body/price'];
    const requestId = verdict['/body/requestId'];
    assert.ok(price && requestId, `fields: ${Object.keys(verdict).join(', ')}`);
    assert.deepEqual([price.comparisons, price.differed, price.noiseDiffered, price.real], [60, 30, 0, true]);
    assert.deepEqual([requestId.differed, requestId.noiseDiffered, requestId.real], [60, 60, false]);
    assert.equal(verdict['/headers/date'], undefined, 'the rollout\'s diff options (date ignored) were used');
  } finally {
    engine.freeReport(merged);
  }
});

test('only safe methods are shadowed, and never a request with a QA override', async () => {
  const before = ctx.shadow.seen.length;
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${ctx.h.url}/write`, { method: 'POST', body: `payload-${i}`, headers: { 'x-user-id': 'writer' } });
    assert.equal((await r.json()).echo, `payload-${i}`, 'the request body is streamed to the origin');
  }
  const token = await cf.signOverride(OVERRIDE_SECRET, 'stable', Math.floor(Date.now() / 1000) + 600);
  assert.equal((await get('/same', { 'x-rollgate-override': token })).arm, 'stable');
  await ctx.h.idle();
  assert.equal(ctx.shadow.seen.length, before);
});

test('a body above the limit is not diffed (skipped); the user still gets all of it', async () => {
  setState(shadowState({ maxBodyBytes: 40 }));
  const from = ctx.coordinator.reports.length;
  const r = await get('/same', { 'x-user-id': 'big-1' });
  assert.equal(r.body.origin, 'stable');
  const sh = sumShadow(stableArms(await flushesSince(from)));
  assert.deepEqual(sh, { sent: 1, compared: 0, equal: 0, noise: 0, failed: 0, skipped: 1 });
  setState(shadowState());
});

test('a late, unreachable or misconfigured shadow is a failed comparison, logged, and costs the user nothing', async () => {
  const cases = [
    [() => ctx.h.setConfig('rollgate_config', 'ROLLGATE_SHADOW_TIMEOUT_MS', '300'), /did not answer within ROLLGATE_SHADOW_TIMEOUT_MS/],
    [async () => ctx.h.setBackend('shadow', await deadUrl()), /did not answer/],
    [() => setState(shadowState({ diff: { paths: [{ path: '/body', bogus: true }] } })), /^\[rollgate\.diff\.701\] \/paths\/0\/bogus: /],
    [() => setState(shadowState({ report: { maxPaths: 0 } })), /^\[rollgate\.diff\.703\] \/limits\/maxPaths: /],
    [() => setState(shadowState({ report: { maxPaths: 1.5 } })), /non-negative integers/],
  ];
  for (const [breakIt, why] of cases) {
    ctx.h.setStore('configStores', 'rollgate_config', {});
    ctx.h.setBackend('shadow', ctx.shadow.url);
    setState(shadowState());
    await breakIt();
    ctx.h.logs.length = 0;
    const from = ctx.coordinator.reports.length;
    const r = await get('/same', { 'x-user-id': 'fail-1' });
    assert.deepEqual([r.status, r.body.origin], [200, 'stable']);
    const sh = sumShadow(stableArms(await flushesSince(from)));
    assert.deepEqual([sh.sent, sh.failed, sh.compared], [1, 1, 0], String(why));
    const log = ctx.h.logs.find((l) => l.kind === 'shadow');
    assert.ok(log, 'logged');
    assert.match(log.why, why);
  }
  ctx.h.setStore('configStores', 'rollgate_config', {});
  ctx.h.setBackend('shadow', ctx.shadow.url);
  setState(shadowState());
});
