// The dashboard as the release engineer's console (issue 14), against a real coordinator: workerd
// runs edge/cloudflare (worker + coordinator Durable Object, tests/edge/support/harness.mjs) in
// front of two local origins. Covered, each checked in the coordinator's own status afterwards:
//  - the controls: start (risk profile, canary origin), pause, resume, rollback, a refused
//    command's error, read-only without a token;
//  - a rollback run end to end: 0% traffic, the evidence (the decisive window's numbers, as the
//    coordinator measured them), no stale verdict, no sample-ratio test of a 100:0 split;
//  - the history of rollouts, the per-metric series with the rollback window explained, CSV export
//    and a share link reopening the report;
//  - a coordinator that goes away is reported stale within the stated bound.
// ROLLGATE_DOCS_SCREENSHOT=1 also writes docs/img/console-*.png (npm run screenshots --prefix web).
// Skipped when workerd or the package is not installed (the harness says why).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openDashboard, root, outDir } from './helpers.mjs';
import { overflowingViews } from './narrow.mjs';
import { fmtCount, fmtPct } from '../../web/src/format.js';
import { reportCsv } from '../../web/src/export.js';

const h = await import(join(root, 'tests', 'edge', 'support', 'harness.mjs'));
h.requireRuntime();
const DOCS = process.env.ROLLGATE_DOCS_SCREENSHOT === '1';
const ctx = {};

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  // The canary fails a third of its requests and is slower: a critical errorRate failure.
  ctx.canary = await h.startOrigin('canary', { failRate: 0.35, delayMs: 40 });
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({ services: [{ name: 'edge', port: ctx.port }], vars: h.baseVars(ctx.stable.url, { ROLLGATE_CORS_ORIGIN: '*' }) });
  ctx.env = await openDashboard();
  ctx.env.page.on('dialog', (d) => (ctx.dialogs ??= []).push(d.message()) && d.accept());
});

after(async () => {
  ctx.traffic?.stop();
  await ctx.env?.close();
  await ctx.workerd?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
});

const status = async () => (await h.admin(ctx.port, 'GET', 'status')).body;

async function shot(name, docs) {
  const { page } = ctx.env;
  await page.screenshot({ path: join(outDir, `console-${name}.png`), fullPage: true });
  if (DOCS && docs) await page.screenshot({ path: join(root, 'docs', 'img', `console-${docs}.png`), fullPage: docs !== 'mobile' });
}

