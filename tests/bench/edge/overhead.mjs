// Edge benchmark: what the rollgate worker adds on workerd, against a passthrough worker that only
// proxies, same origins, same load, one run (interleaved rounds). Bounded, loopback only.
//
//   node tests/bench/edge/overhead.mjs [--requests 4000] [--concurrency 16] [--rounds 4] [--server-timing cpu,db] [--events K]
//
// The origins send `Server-Timing: cpu;dur=..., db;dur=...;desc=...` and the rollgate worker
// collects cpu and db (ROLLGATE_SERVER_TIMING; --server-timing '' turns collection off).
// --events K (default 0: off): the rollgate worker accepts `purchase` events (ROLLGATE_EVENTS, so
// every served request also exposes its unit) and one request in K of the load is a back-end
// event batch (POST /__rollgate/events, bearer token, the unit of the page requests); the
// passthrough worker gets the same POSTs (proxied to the origins), so both serve as many requests.
// Reports requests/s and p50/p99 latency of each, the added latency and the throughput ratio; the
// cold start (first request of a fresh workerd, which instantiates the WebAssembly module and
// reads the coordinator) and the RSS of each workerd process (one isolate each, plus the
// coordinator's Durable Object for rollgate). Needs `npm ci --prefix edge/cloudflare` and the
// package built (bash scripts/bootstrap.sh); ROLLGATE_PACKAGE_DIST=<dir> uses a staging build.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import os from 'node:os';
import * as h from '../../edge/support/harness.mjs';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '4' },
    percent: { type: 'string', default: '50' },
    shadow: { type: 'string', default: '0' },
    // Server-Timing names the rollgate worker collects (the origins send cpu and db); '' for none.
    'server-timing': { type: 'string', default: 'cpu,db' },
    events: { type: 'string', default: '0' },
  },
});
const N = Number(args.requests);
const C = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const EVENTS_EVERY = Number(args.events);
const EVENTS_TOKEN = 'bench-events-token-0123456789abcdef';

const skip = h.skipReason();
if (skip) {
  console.log(`edge bench skipped: ${skip}`);
  process.exit(0);
}
h.buildWorker();

// Origins in a child process, so the load generator and the origins do not share one event loop.
const originsProc = fork(new URL('./support/origins.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const origins = await new Promise((res) => originsProc.once('message', res));
const stopAll = [];
process.on('exit', () => originsProc.kill('SIGKILL'));

const vars = h.baseVars(origins.stable, {
  ROLLGATE_STATE_TTL_MS: '5000',
  ROLLGATE_FLUSH_MS: '1000',
  ROLLGATE_SERVER_TIMING: args['server-timing'],
  ...(EVENTS_EVERY > 0 ? { ROLLGATE_EVENTS: 'purchase', ROLLGATE_EVENTS_TOKEN: EVENTS_TOKEN } : {}),
});

async function coldStart(script, rolloutOn) {
  const port = await h.freePort();
  const t0 = performance.now();
  // Ready = the socket accepts (TCP probe), so nothing has run in the isolate yet: workerd has
  // parsed and compiled the script, the first request pays the rest (for rollgate: instantiating
  // the WebAssembly module, the coordinator's start and its first state read).
  const w = await h.startWorkerd({ services: [{ name: 'x', port, script }], vars, probe: 'tcp' });
  const listening = performance.now() - t0;
  const first = (await h.get(port, '/cold')).ms;
  const second = (await h.get(port, '/cold')).ms;
  await w.stop();
  return { listeningMs: listening, firstRequestMs: first, secondRequestMs: second };
}

function stats(lat, wallMs) {
  const s = Float64Array.from(lat).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return { requests: s.length, rps: (s.length / wallMs) * 1000, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] };
}

async function load(port, n) {
  const lat = [];
  const t0 = performance.now();
  await h.pool(n, C, async (i) => {
    if (EVENTS_EVERY > 0 && i % EVENTS_EVERY === EVENTS_EVERY - 1) {
      const t0 = performance.now();
      const body = JSON.stringify({ unit: `bench-${(i - 1) % 5000}`, events: [{ name: 'purchase', value: 31.5 }] });
      const r = await fetch(`http://127.0.0.1:${port}/__rollgate/events`, { method: 'POST', headers: { authorization: `Bearer ${EVENTS_TOKEN}`, 'content-type': 'text/plain' }, body });
      await r.arrayBuffer();
      if (r.status >= 500) throw new Error(`events status ${r.status}`);
      lat.push(performance.now() - t0);
      return;
    }
    const r = await h.get(port, `/bench/${i % 64}`, { 'x-user-id': `bench-${i % 5000}` });
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    lat.push(r.ms);
  });
  return { lat, wall: performance.now() - t0 };
}

const cold = { passthrough: await coldStart('passthrough'), rollgate: await coldStart('worker') };

const pPort = await h.freePort();
const rPort = await h.freePort();
const pass = await h.startWorkerd({ services: [{ name: 'p', port: pPort, script: 'passthrough' }], vars });
const rg = await h.startWorkerd({ services: [{ name: 'r', port: rPort }], vars });
stopAll.push(pass.stop, rg.stop);
const start = await h.admin(rPort, 'POST', 'start', {
  id: 'bench',
  origins: { canary: origins.canary, ...(Number(args.shadow) > 0 ? { shadow: origins.shadow } : {}) },
  plan: h.testPlan({ minDurationMs: 3600000, percents: [Number(args.percent), 100] }),
  ...(Number(args.shadow) > 0 ? { shadow: { sampleRate: Number(args.shadow) } } : {}),
  evaluationIntervalMs: 10000,
});
if (start.status !== 200) throw new Error(start.text);

// Warm-up, then interleaved rounds so that machine noise hits both alike.
await load(pPort, 300);
await load(rPort, 300);
const all = { passthrough: { lat: [], wall: 0 }, rollgate: { lat: [], wall: 0 } };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, port] of r % 2 ? [['rollgate', rPort], ['passthrough', pPort]] : [['passthrough', pPort], ['rollgate', rPort]]) {
    const x = await load(port, Math.ceil(N / ROUNDS));
    all[name].lat.push(...x.lat);
    all[name].wall += x.wall;
  }
}
const P = stats(all.passthrough.lat, all.passthrough.wall);
const R = stats(all.rollgate.lat, all.rollgate.wall);
const rss = { passthroughKb: pass.rssKb(), rollgateKb: rg.rssKb() };
await new Promise((r) => setTimeout(r, 1300)); // the last flush (ROLLGATE_FLUSH_MS = 1000)
const st = (await h.admin(rPort, 'GET', 'status')).body;
for (const s of stopAll) await s();
originsProc.kill('SIGKILL');

