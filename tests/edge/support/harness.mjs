// Test harness for the edge suite: local origins (Node HTTP servers on 127.0.0.1, ephemeral
// ports), the worker bundle, and workerd processes in their own process groups that are always
// stopped (after hooks, process exit, and a hard timeout). SPDX-License-Identifier: MIT
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const edgeDir = join(repo, 'edge/cloudflare');
const { workerdBin } = await import(join(edgeDir, 'scripts/workerd-config.mjs'));
const { launchEdge, freePort } = await import(join(edgeDir, 'scripts/workerd-launch.mjs'));
export { freePort };

export const TOKEN = 'test-admin-token-0123456789abcdef';
export const COOKIE_SECRET = 'test-cookie-secret-0123456789abcdef';
export const OVERRIDE_SECRET = 'test-override-secret-0123456789abcdef';

/**
 * Why the suite cannot run here, or null. Benchmarks use this to explain themselves; tests call
 * requireRuntime() instead, because a test suite that skips itself into green hides a broken
 * build (npm test always builds both pieces first).
 */
export function skipReason() {
  if (!existsSync(workerdBin)) return 'workerd is not installed: run `npm ci --prefix edge/cloudflare`';
  const dist = process.env.ROLLGATE_PACKAGE_DIST || join(repo, 'dist');
  if (!existsSync(join(dist, 'rollgate.wasm'))) {
    return 'the rollgate package is not built (dist/rollgate.wasm missing): run `bash scripts/bootstrap.sh`';
  }
  return null;
}

/** Throws, naming the missing piece, unless workerd and the built package are both present. */
export function requireRuntime() {
  const why = skipReason();
  if (why) throw new Error(`cannot run the edge suite: ${why}`);
}

let built = false;
/** Bundles the worker (fast: esbuild) so the tests always run the current source. */
export function buildWorker() {
  if (built) return;
  execFileSync(process.execPath, [join(edgeDir, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
  built = true;
}

/**
 * An origin server. Answers JSON {origin, path, requestId, price, ...}. Behaviour can be changed
 * while running through `o.behave`: {failRate, status, delayMs, price, noiseField, serverTiming}.
 */
export async function startOrigin(name, behave = {}) {
  const o = { name, behave: { failRate: 0, delayMs: 0, price: 10, ...behave }, hits: 0, seen: [] };
  let seq = 0;
  o.server = createServer((req, res) => {
    o.hits++;
    const url = new URL(req.url, 'http://x');
    if (o.seen.length < 10000) o.seen.push({ method: req.method, path: url.pathname, headers: req.headers, at: Date.now() });
    const b = o.behave;
    const delay = Number(url.searchParams.get('delay') || b.delayMs || 0);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const fail = b.failRate > 0 && Math.random() < b.failRate;
        const body = JSON.stringify({
          origin: b.label || name,
          path: url.pathname,
          // A field that differs on every response: what noise learning must recognise.
          requestId: `${name}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2)}`,
          price: url.pathname.startsWith('/priced') ? b.price : 10,
          echo: chunks.length ? Buffer.concat(chunks).toString() : undefined,
        });
        const head = { 'content-type': 'application/json', 'x-origin': b.label || name };
        // Server-Timing: a string, or a function of the request's URL (null: no header).
        const timing = typeof b.serverTiming === 'function' ? b.serverTiming(url) : b.serverTiming;
        if (timing !== undefined && timing !== null) head['server-timing'] = timing;
        res.writeHead(fail ? 500 : b.status || 200, head);
        res.end(req.method === 'HEAD' ? undefined : body);
      }, delay);
    });
  });
  o.server.keepAliveTimeout = 1000;
  await new Promise((r) => o.server.listen(0, '127.0.0.1', r));
  o.port = o.server.address().port;
  o.url = `http://127.0.0.1:${o.port}`;
  o.close = () =>
    new Promise((r) => {
      o.server.closeAllConnections?.();
      o.server.close(() => r());
    });
  return o;
}

/**
 * Starts workerd with the given services (see workerd-config.mjs; `storage: {localDisk: dir}`
 * keeps Durable Objects on disk, so a restart on the same dir finds them) and waits until every
 * socket answers: edge/cloudflare/scripts/workerd-launch.mjs does it (own process group, always
 * stopped: stop(), process exit, a hard timeout). Returns {stop, logs, pid, workerdPid, rssKb}.
 */
export function startWorkerd({ services, vars, storage, hardTimeoutMs = 110000, probe = 'http' }) {
  return launchEdge({ services, vars, storage, hardTimeoutMs, probe, startTimeoutMs: 15000, args: ['--verbose'] });
}

