// Package sizes, gzipped (level 9, what a CDN or a bundle analyser reports): what each entry point
// loads (its .wasm, its Emscripten glue and every JS file it imports, followed statically from the
// entry file), and the whole npm package (`npm pack --dry-run`: the tarball), beside Flipt's WASM
// client (its .wasm and its Node build, and its installed package).
// Run: node tests/bench/node/sizes.mjs   (npm run bench runs it through goals.mjs)
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { table, emit } from './common.mjs';
import { root } from './native.mjs';

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const dist = path.join(root, 'dist');

/** The entry file and every relative module it imports, transitively (static imports only). */
function closure(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.\/[^']+\.m?js)'/g)) visit(path.join(path.dirname(file), m[1]));
  };
  visit(path.join(dist, entry));
  return [...seen];
}

function entrySize(entry, wasm) {
  const files = closure(entry);
  const glue = files.filter((f) => f.endsWith('.mjs'));
  const js = files.filter((f) => !f.endsWith('.mjs'));
  const out = {
    wasm: gz(path.join(dist, wasm)),
    wasmRaw: statSync(path.join(dist, wasm)).size,
    glue: glue.reduce((s, f) => s + gz(f), 0),
    js: js.reduce((s, f) => s + gz(f), 0),
    jsFiles: js.map((f) => path.basename(f)),
  };
  out.total = out.wasm + out.glue + out.js;
  return out;
}

function packageSize() {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [info] = JSON.parse(r.stdout);
  return { tarball: info.size, unpacked: info.unpackedSize, files: info.entryCount };
}

function dirGz(dir) {
  let sum = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    sum += statSync(p).isDirectory() ? dirGz(p) : gz(p);
  }
  return sum;
}

const flags = entrySize('flags-node.js', 'rollgate-flags.wasm');
const full = entrySize('node.js', 'rollgate.wasm');
const pkg = packageSize();
const fliptDir = path.join(root, 'node_modules/@flipt-io/flipt-client-js');
const flipt = existsSync(fliptDir) ? {
  wasm: gz(path.join(fliptDir, 'dist/flipt_engine_wasm_js_bg.wasm')),
  glue: gz(path.join(fliptDir, 'dist/node/index.mjs')),
  package: dirGz(fliptDir),
} : null;
const kb = (n) => (n == null ? 'n/a' : `${(n / 1024).toFixed(1)} KB`);
table('sizes, gzipped', [
  ['what', 'wasm', 'glue', 'JS', 'total'],
  ['rollgate/flags (node entry)', kb(flags.wasm), kb(flags.glue), kb(flags.js), kb(flags.total)],
  ['rollgate (node entry)', kb(full.wasm), kb(full.glue), kb(full.js), kb(full.total)],
  ['rollgate npm package (tarball)', '', '', '', kb(pkg && pkg.tarball)],
  ...(flipt ? [['flipt-client-js (node build; its package, files gzipped)', kb(flipt.wasm), kb(flipt.glue), '', `${kb(flipt.wasm + flipt.glue)}; ${kb(flipt.package)}`]] : []),
]);
console.log(`rollgate-flags.wasm ${flags.wasmRaw.toLocaleString('en')} bytes raw; rollgate.wasm ${full.wasmRaw.toLocaleString('en')} bytes raw`);
console.log(`rollgate/flags loads: ${flags.jsFiles.join(', ')}`);
emit({ sizes: { flags, full, package: pkg, flipt } });