const f = (x) => x.toFixed(2);
console.log(`edge overhead: ${N} requests per worker, concurrency ${C}, ${ROUNDS} interleaved rounds, canary at ${args.percent}%${Number(args.shadow) > 0 ? `, shadow sample ${args.shadow}` : ''}`);
console.log(`  passthrough  ${f(P.rps).padStart(8)} req/s  p50 ${f(P.p50)} ms  p90 ${f(P.p90)} ms  p99 ${f(P.p99)} ms`);
console.log(`  rollgate     ${f(R.rps).padStart(8)} req/s  p50 ${f(R.p50)} ms  p90 ${f(R.p90)} ms  p99 ${f(R.p99)} ms`);
console.log(`  added latency: p50 ${f(R.p50 - P.p50)} ms, p99 ${f(R.p99 - P.p99)} ms; throughput ratio rollgate/passthrough ${f(R.rps / P.rps)}`);
console.log(`  cold start (fresh workerd, no rollout started): listening after ${f(cold.passthrough.listeningMs)} / ${f(cold.rollgate.listeningMs)} ms; first request passthrough ${f(cold.passthrough.firstRequestMs)} ms (then ${f(cold.passthrough.secondRequestMs)}), rollgate ${f(cold.rollgate.firstRequestMs)} ms (then ${f(cold.rollgate.secondRequestMs)})`);
console.log(`  machine load average while measuring: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
console.log(`  workerd RSS after the load: passthrough ${(rss.passthroughKb / 1024).toFixed(1)} MiB, rollgate (worker isolate + coordinator) ${(rss.rollgateKb / 1024).toFixed(1)} MiB`);
console.log(`  coordinator counted ${st.metrics.total.stable.requests + st.metrics.total.canary.requests} of ${N + 300} requests (stable ${st.metrics.total.stable.requests}, canary ${st.metrics.total.canary.requests})`);
const stc = st.counters.serverTiming;
console.log(`  Server-Timing (collecting ${JSON.stringify(args['server-timing'])}): ${stc.headers} headers read, ${stc.recorded} durations recorded, ${stc.malformed} malformed; cpu samples stable ${st.metrics.total.stable.timing.cpu?.count ?? 0}, canary ${st.metrics.total.canary.timing.cpu?.count ?? 0}`);
const ev = st.counters.events;
if (EVENTS_EVERY > 0) console.log(`  events (one request in ${EVENTS_EVERY}): ${ev.batches} batches, ${ev.recorded} events recorded, ${ev.malformed + ev.badToken + ev.failOpen} refused; purchase units exposed in the window stable ${st.metrics.window.stable.units.purchase?.exposed ?? 0}, canary ${st.metrics.window.canary.units.purchase?.exposed ?? 0}`);
console.log(JSON.stringify({ bench: 'edge-overhead', requests: N, concurrency: C, serverTiming: args['server-timing'], events: EVENTS_EVERY, passthrough: P, rollgate: R, ratio: R.rps / P.rps, cold, rss, serverTimingCounts: stc, eventCounts: ev }));