/** Settings every rollgate service gets in the tests (short TTLs so the suite stays fast). */
export function baseVars(stableUrl, extra = {}) {
  return {
    ROLLGATE_STABLE_ORIGIN: stableUrl,
    ROLLGATE_ROLLOUT: 'test',
    ROLLGATE_UNIT_HEADER: 'x-user-id',
    ROLLGATE_STATE_TTL_MS: '400',
    ROLLGATE_STATE_RETRY_MS: '200',
    ROLLGATE_FLUSH_MS: '150',
    ROLLGATE_COOKIE_SECRET: COOKIE_SECRET,
    ROLLGATE_OVERRIDE_SECRET: OVERRIDE_SECRET,
    ROLLGATE_ADMIN_TOKEN: TOKEN,
    ROLLGATE_CORS_ORIGIN: 'https://dashboard.example',
    ...extra,
  };
}

/** Admin call: returns {status, body}. */
export async function admin(port, method, route, body, token = TOKEN) {
  const r = await fetch(`http://127.0.0.1:${port}/__rollgate/${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, body: json, text, headers: r.headers };
}

/** One request through the worker: {status, arm, body, cookie, ms, headers}. */
export async function get(port, path = '/', headers = {}, method = 'GET') {
  const t0 = performance.now();
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(10000) });
  const text = await r.text();
  const ms = performance.now() - t0;
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  const setCookie = r.headers.get('set-cookie');
  return { status: r.status, arm: r.headers.get('x-rollgate-arm'), fallback: r.headers.get('x-rollgate-fallback'), body, text, ms, headers: r.headers, cookie: setCookie ? setCookie.split(';')[0] : null };
}

/** Runs `n` calls of `fn(i)` with at most `c` in flight. */
export async function pool(n, c, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** Polls `fn` until it returns a truthy value or `ms` pass; returns the last value. */
export async function until(fn, ms, every = 100) {
  const end = Date.now() + ms;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A plan in rollgate's plan format (docs/rollout.md) with windows of about a second. */
export function testPlan({ minDurationMs = 1000, percents = [10, 50, 100] } = {}) {
  // Both metrics judge an increase against stable; a failing errorRate rolls back at once.
  const metric = (name, kind, { group, test, allowedChange, critical, gate }) => ({ name, kind, direction: 'increase', allowedChange, critical, group, test, gates: [gate] });
  // The judge passes a metric only with the power to see its allowed change (docs/canary.md,
  // "Power"): +5 points of errors needs about 150 canary requests, which these tests send in a
  // few rounds (+2 points would need about 400); the 5% gate at 100% needs about 220.
  const errorRate = metric('errorRate', 'rate', { group: 'errors', test: 'fisher', allowedChange: { relative: 0.5, absolute: 0.05 }, critical: true, gate: { stat: 'rate', max: 0.05 } });
  // p90: 50 samples suffice (minTailSamples 5 beyond it)
  const latency = metric('latency', 'continuous', { group: 'latency', test: 'mannWhitney', allowedChange: { relative: 1, absolute: 50 }, critical: false, gate: { stat: 'p90', max: 2000 } });
  const full = {
    alpha: 0.05,
    scoreThresholds: { pass: 100, marginal: 75 },
    metrics: [
      { ...errorRate, compare: false, allowedChange: undefined, test: undefined },
      { ...latency, compare: false, allowedChange: undefined, test: undefined },
    ].map((m) => JSON.parse(JSON.stringify(m))),
  };
  return {
    name: 'edge-test',
    canary: { alpha: 0.05, scoreThresholds: { pass: 100, marginal: 75 }, groupWeights: { errors: 50, latency: 50 }, metrics: [errorRate, latency] },
    stages: percents.map((percent, i) =>
      percent >= 100
        ? { name: `full`, percent, minDurationMs, gates: full }
        : { name: `stage-${i}`, percent, minDurationMs, maxDurationMs: Math.max(60000, 2 * minDurationMs), gates: ["errorRate", "latency"] },
    ),
  };
}

/** Chi-square goodness of fit p-value for two arms (df = 1): erfc(sqrt(chi2 / 2)). */
export function srmPValue(counts, shares) {
  const n = counts[0] + counts[1];
  const t = shares[0] + shares[1];
  let chi = 0;
  for (let i = 0; i < 2; i++) {
    const e = (n * shares[i]) / t;
    chi += (counts[i] - e) ** 2 / e;
  }
  return erfc(Math.sqrt(chi / 2));
}
function erfc(x) {
  // Numerical Recipes erfcc, relative error < 1.2e-7
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

export { signOverrideNode } from './sign.mjs';
