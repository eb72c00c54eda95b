#!/usr/bin/env node
// rollgate live rollout demo (`npm start`): a progressive rollout, end to end, on this machine.
//
// Local origins (stable, canary, dark-launched shadow) → workerd running the edge application
// (worker + coordinator Durable Object, edge/cloudflare) → a bounded stream of simulated users.
// The coordinator makes every decision; this program only starts things, plays the world (the
// canary's regression), reads GET /__rollgate/status with the bearer token as an operator would,
// prints what happens, and stops everything it started. See docs/demo.md.
// This file reads the options and wires the pieces together: lib/watch.mjs reads the status,
// lib/report.mjs prints it and writes the summary.
// SPDX-License-Identifier: MIT
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { repo, loadPackage, ensureWorkerBuilt, freePort, startEdge } from './lib/edge.mjs';
import { startOrigin } from './lib/origins.mjs';
import { startTraffic, warmUp } from './lib/traffic.mjs';
import { demoPlan, human } from './lib/plan.mjs';
import { startDashboard, dashboardAvailable } from './lib/dashboard.mjs';
import { adminClient, watchRollout, settledStatus } from './lib/watch.mjs';
import * as report from './lib/report.mjs';

const SCENARIOS = {
  healthy: 'the canary is as good as stable: the coordinator should take it 1% → 10% → 50% → 100%',
  'error-spike': 'the canary starts failing part of its requests (503) once it serves more traffic',
  latency: 'the canary becomes slow (its responses take extra milliseconds) once it serves more traffic',
  mismatch: 'the canary changes a response field (prices become strings), which breaks checkouts',
  conversion: "the canary answers 200 at normal speed, but a share of its checkouts silently fail (no order, no purchase event)",
  flag: 'a guarded flag rollout: simulated browsers on the package\'s FlagSource and createTracker; a new checkout ramped by the coordinator, silently losing orders, rolled back on conversion (flag.mjs)',
};

const HELP = `rollgate live rollout demo: a progressive rollout on this machine (no account, no cloud)

usage: npm start [-- options]     or     node examples/live-rollout/run.mjs [options]

  --scenario NAME     healthy | error-spike | latency | mismatch | conversion | flag   (default: error-spike)
${Object.entries(SCENARIOS).map(([k, v]) => `                        ${k.padEnd(12)} ${v}`).join('\n')}
  --speed X           time compression on top of the demo's (stage windows and evaluation
                      interval divided by X; default 1: about a minute in all)
  --duration S        hard limit of the run in seconds (default 180); traffic stops by then
  --regress-at P      the canary regresses as the rollout enters P% (default 50; conversion:
                      10, the first stage that gates conversion), 100 ms into that stage
  --error-rate R      error-spike: share of canary requests that fail (default 0.2)
  --extra-latency MS  latency: milliseconds the canary adds (default 150)
  --lost-rate R       conversion, flag: share of the canary's (flag: the new checkout's) checkouts
                      that silently fail (default 0.8)
  --rate R            requests per second at most, all users together (default 300)
  --concurrency N     simulated users in flight at once (default 12)
  --no-dashboard      do not serve the browser dashboard
  --dashboard-port N  port of the dashboard (default: a free one)
  --json FILE         also write the summary as JSON to FILE
  --help              this text

Everything listens on 127.0.0.1 only. Ctrl-C stops every process the demo started.`;

