// End to end: the dashboard polls a real edge coordinator. workerd runs edge/cloudflare (the
// worker and its coordinator Durable Object, through the edge suite's harness in
// tests/edge/support/harness.mjs) in front of two local origins; we start a rollout, send traffic
// (the canary is slower), and the dashboard in Chromium polls GET /__rollgate/status with the
// bearer token. The decision it shows must be what the package decides in Node for the same
// window (the stage's config judged on the snapshot's counts and latency sketches). Skipped when
// workerd or the package is not installed (the harness says why). Everything started is stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDashboard, root, outDir } from './helpers.mjs';

const h = await import(join(root, 'tests', 'edge', 'support', 'harness.mjs'));
const rg = await import(process.env.ROLLGATE_NODE_ENTRY ?? 'rollgate');
h.requireRuntime();
const ctx = {};

before(async () => {
  await rg.init();
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary', { delayMs: 25 });
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    services: [{ name: 'edge', port: ctx.port }],
    vars: h.baseVars(ctx.stable.url, { ROLLGATE_CORS_ORIGIN: '*' }),
  });
  ctx.env = await openDashboard();
});

after(async () => {
  await ctx.env?.close();
  await ctx.workerd?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
});

test('the dashboard polls a live coordinator and shows its rollout and the package decision', { timeout: 90_000 }, async () => {
  // A plan whose first stage holds for an hour: the rollout stays in stage 0 at 50%.
  const plan = h.testPlan({ minDurationMs: 3_600_000, percents: [50, 100] });
  const started = await h.admin(ctx.port, 'POST', 'start', { id: 'dashboard-e2e', plan, origins: { canary: ctx.canary.url }, evaluationIntervalMs: 250 });
  assert.equal(started.status, 200, started.text);
  await new Promise((r) => setTimeout(r, 500)); // the worker's state cache (ROLLGATE_STATE_TTL_MS)
  await h.pool(240, 8, (i) => h.get(ctx.port, '/item', { 'x-user-id': `dash-${i}` }));
  // Wait until the coordinator has merged the traffic and judged the window at least once.
  const snap = await h.until(async () => {
    const s = (await h.admin(ctx.port, 'GET', 'status')).body;
    const w = s?.metrics?.window;
    return w && w.stable.requests + w.canary.requests === 240 && s.lastAnalysis ? s : null;
  }, 15_000);
  assert.ok(snap, 'the coordinator judged the window');

  const { page, url } = ctx.env;
  await page.goto(`${url}#data`);
  await page.waitForSelector('body[data-loaded="true"]');
  await page.fill('#poll-url', `http://127.0.0.1:${ctx.port}/__rollgate/status`);
  await page.fill('#poll-token', h.TOKEN);
  await page.fill('#poll-every', '2');
  await page.click('#poll-start');
  await page.waitForFunction(() => /ok/.test(document.getElementById('poll-status').textContent), null, { timeout: 15_000 });
  await page.click('#poll-stop');
  const polled = await page.evaluate(() => window.__dashboard.state.status.raw);

  // What the package decides in Node for the snapshot the page polled.
  const stage = polled.state.stage;
  const config = rg.stageCanaryConfig(polled.rollout.plan, stage);
  const arm = (a) => {
    const m = { errorRate: { events: polled.metrics.window[a].errors, total: polled.metrics.window[a].requests } };
    if (polled.sketches?.window?.[a]) m.latency = polled.sketches.window[a];
    return { metrics: m };
  };
  const expected = rg.judge(config, arm('stable'), arm('canary'));

  await page.click('[role="tab"][data-view="rollout"]');
  assert.equal(await page.getAttribute('#decision', 'data-decision'), expected.decision);
  const where = await page.textContent('#rollout-where');
  assert.match(where, new RegExp(`${stage} \\(${plan.stages[stage].name}\\)`));
  assert.match(where, /running/);
  assert.match(where, /50%/);
  await page.screenshot({ path: join(outDir, 'rollout-edge-live.png'), fullPage: true });

  // The canary view: the latency distributions come from the coordinator's merged sketches.
  await page.click('[role="tab"][data-view="canary"]');
  await page.waitForSelector('#metric-cards article[data-metric="latency"] canvas');
  for (const m of expected.metrics) {
    const card = `#metric-cards article[data-metric="${m.name}"]`;
    assert.equal((await page.textContent(`${card} [data-role="classification"]`)).trim(), m.classification);
  }
  await page.screenshot({ path: join(outDir, 'canary-edge-live.png'), fullPage: true });
  assert.deepEqual(ctx.env.consoleErrors, []);
});
