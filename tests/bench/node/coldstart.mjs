// Cold start in Node: a fresh process imports the package, instantiates the WebAssembly module,
// compiles a config and evaluates one flag. Each sample is a new `node` process, so nothing is
// cached in memory; the figure excludes Node's own start-up (measured from the first line of the
// child script). Run: node tests/bench/node/coldstart.mjs
import { spawnSync } from 'node:child_process';
import { table } from './common.mjs';

const child = `
const t0 = performance.now();
const { init, compile } = await import('rollgate');
const t1 = performance.now();
await init();
const t2 = performance.now();
const ev = compile({ schemaVersion: 1, flags: [{ key: 'f', variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
  defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage: 50 } } }] });
const v = ev.evaluate('f', { targetingKey: 'user-1' });
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, firstEvalMs: t3 - t2, totalMs: t3 - t0, value: v.value }));
`;
const runs = 15;
const samples = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', cwd: process.cwd() });
  if (r.status !== 0) throw new Error(r.stderr);
  samples.push(JSON.parse(r.stdout));
}
const median = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(runs / 2)];
table(`cold start in Node ${process.version} (median of ${runs} fresh processes)`, [
  ['phase', 'ms'],
  ['import rollgate', median('importMs').toFixed(2)],
  ['init() (read + compile + instantiate .wasm)', median('initMs').toFixed(2)],
  ['compile config + first evaluate', median('firstEvalMs').toFixed(2)],
  ['total', median('totalMs').toFixed(2)],
]);
