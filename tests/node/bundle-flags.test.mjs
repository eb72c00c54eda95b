// wasm/bundle-flags.mjs, the staging step that puts the flags entry's shared modules into one
// file (flags-core.js): on a small dist/ of its own, then on the staged package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDir, flavours, root } from './support.mjs';

const script = path.join(root, 'wasm/bundle-flags.mjs');

function fixture(files) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rg-bundle-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
const run = (dir) => spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });

// A miniature of the package: runtime.js with a live binding, flags-api.js reaching helper.js,
// one loader (the flags entry) and one module of the full entry importing the runtime.
const mini = {
  'runtime.js': "export let count = 0;\nexport function bump() { count += 1; return count; }\n",
  'helper.js': "import { bump } from './runtime.js';\nexport const twice = () => { bump(); return bump(); };\n",
  'flags-api.js': "export { twice } from './helper.js';\nexport { count } from './runtime.js';\n",
  'loader.js': "import { bump } from './runtime.js';\nexport * from './flags-api.js';\nexport const init = () => bump();\n",
  'stats.js': "import {\n  count,\n  bump,\n} from './runtime.js';\nexport const read = () => count;\nexport const add = () => bump();\n",
};

test('bundles the modules the roots reach, shims them, and points every importer at the bundle', async () => {
  const dir = fixture(mini);
  try {
    const r = run(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 modules \(flags-api\.js, helper\.js, runtime\.js\) -> flags-core\.js/);
    const loader = readFileSync(path.join(dir, 'loader.js'), 'utf8');
    // `export *` of a shared module became exactly its names, from the bundle.
    assert.match(loader, /export \{ count, twice \} from '\.\/flags-core\.js'/);
    assert.doesNotMatch(loader, /runtime\.js|flags-api\.js/);
    assert.match(readFileSync(path.join(dir, 'stats.js'), 'utf8'), /from '\.\/flags-core\.js'/);
    assert.match(readFileSync(path.join(dir, 'runtime.js'), 'utf8'), /export \{ bump, count \} from '\.\/flags-core\.js'/);
    // One instance, live bindings: the loader, the full entry's module and the shim see one count.
    const url = (f) => pathToFileURL(path.join(dir, f)).href;
    const loaderMod = await import(url('loader.js'));
    const stats = await import(url('stats.js'));
    const shim = await import(url('runtime.js'));
    assert.deepEqual(Object.keys(loaderMod).sort(), ['count', 'init', 'twice']);
    loaderMod.init();
    stats.add();
    assert.equal(loaderMod.twice(), 4);
    assert.equal(stats.read(), 4);
    assert.equal(shim.count, 4);
    assert.equal(loaderMod.count, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stops with the file named when a shared module is imported in a form it does not rewrite', () => {
  const dir = fixture({ ...mini, 'stats.js': "import * as rt from './runtime.js';\nexport const read = () => rt.count;\n" });
  try {
    const r = run(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /stats\.js still names runtime\.js/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stops when two shared modules define one name (two bindings a shim would merge)', () => {
  // flags-api.js defines its own `count` instead of re-exporting runtime.js's.
  const dir = fixture({ ...mini, 'flags-api.js': "export { twice } from './helper.js';\nexport const count = 7;\n" });
  try {
    const r = run(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /flags-api\.js and runtime\.js both define count/); // shared modules are taken in sorted order
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stops on a default export (a shim could not keep it apart)', () => {
  const dir = fixture({ ...mini, 'helper.js': `${mini['helper.js']}export default 1;\n` });
  try {
    const r = run(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /helper\.js has a default export/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The staged package: each flags loader reaches its glue, the bundle and nothing else of ours
// (the import count is a third of the entry's cold start: issue 15).
const staticImports = (file) => [...readFileSync(file, 'utf8').matchAll(/\b(?:import|export)\s*(?:[\w*{}\s,]*?\bfrom\s*)?'(\.\/[^']+)'/g)].map((m) => m[1]);
function reached(dir, entry) {
  const seen = new Set([entry]);
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop();
    if (!f.endsWith('.js')) continue;
    for (const spec of staticImports(path.join(dir, f))) {
      const name = path.basename(spec);
      if (!seen.has(name)) { seen.add(name); todo.push(name); }
    }
  }
  return [...seen].sort();
}
for (const flavour of flavours) {
  const dir = distDir(flavour);
  test(`${flavour} dist: the flags loaders import only their glue and flags-core.js`, () => {
    assert.ok(existsSync(path.join(dir, 'flags-core.js')), `${dir}/flags-core.js (scripts/bootstrap.sh)`);
    assert.deepEqual(reached(dir, 'flags-node.js'), ['flags-core.js', 'flags-node.js', 'rollgate-flags.mjs']);
    assert.deepEqual(reached(dir, 'flags-browser.js'), ['flags-browser.js', 'flags-core.js', 'rollgate-flags.mjs']);
    assert.deepEqual(reached(dir, 'flags-workerd.js'), ['flags-core.js', 'flags-workerd.js', 'rollgate-flags.mjs', 'rollgate-flags.wasm']);
    // And the full entry reaches the same bundle (one runtime for both entries).
    assert.ok(reached(dir, 'node.js').includes('flags-core.js'));
    assert.ok(!reached(dir, 'node.js').includes('runtime.js'));
  });
}
