// Narrow screens (issue 14, item 9): at 390 px no view overflows sideways and every tab of the tab
// bar is on screen, with the example data loaded (tests/browser/console.test.mjs checks the same
// on a live rolled-back rollout). Dark mode: the page follows prefers-color-scheme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDashboard, outDir } from './helpers.mjs';
import { overflowingViews } from './narrow.mjs';

let env;
before(async () => {
  env = await openDashboard({ viewport: { width: 390, height: 844 } });
});
after(async () => env?.close());

test('at 390 px no view overflows sideways and every tab is visible', async () => {
  const { page, url } = env;
  await page.goto(`${url}#rollout`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
  // The flag playground's result and the bucketing explorer's histogram, so they are measured too.
  await page.click('[role="tab"][data-view="flags"]');
  await page.click('#flags-run');
  await page.waitForSelector('#flags-table:not([hidden]), #flags-errors .problems');
  await page.click('[role="tab"][data-view="bucketing"]');
  await page.fill('#bk-n', '2000');
  await page.click('#bk-run');
  await page.waitForSelector('#bk-results:not([hidden]) canvas');
  assert.deepEqual(await overflowingViews(page, outDir, 'mobile'), []);
  assert.deepEqual(env.consoleErrors, []);
});

test('dark mode follows the system setting', async () => {
  const { page } = env;
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
  assert.notEqual(light, dark);
  assert.equal(dark, '#10151d');
  await page.click('[role="tab"][data-view="rollout"]');
  await page.screenshot({ path: join(outDir, 'mobile-dark.png'), fullPage: true });
  // Charts take their colours from the same properties: a redrawn chart uses the dark ones.
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--card').trim()), '#19212c');
  await page.emulateMedia({ colorScheme: 'light' });
});
