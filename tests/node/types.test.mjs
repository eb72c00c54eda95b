// The hand-written TypeScript declarations (wasm/types/*.d.ts, shipped in dist/) compile under
// tsc --strict for a consumer that uses every API (tests/node/types/consumer.ts), resolving
// "rollgate" and "rollgate/openfeature" through the package's exports map and the real
// OpenFeature SDK types. Emscripten 3.1.6 cannot emit declarations, so this is what keeps them
// honest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './support.mjs';

test('tsc --strict --noEmit accepts a consumer of every API', () => {
  assert.ok(existsSync(path.join(root, 'dist/index.d.ts')), 'dist/ is built (scripts/bootstrap.sh)');
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tests/node/types/tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

test('tsc rejects misuse (the declarations are not just `any`)', async () => {
  const { writeFileSync, rmSync } = await import('node:fs');
  const bad = path.join(root, 'tests/node/types/misuse.ts');
  writeFileSync(bad, [
    "import { bucket, compile, stats } from 'rollgate';",
    "const n: string = bucket('u', 's');",
    "compile(42);",
    "stats.mannWhitneyU(['a'], [1]);",
    "stats.mannWhitneyU([1], [2], { alternative: 'bigger' });",
    "compile('{}').evaluate('f', {}, { strictContext: false }); // removed in 0.2 (docs/MIGRATING.md)",
    '',
  ].join('\n'));
  try {
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
      '--target', 'ES2022', '--lib', 'ES2022,DOM,ESNext.Disposable', '--types', 'node', bad], { encoding: 'utf8', cwd: root });
    assert.notEqual(r.status, 0);
    const errors = (r.stdout.match(/error TS/g) || []).length;
    assert.equal(errors, 5, r.stdout);
  } finally {
    rmSync(bad, { force: true });
  }
});
