// A page behind the edge uses the package and the OpenFeature web provider, and sees flag changes
// live, with no reload. workerd runs edge/cloudflare in front of a local origin that serves the
// page (with the configuration inlined as its bootstrap, as a server-rendered page would) and the
// package's files; the page's FlagSource polls the worker's own /__rollgate/flags. Proves: the
// first paint already shows the bootstrap's value (no flash of the default); a configuration
// stored with PUT /__rollgate/flags reaches the page within the worker's TTL plus the page's
// interval, with PROVIDER_CONFIGURATION_CHANGED; under a guarded flag rollout the page's exposure
// (sendBeacon with its signed cookie) is counted once, in the flag's arm; the rollout rolled back
// by the coordinator (coverage 0) reaches the page the same way. Everything started is stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { root, CHROMIUM, CHROMIUM_ARGS } from './helpers.mjs';

const h = await import(join(root, 'tests', 'edge', 'support', 'harness.mjs'));
h.requireRuntime();
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core');
const ctx = { boot: null };
const TTL = 300; // the worker's flag cache
const INTERVAL = 200; // the page's poll interval

const flag = (coverage) => ({
  schemaVersion: 1,
  flags: [{
    key: 'new-checkout',
    variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
    defaultVariation: 'off',
    fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage } },
  }],
});

const PAGE = (boot) => `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports": {
  "@openfeature/core": "/node_modules/@openfeature/core/dist/esm/index.js",
  "@openfeature/web-sdk": "/node_modules/@openfeature/web-sdk/dist/esm/index.js"}}</script>
<script>window.__BOOT__ = ${JSON.stringify(boot)};</script>
</head><body><p id="flag">(not rendered)</p>
<script type="module">
import { RollgateWebProvider } from '/dist/openfeature-browser.js';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
window.__log = [];
const provider = new RollgateWebProvider({ source: { url: '/__rollgate/flags', bootstrap: window.__BOOT__, intervalMs: ${INTERVAL}, exposures: '/__rollgate/exposures', exposureFlushMs: 200 } });
await OpenFeature.setContext({ targetingKey: 'page-user-1' });
await OpenFeature.setProviderAndWait(provider);
const client = OpenFeature.getClient();
const render = () => {
  const v = client.getBooleanValue('new-checkout', 'DEFAULT');
  document.getElementById('flag').textContent = String(v);
  window.__log.push({ at: Date.now(), value: v });
};
client.addHandler(ProviderEvents.ConfigurationChanged, render);
render();
document.body.dataset.ready = 'true';
</script></body></html>`;

/** The origin: the page, the package (dist/) and the SDK's ES modules; everything else 404. */
function startSite() {
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE(ctx.boot));
      return;
    }
    const file = normalize(join(root, path));
    const allowed = (path.startsWith('/dist/') || path.startsWith('/node_modules/@openfeature/')) && file.startsWith(root);
    if (!allowed || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.slice(path.lastIndexOf('.'))] || 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

before(async () => {
  h.buildWorker();
  ctx.site = await startSite();
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    services: [{ name: 'edge', port: ctx.port }],
    vars: h.baseVars(ctx.site.url, { ROLLGATE_FLAGS_TTL_MS: String(TTL), ROLLGATE_STATE_TTL_MS: String(TTL) }),
  });
  ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
});

after(async () => {
  await ctx.browser?.close();
  await ctx.workerd?.stop();
  await new Promise((r) => (ctx.site ? ctx.site.server.close(r) : r()));
});

const put = (config) => h.admin(ctx.port, 'PUT', 'flags', config);
const shown = (page) => page.evaluate(() => document.getElementById('flag').textContent);

test('the page sees a stored configuration change live, then a guarded rollout rolled back to coverage 0', { timeout: 90_000 }, async () => {
  assert.equal((await put(flag(100))).status, 200);
  ctx.boot = (await (await fetch(`http://127.0.0.1:${ctx.port}/__rollgate/flags`)).json());
  const page = await ctx.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${ctx.port}/page.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  // The first render is the bootstrap's value: never the default.
  const first = await page.evaluate(() => window.__log[0].value);
  assert.equal(first, true);

  // A new configuration, stored at the edge: the page changes without a reload.
  let t0 = Date.now();
  assert.equal((await put(flag(0))).status, 200);
  await page.waitForFunction(() => document.getElementById('flag').textContent === 'false', null, { timeout: 10_000 });
  const toOff = Date.now() - t0;
  console.log(`# stored change → page: ${toOff} ms (bound: ${TTL} ms worker TTL + ${INTERVAL} ms page interval + a request)`);
  assert.ok(toOff <= TTL + INTERVAL + 1500, `${toOff} ms`);

  // A guarded flag rollout serves the variation at its stage's percentage (100 here)...
  assert.equal((await put(flag(0))).status, 200);
  const plan = h.testPlan({ minDurationMs: 3_600_000, percents: [100] });
  plan.stages = [{ name: 'all', percent: 100, minDurationMs: 3_600_000, maxDurationMs: 7_200_000, gates: ['errorRate', 'latency'] }];
  const started = await h.admin(ctx.port, 'POST', 'start', { id: 'page-flag', target: { flag: 'new-checkout', variation: 'on' }, plan, evaluationIntervalMs: 250 });
  assert.equal(started.status, 200, started.text);
  await page.waitForFunction(() => document.getElementById('flag').textContent === 'true', null, { timeout: 10_000 });
  // The page's exposure (sendBeacon, its signed cookie) is counted in the arm the edge decides.
  const exposed = await h.until(async () => {
    const w = (await h.admin(ctx.port, 'GET', 'status')).body.metrics.window;
    return w.canary.exposures > 0 ? w : null;
  }, 10_000);
  assert.ok(exposed, `the page's exposure reached the coordinator (cookies: ${JSON.stringify(await page.context().cookies())})`);
  assert.equal(exposed.canary.exposures, 1);
  // ...and the coordinator's rollback sets its coverage to 0: the page follows, live.
  t0 = Date.now();
  const rolled = await h.admin(ctx.port, 'POST', 'rollback', { reason: 'test' });
  assert.equal(rolled.status, 200, rolled.text);
  await page.waitForFunction(() => document.getElementById('flag').textContent === 'false', null, { timeout: 10_000 });
  const rollbackMs = Date.now() - t0;
  console.log(`# rollback decision → page evaluations: ${rollbackMs} ms`);
  assert.ok(rollbackMs <= TTL + INTERVAL + 1500, `${rollbackMs} ms`);
  const served = await (await fetch(`http://127.0.0.1:${ctx.port}/__rollgate/flags`)).json();
  assert.equal(served.flags[0].fallthrough.rollout.coverage, 0);
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1, 'no reload');
  assert.deepEqual(errors, []);
  await page.close();
});
