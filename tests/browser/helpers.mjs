// Shared set-up of the browser tests: serves web/dist with web/serve.mjs on 127.0.0.1 (a free
// port), launches Debian's Chromium headless through playwright-core, and tears both down when
// the test file ends, also on failure (the caller registers `close` with node:test's after()).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const webDist = join(root, 'web', 'dist');
export const outDir = join(root, 'test-output', 'browser');

// playwright-core is a devDependency of web/ (the repository root installs no browser tooling).
const requireFromWeb = createRequire(join(root, 'web', 'package.json'));

export const CHROMIUM = process.env.ROLLGATE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Server + browser + page; `close()` stops everything it started. */
export async function openDashboard({ viewport = { width: 1360, height: 900 } } = {}) {
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new Error(`${webDist}/index.html is missing: build the dashboard first (npm ci --prefix web && npm run build --prefix web)`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);
  mkdirSync(outDir, { recursive: true });
  const { startServer } = await import(join(root, 'web', 'serve.mjs'));
  const { chromium } = requireFromWeb('playwright-core');
  const started = [];
  const close = async () => {
    for (const stop of started.reverse()) await stop().catch(() => {});
    started.length = 0;
  };
  try {
    const server = await startServer({ root: webDist, port: 0 });
    started.push(server.close);
    // launch() gives Chromium a fresh temporary --user-data-dir and removes it on close.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    started.push(() => browser.close());
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    // (a failed fetch, e.g. the 401 of a wrong token, is shown by the page itself, not an error of it)
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
    return { server, browser, context, page, url: server.url, consoleErrors, close, started };
  } catch (e) {
    await close();
    throw e;
  }
}
