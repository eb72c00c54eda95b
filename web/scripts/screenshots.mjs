#!/usr/bin/env node
// Refreshes the dashboard's screenshots in docs/img/ (dashboard.png and the console ones: the
// rollback moment, the controls, a per-metric time series, the mobile view). They are taken by the
// browser tests themselves, on real data (the console ones on a real coordinator in workerd), with
// ROLLGATE_DOCS_SCREENSHOT=1: what the pictures show is what the tests check.
// Usage: npm run screenshots --prefix web   (after the package and web/dist are built)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const r = spawnSync(process.execPath, ['--test', '--test-timeout=300000', 'tests/browser/console.test.mjs', 'tests/browser/dashboard.test.mjs', 'tests/browser/metrics-per-arm.test.mjs'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ROLLGATE_DOCS_SCREENSHOT: '1' },
});
process.exit(r.status ?? 1);
