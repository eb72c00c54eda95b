// The edge's origin and business metrics on the Rollout view, from a status snapshot dropped on
// the Data view: the Server-Timing p90 of each collected name per arm beside latency (the edge's
// merged sketches), and every metric the core judged, per arm, from the judge's own results: a
// Server-Timing `cpu` and a conversion with its interval and value per exposed unit, whatever the
// metric. Every expected number comes from the package (sketches, unit summaries, the judge)
// and is formatted with the page's own format.js; the page computes no statistics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDashboard, root } from './helpers.mjs';

const rg = await import(process.env.ROLLGATE_NODE_ENTRY ?? 'rollgate');
const f = await import(pathToFileURL(join(root, 'web', 'src', 'format.js')).href);
let env;

before(async () => {
  await rg.init();
  env = await openDashboard();
});
after(async () => env?.close());

/** A deterministic spread of `n` values around `mid` (±20%). */
const spread = (n, mid, seed) => Array.from({ length: n }, (_, i) => mid * (0.8 + 0.4 * (((i + seed) * 37) % 101) / 100));

function sketchOf(values) {
  const s = new rg.QuantileSketch({ maxBuckets: 512 }); // the edge's Server-Timing sketches (engine.newTimingSketch)
  s.addAll(values);
  const wire = s.toJSON();
  const summary = { count: s.count, p50: s.quantile(0.5), p90: s.quantile(0.9), p99: s.quantile(0.99), min: s.min, max: s.max, mean: s.sum / s.count };
  s.dispose();
  return { wire, summary };
}

function unitsOf(n, converted, prefix) {
  const u = new rg.UnitSummary();
  for (let i = 0; i < n; i++) {
    u.expose(`${prefix}-${i}`);
    if (i < converted) u.record(`${prefix}-${i}`, 'purchase', 20 + (i % 7));
  }
  const json = u.toJSON();
  u.dispose();
  return json;
}

