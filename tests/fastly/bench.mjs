#!/usr/bin/env node
// Per-request cost of the Fastly service in the Node harness (a benchmark, not a test):
//   node tests/fastly/bench.mjs [--requests 3000] [--concurrency 8] [--iterations 20000]
// 1. Requests through the running service (rollout at 50%; a third each with a unit header, a
//    valid cookie, and no unit, which mints one): per request, the time to instantiate the
//    module, the time the instance ran, the part of it spent blocked on I/O (backends, client),
//    and the rest: the guest's CPU plus the emulated hostcalls. Also hostcalls per request.
//    Each request also reads the state (from the POP's cache after the first) and flushes its
//    summary to a stand-in coordinator, as the service does.
// 2. The hot path alone, in the self-test module: cookie HMAC verify, minting a signed unit, the
//    arm decision (coverage draw), and counting one request with its flush (summary, latency
//    sketch, JSON), each timed over many iterations (tests/bench/edge/hotpath.mjs measures the
//    Cloudflare worker's same steps inside workerd).
// V8 runs the module here; Compute runs it under Wasmtime, so these figures are indicative.
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import * as cf from '../../edge/cloudflare/src/crypto.js';
import { startService, COOKIE_SECRET } from './support/fixtures.mjs';
import { loadSelftest } from './support/selftest.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 3000);
const CONCURRENCY = arg('concurrency', 8);
const ITERATIONS = arg('iterations', 20000);

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const fmt = (ms) => `${(ms * 1000).toFixed(0)} µs`;

const svc = await startService({ coverage: 50000, options: { workers: 2 } });
const cookies = [];
for (let i = 0; i < 50; i++) cookies.push(`rg_unit=${await cf.signUnit(COOKIE_SECRET, crypto.randomUUID())}`);
const kinds = ['header', 'cookie', 'fresh'];
const one = async (i) => {
  const kind = kinds[i % 3];
  const headers = kind === 'header' ? { 'x-user-id': `user-${i}` } : kind === 'cookie' ? { cookie: cookies[i % cookies.length] } : {};
  const t0 = performance.now();
  const r = await fetch(svc.url + '/bench', { headers });
  await r.arrayBuffer();
  return performance.now() - t0;
};
// Warm-up (JIT of the harness and of the module's code in each worker).
for (let i = 0; i < 300; i++) await one(i);
await svc.h.idle();
svc.h.requests.length = 0;
const latencies = [];
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < REQUESTS) latencies.push(await one(next++));
  }),
);
await svc.h.idle();
const stats = svc.h.requests;
const cpu = stats.map((s) => s.instantiateMs + s.runMs - s.blockedMs);
const guest = stats.map((s) => s.runMs - s.hostcallMs);
const hostcpu = stats.map((s) => s.hostcallMs - s.blockedMs);
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`requests through the service: ${stats.length} (concurrency ${CONCURRENCY}, 2 harness workers)`);
console.log(`  instantiate per request   p50 ${fmt(q(stats.map((s) => s.instantiateMs), 0.5))}  p90 ${fmt(q(stats.map((s) => s.instantiateMs), 0.9))}`);
console.log(`  instance ran              p50 ${fmt(q(stats.map((s) => s.runMs), 0.5))}  p90 ${fmt(q(stats.map((s) => s.runMs), 0.9))}`);
console.log(`  of which blocked on I/O   p50 ${fmt(q(stats.map((s) => s.blockedMs), 0.5))}`);
console.log(`  the guest's own code      p50 ${fmt(q(guest, 0.5))}  p90 ${fmt(q(guest, 0.9))}`);
console.log(`  emulated hostcalls (CPU)  p50 ${fmt(q(hostcpu, 0.5))}  p90 ${fmt(q(hostcpu, 0.9))}`);
console.log(`  CPU (instantiate + run - I/O) p50 ${fmt(q(cpu, 0.5))}  p90 ${fmt(q(cpu, 0.9))}  p99 ${fmt(q(cpu, 0.99))}`);
console.log(`  hostcalls per request     p50 ${q(stats.map((s) => s.hostcalls), 0.5)}  max ${Math.max(...stats.map((s) => s.hostcalls))}`);
console.log(`  client latency (loopback) p50 ${q(latencies, 0.5).toFixed(2)} ms  p99 ${q(latencies, 0.99).toFixed(2)} ms`);
await svc.close();

const st = loadSelftest();
const signed = st.signUnit(COOKIE_SECRET, crypto.randomUUID());
const time = (label, fn) => {
  for (let i = 0; i < 1000; i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < ITERATIONS; i++) fn(i);
  const per = (performance.now() - t0) / ITERATIONS;
  console.log(`  ${label.padEnd(40)} ${(per * 1000).toFixed(2)} µs`);
};
console.log(`hot path in the self-test module (${ITERATIONS} iterations each, including the JS call and string copies):`);
time('cookie HMAC verify', () => st.verifyUnit(COOKIE_SECRET, signed));
time('mint a signed unit (HMAC + base64url)', (i) => st.signUnit(COOKIE_SECRET, `u-${i}`));
time('arm decision (coverage draw)', (i) => st.arm(`u-${i}`, 'checkout-v2', 50));
time('count one request + its flush JSON', (i) => st.flush(200, 5 + (i % 50), i % 2 === 0));
