// The flag core's own cost once compiled to WebAssembly, beside the same C++ natively: the
// benchmark's flag and contexts (tests/bench/native/js_bench_flags.hpp) evaluated in a loop inside
// a module (tests/bench/wasm/flags_loop.cpp, linked against the release WASM build's core
// library), with no JavaScript in the loop. This is the middle term between the native figures
// (FlagEval/js_bench, EvaluateAll/js_bench_20) and flags.mjs's figures from JS: how much of the
// distance to native is the WebAssembly code itself, and how much the boundary and the encoding.
// Builds the loop with em++ when it is missing or older than its inputs (build/bench-wasm/).
// Run: node tests/bench/node/core-in-wasm.mjs [--quick]   (npm run bench runs it through goals.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { table, fmtNs, emit } from './common.mjs';
import { nativeFigures, root } from './native.mjs';

const quick = process.argv.includes('--quick');
const lib = path.join(root, 'build/wasm-release/core/librollgate.a');
const sources = ['tests/bench/wasm/flags_loop.cpp', 'tests/bench/native/js_bench_flags.hpp'].map((f) => path.join(root, f));
const outDir = path.join(root, 'build/bench-wasm');
const out = path.join(outDir, 'flags_loop.js');

function fail(message) {
  console.error(`core-in-wasm: ${message}`);
  process.exit(1);
}

if (!existsSync(lib)) fail(`${path.relative(root, lib)} is not built: run bash scripts/bootstrap.sh first`);
const mtime = (f) => statSync(f).mtimeMs;
if (!existsSync(out) || [lib, ...sources].some((f) => mtime(f) > mtime(out))) {
  mkdirSync(outDir, { recursive: true });
  // The emitted loader is CommonJS; the repository's package.json says "module".
  writeFileSync(path.join(outDir, 'package.json'), '{"type": "commonjs"}\n');
  // The release flavour's flags for the core's hot sources (wasm/CMakeLists.txt): -O3 and
  // WebAssembly exceptions. One file: Node 20's fetch cannot load a .wasm beside it by path.
  const args = ['-O3', '-std=c++17', '-fwasm-exceptions', `-I${path.join(root, 'core/include')}`, sources[0], lib,
    '-sALLOW_MEMORY_GROWTH', '-sSINGLE_FILE', '-sENVIRONMENT=node', '-o', out];
  const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };
  console.log(`building ${path.relative(root, out)} (em++ ${args.slice(0, 3).join(' ')} ...)`);
  const b = spawnSync('em++', args, { encoding: 'utf8', env });
  if (b.error) fail(`em++ could not run (${b.error.message}): run bash scripts/bootstrap.sh, which installs Emscripten`);
  if (b.status !== 0) fail(`em++ failed (exit ${b.status}):\n${b.stderr}`);
}

const r = spawnSync(process.execPath, [out, quick ? '1' : '7', quick ? '2000' : '200000'], { encoding: 'utf8' });
if (r.status !== 0) fail(`the loop failed (exit ${r.status}):\n${r.stderr}`);
const wasm = JSON.parse(r.stdout.trim().split('\n').pop());
const native = nativeFigures('^(FlagEval/js_bench|EvaluateAll/js_bench_20)$', quick ? 0.01 : 0.2);
const nOne = native['FlagEval/js_bench'];
const nAll = native['EvaluateAll/js_bench_20'];
const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}x` : 'n/a (native bench not built)');
table('the flag core in WebAssembly, no JS in the loop (fastest round, wall clock), vs native (CPU time)', [
  ['what', 'core in WASM', 'native core', 'WASM / native'],
  ['one flag, context built once (FlagEval/js_bench)', fmtNs(wasm.evaluateNs), nOne ? fmtNs(nOne) : 'n/a', ratio(wasm.evaluateNs, nOne)],
  ['all 20 flags, evaluate_all (EvaluateAll/js_bench_20)', fmtNs(wasm.evaluateAllNs), nAll ? fmtNs(nAll) : 'n/a', ratio(wasm.evaluateAllNs, nAll)],
]);
emit({ coreInWasm: { evaluate: wasm.evaluateNs, evaluateAll: wasm.evaluateAllNs, nativeOne: nOne ?? null, nativeAll: nAll ?? null } });
