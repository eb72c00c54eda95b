// The deployment users run is the one tested: edge/cloudflare/wrangler.toml, read by wrangler
// itself (a devDependency of edge/cloudflare), without an account and without network.
//   1. `wrangler deploy --dry-run` validates the config, runs its [build] command and lists what
//      it would upload: the Durable Object binding, the .wasm module, and a worker that is, byte
//      for byte, the bundle the rest of this suite runs on workerd.
//   2. `wrangler dev` serves the worker locally (on wrangler's own workerd, through miniflare)
//      with that config, the secrets in an env file of a temporary folder and a local origin:
//      requests are proxied through the coordinator (not failing open), a rollout started through
//      the admin API splits users between stable and canary, and the coordinator counts every
//      request. This is what goes red when wrangler rejects or misreads wrangler.toml (a binding,
//      the migration, the module rules, a var) or the bundle does not load outside our own
//      workerd config.
// wrangler warns that it cannot fetch the Request.cf object (no network) and goes on.
// Every process runs under the shared launcher (own process group, killed on stop, on exit and
// after a hard timeout). SPDX-License-Identifier: MIT
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as h from './support/harness.mjs';

const { launchProcess } = await import(join(h.edgeDir, 'scripts/workerd-launch.mjs'));
h.requireRuntime();
const wrangler = join(h.edgeDir, 'node_modules/wrangler/bin/wrangler.js');
if (!existsSync(wrangler)) throw new Error(`wrangler is not installed (${wrangler}): run \`npm ci --prefix edge/cloudflare\``);
const config = join(h.edgeDir, 'wrangler.toml');
const tmp = mkdtempSync(join(tmpdir(), 'rollgate-wrangler-'));
// wrangler keeps its settings, logs and telemetry consent under XDG_CONFIG_HOME: keep them here.
const env = { ...process.env, XDG_CONFIG_HOME: join(tmp, 'config'), WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' };
const ctx = {};

before(async () => {
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary');
});
after(async () => {
  await ctx.dev?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const runWrangler = (args, opts) => launchProcess({ command: process.execPath, args: [wrangler, ...args, '--config', config], env, cwd: h.edgeDir, ...opts });

test('wrangler deploy --dry-run accepts wrangler.toml and would upload the tested bundle, the wasm module and the coordinator binding', { timeout: 150_000 }, async () => {
  const out = join(tmp, 'upload');
  const run = await runWrangler(['deploy', '--dry-run', '--outdir', out], { ports: [], name: 'wrangler deploy --dry-run', hardTimeoutMs: 120_000 });
  const { status } = await run.done;
  const text = run.logs.join('\n');
  assert.equal(status, 0, text);
  assert.match(text, /--dry-run: exiting now/);
  assert.match(text, /env\.ROLLGATE_COORDINATOR \(Coordinator\)\s+Durable Object/, 'the Durable Object binding');
  assert.match(text, /rollgate\.wasm\s*│\s*compiled-wasm/, 'the .wasm goes up as a compiled module');
  assert.match(text, /env\.ROLLGATE_STABLE_ORIGIN \("https:\/\/origin-stable\.example\.com"\)\s+Environment Variable/, 'the [vars]');
  // What would be uploaded is what the rest of the suite runs on workerd.
  assert.ok(readFileSync(join(out, 'worker.mjs')).equals(readFileSync(join(h.edgeDir, 'dist/worker.mjs'))), 'worker.mjs is the tested bundle');
  assert.ok(readFileSync(join(out, 'rollgate.wasm')).equals(readFileSync(join(h.edgeDir, 'dist/rollgate.wasm'))), 'rollgate.wasm is the tested module');
});

test('wrangler dev serves the worker: proxied through the coordinator, a rollout splits users, every request counted', { timeout: 150_000 }, async (t) => {
  const port = await h.freePort();
  const inspectorPort = await h.freePort(); // the default (9229) may be taken by another run
  // Secrets and local settings as a developer gives them to `wrangler dev` (a .dev.vars-style
  // file); they override the [vars] of the same name.
  const vars = h.baseVars(ctx.stable.url, { ROLLGATE_ROLLOUT: 'wrangler-dev' });
  const envFile = join(tmp, 'dev.vars');
  writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const t0 = Date.now();
  ctx.dev = await runWrangler(
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--env-file', envFile, '--persist-to', join(tmp, 'state'), '--show-interactive-dev-session=false'],
    { ports: [port], name: 'wrangler dev', startTimeoutMs: 90_000, hardTimeoutMs: 140_000, graceMs: 5000 },
  );
  // wrangler answers before its first build is loaded; "Ready on" comes once it is.
  const ready = await h.until(() => ctx.dev.logs.some((l) => l.includes(`Ready on http://127.0.0.1:${port}`)), 60_000);
  assert.ok(ready, ctx.dev.logs.join('\n'));
  const startMs = Date.now() - t0;

  // No rollout yet: stable, through the coordinator (no x-rollgate-fallback: nothing failed).
  const first = await h.get(port, '/hello', { 'x-user-id': 'wrangler-0' });
  assert.equal(first.status, 200, first.text + '\n' + ctx.dev.logs.join('\n'));
  assert.equal(first.body?.origin, 'stable');
  assert.equal(first.body?.path, '/hello');
  assert.equal(first.arm, 'stable');
  assert.equal(first.fallback, null, `failed open: ${first.fallback}\n${ctx.dev.logs.join('\n')}`);
  assert.equal((await h.admin(port, 'GET', 'status', undefined, null)).status, 401, 'the status needs the token');
  const idle = await h.admin(port, 'GET', 'status');
  assert.equal(idle.status, 200, idle.text);
  assert.equal(idle.body.state.status, 'idle');

  // A rollout at 50%: users split between the arms, each answered by its own origin.
  const plan = h.testPlan({ minDurationMs: 3_600_000, percents: [50, 100] });
  const started = await h.admin(port, 'POST', 'start', { id: 'wrangler-dev', plan, origins: { canary: ctx.canary.url }, evaluationIntervalMs: 1000 });
  assert.equal(started.status, 200, started.text);
  await new Promise((r) => setTimeout(r, Number(vars.ROLLGATE_STATE_TTL_MS) + 100)); // the worker's cached state
  const N = 80;
  const rs = await h.pool(N, 8, (i) => h.get(port, `/item/${i}`, { 'x-user-id': `wrangler-${i}` }));
  for (const r of rs) {
    assert.equal(r.status, 200);
    assert.equal(r.fallback, null);
    assert.equal(r.body.origin, r.arm, 'each arm is served by its origin');
  }
  const canary = rs.filter((r) => r.arm === 'canary').length;
  assert.ok(canary >= 20 && canary <= 60, `canary served ${canary} of ${N} users at 50%`);

  // The workers flush to the coordinator (ROLLGATE_FLUSH_MS): it counts every request.
  const counted = (s) => (s?.metrics?.total?.stable?.requests ?? 0) + (s?.metrics?.total?.canary?.requests ?? 0);
  const st = await h.until(async () => {
    const s = (await h.admin(port, 'GET', 'status')).body;
    return counted(s) >= N ? s : null;
  }, 15_000);
  assert.ok(st, 'the coordinator received the counts');
  assert.equal(st.state.status, 'running');
  assert.equal(st.metrics.total.canary.requests, canary);
  assert.equal(st.metrics.total.stable.requests, N - canary);

  const t1 = Date.now();
  await ctx.dev.stop();
  const stopMs = Date.now() - t1;
  assert.equal(await h.get(port, '/').catch(() => 'closed'), 'closed', 'nothing listens after stop()');
  t.diagnostic(`wrangler dev: ready after ${startMs} ms, stopped in ${stopMs} ms`);
});
