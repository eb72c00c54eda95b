// Cold start in Node: a fresh process imports an engine, initialises it, loads a one-flag
// configuration and evaluates once; rollgate/flags and rollgate against flagd-core and Flipt's
// WASM client. Each sample is a new `node` process, so nothing is cached in memory; the figure
// excludes Node's own start-up (measured from the first line of the child script). Both the wall
// clock and the process's CPU time (every thread) over the same span are reported: on a shared
// machine the wall clock includes waiting for a core. The rollgate
// children also time a second compile() of the same configuration: the first one pays for
// WebAssembly functions V8 compiles lazily on their first call.
// Run: node tests/bench/node/coldstart.mjs [--quick]   (npm run bench runs it through goals.mjs)
import { spawnSync } from 'node:child_process';
import { table, emit, median } from './common.mjs';
import { root } from './native.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 11;
const config = JSON.stringify({ schemaVersion: 1, flags: [{ key: 'f', variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
  defaultVariation: 'off', fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage: 50 } } }] });

const rollgate = (entry) => `
const t0 = performance.now();
const c0 = process.cpuUsage();
const { init, compile } = await import('${entry}');
const t1 = performance.now();
await init();
const t2 = performance.now();
const ev = compile(${config});
const t3 = performance.now();
const v = ev.evaluate('f', { targetingKey: 'user-1' });
const t4 = performance.now();
compile(${config}).dispose();
const t5 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, compileMs: t3 - t2, evalMs: t4 - t3, totalMs: t4 - t0, cpuMs: (() => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; })(), secondCompileMs: t5 - t4, value: v.value }));
`;
const flagd = `
const t0 = performance.now();
const c0 = process.cpuUsage();
const { FlagdCore } = await import('@openfeature/flagd-core');
const t1 = performance.now();
const fd = new FlagdCore();
const t2 = performance.now();
fd.setConfigurations(JSON.stringify({ flags: { f: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off',
  targeting: { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 50], ['off', 50]] } } } }));
const t3 = performance.now();
const v = fd.resolveBooleanEvaluation('f', false, { targetingKey: 'user-1' }, console);
const t4 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, compileMs: t3 - t2, evalMs: t4 - t3, totalMs: t4 - t0, cpuMs: (() => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; })(), value: v.value }));
`;
const flipt = `
const t0 = performance.now();
const c0 = process.cpuUsage();
const { FliptClient } = await import('@flipt-io/flipt-client-js/node');
const t1 = performance.now();
const state = { namespace: { key: 'default' }, flags: [{ key: 'f', name: 'f', description: '', enabled: false, type: 'BOOLEAN_FLAG_TYPE', rules: [],
  rollouts: [{ type: 'THRESHOLD_ROLLOUT_TYPE', rank: 1, threshold: { percentage: 50, value: true } }] }] };
const client = await FliptClient.init({
  fetcher: async () => ({ ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, json: async () => state }) });
const t2 = performance.now();
const v = client.evaluateBoolean({ flagKey: 'f', entityId: 'user-1', context: {} });
const t4 = performance.now();
client.close();
console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, compileMs: 0, evalMs: t4 - t2, totalMs: t4 - t0, cpuMs: (() => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; })(), value: v.enabled }));
`;

const engines = { 'rollgate/flags': rollgate('rollgate/flags'), rollgate: rollgate('rollgate'), 'flagd-core': flagd, flipt };
const samples = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, child] of Object.entries(engines)) { // interleaved: load drifts hit all alike
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', cwd: root });
    if (r.status !== 0) {
      if (name === 'flipt') { samples[name] = null; delete engines[name]; continue; }
      throw new Error(`${name}: ${r.stderr}`);
    }
    samples[name].push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
}
const med = (name, k) => median(samples[name].map((s) => s[k] ?? 0));
const result = {};
const rows = [['engine', 'import', 'init', 'load config', 'first eval', 'total (wall)', 'CPU time', 'second compile()']];
for (const name of Object.keys(samples)) {
  if (!samples[name]) continue;
  result[name] = Object.fromEntries(['importMs', 'initMs', 'compileMs', 'evalMs', 'totalMs', 'cpuMs', 'secondCompileMs'].map((k) => [k, med(name, k)]));
  const r = result[name];
  rows.push([name, ...['importMs', 'initMs', 'compileMs', 'evalMs', 'totalMs', 'cpuMs'].map((k) => r[k].toFixed(2)),
    name.startsWith('rollgate') ? r.secondCompileMs.toFixed(2) : '']);
}
table(`cold start in Node ${process.version}, ms (median of ${runs} fresh processes per engine)`, rows);
emit({ coldstart: result });