test('Rollout view: Server-Timing p90 per arm, and every judged metric per arm (cpu, conversion, value per unit) from the core\'s verdict', async () => {
  const { page, url } = env;
  const cpuMetric = { name: 'cpu', kind: 'continuous', direction: 'increase', group: 'saturation', allowedChange: { relative: 0.5, absolute: 3 }, test: 'mannWhitney', gates: [{ stat: 'p90', max: 1000 }] };
  const conversion = { name: 'conversion', event: 'purchase', kind: 'rate', direction: 'decrease', allowedChange: { relative: 0.05 }, group: 'business', test: 'proportions' };
  const revenue = { name: 'revenue', event: 'purchase', kind: 'continuous', direction: 'decrease', group: 'business', allowedChange: { relative: 0.1 } };
  const canaryConfig = { alpha: 0.05, power: 0, scoreThresholds: { pass: 100, marginal: 75 }, metrics: [
    { name: 'errorRate', kind: 'rate', direction: 'increase', group: 'errors', test: 'fisher', allowedChange: { absolute: 0.05 }, critical: true },
    cpuMetric, conversion, revenue,
  ] };
  const plan = { name: 'metrics-demo', canary: canaryConfig, stages: [
    { name: 'half', percent: 50, minDurationMs: 3600000, gates: ['errorRate', 'cpu', 'conversion', 'revenue'] },
    { name: 'full', percent: 100, minDurationMs: 1000, gates: { metrics: [{ name: 'errorRate', kind: 'rate', direction: 'increase', compare: false, gates: [{ stat: 'rate', max: 0.05 }] }] } },
  ] };
  rg.validatePlan(plan);
  const cpu = { stable: sketchOf(spread(400, 12.5, 0)), canary: sketchOf(spread(400, 14, 5)) };
  const db = { stable: sketchOf(spread(400, 3.2, 1)), canary: sketchOf(spread(400, 3.3, 2)) };
  const units = { stable: unitsOf(2000, 240, 's'), canary: unitsOf(2000, 200, 'c') };
  const data = (arm) => ({ metrics: { errorRate: { events: 0, total: 400 }, cpu: cpu[arm].wire, conversion: units[arm], revenue: units[arm] } });
  // The coordinator's last analysis: the core's judge on the stage's gates.
  const analysis = rg.judge(rg.stageCanaryConfig(plan, 0), data('stable'), data('canary'));
  const arm = (a) => ({ requests: 400, errors: 0, newUnits: 2000, latencyMs: { count: 0 }, timing: { cpu: cpu[a].summary, db: db[a].summary } });
  const snapshot = {
    rollout: { id: 'r-metrics', plan },
    state: { status: 'running', stage: 0, servingPercent: 50, window: 2, windowStartedAt: new Date(Date.now() - 5000).toISOString(), machine: { stage: 0, stageStartMs: Date.now() - 5000, status: 'running', window: 2, pending: null, history: [] } },
    metrics: { window: { stable: arm('stable'), canary: arm('canary') } },
    timingSketches: { window: { stable: { cpu: cpu.stable.wire, db: db.stable.wire }, canary: { cpu: cpu.canary.wire, db: db.canary.wire } } },
    serverTiming: { names: ['cpu', 'db'], strip: false, problem: null },
    counters: { serverTiming: { headers: 800, recorded: 1600, malformed: 0, malformedHeaders: 0, ignored: 0, dropped: 0 } },
    lastAnalysis: analysis,
  };
  await page.goto(`${url}#data`);
  await page.waitForSelector('body[data-loaded="true"]');
  const before = Number(await page.getAttribute('body', 'data-recomputed'));
  await page.setInputFiles('#file-input', { name: 'status.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(snapshot)) });
  await page.waitForFunction((b) => Number(document.body.dataset.recomputed) > b, before);
  await page.click('[role="tab"][data-view="rollout"]');
  await page.waitForSelector('#judged-card:not([hidden])');

  // Per arm, beside latency: the p90 of each collected Server-Timing name.
  for (const a of ['stable', 'canary']) {
    const cell = await page.textContent(`#arms-table tr[data-arm="${a}"] [data-role="server-timing"]`);
    assert.equal(cell, `cpu ${f.fmtMs(cpu[a].summary.p90)} · db ${f.fmtMs(db[a].summary.p90)}`);
  }
  // Every judged metric, per arm, as the core's result says (its primary comparison's statistic
  // in each arm, the effect and its interval, the outcome).
  const rows = await page.$$eval('#judged-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-metric')));
  assert.deepEqual(rows, analysis.metrics.map((m) => m.name));
  for (const m of analysis.metrics) {
    const c = m.checks.find((x) => x.check !== 'gate') ?? m.checks[0];
    const unit = m.name === 'cpu' ? 'ms' : f.unitOf(m);
    const cell = (role) => page.textContent(`#judged-table tr[data-metric="${m.name}"] [data-role="${role}"]`);
    assert.equal(await cell('stable'), f.fmtValue(c.baseline, unit), `${m.name} stable`);
    assert.equal(await cell('canary'), f.fmtValue(c.canary, unit), `${m.name} canary`);
    assert.equal(await cell('effect'), f.fmtDiff(m.estimate, unit), `${m.name} effect`);
    assert.equal(await cell('interval'), `[${f.fmtDiff(m.interval[0], unit)}, ${f.fmtDiff(m.interval[1], unit)}]`, `${m.name} interval`);
  }
  // What those are, so that the rows above are the metrics the issue asks for: conversion is a
  // rate with its interval (units converted / exposed), revenue a value per exposed unit in each arm.
  const conv = analysis.metrics.find((m) => m.name === 'conversion');
  const convCheck = conv.checks.find((x) => x.check !== 'gate');
  assert.ok(Math.abs(convCheck.baseline - 240 / 2000) < 1e-9 && Math.abs(convCheck.canary - 200 / 2000) < 1e-9, JSON.stringify(convCheck));
  assert.ok(conv.interval[0] < conv.estimate && conv.estimate < conv.interval[1]);
  const rev = analysis.metrics.find((m) => m.name === 'revenue');
  assert.ok(rev.checks.find((x) => x.check !== 'gate').baseline > 0, JSON.stringify(rev.checks));
  // The page judged the window again with the stage's gates: cpu from the Server-Timing sketches.
  const chips = await page.textContent('#decision-metrics');
  assert.match(chips, /cpu: Pass/, chips);
  assert.deepEqual(env.consoleErrors, []);
  if (process.env.ROLLGATE_DOCS_SCREENSHOT === '1') {
    const shot = await page.locator('#arms-card').evaluate((e) => e.parentElement.getBoundingClientRect().top + window.scrollY);
    const end = await page.locator('#judged-card').evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY);
    await page.screenshot({ path: join(root, 'docs', 'img', 'metrics-per-arm.png'), clip: { x: 0, y: shot - 8, width: 1360, height: end - shot + 16 }, fullPage: true });
  }
});
