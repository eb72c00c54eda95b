// The performance goals of issue 15 in one run: runs each node benchmark as its own process (one
// process per comparison, so no engine warms the JIT or the heap for another), prints their
// tables as they come, then one table: goal, rollgate's figure, the peer's figure in the same run,
// the ratio, and whether the goal is met. Prints the load average too: the machine may be shared.
// Run: node tests/bench/node/goals.mjs [--quick]   (npm run bench runs it; --quick is the smoke
// mode tests/node/bench-smoke.test.mjs uses: tiny samples, figures meaningless)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKER, WALL, table, fmtNs } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const scripts = ['flags.mjs', 'core-in-wasm.mjs', 'bucket.mjs', 'coldstart.mjs', 'sizes.mjs', ...(quick ? [] : ['stats.mjs'])];
const goalScripts = new Set(scripts);
// Every other benchmark in this folder runs too (after these, printing its own tables), so that
// `npm run bench` keeps running benchmarks added beside them; helpers are not benchmarks.
const helpers = new Set(['goals.mjs', 'common.mjs', 'native.mjs', 'wasm-breakdown.mjs', 'stats.mjs']);
if (!quick) {
  for (const f of readdirSync(here).sort()) if (f.endsWith('.mjs') && !helpers.has(f) && !scripts.includes(f)) scripts.push(f);
}
const load = [loadavg()];
const figures = {};
for (const script of scripts) {
  console.log(`\n\x1b[1m--> node tests/bench/node/${script}${quick ? ' --quick' : ''}\x1b[0m`);
  const r = spawnSync(process.execPath, [path.join(here, script), ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith(MARKER)) Object.assign(figures, JSON.parse(line.slice(MARKER.length)));
    else if (line) console.log(line);
  }
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    if (goalScripts.has(script)) throw new Error(`${script} failed (exit ${r.status})`);
    console.log(`(${script} failed, exit ${r.status}: its figures are not part of the goals)`);
  }
  load.push(loadavg());
}

