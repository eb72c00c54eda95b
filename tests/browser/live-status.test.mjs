// A saved edge status snapshot dropped on the Data view (no coordinator needed): the dark launch is
// shown over the whole rollout (the coordinator's totals, not the current window) and per arm
// (issue 14, item 10), with the counts and verdicts the package computes for the same reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDashboard, root } from './helpers.mjs';

const rg = await import(process.env.ROLLGATE_NODE_ENTRY ?? 'rollgate');
const examples = join(root, 'web', 'public', 'examples');
let env;

before(async () => {
  await rg.init();
  env = await openDashboard();
});
after(async () => env?.close());

test('dark launch from a live status: the whole run (totals), merged and per arm', async () => {
  const { page, url } = env;
  const report = JSON.parse(readFileSync(join(examples, 'mismatch-report.json'), 'utf8'));
  const plan = JSON.parse(readFileSync(join(root, 'examples', 'plans', 'medium.json'), 'utf8'));
  // The window holds an empty report of the same limits: the page must show the totals instead.
  const empty = rg.MismatchReport.fromJSON(report);
  const limits = empty.toJSON().limits;
  empty.dispose();
  const windowReport = new rg.MismatchReport(limits);
  const snapshot = {
    rollout: { id: 'r-dark', plan },
    state: { status: 'running', stage: 0, servingPercent: 1, machine: { stage: 0, stageStartMs: Date.now() - 1000, status: 'running', window: 3, pending: null, history: [] } },
    metrics: { window: { stable: { requests: 10, errors: 0 }, canary: { requests: 1, errors: 0 } } },
    mismatches: { window: { stable: windowReport.toJSON(), canary: null }, total: { stable: report, canary: report } },
  };
  windowReport.dispose();
  await page.goto(`${url}#data`);
  await page.waitForSelector('body[data-loaded="true"]');
  const before = Number(await page.getAttribute('body', 'data-recomputed'));
  await page.setInputFiles('#file-input', { name: 'status.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(snapshot)) });
  await page.waitForFunction((b) => Number(document.body.dataset.recomputed) > b, before);
  await page.click('[role="tab"][data-view="dark"]');
  const one = rg.MismatchReport.fromJSON(report);
  const verdicts = one.judge();
  const comparisons = one.comparisons;
  one.dispose();
  const summary = await page.textContent('#dark-summary');
  assert.match(summary, /Over the whole rollout/);
  assert.ok(summary.includes(`${(2 * comparisons).toLocaleString('en-US')} old-vs-new comparisons`), summary);
  assert.ok(summary.includes(`stable ${comparisons.toLocaleString('en-US')} comparisons, canary ${comparisons.toLocaleString('en-US')} comparisons`), summary);
  const v = verdicts[0];
  const cell = await page.textContent(`#dark-table tr[data-field="${v.field}"] [data-role="by-arm"]`);
  const n = (x) => x.toLocaleString('en-US');
  assert.equal(cell, `stable: ${n(v.differed)} / ${n(v.comparisons)} · canary: ${n(v.differed)} / ${n(v.comparisons)}`);
  assert.deepEqual(env.consoleErrors, []);
});
