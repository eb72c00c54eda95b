// The Cloudflare worker's and coordinator's JavaScript (edge/cloudflare/src) type-checked against
// the rollgate package's declarations (dist/index.d.ts, resolved through
// edge/cloudflare/node_modules/rollgate and the exports map's "workerd" condition) with
// tsc --checkJs (edge/cloudflare/tsconfig.json). A renamed or removed package API, or a result
// field the package does not declare, fails here instead of in a deployed worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const edge = join(root, 'edge', 'cloudflare');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function typecheck(tsconfig) {
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { encoding: 'utf8', cwd: root });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

test('tsc --checkJs accepts the worker and the coordinator against the package declarations', () => {
  assert.ok(existsSync(join(root, 'dist', 'index.d.ts')), 'dist/ is built (scripts/bootstrap.sh)');
  assert.ok(existsSync(join(edge, 'node_modules', 'rollgate')), 'edge/cloudflare is installed');
  const r = typecheck(join(edge, 'tsconfig.json'));
  assert.equal(r.status, 0, `tsc found problems in edge/cloudflare/src:\n${r.output}`);
});

test('the check reaches the package: an export or a field it does not declare is an error', () => {
  // A module inside edge/cloudflare/src's resolution (so "rollgate" resolves as the worker's does)
  // calling an API the package never had and reading a field its result does not declare.
  const dir = mkdtempSync(join(edge, '.tsc-probe-'));
  try {
    writeFileSync(join(dir, 'drift.js'), [
      "import * as rg from 'rollgate';",
      'export const a = rg.rolloutStepp;',
      'export const b = rg.inRollout("u", "s", 1).length;',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['drift.js'] }));
    const r = typecheck(join(dir, 'tsconfig.json'));
    assert.notEqual(r.status, 0, 'tsc accepted an API the package does not declare');
    assert.match(r.output, /drift\.js\(2,\d+\): error TS\d+: Property 'rolloutStepp' does not exist/, r.output);
    assert.match(r.output, /drift\.js\(3,\d+\): error TS\d+: Property 'length' does not exist/, r.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
