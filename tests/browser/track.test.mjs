// The package's page helper in a real browser (issue 17 #4): a page served behind the edge
// imports track() from the package and reports a purchase; when the page is hidden the batch goes
// out with navigator.sendBeacon (a text/plain body, so no preflight), the worker takes the unit
// from the signed rg_unit cookie it minted when it served the page, and the coordinator counts
// the unit as converted, in the arm the page was served. workerd runs edge/cloudflare with
// ROLLGATE_EVENTS=purchase in front of a local origin serving the page and the package's files.
// Also: createTracker() refuses, with its id, where there is no edge to send to (no document).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { root, CHROMIUM, CHROMIUM_ARGS } from './helpers.mjs';

const h = await import(join(root, 'tests', 'edge', 'support', 'harness.mjs'));
h.requireRuntime();
const rg = await import(process.env.ROLLGATE_NODE_ENTRY ?? 'rollgate');
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core');
const ctx = {};

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body><p id="state">loading</p>
<script type="module">
import { track } from '/dist/browser.js';
window.__buy = (total) => track('purchase', total);
document.getElementById('state').textContent = 'ready';
</script></body></html>`;

/** The origin (stable and canary alike): the page and the package's dist/; everything else 404. */
function startSite() {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/shop.html') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
    const file = normalize(join(root, path));
    if (!path.startsWith('/dist/') || !file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(readFileSync(file));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

before(async () => {
  h.buildWorker();
  ctx.site = await startSite();
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({ services: [{ name: 'edge', port: ctx.port }], vars: h.baseVars(ctx.site.url, { ROLLGATE_EVENTS: 'purchase' }) });
  ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
});

after(async () => {
  await ctx.browser?.close();
  await ctx.workerd?.stop();
  await new Promise((r) => (ctx.site ? ctx.site.server.close(r) : r()));
});

test('track() in Chromium: batched, sent by sendBeacon when the page is hidden, counted for the unit in the arm it was served', { timeout: 90_000 }, async () => {
  const started = await h.admin(ctx.port, 'POST', 'start', { id: 'track', plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }), origins: { canary: ctx.site.url }, evaluationIntervalMs: 250 });
  assert.equal(started.status, 200, started.text);
  await new Promise((r) => setTimeout(r, 500)); // the worker's state TTL (400 ms)
  const shoppers = [];
  for (let i = 0; i < 6; i++) {
    const context = await ctx.browser.newContext();
    const page = await context.newPage();
    const beacons = [];
    page.on('request', (r) => r.url().endsWith('/__rollgate/events') && beacons.push({ type: r.resourceType(), method: r.method(), contentType: r.headers()['content-type'] }));
    const res = await page.goto(`http://127.0.0.1:${ctx.port}/shop.html`);
    const arm = res.headers()['x-rollgate-arm'];
    assert.ok(arm === 'stable' || arm === 'canary', `served arm ${arm}`);
    await page.waitForFunction(() => document.getElementById('state').textContent === 'ready');
    // Two purchases in one visit: one batch, one converted unit.
    await page.evaluate(() => { window.__buy(30); window.__buy(12.5); });
    assert.deepEqual(beacons, [], 'queued, not sent yet (the batch waits up to flushMs)');
    // The user switches tab: the page is hidden, the batch leaves with sendBeacon.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await h.until(async () => (beacons.length ? true : null), 5000, 50);
    assert.equal(beacons.length, 1, JSON.stringify(beacons));
    assert.equal(beacons[0].type, 'ping', 'sent by navigator.sendBeacon');
    assert.equal(beacons[0].method, 'POST');
    assert.match(beacons[0].contentType, /^text\/plain/);
    shoppers.push({ arm, context });
  }
  const want = { stable: 0, canary: 0 };
  for (const s of shoppers) want[s.arm]++;
  const st = await h.until(async () => {
    const s = (await h.admin(ctx.port, 'GET', 'status')).body;
    const got = (a) => s.metrics.window[a].units.purchase?.converted ?? 0;
    return got('stable') === want.stable && got('canary') === want.canary ? s : null;
  }, 10_000, 200);
  assert.ok(st, JSON.stringify((await h.admin(ctx.port, 'GET', 'status')).body.metrics.window));
  for (const a of ['stable', 'canary']) {
    const u = st.metrics.window[a].units.purchase;
    if (!want[a]) continue;
    assert.equal(u.exposed, want[a], `${a}: each page view exposed its unit`);
    assert.equal(u.sum, want[a] * 42.5, `${a}: the values of both purchases`);
  }
  assert.equal(st.counters.events.recorded, 12);
  assert.equal(st.counters.events.forged + st.counters.events.crossOrigin + st.counters.events.noUnit, 0);
  for (const s of shoppers) await s.context.close();
});

test('createTracker() where there is no page to send from is an explicit error with its id', async () => {
  await rg.init();
  assert.throws(() => rg.createTracker({ env: {} }), (e) => e.code === 'rollgate.metrics.010' && /behind the rollgate edge/.test(e.message));
});