/** Background traffic until stop(): users dash-0, dash-1, … through the worker. */
function traffic() {
  let on = true;
  let i = 0;
  const run = async () => {
    while (on) {
      await h.pool(40, 8, () => h.get(ctx.port, '/item', { 'x-user-id': `dash-${i++}` }).catch(() => null));
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const done = run();
  return { stop: () => ((on = false), done) };
}

async function poll() {
  const { page, url } = ctx.env;
  await page.goto(`${url}#data`);
  await page.waitForSelector('body[data-loaded="true"]');
  await page.fill('#poll-url', `http://127.0.0.1:${ctx.port}/__rollgate/status`);
  await page.fill('#poll-token', h.TOKEN);
  await page.fill('#poll-every', '1');
  await page.click('#poll-start');
  await page.waitForFunction(() => /ok/.test(document.getElementById('poll-status').textContent), null, { timeout: 15_000 });
}

test('controls: read-only without a token, and saying why', async () => {
  const { page, url } = ctx.env;
  await page.goto(`${url}#rollout`);
  await page.waitForSelector('body[data-loaded="true"]');
  assert.equal(await page.isDisabled('#ctl-rollback'), true);
  assert.equal(await page.isDisabled('#ctl-start'), true);
  assert.match(await page.textContent('#controls-mode'), /Read-only/);
});

test('controls: start, pause, resume and roll back a real coordinator; each checked in its status', { timeout: 120_000 }, async () => {
  const { page } = ctx.env;
  await poll();
  await page.click('[role="tab"][data-view="rollout"]');
  assert.equal(await page.isDisabled('#ctl-start'), false);
  assert.doesNotMatch(await page.textContent('#controls-mode'), /Read-only/);
  // Start: the medium-risk default plan (long windows: it stays in stage 0), this canary origin.
  await page.fill('#ctl-id', 'console-controls');
  await page.selectOption('#ctl-plan', 'medium');
  await page.fill('#ctl-canary', ctx.canary.url);
  await page.fill('#ctl-every', '0.5');
  await page.click('#ctl-start');
  await page.waitForFunction(() => document.getElementById('ctl-result').dataset.ok === 'true', null, { timeout: 10_000 });
  let s = await status();
  assert.equal(s.rollout.id, 'console-controls');
  assert.equal(s.rollout.origins.canary, new URL(ctx.canary.url).origin);
  assert.equal(s.state.status, 'running');
  assert.match(ctx.dialogs.at(-1), /Start rollout console-controls/);
  assert.match(await page.textContent('#ctl-result'), /running/);
  // At a glance (issue 14 #7): a rollout that holds reads "Holding at …", not a big PASS; Where
  // names the rollout; the per-arm table gives each arm's requests per second of the live window.
  await page.waitForFunction(() => /^Holding at /.test(document.getElementById('rollout-headline').textContent.trim()), null, { timeout: 10_000 });
  assert.doesNotMatch(await page.textContent('#rollout-headline'), /PASS/);
  assert.match(await page.textContent('#rollout-where'), /Rolloutconsole-controls · plan /);
  await h.pool(60, 8, (i) => h.get(ctx.port, '/item', { 'x-user-id': `glance-${i}` }));
  await page.waitForFunction(() => /\d\/s$/.test(document.querySelector('#arms-table tbody tr[data-arm="stable"]')?.lastElementChild?.textContent ?? ''), null, { timeout: 10_000 });

  for (const [button, want, action] of [['#ctl-pause', 'paused', 'pause'], ['#ctl-resume', 'running', 'resume'], ['#ctl-rollback', 'rolledBack', 'rollback']]) {
    await page.fill('#ctl-reason', `console test: ${want}`);
    const n = ctx.dialogs.length;
    await page.click(button);
    await page.waitForFunction((w) => document.getElementById('ctl-result').textContent.includes(w), want === 'rolledBack' ? 'rolled back' : want, { timeout: 10_000 });
    assert.equal(ctx.dialogs.length, n + 1, 'the command asked for confirmation');
    s = await status();
    assert.equal(s.state.status, want, `after ${button}`);
    // (the coordinator may have evaluated since: its holds come after the command's entry)
    const last = s.history.filter((e) => e.actor === 'operator').at(-1);
    assert.equal(last.action, action);
    assert.deepEqual(last.reasons.some((r) => r.includes(`console test: ${want}`)), true, JSON.stringify(last.reasons));
  }
  if (DOCS) {
    await page.waitForFunction(() => /Rolled back/.test(document.getElementById('rollout-headline').textContent));
    await page.locator('#controls-card').screenshot({ path: join(root, 'docs', 'img', 'console-controls.png') });
  }
  // A command that does not apply: the coordinator's error, with the package's id, is shown.
  await page.click('#ctl-resume');
  await page.waitForFunction(() => document.getElementById('ctl-result').dataset.ok === 'false', null, { timeout: 10_000 });
  assert.match(await page.textContent('#ctl-result'), /HTTP 409.*rollgate\.plan\.614/);
  assert.equal((await status()).state.status, 'rolledBack');
});

test('a rollback end to end: 0% traffic, the decisive window as evidence, no stale verdict', { timeout: 120_000 }, async () => {
  const { page } = ctx.env;
  const plan = h.testPlan({ minDurationMs: 1500, percents: [50, 100] });
  const started = await h.admin(ctx.port, 'POST', 'start', { id: 'console-rollback', plan, origins: { canary: ctx.canary.url }, evaluationIntervalMs: 300 });
  assert.equal(started.status, 200, started.text);
  ctx.traffic = traffic();
  const s = await h.until(async () => ((await status())?.state?.status === 'rolledBack' ? status() : null), 60_000, 200);
  assert.ok(s, 'the coordinator rolled the canary back');
  await ctx.traffic.stop();
  // Let a poll read the final status (the page polls every second).
  await page.click('[role="tab"][data-view="rollout"]');
  await page.waitForFunction(() => /Rolled back/.test(document.getElementById('rollout-headline').textContent), null, { timeout: 10_000 });
  const final = await status();
  assert.equal(final.state.servingPercent, 0);
  const where = await page.textContent('#rollout-where');
  assert.match(where, /Traffic0%/);
  assert.match(where, /rolled back/);
  assert.doesNotMatch(where, /rolledBack/);
  assert.match(where, /no window runs/);
  // The evidence: the window the coordinator rolled back on, in its numbers.
  const w = final.series.filter((x) => x.action === 'rollback').at(-1);
  assert.ok(w, 'the series has the rollback window');
  const evidence = await page.textContent('[data-role="evidence-window"]');
  assert.ok(evidence.includes(`window ${w.window}`), evidence);
  assert.ok(evidence.includes(`canary ${fmtCount(w.canary.errors)} errors in ${fmtCount(w.canary.requests)} requests against ${fmtCount(w.stable.errors)} in ${fmtCount(w.stable.requests)}`), evidence);
  assert.match(await page.textContent('[data-role="evidence-metrics"]'), /errorRate/);
  // The plan marks the stage that rolled back; the timeline adds no "now" point after it.
  const rows = await page.$$eval('#plan-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.match(rows[final.state.stage], /rolled back here/);
  const hist = await page.$$eval('#history-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.match(hist.at(-1), /ROLLBACK/);
  // One row per run of equal decisions (a hold every evaluation is one row "×N", not N rows).
  const runs = final.history.filter((e, i, all) => i === 0 || ['action', 'verdict', 'stage', 'percent'].some((k) => e[k] !== all[i - 1][k])).length;
  assert.equal(hist.length, runs, `${hist.length} rows for ${final.history.length} entries`);
  assert.doesNotMatch(hist.join('\n'), /now/);
  // Hovering the chart reads the values under the cursor: the time (UTC, the page's format) and
  // the rollback marker's traffic at the right end.
  const box = await (await page.$('#timeline-chart .u-over')).boundingBox();
  await page.locator('#timeline-chart .u-over').hover({ position: { x: box.width - 1, y: box.height / 2 } });
  await page.waitForFunction(() => /UTC/.test(document.querySelector('#timeline-chart .u-legend .u-value')?.textContent ?? ''), null, { timeout: 3000 });
  const legend = await page.textContent('#timeline-chart .u-legend');
  assert.match(legend, /time \(UTC\)\s*\d\d:\d\d:\d\d UTC/);
  assert.match(legend, /ROLLBACK ✕\s*0%/);
  await page.mouse.move(0, 0);
  await shot('rollback', 'rollback');
  // The canary view: the coordinator's analysis of that window, not a test of the empty one.
  await page.click('[role="tab"][data-view="canary"]');
  await page.waitForSelector('#metric-cards article[data-metric="errorRate"]');
  assert.equal((await page.textContent('#canary-decision')).trim(), final.lastAnalysis.decision);
  assert.equal((await page.textContent('#canary-score')).trim(), final.lastAnalysis.score == null ? '—' : String(+final.lastAnalysis.score.toFixed(1)));
  assert.match(await page.textContent('#canary-scope'), new RegExp(`window ${w.window}`));
  assert.equal(await page.textContent('#data-error'), '');
  assert.equal(await page.isHidden('#srm-warning'), true);
  const cls = await page.textContent('#metric-cards article[data-metric="errorRate"] [data-role="classification"]');
  assert.equal(cls.trim(), final.lastAnalysis.metrics.find((m) => m.name === 'errorRate').classification);
  await shot('rollback-canary');
  assert.deepEqual(ctx.env.consoleErrors, []);
});

test('history: the finished rollouts, the per-metric series with the rollback window, CSV and a share link', { timeout: 60_000 }, async () => {
  const { page, context } = ctx.env;
  const list = (await h.admin(ctx.port, 'GET', 'rollouts')).body.rollouts;
  assert.deepEqual(list.map((r) => [r.id, r.outcome]), [['console-rollback', 'rolledBack'], ['console-controls', 'rolledBack']]);
  assert.ok(list[0].durationMs > 0 && list[0].stagesReached === 0 && list[0].reason.length > 0, JSON.stringify(list[0]));
  await page.click('[role="tab"][data-view="history"]');
  await page.click('#history-refresh');
  await page.waitForSelector('#rollouts-table button[data-key^="console-rollback@"]');
  const rows = await page.$$eval('#rollouts-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.match(rows[0], /console-rollback.*rolled back/);
  await page.click('#rollouts-table button[data-key^="console-rollback@"]');
  await page.waitForSelector('#series-cards article[data-metric="latency"] canvas');
  const saved = (await h.admin(ctx.port, 'GET', 'rollouts/0')).body;
  assert.equal(saved.format, 'rollgate.rollout_report');
  const w = saved.status.series.filter((x) => x.action === 'rollback').at(-1);
  const explain = await page.textContent('[data-role="rollback-window"]');
  assert.ok(explain.includes(`Window ${w.window}`) && explain.includes(`${fmtCount(w.canary.errors)} errors in ${fmtCount(w.canary.requests)} requests`), explain);
  assert.ok(await page.$('#series-cards article[data-metric="errorRate"] canvas'));
  await shot('history', 'series');
  // CSV: what the coordinator saved, one row per window.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csv = readFileSync(await dl.path(), 'utf8');
  assert.equal(csv, reportCsv(saved.status.series));
  assert.equal(csv.trim().split('\n').length, saved.status.series.length + 1);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  assert.deepEqual([...readFileSync(await png.path()).subarray(1, 4)], [...Buffer.from('PNG')]);
  // The share link holds no token and reopens the same report in another tab.
  await page.click('#share-link');
  await page.waitForSelector('#share-out[data-link]');
  const link = await page.getAttribute('#share-out', 'data-link');
  assert.ok(link.includes('#history/report=') && !link.includes(h.TOKEN), link);
  const other = await context.newPage();
  await other.goto(link);
  await other.waitForSelector('#series-cards article[data-metric="latency"] canvas');
  assert.match(await other.textContent('#report-title'), /console-rollback — rolled back/);
  await other.close();
});

test('the rolled-back console at 390 px: no view overflows; axe finds no serious issue, light or dark', { timeout: 60_000 }, async (t) => {
  const { page } = ctx.env;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.click('[role="tab"][data-view="rollout"]');
    await shot('mobile', 'mobile');
    assert.deepEqual(await overflowingViews(page, outDir, 'console-mobile'), []);
  } finally {
    await page.setViewportSize({ width: 1360, height: 900 });
  }
  const axePath = createRequire(join(root, 'web', 'package.json')).resolve('axe-core/axe.min.js');
  const found = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const view of ['rollout', 'canary', 'history', 'dark']) {
      await page.click(`[role="tab"][data-view="${view}"]`);
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
      for (const v of result) {
        t.diagnostic(`${scheme} ${view}: [${v.impact}] ${v.id} (${v.nodes.join(', ')})`);
        if (v.impact === 'serious' || v.impact === 'critical') found.push(`${scheme} ${view}: ${v.id} ${v.nodes.join(', ')}`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(found, []);
});

test('a coordinator that goes away is reported stale within 3 poll intervals (at least 5 s) + 1 s', { timeout: 60_000 }, async () => {
  const { page } = ctx.env;
  await page.click('[role="tab"][data-view="rollout"]');
  await page.waitForFunction(() => /ok/.test(document.getElementById('poll-status').textContent));
  assert.equal(await page.getAttribute('body', 'data-stale'), 'false');
  const bound = await page.evaluate(() => Math.max(5000, 3 * 1 * 1000) + 1000); // poll every 1 s
  await ctx.workerd.stop();
  ctx.workerd = null;
  const t0 = Date.now();
  await page.waitForSelector('#stale:not([hidden])', { timeout: bound + 5000 });
  const took = Date.now() - t0;
  console.log(`# stale reported ${took} ms after the coordinator stopped (bound ${bound} ms)`);
  // (1 s of slack for the page's timers on a loaded machine)
  assert.ok(took <= bound + 1000, `stale after ${took} ms, bound ${bound} ms`);
  assert.match(await page.textContent('#stale'), /Stale: no answer from the coordinator/);
  assert.match(await page.textContent('#stale'), /snapshot of/);
  await page.evaluate(() => document.getElementById('poll-stop').click());
  assert.equal(await page.isHidden('#stale'), true, 'stopping the polling clears the banner');
});
