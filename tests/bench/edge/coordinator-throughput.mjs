// Edge benchmark: what ONE coordinator Durable Object spends per merged flush, and how many
// flushes per second it sustains (issue 12). Bounded, loopback only.
//
//   node tests/bench/edge/coordinator-throughput.mjs [--flushes 4000] [--concurrency 1000] [--requests 20] [--shadow]
//
// One workerd runs the real Coordinator class behind a test front (tests/edge/support/do-front.mjs,
// which forwards a request to the object named in a header). Node posts pre-built flushes in the
// workers' own format (metrics.js Accumulator: both arms, latency sketches, and with --shadow a
// mismatch report per arm as a shadowed isolate sends), each from its own isolate id, with
// `concurrency` in flight, straight to the coordinator; then the same number of state reads.
// Reported: flushes/s and workerd CPU (user + system, from /proc) per flush, minus the CPU per
// state read (the HTTP and front overhead every request pays), so what remains is the merge,
// dedupe and group-commit work. A Durable Object runs on one thread: 1 / (CPU per flush) is its
// ceiling, whatever the machine. Then the same through 8 aggregators: the CPU per isolate flush
// at an aggregator, and the coordinator's share per merged batch.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import * as h from '../../edge/support/harness.mjs';

const { values: args } = parseArgs({
  options: {
    flushes: { type: 'string', default: '4000' },
    // A flush is answered once stored (group commit, up to 1 s): saturating one object takes about
    // as many in flight as the flushes it merges per second, as with a thousand isolates.
    concurrency: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '20' },
    shadow: { type: 'boolean', default: false },
  },
});
const N = Number(args.flushes);
const C = Number(args.concurrency);
const R = Number(args.requests);

const skip = h.skipReason();
if (skip) {
  console.log(`coordinator bench skipped: ${skip}`);
  process.exit(0);
}
h.buildWorker();
const engine = await import('../../../edge/cloudflare/src/engine.js');
const { Accumulator } = await import('../../../edge/cloudflare/src/metrics.js');
await engine.initEngine();

const AGGS = 8;
const port = await h.freePort();
const w = await h.startWorkerd({
  services: [{ name: 'front', port, entry: join(h.repo, 'tests/edge/support/do-front.mjs') }],
  // Production timings: flushes committed at most once a second, aggregators forward every second.
  vars: h.baseVars('http://127.0.0.1:9', { ROLLGATE_ROLLOUT: 'bench', ROLLGATE_FLUSH_MS: '5000', ROLLGATE_STATE_TTL_MS: '5000', ROLLGATE_AGGREGATORS: String(AGGS) }),
  probe: 'tcp',
  hardTimeoutMs: 600000,
});
const front = `http://127.0.0.1:${port}`;
const call = async (object, method, path, body) => {
  const r = await fetch(front + path, {
    method,
    headers: { 'x-rollgate-object': object, authorization: `Bearer ${h.TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text}`);
  return JSON.parse(text);
};
const cpuSeconds = () => {
  const f = readFileSync(`/proc/${w.workerdPid()}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s on Linux
};

const plan = h.testPlan({ minDurationMs: 3600000, percents: [50, 100] });
const spec = { id: 'bench', origins: { canary: 'http://127.0.0.1:9', ...(args.shadow ? { shadow: 'http://127.0.0.1:9' } : {}) }, plan, evaluationIntervalMs: 1000, ...(args.shadow ? { shadow: { sampleRate: 1 } } : {}) };
const started = await call('bench', 'POST', '/__rollgate/start', spec);

/** One isolate's flush as the worker builds it: R requests over both arms, optionally shadowed. */
function buildFlush(i) {
  const acc = new Accumulator();
  for (let k = 0; k < R; k++) acc.recordRequest('bench', started.window, k % 2 ? 'canary' : 'stable', 200, 5 + Math.random() * 80, k % 4 === 0);
  if (args.shadow) {
    const enc = new TextEncoder();
    const res = (x) => ({ status: 200, headers: [['content-type', 'application/json']], body: enc.encode(JSON.stringify({ id: x, price: 10, items: [1, 2, x % 7] })) });
    for (const arm of ['stable', 'canary']) {
      const a = acc.arm('bench', started.window, arm);
      a.report = engine.newMismatchReport(started.shadow.report);
      engine.compareInto(a.report, res(i), res(i + 1), res(i + 2), {});
    }
  }
  return JSON.stringify(acc.take());
}
const flushes = Array.from({ length: N }, (_, i) => buildFlush(i));
const bytes = flushes.reduce((n, f) => n + f.length, 0) / N;

async function run(n, fn) {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await h.pool(n, C, fn);
  const wall = (performance.now() - t0) / 1000;
  return { n, wall, perSecond: n / wall, cpuMsEach: ((cpuSeconds() - c0) * 1000) / n };
}

// Warm-up, then state reads (the per-request floor), then flushes straight to the coordinator.
await run(200, () => call('bench', 'GET', '/__rollgate/internal/state'));
const reads = await run(N, () => call('bench', 'GET', '/__rollgate/internal/state'));
const direct = await run(N, (i) => call('bench', 'POST', '/__rollgate/internal/report', flushes[i]));
const st = await call('bench', 'GET', '/__rollgate/status');
const counted = st.metrics.total.stable.requests + st.metrics.total.canary.requests;

// The same flushes again, from new isolate ids, through 8 aggregators (each isolate to one).
const renamed = flushes.map((f, i) => f.replaceAll(JSON.parse(f).isolate, `agg-bench-${i}`));
const viaAggs = await run(N, (i) => call(`bench:agg:${i % AGGS}`, 'POST', `/__rollgate/internal/agg/report?shard=${i % AGGS}`, renamed[i]));
await new Promise((r) => setTimeout(r, 2500)); // the aggregators' last forward
const st2 = await call('bench', 'GET', '/__rollgate/status');
const counted2 = st2.metrics.total.stable.requests + st2.metrics.total.canary.requests - counted;
const merged = Object.entries(st2.isolates).filter(([k]) => k.startsWith('agg')).reduce((n, [, v]) => n + v.batches, 0);
await w.stop();

const f1 = (x) => x.toFixed(1);
const f3 = (x) => x.toFixed(3);
const floor = reads.cpuMsEach;
console.log(`coordinator throughput: ${N} flushes of ${R} requests (${(bytes / 1024).toFixed(1)} KiB each${args.shadow ? ', with a mismatch report per arm' : ''}), concurrency ${C}`);
console.log(`  state reads          ${f1(reads.perSecond).padStart(8)}/s  workerd CPU ${f3(reads.cpuMsEach)} ms each (HTTP + front + object: the floor of any request)`);
console.log(`  flushes, direct      ${f1(direct.perSecond).padStart(8)}/s  workerd CPU ${f3(direct.cpuMsEach)} ms each, ${f3(direct.cpuMsEach - floor)} ms above the floor; ceiling of one object ≈ ${Math.round(1000 / direct.cpuMsEach)} flushes/s`);
console.log(`  flushes, 8 aggregators ${f1(viaAggs.perSecond).padStart(6)}/s  workerd CPU ${f3(viaAggs.cpuMsEach)} ms each (aggregators + their ${merged} merged batches to the coordinator)`);
console.log(`  counted: direct ${counted} of ${N * R} requests, via aggregators ${counted2} of ${N * R}`);
console.log(`  machine load average: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
console.log(JSON.stringify({ bench: 'coordinator-throughput', flushes: N, concurrency: C, requestsPerFlush: R, shadow: args.shadow, flushBytes: bytes, reads, direct, viaAggregators: viaAggs, mergedBatches: merged, counted, counted2 }));
