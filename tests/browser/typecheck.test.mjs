// The dashboard's JavaScript (web/src) type-checked against the rollgate package's declarations
// (dist/index.d.ts, resolved as Vite resolves "rollgate": web/node_modules/rollgate → the repository
// root's exports map), uPlot's and the DOM's, with tsc --checkJs --strict (web/tsconfig.json). A
// renamed or removed package API, or a result field read by a name the package does not declare,
// fails here with tsc's diagnostics instead of being hedged at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './helpers.mjs';

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const project = join(root, 'web', 'tsconfig.json');

/** Runs tsc on a project file; returns its exit status and everything it printed. */
function typecheck(tsconfig) {
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { encoding: 'utf8', cwd: root });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

test('tsc --checkJs --strict accepts the dashboard against the package declarations', () => {
  assert.ok(existsSync(join(root, 'dist', 'index.d.ts')), 'dist/ is built (scripts/bootstrap.sh)');
  assert.ok(existsSync(join(root, 'web', 'node_modules', 'rollgate')), 'web/ is installed (npm ci --prefix web)');
  const r = typecheck(project);
  assert.equal(r.status, 0, `tsc found problems in web/src:\n${r.output}`);
});

test('the check reaches the package: a field the package does not declare is an error', () => {
  // A module beside the dashboard's, checked with the same options, that reads the judge's result
  // by a name it never had (the kind of guess web/src/normalize.js used to make).
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-web-tsc-'));
  try {
    writeFileSync(join(dir, 'guess.js'), [
      "import { judge } from 'rollgate';",
      "const a = judge('{}', '{}', '{}');",
      'export const p = a.metrics[0]?.p_value;',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      extends: project,
      // Resolve "rollgate" from web/ as the dashboard does.
      compilerOptions: { paths: { rollgate: [join(root, 'web', 'node_modules', 'rollgate')] } },
      include: [join(dir, 'guess.js')],
    }));
    const r = typecheck(join(dir, 'tsconfig.json'));
    assert.notEqual(r.status, 0, 'tsc accepted a field the package does not declare');
    assert.match(r.output, /guess\.js\(3,\d+\): error TS\d+: Property 'p_value' does not exist/, r.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