function fail(msg) {
  console.error(`live-rollout: ${msg}\n(run with --help for the options)`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      scenario: { type: 'string', default: 'error-spike' },
      speed: { type: 'string', default: '1' },
      duration: { type: 'string', default: '180' },
      'regress-at': { type: 'string' },
      'error-rate': { type: 'string', default: '0.2' },
      'extra-latency': { type: 'string', default: '150' },
      'lost-rate': { type: 'string', default: '0.8' },
      concurrency: { type: 'string', default: '12' },
      rate: { type: 'string', default: '300' },
      'no-dashboard': { type: 'boolean', default: false },
      'dashboard-port': { type: 'string', default: '0' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(e.message);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (name, lo, hi) => {
  const v = Number(args[name]);
  if (!Number.isFinite(v) || v < lo || v > hi) fail(`--${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(args[name])}`);
  return v;
};
const scenario = args.scenario;
if (!SCENARIOS[scenario]) fail(`unknown scenario ${JSON.stringify(scenario)}: one of ${Object.keys(SCENARIOS).join(', ')}`);
const speed = num('speed', 0.1, 100);
const durationS = num('duration', 5, 3600);
if (args['regress-at'] === undefined) args['regress-at'] = scenario === 'conversion' ? '10' : '50';
const regressAt = num('regress-at', 1, 100);
const lostRate = num('lost-rate', 0.01, 1);
const errorRate = num('error-rate', 0.001, 1);
const extraLatency = num('extra-latency', 1, 5000);
const concurrency = Math.round(num('concurrency', 1, 256));
const rate = num('rate', 10, 100000);
const dashboardPort = Math.round(num('dashboard-port', 0, 65535));
if (scenario === 'flag') {
  // Its own module: a flag rollout has no canary origin, and its users are browsers with a FlagSource.
  const { runFlagScenario } = await import('./flag.mjs');
  await runFlagScenario({ speed, durationS, json: args.json, regressAt, failRate: lostRate, dashboard: !args['no-dashboard'], dashboardPort });
  process.exit(0);
}

const { say, clock, bold, dim, yellow, fmt, pct, T0 } = report;

// The edge's timing, shortened for the demo.
const evaluationIntervalMs = Math.max(200, Math.round(1000 / speed));
const stateTtlMs = 500; // production: 5 s (how fast a decision reaches every isolate)
const flushMs = 250; // production: 5 s

// The scenario's regression, as the canary origin takes it (lib/origins.mjs regress()).
const REGRESSIONS = {
  'error-spike': { kind: 'error-spike', errorRate, what: `${pct(errorRate)} of the canary's requests now fail (503)` },
  latency: { kind: 'latency', extraLatencyMs: extraLatency, what: `the canary now adds ~${extraLatency} ms to every response` },
  mismatch: { kind: 'mismatch', what: 'the canary now sends prices as strings ("12.50"); its checkout breaks on them' },
  conversion: { kind: 'lost-checkout', lostRate, what: `${pct(lostRate)} of the canary's checkouts now silently fail (200 at normal speed, no order placed, no purchase event)` },
};

// --- everything we start, and how to stop it ---------------------------------------------------
const started = { origins: [], edge: null, traffic: null, dashboard: null };
let cleaning = null;
async function cleanup() {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    started.traffic?.stop();
    await Promise.race([started.traffic?.done, new Promise((r) => setTimeout(r, 3000))]);
    await started.edge?.stop();
    await Promise.all(started.origins.map((o) => o.close()));
    await started.dashboard?.close();
  })();
  return cleaning;
}
// Last resort, with nothing to do here: when this process exits, the launcher kills every
// workerd group it started (even one still starting) and removes its config.
let interrupted = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: the exit handler kills workerd
    interrupted = sig;
    say(`\n${clock()}  ${yellow(`${sig}: stopping everything the demo started…`)}`);
    setTimeout(() => process.exit(130), 5000).unref(); // cleanup stuck: the exit handler kills workerd
    cleanup().then(() => {
      say(`${clock()}  stopped: workerd (process group ${started.edge?.pgid ?? '–'}), origins, traffic${started.dashboard ? ', dashboard' : ''}.`);
      process.exit(130);
    });
  });
}

// --- run -----------------------------------------------------------------------------------------
/**
 * Origins, then the dashboard (when built and wanted), then the edge in front of the origins;
 * each goes into `started` as soon as it runs, so that cleanup() stops it.
 */
async function startServices() {
  const [stable, canary, shadow] = await Promise.all(['stable', 'canary', 'shadow'].map(startOrigin));
  started.origins.push(stable, canary, shadow);
  const token = randomBytes(18).toString('base64url');
  const edgePort = await freePort();
  const statusUrl = `http://127.0.0.1:${edgePort}/__rollgate/status`;
  const webRoot = join(repo, 'web/dist');
  let corsOrigin = 'null';
  if (!args['no-dashboard']) {
    if (dashboardAvailable(webRoot)) {
      started.dashboard = await startDashboard({ root: webRoot, port: dashboardPort, statusUrl, token, pollEvery: 1 });
      corsOrigin = started.dashboard.origin;
    } else say(yellow('  the dashboard is not built (web/dist): run `bash scripts/bootstrap.sh`; going on without it'));
  }
  const vars = {
    ROLLGATE_STABLE_ORIGIN: stable.url,
    ROLLGATE_ROLLOUT: 'shop',
    ROLLGATE_STATE_TTL_MS: String(stateTtlMs),
    ROLLGATE_STATE_RETRY_MS: '250',
    ROLLGATE_FLUSH_MS: String(flushMs),
    ROLLGATE_COOKIE_SECRET: randomBytes(24).toString('base64url'),
    ROLLGATE_OVERRIDE_SECRET: randomBytes(24).toString('base64url'),
    ROLLGATE_ADMIN_TOKEN: token,
    ROLLGATE_CORS_ORIGIN: corsOrigin,
    ROLLGATE_SERVER_TIMING: 'cpu', // the origins' Server-Timing cpu, recorded per arm (the plan gates on it)
    ROLLGATE_EVENTS: 'purchase', // the shoppers' purchase events (POST /__rollgate/events): the conversion gate's source
  };
  // The run ends by itself within --duration and a few seconds' tail: the launcher's hard
  // timeout only catches a demo that hangs.
  started.edge = await startEdge({ port: edgePort, vars, hardTimeoutMs: durationS * 1000 + 120000 });
  const edge = started.edge;
  report.printRunning({ stable, canary, shadow, edge, token, statusUrl, dashboard: started.dashboard });
  return { stable, canary, shadow, edge, token };
}

