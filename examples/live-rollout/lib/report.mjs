// What the demo shows: the terminal lines (plan, processes, decisions, status, summary) and the
// summary document that --json writes. Nothing here talks to the edge; ./watch.mjs reads the
// coordinator and calls these. Times are seconds since this process started.
// SPDX-License-Identifier: MIT
import { human } from './plan.mjs';

export const color = process.stdout.isTTY && !process.env.NO_COLOR;
const sgr = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
export const bold = sgr('1');
export const dim = sgr('2');
export const red = sgr('31');
export const green = sgr('32');
export const yellow = sgr('33');
export const cyan = sgr('36');
export const T0 = performance.timeOrigin; // the demo's clock starts when this process started
export const clock = (at = Date.now()) => `${((at - T0) / 1000).toFixed(1).padStart(6)}s`;
export const say = (line = '') => process.stdout.write(line + '\n');
export const fmt = (n) => Number(n).toLocaleString('en-US');
export const pct = (x) => (x == null ? '–' : `${(100 * x).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`);

/** The heading: scenario, then the plan's stages and what the demo changed in it. */
export function printPlan({ scenario, description, speed, stages, changes }) {
  say(bold(`rollgate live rollout · scenario ${scenario}`) + dim(` · speed ${speed}`));
  say(`  ${description}`);
  say('');
  say(bold('plan') + ` rollgate's default plan (risk medium), time-compressed for the demo:`);
  for (const [i, s] of stages.entries()) {
    const real = `real plan: ${human(s.realWindowMs)}${s.realMaxMs ? `, max ${human(s.realMaxMs)}` : ''}`;
    say(`  stage ${i}  ${String(s.percent + '%').padStart(4)}  ${s.name.padEnd(10)} window ${human(s.windowMs).padEnd(6)}${s.maxMs ? ` max ${human(s.maxMs).padEnd(6)}` : ' '.repeat(11)} ${dim(`(${real})`)}  gates: ${s.gates.join(', ')}`);
  }
  for (const c of changes.slice(1)) say(dim(`  demo: ${c}`));
  say('');
}

/** What runs where, and how to look at it. */
export function printRunning({ stable, canary, shadow, edge, token, statusUrl, dashboard }) {
  say(bold('running') + ' (all on 127.0.0.1)');
  say(`  origins   stable v${stable.version} ${stable.url} · canary v${canary.version} ${canary.url} · shadow v${shadow.version} ${shadow.url} (dark launch: search rewrite)`);
  say(`  edge      workerd pid ${edge.workerdPid() ?? '?'} (process group ${edge.pgid}) on ${edge.url}: worker + coordinator`);
  say(`  status    curl -s -H 'authorization: Bearer ${token}' ${statusUrl}`);
  if (dashboard) {
    say(`  dashboard ${cyan(dashboard.liveUrl)}   ${dim('(opens the dashboard already polling this coordinator)')}`);
    say(dim(`            or ${dashboard.url}/#data → Live: status URL ${statusUrl}, token ${token}`));
  }
  say(dim(`  processes demo pid ${process.pid}, workerd group ${edge.pgid}; Ctrl-C stops everything`));
  say('');
}

/** One decision of the status history (advance, complete, rollback, pause, resume, error). */
export function printDecision(d, at) {
  const from = d.from ? `${d.from.percent}%` : '';
  const arrow = `${from} → ${d.percent}%`;
  const who = d.actor === 'coordinator' ? 'coordinator' : d.actor;
  const verdict = d.verdict ? ` ${d.verdict}${d.score != null ? ` (score ${Math.round(d.score)})` : ''}` : '';
  const c = d.counts ? dim(` · window: stable ${fmt(d.counts.stable)} req ${fmt(d.counts.stableErrors)} err, canary ${fmt(d.counts.canary)} req ${fmt(d.counts.canaryErrors)} err`) : '';
  const label = { advance: green(bold('advance ')), complete: green(bold('complete')), rollback: red(bold('ROLLBACK')), pause: yellow('pause   '), resume: 'resume  ', error: red('error   ') }[d.action] || d.action;
  say(`${clock(at)}  ${label}  ${bold(arrow)}  ${who}:${verdict}${c}`);
  for (const r of (d.reasons || []).slice(0, 4)) say(`${' '.repeat(19)}${dim('· ' + r)}`);
}

/** The status line: stage, window, both arms' counts, the request rate; why it holds. */
export function printProgress(s, { rate, users, stages }) {
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
  say(`${clock()}  ${dim('status')}    ${stageInfo.padEnd(31)} ${dim(elapsed + ':').padEnd(color ? 29 : 21)} ${arm(w?.stable, 'stable')} · ${arm(w?.canary, 'canary')} ${dim(`· ${Math.round(rate)} req/s · ${fmt(users)} users`)}`);
  // Why the coordinator holds, unless it is only the minimum window (shown just above).
  const why = lastHold && running && Date.parse(lastHold.lastAt || lastHold.at) > Date.now() - 3000 ? (lastHold.reasons || []).filter((r) => !/^minimum window/.test(r)) : [];
  if (why.length) say(`${' '.repeat(19)}${dim('holding: ' + why.join('; '))}`);
}

