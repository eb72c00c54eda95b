// Edge suite: the dark launch holds at most the diff limit per shadowed request (issue 12 #3).
// The reproduction was 24 concurrent 10 MiB responses with a shadow origin answering after
// 8 s: workerd grew from 127 to 379 MiB, because `body.tee()` buffers the whole unread branch
// kept for the diff while the user's branch streams out, so the 1 MiB diff limit did not cap the
// copy waiting for the shadow. Scaled here to 16 concurrent 8 MiB responses and a shadow that
// answers after 3 s (before the fix: about 128 MiB more). Both kinds of response are covered:
// with a Content-Length above the limit (not shadowed at all) and chunked with no length (read
// up to the limit, then abandoned). Proves: workerd's RSS stays within a few diff limits of its
// baseline while the shadow is pending, users get every byte at once, and the samples are
// counted as skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 60000;
const ctx = {};
const MIB = 1024 * 1024;
const SIZE = 8 * MIB;
const CONCURRENT = 16;
const SHADOW_DELAY = 5000;
const LIMIT = MIB; // the default diff limit (shadow.maxBodyBytes)
// Above what proxying the same load unshadowed takes (the control), workerd may hold each pending
// sample's bounded buffer, as much again in the tee for a slow reader, and as much again of
// garbage not yet collected: 3 × 16 × 1 MiB (before the fix: +86 to +131 MiB and +211 to +256 MiB).
const ALLOWED_GROWTH_KB = (3 * CONCURRENT * LIMIT) / 1024;

const payload = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i);
const digest = createHash('sha256').update(payload).digest('hex');

async function bigOrigin() {
  const o = {};
  o.server = createServer((req, res) => {
    req.resume();
    if (req.url.startsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let off = 0; off < SIZE; off += 256 * 1024) res.write(payload.subarray(off, off + 256 * 1024));
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZE) });
      res.end(payload);
    }
  });
  await new Promise((r) => o.server.listen(0, '127.0.0.1', r));
  o.url = `http://127.0.0.1:${o.server.address().port}`;
  o.close = () => new Promise((r) => { o.server.closeAllConnections?.(); o.server.close(() => r()); });
  return o;
}

before(async () => {
  h.buildWorker();
  ctx.stable = await bigOrigin();
  ctx.canary = await bigOrigin();
  ctx.shadow = await h.startOrigin('shadow', { delayMs: SHADOW_DELAY });
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({ services: [{ name: 'edge', port: ctx.port }], vars: h.baseVars(ctx.stable.url) });
  const r = await h.admin(ctx.port, 'POST', 'start', {
    id: 'big',
    origins: { canary: ctx.canary.url, shadow: ctx.shadow.url },
    plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }),
    shadow: { sampleRate: 1, noiseRate: 0 },
    evaluationIntervalMs: 60000,
  });
  assert.equal(r.status, 200, r.text);
  // Warm the isolate (WebAssembly, state cache, a small shadowed request), then the control: the
  // same load unshadowed (POST is not a shadowed method), which is what proxying alone takes.
  for (let i = 0; i < 3; i++) await h.get(ctx.port, '/warm');
  ctx.baselineKb = ctx.workerd.rssKb();
  let control = 0;
  for (const path of ['/sized', '/chunked']) {
    const { bodies, peakKb } = await fetchAll(path, 'POST', 0);
    assert.ok(bodies.every((b) => b.status === 200 && b.sha === digest));
    control = Math.max(control, peakKb);
  }
  ctx.controlKb = control;
});

after(async () => {
  await ctx.workerd?.stop();
  for (const o of [ctx.stable, ctx.canary, ctx.shadow]) await o?.close();
});

const status = async () => (await h.admin(ctx.port, 'GET', 'status')).body;

/** CONCURRENT requests at once, read whole; the peak RSS until `waitMs` after they started. */
async function fetchAll(path, method = 'GET', waitMs = SHADOW_DELAY - 500) {
  let peak = ctx.workerd.rssKb();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, ctx.workerd.rssKb() || 0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const t0 = Date.now();
  const bodies = await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const r = await fetch(`http://127.0.0.1:${ctx.port}${path}?i=${i}`, { method, headers: { 'x-user-id': `big-${i}` } });
      const buf = Buffer.from(await r.arrayBuffer());
      return { status: r.status, ms: Date.now() - t0, length: buf.length, sha: createHash('sha256').update(buf).digest('hex') };
    }),
  );
  // Keep sampling while every shadow request is still pending.
  await new Promise((r) => setTimeout(r, Math.max(0, waitMs - (Date.now() - t0))));
  sampling = false;
  await sampler;
  return { bodies, peakKb: peak };
}

for (const [kind, path] of [['a Content-Length above the limit', '/sized'], ['no length (chunked)', '/chunked']]) {
  test(`issue 12 #3: shadowed responses with ${kind} hold at most the diff limit each while the shadow is pending`, { timeout }, async () => {
    const before = await status();
    const skippedBefore = before.metrics.total.stable.shadow.skipped + before.metrics.total.canary.shadow.skipped;
    const { bodies, peakKb } = await fetchAll(path);
    for (const b of bodies) {
      assert.equal(b.status, 200);
      assert.equal(b.length, SIZE);
      assert.equal(b.sha, digest, 'the user gets every byte, unchanged');
      assert.ok(b.ms < SHADOW_DELAY - 500, `a response took ${b.ms} ms: it waited for the shadow`);
    }
    const growth = peakKb - ctx.controlKb;
    const mib = (kb) => (kb / 1024).toFixed(1);
    console.log(`# ${kind}: workerd RSS ${mib(ctx.baselineKb)} MiB warm, ${mib(ctx.controlKb)} MiB peak unshadowed, ${mib(peakKb)} MiB peak with ${CONCURRENT} × ${SIZE / MIB} MiB shadowed (+${mib(growth)} MiB)`);
    assert.ok(growth < ALLOWED_GROWTH_KB, `workerd grew by ${mib(growth)} MiB over the unshadowed load (allowed ${mib(ALLOWED_GROWTH_KB)} MiB)`);
    // Each of them was a sample too large to diff: counted as skipped, not compared.
    const st = await h.until(async () => {
      const s = await status();
      const t = s.metrics.total;
      return t.stable.shadow.skipped + t.canary.shadow.skipped - skippedBefore >= CONCURRENT ? s : null;
    }, SHADOW_DELAY + 5000, 200);
    assert.ok(st, 'the oversized samples are counted as skipped');
  });
}