async function main() {
  const rg = await loadPackage();
  const { plan, stages, changes } = demoPlan(rg, { speed });
  ensureWorkerBuilt();
  report.printPlan({ scenario, description: SCENARIOS[scenario], speed, stages, changes });

  const { canary, shadow, edge, token } = await startServices();
  if (interrupted) return;

  // Warm the origins and the edge (all of it served by stable: no rollout yet), so that the
  // canary's first requests are not the run's coldest.
  await warmUp([edge.url, canary.url]);
  if (interrupted) return;

  // Start the rollout: the canary and the dark launch, the plan, the evaluation interval.
  const admin = adminClient(edge.url, token);
  const rolloutStart = Date.now();
  await admin('POST', 'start', {
    id: `shop-v${canary.version}`,
    origins: { canary: canary.url, shadow: shadow.url },
    plan,
    evaluationIntervalMs,
    shadow: { sampleRate: 0.2, noiseRate: 1, methods: ['GET'], diff: { headers: { only: ['content-type'] } } },
  });
  say(`${clock()}  ${bold('start')}     rollout shop-v${canary.version} at ${stages[0].percent}% ${dim(`(the coordinator judges every ${human(evaluationIntervalMs)})`)}`);

  // The warm-up left the edge holding the state without a rollout, for up to a state TTL: until
  // then it serves stable outside any rollout, and those requests are counted by no window. The
  // shoppers arrive once every isolate has the rollout, so the coordinator's totals and theirs
  // agree (tests/demo/live-rollout.test.mjs checks that every request is counted once).
  await sleep(stateTtlMs + 100);
  if (interrupted) return;
  const maxRequests = Math.round(Math.min(400000, rate * durationS));
  const traffic = startTraffic({ port: edge.port, concurrency, rate, maxMs: durationS * 1000, maxRequests });
  started.traffic = traffic;
  say(`${clock()}  ${bold('traffic')}   ${concurrency} simulated shoppers at a time, new ones arriving, ≤ ${fmt(rate)} req/s ${dim(`(stops by itself: ${fmt(maxRequests)} requests or ${durationS} s at most)`)}`);

  const watched = await watchRollout({
    admin,
    stages,
    regression: REGRESSIONS[scenario] ?? null,
    regressAt,
    canary,
    traffic,
    stateTtlMs,
    deadline: T0 + durationS * 1000 + 10000,
    interrupted: () => Boolean(interrupted),
    report: {
      decision: report.printDecision,
      progress: (status, reqRate) => report.printProgress(status, { rate: reqRate, users: traffic.stats.users, stages }),
      regression: report.printRegression,
      unavailable: (e) => say(`${clock()}  ${yellow('status unavailable: ' + e.message)}`),
    },
  });
  if (interrupted) return;
  traffic.stop();
  await traffic.done;
  const status = await settledStatus({ admin, status: watched.status, flushMs, answered: traffic.stats.requests - traffic.stats.failed });
  const seen = { ...watched.seen, afterRollback: watched.seen.afterRollback() };
  const summary = report.summarise({ scenario, speed, status, traffic, canary, shadow, seen, rolloutStart, edge });
  report.printSummary(summary, { durationS, stateTtlMs });
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2) + '\n');
  await cleanup();
  say(dim(`${clock()}  stopped workerd (group ${edge.pgid}), the origins${started.dashboard ? ' and the dashboard' : ''}.`));
}

main().then(() => {
  if (!interrupted) process.exit(0);
}, async (e) => {
  if (interrupted) return; // stopping on a signal: what failed is what the handler is tearing down
  console.error(`live-rollout: ${e.stack || e}`);
  await cleanup().catch(() => {});
  process.exit(1);
});
