#!/usr/bin/env node
// rollgate live rollout demo (`npm start`): a progressive rollout, end to end, on this machine.
//
// Local origins (stable, canary, dark-launched shadow) → workerd running the edge application
// (worker + coordinator Durable Object, edge/cloudflare) → a bounded stream of simulated users.
// The coordinator makes every decision; this program only starts things, plays the world (the
// canary's regression), reads GET /__rollgate/status with the bearer token as an operator would,
// prints what happens, and stops everything it started. See docs/demo.md.
// SPDX-License-Identifier: MIT
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repo, missingPieces, ensureWorkerBuilt, freePort, startEdge, killAllEdgesNow } from './lib/edge.mjs';
import { startOrigin } from './lib/origins.mjs';
import { startTraffic } from './lib/traffic.mjs';
import { demoPlan, human } from './lib/plan.mjs';
import { startDashboard, dashboardAvailable } from './lib/dashboard.mjs';

const SCENARIOS = {
  healthy: 'the canary is as good as stable: the coordinator should take it 1% → 10% → 50% → 100%',
  'error-spike': 'the canary starts failing part of its requests (503) once it serves more traffic',
  latency: 'the canary becomes slow (its responses take extra milliseconds) once it serves more traffic',
  mismatch: 'the canary changes a response field (prices become strings), which breaks checkouts',
};

