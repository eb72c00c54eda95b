// Counting on Fastly, as metrics.js counts on Cloudflare: each request's instance flushes one
// summary in the wire format of docs/edge.md ("internal/report") to the coordinator (here a
// stand-in that keeps them). Proves: per arm, requests, status classes, errors and new units
// equal what the clients saw; overridden requests are kept out of the arms and counted as
// overrides; forged cookies and tokens are counted; the latency sketches are the core's, merge
// in the package, and hold one value per request; every flush names this Fastly node as its
// isolate and has a unique batch id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as engine from '../../edge/cloudflare/src/engine.js';
import * as cf from '../../edge/cloudflare/src/crypto.js';
import { Accumulator } from '../../edge/cloudflare/src/metrics.js';
import { startService, OVERRIDE_SECRET } from './support/fixtures.mjs';
import { loadSelftest } from './support/selftest.mjs';

await engine.initEngine();
test('a flush is field for field what a Cloudflare isolate sends for the same request (metrics.js take())', () => {
  const st = loadSelftest();
  for (const [status, ms, canary] of [[200, 12.5, false], [503, 80, true], [0, 3, true], [404, 0, false]]) {
    const acc = new Accumulator();
    acc.recordRequest('checkout-v2', 3, canary ? 'canary' : 'stable', status, ms, true);
    const want = acc.take();
    const got = st.flush(status, ms, canary);
    for (const k of ['isolate', 'batch', 'sentAt']) {
      assert.equal(typeof got[k], typeof want[k], k);
      delete got[k];
      delete want[k];
    }
    assert.deepEqual(got, want, `status ${status}, ${ms} ms, ${canary ? 'canary' : 'stable'}`);
  }
});

let svc;
before(async () => {
  svc = await startService({ coverage: 30000, options: { workers: 4, pop: 'FRA', hostname: 'cache-fra-001' } });
});
after(async () => {
  await svc?.close();
});

test('per arm: requests, status classes, errors and new units equal what the clients saw', async () => {
  const token = await cf.signOverride(OVERRIDE_SECRET, 'canary', Math.floor(Date.now() / 1000) + 600);
  const want = { stable: { requests: 0, newUnits: 0, errors: 0, s2: 0, s4: 0, s5: 0 }, canary: { requests: 0, newUnits: 0, errors: 0, s2: 0, s4: 0, s5: 0 } };
  let overrides = 0;
  let tampered = 0;
  const paths = ['/', '/status/404', '/status/503', '/x'];
  const t0 = Date.now();
  for (let i = 0; i < 200; i++) {
    const headers = {};
    const kind = i % 5;
    if (kind === 0 || kind === 1) headers['x-user-id'] = `cnt-${i}`;
    if (kind === 3) headers.cookie = 'rg_unit=forged.AAAA';
    if (kind === 4 && i % 10 === 4) headers['x-rollgate-override'] = token;
    const path = paths[i % paths.length];
    const r = await fetch(svc.url + path, { headers });
    await r.arrayBuffer();
    if (headers['x-rollgate-override']) {
      overrides++;
      assert.equal(r.headers.get('x-rollgate-arm'), 'canary');
    } else {
      const a = want[r.headers.get('x-rollgate-arm')];
      a.requests++;
      if (r.headers.get('set-cookie')) a.newUnits++;
      if (r.status >= 500) a.errors++;
      a[`s${Math.floor(r.status / 100)}`]++;
    }
    if (kind === 3) tampered++;
  }
  const flushes = await svc.reports();
  assert.equal(flushes.length, 200, 'one flush per request');
  const got = { stable: { requests: 0, newUnits: 0, errors: 0, s2: 0, s4: 0, s5: 0 }, canary: { requests: 0, newUnits: 0, errors: 0, s2: 0, s4: 0, s5: 0 } };
  const counters = { overrides: 0, tamperedCookies: 0 };
  const ids = new Set();
  for (const f of flushes) {
    assert.equal(f.isolate, 'fastly:FRA:cache-fra-001');
    // A source of one batch (coordinator/dedupe.js: "<source>:<seq>", source at most 64 chars).
    assert.match(f.batch, /^fastly-[0-9a-f]{32}:1$/);
    ids.add(f.batch);
    assert.ok(f.sentAt >= t0 && f.sentAt <= Date.now());
    assert.deepEqual(Object.keys(f.counters.failOpen), ['settings', 'coordinator', 'state', 'evaluation', 'internal']);
    counters.overrides += f.counters.overrides;
    counters.tamperedCookies += f.counters.tamperedCookies;
    for (const w of f.windows) {
      assert.deepEqual([w.rollout, w.window], ['checkout-v2', 1]);
      for (const arm of ['stable', 'canary']) {
        const a = w.arms[arm];
        assert.deepEqual(Object.keys(a), ['requests', 'newUnits', 'statuses', 'errors', 'networkErrors', 'latency', 'mismatches', 'shadow', 'exposures', 'timing', 'units']);
        got[arm].requests += a.requests;
        got[arm].newUnits += a.newUnits;
        got[arm].errors += a.errors;
        got[arm].s2 += a.statuses['2xx'];
        got[arm].s4 += a.statuses['4xx'];
        got[arm].s5 += a.statuses['5xx'];
      }
    }
  }
  assert.equal(ids.size, 200, 'batch ids are unique');
  assert.deepEqual(got, want);
  assert.deepEqual(counters, { overrides, tamperedCookies: tampered });
  assert.ok(want.canary.requests > 20 && want.stable.requests > 80, JSON.stringify(want));
  // An overridden request flushes no window at all (it is not a random sample).
  assert.equal(flushes.filter((f) => f.windows.length === 0).length, overrides);
});

test('latency sketches are the core\'s: each flush\'s one value, and they merge into one sketch of all', async () => {
  svc.coordinator.reports.length = 0;
  for (let i = 0; i < 40; i++) await (await fetch(`${svc.url}/${i % 2 ? 'slow' : 'fast'}`, { headers: { 'x-user-id': `lat-${i}` } })).arrayBuffer();
  const flushes = await svc.reports();
  const sketches = flushes.flatMap((f) => f.windows.flatMap((w) => [w.arms.stable.latency, w.arms.canary.latency])).filter(Boolean);
  assert.equal(sketches.length, 40, 'one sketch per request, in the arm that served it');
  const merged = engine.sketchFromWire(sketches[0]);
  try {
    for (const w of sketches.slice(1)) {
      const s = engine.sketchFromWire(w);
      assert.equal(s.count, 1);
      merged.merge(s);
      engine.freeSketch(s);
    }
    const sum = engine.sketchSummary(merged);
    assert.equal(sum.count, 40);
    assert.ok(sum.min > 0 && sum.max < 5000, JSON.stringify(sum));
  } finally {
    engine.freeSketch(merged);
  }
});