const rows = [['goal', 'rollgate', 'peer (same run)', 'ratio', 'met']];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;
const row = (goal, mine, peerName, peer, fmt, met, ratio = peer / mine) => {
  rows.push([goal, fmt(mine), peer == null ? peerName : `${peerName} ${fmt(peer)}`, peer == null ? '' : `${ratio.toFixed(2)}x`, met ? 'yes' : 'MISSED']);
};
const f = figures.flags;
if (f) {
  const s = f.single;
  row('one flag, 10-attr context: <= 110 ns', s.rollgate, 'flagd-core', s['flagd-core'], fmtNs, s.rollgate <= 110);
  row('  ... >= 5x flagd-core', s.rollgate, 'flagd-core', s['flagd-core'], fmtNs, s['flagd-core'] / s.rollgate >= 5);
  for (const peer of ['growthbook', 'unleash', 'launchdarkly', 'flipt']) {
    if (s[peer] !== undefined) row(`  ... vs ${peer}`, s.rollgate, peer, s[peer], fmtNs, true);
  }
  if (f.nativeOne) row('  ... within 2x of native (same flag, context)', s.rollgate, 'native core', f.nativeOne, fmtNs, s.rollgate <= 2 * f.nativeOne, s.rollgate / f.nativeOne);
  if (f.nativeFill) row('  ... vs native refilling the context per call', s.rollgate, 'native core', f.nativeFill, fmtNs, s.rollgate <= 2 * f.nativeFill, s.rollgate / f.nativeFill);
  if (f.nativeFill) row('  the WASM call alone vs native refilling', f.coreOnly, 'native core', f.nativeFill, fmtNs, true, f.coreOnly / f.nativeFill);
  row('  bound context, one flag (no encoding)', f.boundOne, 'flagd-core', s['flagd-core'], fmtNs, true);
  const b = f.batch;
  const all = b['rollgate variations() (Int32Array)'];
  const fd = b['flagd-core resolveAll'];
  row('all 20 flags: <= 1.5 µs (Int32Array form)', all, 'flagd-core resolveAll', fd, fmtNs, all <= 1500);
  row('  ... >= 7x flagd-core', all, 'flagd-core resolveAll', fd, fmtNs, fd / all >= 7);
  row('  values() (array of values)', b['rollgate values()'], 'flagd-core resolveAll', fd, fmtNs, b['rollgate values()'] <= 1500);
  row('  bound context: values() of all 20', f.boundAll, 'flagd-core resolveAll', fd, fmtNs, f.boundAll <= 1500);
  row('  evaluateAll (object by key, as before)', b['rollgate evaluateAll (object by key)'], 'flagd-core resolveAll', fd, fmtNs, true);
}
// Where the distance to native is: the same C++ in WebAssembly with no JS in the loop.
const cw = figures.coreInWasm;
if (cw && cw.nativeAll) {
  row('  core alone in WASM: evaluate_all of the 20', cw.evaluateAll, 'native evaluate_all', cw.nativeAll, fmtNs, true, cw.evaluateAll / cw.nativeAll);
  row('  core alone in WASM: one flag', cw.evaluate, 'native evaluate', cw.nativeOne, fmtNs, true, cw.evaluate / cw.nativeOne);
}
if (figures.bucket) {
  for (const [bytes, r] of Object.entries(figures.bucket)) {
    const xx = r['xxhash-wasm h64(string)'];
    row(`bucket(), ${bytes}-byte id: <= xxhash-wasm`, r['bucket(unit, salt)'], 'xxhash-wasm h64', xx, fmtNs, r['bucket(unit, salt)'] <= xx);
    row(`  Bucketer.bucket(), ${bytes} bytes`, r['Bucketer.bucket(unit)'], 'xxhash-wasm h64', xx, fmtNs, r['Bucketer.bucket(unit)'] <= xx);
    row(`  inRollout() ~ bucket(), ${bytes} bytes`, r['inRollout(unit, salt, coverage)'], 'bucket()', r['bucket(unit, salt)'], fmtNs,
      r['inRollout(unit, salt, coverage)'] <= 1.1 * r['bucket(unit, salt)']);
    row(`  Bucketer.inRollout(), ${bytes} bytes`, r['Bucketer.inRollout(unit, coverage)'], 'xxhash-wasm h64', xx, fmtNs, r['Bucketer.inRollout(unit, coverage)'] <= xx);
  }
}
if (figures.coldstart) {
  const c = figures.coldstart;
  const mine = c['rollgate/flags'];
  for (const peer of ['flipt', 'flagd-core']) {
    if (c[peer]) row(`cold start, rollgate/flags: <= 20 ms (vs ${peer}, wall)`, mine.totalMs, peer, c[peer].totalMs, ms, mine.totalMs <= 20);
  }
  if (c['flagd-core']) row('  cold start, CPU time of the process', mine.cpuMs, 'flagd-core', c['flagd-core'].cpuMs, ms, mine.cpuMs <= 20);
  row('  full rollgate entry (wall)', c.rollgate.totalMs, 'flagd-core', c['flagd-core'].totalMs, ms, true);
  row('  first compile() vs second', mine.compileMs, 'second compile()', mine.secondCompileMs, ms, mine.compileMs <= 2 * mine.secondCompileMs + 0.5, mine.compileMs / mine.secondCompileMs);
}
if (figures.sizes) {
  const z = figures.sizes;
  const fl = figures.sizes.flipt;
  row('rollgate/flags wasm + glue: <= 60 KB gz', z.flags.wasm + z.flags.glue, 'Flipt wasm + glue', fl && fl.wasm + fl.glue, kb, z.flags.wasm + z.flags.glue <= 60 * 1024);
  row('  rollgate/flags with its JS', z.flags.total, 'Flipt wasm + glue', fl && fl.wasm + fl.glue, kb, true);
  row('  full entry (wasm + glue + JS)', z.full.total, 'Flipt wasm + glue', fl && fl.wasm + fl.glue, kb, true);
  if (z.package) row('whole package: <= 200 KB gz', z.package.tarball, 'Flipt package', fl && fl.package, kb, z.package.tarball <= 200 * 1024);
}
if (figures.stats && figures.stats.mannWhitneyNative) {
  const st = figures.stats;
  row('Mann-Whitney U WASM within 1.2x native', st.mannWhitneyWasm, 'native', st.mannWhitneyNative, fmtNs,
    st.mannWhitneyWasm <= 1.2 * st.mannWhitneyNative, st.mannWhitneyWasm / st.mannWhitneyNative);
}
table(`issue 15 goals (ratio = peer / rollgate, > 1 means rollgate is faster or smaller; native rows: rollgate / native; times are CPU time${WALL ? ' (here: wall clock)' : ''})${quick ? ' [--quick: figures meaningless]' : ''}`, rows);
console.log(`load average during the run (1, 5, 15 min), at start and after each script: ${load.map((l) => l.map((x) => x.toFixed(2)).join('/')).join('  ')}`);