const HELP = `rollgate live rollout demo: a progressive rollout on this machine (no account, no cloud)

usage: npm start [-- options]     or     node examples/live-rollout/run.mjs [options]

  --scenario NAME     healthy | error-spike | latency | mismatch          (default: error-spike)
${Object.entries(SCENARIOS).map(([k, v]) => `                        ${k.padEnd(12)} ${v}`).join('\n')}
  --speed X           time compression on top of the demo's (stage windows and evaluation
                      interval divided by X; default 1: about a minute in all)
  --duration S        hard limit of the run in seconds (default 180); traffic stops by then
  --regress-at P      the canary regresses once the rollout reaches P% (default 50), a
                      moment into that stage
  --error-rate R      error-spike: share of canary requests that fail (default 0.2)
  --extra-latency MS  latency: milliseconds the canary adds (default 150)
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
      'regress-at': { type: 'string', default: '50' },
      'error-rate': { type: 'string', default: '0.2' },
      'extra-latency': { type: 'string', default: '150' },
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
const regressAt = num('regress-at', 1, 100);
const errorRate = num('error-rate', 0.001, 1);
const extraLatency = num('extra-latency', 1, 5000);
const concurrency = Math.round(num('concurrency', 1, 256));
const rate = num('rate', 10, 100000);
const dashboardPort = Math.round(num('dashboard-port', 0, 65535));

// --- output ------------------------------------------------------------------------------------
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const sgr = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = sgr('1');
const dim = sgr('2');
const red = sgr('31');
const green = sgr('32');
const yellow = sgr('33');
const cyan = sgr('36');
const T0 = performance.timeOrigin; // the demo's clock starts when this process started
const clock = (at = Date.now()) => `${((at - T0) / 1000).toFixed(1).padStart(6)}s`;
const say = (line = '') => process.stdout.write(line + '\n');
const fmt = (n) => Number(n).toLocaleString('en-US');
const pct = (x) => (x == null ? '–' : `${(100 * x).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`);

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
// Last resort: never leave workerd behind, even one still starting when we exit.
process.on('exit', () => {
  started.edge?.killNow();
  killAllEdgesNow();
});
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
async function main() {
  const missing = missingPieces();
  if (missing) {
    console.error(`live-rollout: ${missing}`);
    process.exit(1);
  }
  const rg = await import('rollgate');
  await rg.init();
  const { plan, stages, changes } = demoPlan(rg, { speed });
  ensureWorkerBuilt();

  say(bold(`rollgate live rollout · scenario ${scenario}`) + dim(` · speed ${speed}`));
  say(`  ${SCENARIOS[scenario]}`);
  say('');
  say(bold('plan') + ` rollgate's default plan (risk medium), time-compressed for the demo:`);
  for (const [i, s] of stages.entries()) {
    const real = `real plan: ${human(s.realWindowMs)}${s.realMaxMs ? `, max ${human(s.realMaxMs)}` : ''}`;
    say(`  stage ${i}  ${String(s.percent + '%').padStart(4)}  ${s.name.padEnd(10)} window ${human(s.windowMs).padEnd(6)}${s.maxMs ? ` max ${human(s.maxMs).padEnd(6)}` : ' '.repeat(11)} ${dim(`(${real})`)}  gates: ${s.gates.join(', ')}`);
  }
  for (const c of changes.slice(1)) say(dim(`  demo: ${c}`));
  say('');

  // Origins, then the edge in front of them.
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
  const evaluationIntervalMs = Math.max(200, Math.round(1000 / speed));
  const vars = {
    ROLLGATE_STABLE_ORIGIN: stable.url,
    ROLLGATE_ROLLOUT: 'shop',
    ROLLGATE_STATE_TTL_MS: '500', // production: 5 s (how fast a decision reaches every isolate)
    ROLLGATE_STATE_RETRY_MS: '250',
    ROLLGATE_FLUSH_MS: '250', // production: 5 s
    ROLLGATE_COOKIE_SECRET: randomBytes(24).toString('base64url'),
    ROLLGATE_OVERRIDE_SECRET: randomBytes(24).toString('base64url'),
    ROLLGATE_ADMIN_TOKEN: token,
    ROLLGATE_CORS_ORIGIN: corsOrigin,
  };
  started.edge = await startEdge({ port: edgePort, vars });
  const edge = started.edge;

  say(bold('running') + ' (all on 127.0.0.1)');
  say(`  origins   stable v${stable.version} ${stable.url} · canary v${canary.version} ${canary.url} · shadow v${shadow.version} ${shadow.url} (dark launch: search rewrite)`);
  say(`  edge      workerd pid ${edge.workerdPid() ?? '?'} (process group ${edge.pgid}) on ${edge.url}: worker + coordinator`);
  say(`  status    curl -s -H 'authorization: Bearer ${token}' ${statusUrl}`);
  if (started.dashboard) {
    say(`  dashboard ${cyan(started.dashboard.liveUrl)}   ${dim('(opens the dashboard already polling this coordinator)')}`);
    say(dim(`            or ${started.dashboard.url}/#data → Live: status URL ${statusUrl}, token ${token}`));
  }
  say(dim(`  processes demo pid ${process.pid}, workerd group ${edge.pgid}; Ctrl-C stops everything`));
  say('');
  if (interrupted) return;

  // Start the rollout: the canary and the dark launch, the plan, the evaluation interval.
  const admin = async (method, route, body) => {
    const r = await fetch(`${edge.url}/__rollgate/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} /__rollgate/${route}: HTTP ${r.status} ${text.slice(0, 500)}`);
    return JSON.parse(text);
  };
  const rolloutStart = Date.now();
  await admin('POST', 'start', {
    id: `shop-v${canary.version}`,
    origins: { canary: canary.url, shadow: shadow.url },
    plan,
    evaluationIntervalMs,
    shadow: { sampleRate: 0.2, noiseRate: 1, methods: ['GET'], diff: { headers: { only: ['content-type'] } } },
  });
  say(`${clock()}  ${bold('start')}     rollout shop-v${canary.version} at ${stages[0].percent}% ${dim(`(the coordinator judges every ${human(evaluationIntervalMs)})`)}`);

  const maxRequests = Math.round(Math.min(400000, rate * durationS));
  const traffic = startTraffic({ port: edge.port, concurrency, rate, maxMs: durationS * 1000, maxRequests });
  started.traffic = traffic;
  say(`${clock()}  ${bold('traffic')}   ${concurrency} simulated shoppers at a time, new ones arriving, ≤ ${fmt(rate)} req/s ${dim(`(stops by itself: ${fmt(maxRequests)} requests or ${durationS} s at most)`)}`);

  // Watch the coordinator the way an operator would: GET /__rollgate/status with the token.
  const seen = new Set();
  let status = null;
  let onset = null; // {at, percent}
  let onsetDue = null;
  let finalAt = null;
  let lastProgress = 0;
  let lastReqs = 0;
  let lastReqsAt = Date.now();
  let rollbackAt = null;
  let firstDecision = null;
  let canaryAfterTtl = null;
  const deadline = T0 + durationS * 1000 + 10000;
  const regressionOf = () =>
    ({
      'error-spike': { kind: 'error-spike', errorRate, what: `${pct(errorRate)} of the canary's requests now fail (503)` },
      latency: { kind: 'latency', extraLatencyMs: extraLatency, what: `the canary now adds ~${extraLatency} ms to every response` },
      mismatch: { kind: 'mismatch', what: 'the canary now sends prices as strings ("12.50"); its checkout breaks on them' },
    })[scenario];

  while (!interrupted) {
    try {
      status = await admin('GET', 'status');
    } catch (e) {
      say(`${clock()}  ${yellow('status unavailable: ' + e.message)}`);
    }
    const now = Date.now();
    if (status && status.state) {
      for (const d of status.history || []) {
        const key = `${d.at}|${d.action}|${d.percent}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (d.action === 'hold' || d.action === 'start') continue;
        const at = Date.parse(d.at);
        if (!firstDecision && d.actor === 'coordinator') firstDecision = { at, action: d.action };
        if (d.action === 'rollback' && !rollbackAt) {
          rollbackAt = at;
          // Workers act on a state at most ROLLGATE_STATE_TTL_MS old: from then on, not one
          // request should reach the canary. Count what does.
          const settle = Math.max(0, at + Number(vars.ROLLGATE_STATE_TTL_MS) + 100 - Date.now());
          setTimeout(() => (canaryAfterTtl = canary.stats.requests), settle);
        }
        printDecision(d, at);
      }
      const st = status.state;
      // An increase takes effect a state TTL after it is decided (the coordinator announces it
      // as state.next, so that every isolate switches at once); until then the old window runs.
      const serving = st.servingPercent ?? st.percent;
      if (scenario !== 'healthy' && !onset && !onsetDue && st.status === 'running' && !st.next && serving >= regressAt) {
        const s = stages[st.stage] || stages[0];
        // Shortly into the stage, so that the screen shows the stage first. (A regression that
        // starts just before a window is judged may pass with it: the judge sees a window that
        // is mostly healthy. The next stage's window, all bad, catches it, unless that stage is
        // 100%, where only the absolute gates are left. See docs/demo.md.)
        onsetDue = Date.parse(st.windowStartedAt) + Math.min(1000, s.windowMs / 5);
      }
      if (onsetDue && !onset && now >= onsetDue && st.status === 'running') {
        const reg = regressionOf();
        canary.regress(reg);
        onset = { at: Date.now(), percent: st.percent, stage: st.stage };
        say(`${clock()}  ${red(bold('regress'))}   ${red(reg.what)} ${dim(`(the scenario; at ${st.percent}%)`)}`);
      }
      if (!finalAt && (st.status === 'completed' || st.status === 'rolledBack')) finalAt = now;
      if (now - lastProgress >= 2000 || (finalAt === now)) {
        const rate = ((traffic.stats.requests - lastReqs) * 1000) / Math.max(1, now - lastReqsAt);
        lastReqs = traffic.stats.requests;
        lastReqsAt = now;
        lastProgress = now;
        printProgress(status, rate);
      }
    }
    // End: a short tail after the final decision shows that traffic has left the canary.
    const tailMs = Math.max(1500, 3 * Number(vars.ROLLGATE_STATE_TTL_MS));
    if (finalAt && now - finalAt >= tailMs) break;
    if (now > deadline || traffic.stats.stoppedAt) {
      if (!traffic.stats.stoppedAt) break;
      if (now - traffic.stats.stoppedAt > 1500) break; // let the last flush arrive
    }
    await new Promise((r) => setTimeout(r, 400));
  }
  if (interrupted) return;
  traffic.stop();
  await traffic.done;
  // The workers flush their last counts within ROLLGATE_FLUSH_MS (later on a busy machine): read
  // until the coordinator's totals stop changing, for 3 s at most.
  const totalOf = (s) => (s?.metrics?.total?.stable?.requests ?? 0) + (s?.metrics?.total?.canary?.requests ?? 0);
  for (let last = -1, until = Date.now() + 3000; Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, Number(vars.ROLLGATE_FLUSH_MS) + 150));
    try {
      status = await admin('GET', 'status');
    } catch {}
    if (totalOf(status) === last) break;
    last = totalOf(status);
  }
  const afterRollback = canaryAfterTtl == null ? null : canary.stats.requests - canaryAfterTtl;
  const summary = summarise({ status, traffic, canary, shadow, onset, rollbackAt, firstDecision, rolloutStart, edge, afterRollback });
  printSummary(summary);
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2) + '\n');
  await cleanup();
  say(dim(`${clock()}  stopped workerd (group ${edge.pgid}), the origins${started.dashboard ? ' and the dashboard' : ''}.`));

  // -- printing helpers (closures over the run) --
  function printDecision(d, at) {
    const from = d.from ? `${d.from.percent}%` : '';
    const arrow = `${from} → ${d.percent}%`;
    const who = d.actor === 'coordinator' ? 'coordinator' : d.actor;
    const verdict = d.verdict ? ` ${d.verdict}${d.score != null ? ` (score ${Math.round(d.score)})` : ''}` : '';
    const c = d.counts ? dim(` · window: stable ${fmt(d.counts.stable)} req ${fmt(d.counts.stableErrors)} err, canary ${fmt(d.counts.canary)} req ${fmt(d.counts.canaryErrors)} err`) : '';
    const label = { advance: green(bold('advance ')), complete: green(bold('complete')), rollback: red(bold('ROLLBACK')), pause: yellow('pause   '), resume: 'resume  ', error: red('error   ') }[d.action] || d.action;
    say(`${clock(at)}  ${label}  ${bold(arrow)}  ${who}:${verdict}${c}`);
    for (const r of (d.reasons || []).slice(0, 4)) say(`${' '.repeat(19)}${dim('· ' + r)}`);
  }
  function printProgress(s, rate) {
    const st = s.state;
    const w = s.metrics?.window;
    const arm = (a, name) => {
      if (!a) return `${name} –`;
      const p90 = a.latencyMs && a.latencyMs.count ? `${Math.round(a.latencyMs.p90)} ms` : '–';
      return `${name} ${fmt(a.requests)} req ${fmt(a.errors)} err p90 ${p90}`;
    };
    const lastHold = [...(s.history || [])].reverse().find((d) => d.action === 'hold' && d.stage === st.stage);
    const serving = st.servingPercent ?? st.percent;
    const stageInfo = `stage ${st.stage} · ${serving}% canary · ${st.status}`;
    const running = st.status === 'running' || st.status === 'paused';
    const win = stages[st.stage];
    const elapsed = st.next
      ? `→ ${st.next.percent}% at ${clock(Date.parse(st.next.at)).trim()}`
      : st.windowStartedAt
        ? `window ${((Date.now() - Date.parse(st.windowStartedAt)) / 1000).toFixed(1)} s${running && win ? ` of ${human(win.windowMs)}` : ''}`
        : '';
    say(`${clock()}  ${dim('status')}    ${stageInfo.padEnd(31)} ${dim(elapsed + ':').padEnd(color ? 29 : 21)} ${arm(w?.stable, 'stable')} · ${arm(w?.canary, 'canary')} ${dim(`· ${Math.round(rate)} req/s · ${fmt(traffic.stats.users)} users`)}`);
    // Why the coordinator holds, unless it is only the minimum window (shown just above).
    const why = lastHold && running && Date.parse(lastHold.lastAt || lastHold.at) > Date.now() - 3000 ? (lastHold.reasons || []).filter((r) => !/^minimum window/.test(r)) : [];
    if (why.length) say(`${' '.repeat(19)}${dim('holding: ' + why.join('; '))}`);
  }
}

function summarise({ status, traffic, canary, shadow, onset, rollbackAt, firstDecision, rolloutStart, edge, afterRollback }) {
  const st = status?.state || {};
  const total = status?.metrics?.total || {};
  const history = status?.history || [];
  const reached = Math.max(0, ...history.filter((d) => d.action === 'advance' || d.action === 'complete').map((d) => d.percent));
  const verdicts = (arm) => {
    const v = status?.mismatchVerdicts?.total?.[arm];
    if (!Array.isArray(v)) return { real: [], noise: [] };
    return { real: v.filter((f) => f.real).map((f) => f.field), noise: v.filter((f) => !f.real && f.noiseDiffered > 0).map((f) => f.field) };
  };
  const after = canary.stats.afterRegression;
  return {
    scenario,
    speed,
    final: { status: st.status ?? 'unknown', percent: st.percent ?? null, stage: st.stage ?? null, highestPercent: reached },
    decisions: history.filter((d) => d.action !== 'hold').map((d) => ({ at: d.at, actor: d.actor, action: d.action, from: d.from?.percent ?? null, to: d.percent, verdict: d.verdict ?? null, reasons: d.reasons })),
    timing: {
      processToRolloutStartMs: rolloutStart - T0,
      processToFirstDecisionMs: firstDecision ? firstDecision.at - T0 : null,
      firstDecision: firstDecision?.action ?? null,
      processToRollbackMs: rollbackAt ? rollbackAt - T0 : null,
      regressionOnsetMs: onset ? onset.at - T0 : null,
      timeToDetectMs: onset && rollbackAt ? rollbackAt - onset.at : null,
    },
    regression: onset ? { atPercent: onset.percent, stage: onset.stage } : null,
    canaryRequestsAfterRollback: afterRollback, // from the state TTL after the rollback to the end
    exposure: onset
      ? { canaryRequestsAfterOnset: after.requests, badResponses: after.bad, usersExposed: after.users.size }
      : null,
    traffic: {
      requests: traffic.stats.requests,
      users: traffic.stats.users,
      failedRequests: traffic.stats.failed,
      stable: { requests: traffic.stats.arms.stable.requests, errors: traffic.stats.arms.stable.errors },
      canary: { requests: traffic.stats.arms.canary.requests, errors: traffic.stats.arms.canary.errors },
      seconds: ((traffic.stats.stoppedAt || Date.now()) - traffic.stats.startedAt) / 1000,
    },
    coordinator: {
      stable: total.stable ? { requests: total.stable.requests, errors: total.stable.errors } : null,
      canary: total.canary ? { requests: total.canary.requests, errors: total.canary.errors } : null,
      srm: status?.srm ? { pValue: status.srm.pValue, counts: status.srm.counts } : null,
      failOpen: status?.counters?.failOpen ?? null,
    },
    mismatchVerdicts: status?.mismatchVerdicts?.total ?? null,
    darkLaunch: {
      shadowRequests: shadow.stats.shadowRequests,
      compared: (total.stable?.shadow?.compared ?? 0) + (total.canary?.shadow?.compared ?? 0),
      stable: verdicts('stable'),
      canary: verdicts('canary'),
    },
    processes: { demo: process.pid, workerdGroup: edge.pgid, workerd: edge.workerdPid() },
  };
}

function printSummary(s) {
  const sec = (ms) => (ms == null ? '–' : `${(ms / 1000).toFixed(1)} s`);
  say('');
  say(bold('summary'));
  const f = s.final;
  const outcome =
    f.status === 'completed'
      ? green(`completed: the canary serves 100% (every gate passed)`)
      : f.status === 'rolledBack'
        ? red(`rolled back to 0% by the coordinator (highest stage reached: ${f.highestPercent || 1}%)`)
        : yellow(`${f.status} at ${f.percent}% when the run ended (--duration ${durationS} s)`);
  say(`  final state         ${outcome}`);
  say(`  first decision      ${sec(s.timing.processToFirstDecisionMs)} after start (${s.timing.firstDecision ?? '–'})`);
  if (s.regression) {
    say(`  regression          began at ${sec(s.timing.regressionOnsetMs)}, at ${s.regression.atPercent}%`);
    say(`  time to detect      ${s.timing.timeToDetectMs != null ? bold(sec(s.timing.timeToDetectMs)) + ' from the regression to the rollback decision' : 'not rolled back'}`);
    const e = s.exposure;
    say(`  exposed to the bad version  ${bold(fmt(e.canaryRequestsAfterOnset))} requests (${fmt(e.badResponses)} of them failed, slow or changed), ${bold(fmt(e.usersExposed))} users`);
  }
  if (s.canaryRequestsAfterRollback != null) {
    say(`  after the rollback  ${fmt(s.canaryRequestsAfterRollback)} requests reached the canary once the workers' state cache (500 ms) had expired`);
  }
  const t = s.traffic;
  say(`  traffic             ${fmt(t.requests)} requests from ${fmt(t.users)} users in ${t.seconds.toFixed(1)} s: stable ${fmt(t.stable.requests)} (${fmt(t.stable.errors)} 5xx), canary ${fmt(t.canary.requests)} (${fmt(t.canary.errors)} 5xx)`);
  const d = s.darkLaunch;
  const fields = (v) => (v.real.length ? red(`beyond noise: ${v.real.join(', ')}`) : green('nothing beyond noise')) + dim(v.noise.length ? ` (noise learned: ${v.noise.slice(0, 4).join(', ')}${v.noise.length > 4 ? ', …' : ''})` : '');
  say(`  dark launch         ${fmt(d.compared)} shadow comparisons; vs stable answers: ${fields(d.stable)}`);
  say(`                      vs canary answers: ${fields(d.canary)}`);
}

main().then(() => {
  if (!interrupted) process.exit(0);
}, async (e) => {
  if (interrupted) return; // stopping on a signal: what failed is what the handler is tearing down
  console.error(`live-rollout: ${e.stack || e}`);
  await cleanup().catch(() => {});
  process.exit(1);
});
