// Edge suite, part 3: dark launch. The worker sends every safe request (sample rate 1 here) also
// to a shadow origin inside ctx.waitUntil and diffs the shadow's answer against the served one
// with rollgate's diff and mismatch report. The shadow origin answers 1.5 s late, with a
// different `requestId` on every response (which stable does too: noise) and, under /priced, a
// different price (a real mismatch). Each shadowed request also goes a second time to stable, the
// noise sample (Diffy's primary/secondary/candidate). Proves: responses are neither changed nor
// delayed by the shadow; only safe methods are shadowed; mismatches are counted per field and the
// noisy field is learned as noise while the real difference is reported as real.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 60000; // per test; workerd itself is killed by the harness after 110 s
const ctx = {};
const SHADOW_DELAY = 1500;

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary');
  // Pretends to be stable (same body shape and labels) so only the planted differences remain.
  ctx.shadow = await h.startOrigin('shadow', { label: 'stable', delayMs: SHADOW_DELAY, price: 12 });
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({ services: [{ name: 'edge', port: ctx.port }], vars: h.baseVars(ctx.stable.url) });
  const r = await h.admin(ctx.port, 'POST', 'start', {
    id: 'shadow',
    origins: { canary: ctx.canary.url, shadow: ctx.shadow.url },
    plan: h.testPlan({ minDurationMs: 3600000, percents: [10, 100] }),
    shadow: { sampleRate: 1, noiseRate: 1, diff: { headers: { ignore: ['date'] } } },
    evaluationIntervalMs: 60000,
  });
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  await ctx.workerd?.stop();
  for (const o of [ctx.stable, ctx.canary, ctx.shadow]) await o?.close();
});

const status = async () => (await h.admin(ctx.port, 'GET', 'status')).body;

test('shadow requests neither change nor delay the served response', { timeout }, async () => {
  // Stable users only (found by header), so every comparison lands in the stable arm's report.
  const users = [];
  for (let i = 0; users.length < 30 && i < 300; i++) {
    const r = await h.get(ctx.port, '/probe', { 'x-user-id': `sh-${i}` });
    if (r.arm === 'stable') users.push(`sh-${i}`);
  }
  // Every GET is shadowed: the stable arm's report will hold the stable probes and the 60 below.
  ctx.stableShadowed = users.length + 60;
  const before = ctx.shadow.seen.length;
  const res = await h.pool(60, 10, (i) => h.get(ctx.port, i % 2 ? '/same' : '/priced', { 'x-user-id': users[i % users.length] }));
  for (const r of res) {
    assert.equal(r.status, 200);
    assert.equal(r.arm, 'stable');
    assert.equal(r.body.origin, 'stable');
    assert.equal(r.body.price, 10, 'the served price is stable\'s, never the shadow\'s');
    assert.match(r.body.requestId, /^stable-/);
    assert.equal(r.headers.get('x-origin'), 'stable');
    assert.ok(r.ms < SHADOW_DELAY - 300, `a response took ${r.ms.toFixed(0)} ms: it waited for the shadow`);
  }
  const ms = res.map((r) => r.ms).sort((a, b) => a - b);
  assert.ok(ms[Math.floor(ms.length / 2)] < SHADOW_DELAY / 3, `median ${ms[Math.floor(ms.length / 2)]} ms`);
  // Every request was shadowed (sample rate 1), marked as such, after the user had the answer;
  // stable got each a second time, marked as the noise sample.
  const shadowed = await h.until(() => ctx.shadow.seen.length - before >= 60, SHADOW_DELAY + 4000);
  assert.ok(shadowed, `shadow saw ${ctx.shadow.seen.length - before} of 60`);
  assert.ok(ctx.shadow.seen.slice(before).every((s) => s.headers['x-rollgate-shadow'] === 'candidate'));
  assert.ok(ctx.stable.seen.filter((s) => s.headers['x-rollgate-shadow'] === 'secondary').length >= 60);
});

test('only safe methods are shadowed', { timeout }, async () => {
  const before = ctx.shadow.seen.length;
  for (let i = 0; i < 10; i++) {
    const r = await fetch(`http://127.0.0.1:${ctx.port}/write`, { method: 'POST', body: `payload-${i}`, headers: { 'x-user-id': 'writer' } });
    const body = await r.json();
    assert.equal(body.echo, `payload-${i}`, 'the request body is streamed to the origin');
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ctx.shadow.seen.slice(before).filter((s) => s.method === 'POST').length, 0);
});

test('mismatches are counted per field and the noisy field is learned as noise', { timeout }, async () => {
  // 30 /priced + 30 /same comparisons from the first test (plus the probes), each with a second
  // request to stable (noise), flushed after the shadow answered.
  const st = await h.until(async () => {
    const s = await status();
    const a = s.metrics.total.stable.shadow;
    return a.compared >= ctx.stableShadowed ? s : null;
  }, 8000, 200);
  assert.ok(st, 'comparisons reached the coordinator');
  assert.equal(st.metrics.total.stable.shadow.compared, ctx.stableShadowed);
  const sh = st.metrics.total.stable.shadow;
  assert.equal(sh.failed, 0);
  assert.equal(sh.equal, 0, 'requestId differs on every response');
  assert.equal(sh.noise, sh.compared, 'noiseRate 1: every comparison has its noise sample');
  assert.ok(st.mismatches.total.stable, 'the merged mismatch report is in the status');
  const verdicts = st.mismatchVerdicts.total.stable;
  assert.ok(Array.isArray(verdicts), JSON.stringify(verdicts));
  const verdict = Object.fromEntries(verdicts.map((v) => [v.field, v]));
  const price = verdict['/body/price'];
  const requestId = verdict['/body/requestId'];
  assert.ok(price && requestId, `fields: ${Object.keys(verdict).join(', ')}`);
  // The price differs only between stable and the shadow (the 30 /priced of the comparisons):
  assert.equal(price.differed, 30, JSON.stringify(price));
  assert.equal(price.comparisons, ctx.stableShadowed);
  assert.equal(price.noiseDiffered, 0);
  assert.equal(price.real, true, 'a difference the old path never shows is real');
  // requestId differs in every comparison, and ALSO between two answers of stable: noise.
  assert.equal(requestId.differed, ctx.stableShadowed);
  assert.equal(requestId.noiseDiffered, ctx.stableShadowed);
  assert.equal(requestId.real, false, 'a field that differs on its own is learned as noise');
});