/** The scenario's regression has begun. */
export function printRegression(reg, st) {
  say(`${clock()}  ${red(bold('regress'))}   ${red(reg.what)} ${dim(`(the scenario; at ${st.percent}%)`)}`);
}

/** The summary document (what --json writes and printSummary shows), from the run's records. */
export function summarise({ scenario, speed, status, traffic, canary, shadow, seen, rolloutStart, edge }) {
  const { onset, rollbackAt, firstDecision, afterRollback } = seen;
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
      srm: status?.srm ? { checked: status.srm.checked, failed: status.srm.failed, pValue: status.srm.pValue, units: [status.srm.stableUnits, status.srm.canaryUnits] } : null,
      failOpen: status?.counters?.failOpen ?? null,
    },
    mismatchVerdicts: status?.mismatchVerdicts?.total ?? null,
    // The origins' Server-Timing cpu the edge collected, and how the core judged it in each
    // window that moved the rollout (advance, complete or rollback).
    serverTiming: {
      counts: status?.counters?.serverTiming ?? null,
      cpu: { stable: total.stable?.timing?.cpu ?? null, canary: total.canary?.timing?.cpu ?? null },
      decidingWindows: (status?.series || []).filter((w) => w.action && w.action !== 'hold').map((w) => ({ action: w.action, percent: w.percent, cpu: (w.metrics || []).find((m) => m.name === 'cpu')?.classification ?? null })),
    },
    // Conversion from the shoppers' purchase events (docs/edge.md "Events"): what the shoppers
    // sent, what the edge counted, and in each window that moved the rollout the share of
    // exposed units that bought, per arm, and the core's verdict on it.
    conversion: conversionSummary(status, traffic),
    // How the core judged each metric in the window that rolled back (null: no rollback).
    requestMetricsAtRollback: (() => {
      const w = (status?.series || []).find((x) => x.action === 'rollback');
      return w ? Object.fromEntries((w.metrics || []).map((m) => [m.name, m.classification])) : null;
    })(),
    darkLaunch: {
      shadowRequests: shadow.stats.shadowRequests,
      compared: (total.stable?.shadow?.compared ?? 0) + (total.canary?.shadow?.compared ?? 0),
      stable: verdicts('stable'),
      canary: verdicts('canary'),
    },
    processes: { demo: process.pid, workerdGroup: edge.pgid, workerd: edge.workerdPid() },
  };
}

/**
 * The windows the coordinator decided on (advance, rollback, ...), each with the judged conversion
 * (classification, effect, interval) and each arm's share of exposed units with a purchase event.
 */
export function conversionWindows(status) {
  const share = (a) => {
    const p = a?.events?.purchase;
    return p ? { exposed: p.exposed, converted: p.converted, rate: p.exposed ? p.converted / p.exposed : null } : null;
  };
  return (status?.series || []).filter((w) => w.action && w.action !== 'hold').map((w) => {
    const m = (w.metrics || []).find((x) => x.name === 'conversion');
    return { at: w.at, action: w.action, percent: w.percent, classification: m?.classification ?? null, estimate: m?.estimate ?? null, interval: m?.interval ?? null, stable: share(w.stable), canary: share(w.canary) };
  });
}

function conversionSummary(status, traffic) {
  return { events: traffic.stats.events, counters: status?.counters?.events ?? null, decidingWindows: conversionWindows(status) };
}

/** The closing lines: outcome, timing, exposure, traffic, conversion, dark launch. */
export function printSummary(s, { durationS, stateTtlMs }) {
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
    say(`  after the rollback  ${fmt(s.canaryRequestsAfterRollback)} requests reached the canary once the workers' state cache (${stateTtlMs} ms) had expired`);
  }
  const t = s.traffic;
  say(`  traffic             ${fmt(t.requests)} requests from ${fmt(t.users)} users in ${t.seconds.toFixed(1)} s: stable ${fmt(t.stable.requests)} (${fmt(t.stable.errors)} 5xx), canary ${fmt(t.canary.requests)} (${fmt(t.canary.errors)} 5xx)`);
  const c = s.conversion;
  say(`  purchase events     ${fmt(c.events.sent)} sent by the shoppers, ${fmt(c.counters?.recorded ?? 0)} recorded by the edge (${fmt(c.events.refused)} refused)`);
  for (const w of c.decidingWindows.filter((x) => x.classification)) {
    const arm = (a) => (a ? `${pct(a.rate)} of ${fmt(a.exposed)} units` : '–');
    const line = `${w.action} at ${w.percent}% (${clock(w.at).trim()}): conversion stable ${arm(w.stable)}, canary ${arm(w.canary)} → ${w.classification}`;
    say(`  conversion          ${w.action === 'rollback' && w.classification === 'Low' ? red(line) : line}`);
  }
  const d = s.darkLaunch;
  const fields = (v) => (v.real.length ? red(`beyond noise: ${v.real.join(', ')}`) : green('nothing beyond noise')) + dim(v.noise.length ? ` (noise learned: ${v.noise.slice(0, 4).join(', ')}${v.noise.length > 4 ? ', …' : ''})` : '');
  say(`  dark launch         ${fmt(d.compared)} shadow comparisons; vs stable answers: ${fields(d.stable)}`);
  say(`                      vs canary answers: ${fields(d.canary)}`);
}
