// Edge benchmark, CPU side: what rollgate adds to one request, free of the network noise that
// dominates overhead.mjs on a busy machine. Each step is timed over many iterations:
//   verify the unit cookie (HMAC-SHA256), mint + sign a fresh unit, the coverage draw
//   (inRollout), one latency into the sketch, and the whole per-request path together; and the
//   worker's Server-Timing path (timing.js observe: the core's parser on one header, collecting
//   cpu and db, each duration into its sketch); and the events path (events.js past its HTTP
//   checks: the core parses a one-event batch, the unit's arm, the record into the arm's unit
//   summary) and a served request's exposure (units.js expose);
// first inside workerd (support/hotpath-worker.js runs the step n times per request; wall time / n,
// minus an empty loop), then in Node for comparison (Node's WebCrypto hands every HMAC to its
// thread pool, so its crypto figures are much higher than workerd's).
//
//   node tests/bench/edge/hotpath.mjs [--iterations 50000]
//
// Needs the package built (dist/); ROLLGATE_PACKAGE_DIST=<dir> uses a staging build instead.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as c from '../../../edge/cloudflare/src/crypto.js';
import * as h from '../../edge/support/harness.mjs';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '50000' } } });
const N = Number(args.iterations);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dist = process.env.ROLLGATE_PACKAGE_DIST ? resolve(process.env.ROLLGATE_PACKAGE_DIST) : join(repo, 'dist');
if (!existsSync(join(dist, 'node.js'))) {
  console.log(`edge hotpath bench skipped: ${join(dist, 'node.js')} missing (bash scripts/bootstrap.sh)`);
  process.exit(0);
}
// --- inside workerd --------------------------------------------------------------------------
const skip = h.skipReason();
if (skip) {
  console.log(`edge hotpath bench skipped: ${skip}`);
  process.exit(0);
}
// esbuild is a dependency of edge/cloudflare, not of the repository root.
const { build } = createRequire(join(repo, 'edge/cloudflare/package.json'))('esbuild');
const work = join(repo, 'edge/cloudflare/.tmp/hotpath');
mkdirSync(work, { recursive: true });
await build({
  entryPoints: [join(repo, 'tests/bench/edge/support/hotpath-worker.js')],
  outfile: join(work, 'hotpath.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  alias: process.env.ROLLGATE_PACKAGE_DIST ? { rollgate: join(dist, 'workerd.js') } : {},
  plugins: [{ name: 'wasm', setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './rollgate.wasm', external: true })) }],
  logLevel: 'error',
});
copyFileSync(join(dist, 'rollgate.wasm'), join(work, 'rollgate.wasm'));
const port = await h.freePort();
writeFileSync(join(work, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "hot", worker = (modules = [(name = "hotpath.mjs", esModule = embed "hotpath.mjs"), (name = "rollgate.wasm", wasm = embed "rollgate.wasm")], compatibilityDate = "2025-01-01"))],
  sockets = [(name = "hot", address = "127.0.0.1:${port}", http = (), service = "hot")],
);
`);
const { launchWorkerd } = await import('../../../edge/cloudflare/scripts/workerd-launch.mjs');
const wd = await launchWorkerd({ config: join(work, 'config.capnp'), ports: [port], probePath: '/?what=noop&n=1', hardTimeoutMs: 600000, removeOnStop: [work] });
async function inWorkerd(what, n) {
  await fetch(`http://127.0.0.1:${port}/?what=${what}&n=${Math.min(n, 2000)}`); // warm-up
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/?what=${what}&n=${n}`);
    await r.text();
    best = Math.min(best, performance.now() - t0); // least disturbed of three
  }
  return (best * 1e6) / n; // ns per iteration, including the loop and the request's share
}
console.log(`edge hot path inside workerd (${N} iterations per step, best of 3; minus an empty loop)`);
const base = await inWorkerd('noop', N);
const inside = {};
for (const [what, label, per = 1] of [
  ['verify', 'verify the unit cookie (HMAC-SHA256)'],
  ['mint', 'mint + sign a fresh unit'],
  ['draw', 'coverage draw: inRollout(unit, salt, 20000)'],
  ['sketch', 'latency into the QuantileSketch'],
  ['whole', 'whole path: verify + draw + sketch'],
  ['timing-parse', 'Server-Timing: the core parses one header'],
  ['timing', 'Server-Timing: parse one header + sketch 2 names'],
  ['events-parse', 'events: the core parses a one-event batch'],
  ['events', 'events: parse + arm + record one event (ingest)'],
  ['events-20', 'events: ingest a 20-event batch, per event', 20],
  ['expose', 'events: expose the served unit (per request)'],
]) {
  inside[what] = Math.max(0, (await inWorkerd(what, N)) - base) / per;
  console.log(`  ${label.padEnd(48)} ${(inside[what] / 1000).toFixed(2).padStart(8)} µs/${per > 1 ? 'event' : 'request'}`);
}
await wd.stop();

// --- in Node, for comparison ------------------------------------------------------------------
const rg = await import(pathToFileURL(join(dist, 'node.js')).href);
await rg.init();

const SECRET = 'bench-cookie-secret-0123456789abcdef';
const units = Array.from({ length: 1024 }, () => crypto.randomUUID());
const cookies = await Promise.all(units.map((u) => c.signUnit(SECRET, u)));

async function time(name, fn) {
  for (let i = 0; i < Math.min(2000, N); i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log(`  ${name.padEnd(48)} ${(ns / 1000).toFixed(2).padStart(8)} µs/request`);
  return ns;
}

console.log(`the same in Node ${process.versions.node} (in-process; WebCrypto goes through Node's thread pool)`);
const sketch = new rg.QuantileSketch();
const results = {
  verifyCookie: await time('verify the unit cookie (HMAC-SHA256)', (i) => c.verifyUnit(SECRET, cookies[i & 1023])),
  mintCookie: await time('mint + sign a fresh unit', () => c.signUnit(SECRET, crypto.randomUUID())),
  inRollout: await time('coverage draw: inRollout(unit, salt, 20000)', (i) => rg.inRollout(units[i & 1023], 'bench-salt', 20000)),
  sketchAdd: await time('latency into the QuantileSketch', (i) => sketch.add((i % 97) + 0.5)),
  whole: await time('whole path: verify + draw + count + sketch', async (i) => {
    const unit = await c.verifyUnit(SECRET, cookies[i & 1023]);
    const canary = rg.inRollout(unit, 'bench-salt', 20000);
    sketch.add(canary ? 3 : 2);
  }),
};
sketch.dispose();
console.log(JSON.stringify({ bench: 'edge-hotpath', iterations: N, workerdNsPerRequest: inside, nodeNsPerRequest: results }));
