// Edge suite: origin metrics from Server-Timing (docs/edge.md, "Server-Timing"). One workerd with
// two rollgate services bound to one coordinator, both collecting ROLLGATE_SERVER_TIMING="cpu,db"
// (the second also strips the header from what users receive, and flushes through aggregators),
// and local origins that send
// Server-Timing. Proves: each collected name's dur is recorded per arm in the merged sketches,
// names not listed and metrics without dur are ignored, malformed metrics are counted and never
// break a response; the header is passed through, or stripped when configured; a plan gating on
// `cpu` runs when cpu is collected: it holds while the canary reports no cpu, passes when the
// canary's cpu is like stable's, and rolls back when it is higher; and a second workerd that
// collects no Server-Timing refuses the same plan at start with the core's id and pointer, while
// an isolate whose names the core refuses fails open to stable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 90000;
const ctx = {};
const TTL = 400; // ROLLGATE_STATE_TTL_MS in h.baseVars

/** Server-Timing of the test origins, by path: what each case sends, with cpu = `cpu` ms. */
function timingFor(cpu) {
  return (url) => {
    const p = url.pathname;
    if (p === '/st/ok') return `cpu;dur=${cpu}, db;dur=3.25;desc="primary", cache;dur=1`;
    if (p === '/st/malformed') return 'cpu;dur=abc, db;dur=4'; // cpu malformed, db recorded
    if (p === '/st/negative') return 'cpu;dur=-1'; // malformed: a negative duration
    if (p === '/st/nodur') return 'cpu'; // well-formed, no dur: ignored
    if (p === '/st/none') return null;
    // Gate traffic: cpu spread around `cpu` (±20%), deterministic per request.
    const k = Number(url.searchParams.get('k') || 0);
    return `cpu;dur=${(cpu * (0.8 + 0.4 * ((k * 37) % 101) / 100)).toFixed(3)}`;
  };
}

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable', { serverTiming: timingFor(12.5) });
  ctx.canary = await h.startOrigin('canary', { serverTiming: timingFor(12.5) });
  ctx.a = await h.freePort();
  ctx.b = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    hardTimeoutMs: 300000,
    services: [
      { name: 'edge-a', port: ctx.a },
      // This isolate also flushes through aggregators: their merge carries the sketches on.
      { name: 'edge-strip', port: ctx.b, vars: { ROLLGATE_STRIP_SERVER_TIMING: 'true', ROLLGATE_AGGREGATORS: '2' } },
    ],
    vars: h.baseVars(ctx.stable.url, { ROLLGATE_SERVER_TIMING: 'cpu, db' }),
  });
});

after(async () => {
  await ctx.workerd?.stop();
  await ctx.other?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
});

async function start(body, port = ctx.a) {
  const r = await h.admin(port, 'POST', 'start', { origins: { canary: ctx.canary.url }, evaluationIntervalMs: 250, ...body });
  assert.equal(r.status, 200, r.text);
  await new Promise((res) => setTimeout(res, TTL + 50));
  return r.body;
}
const status = async () => (await h.admin(ctx.a, 'GET', 'status')).body;

/** testPlan with a critical `cpu` gate in each partial stage: +50% or 3 ms allowed, p90 ≤ 1000 ms. */
function cpuPlan(opts) {
  const plan = h.testPlan(opts);
  plan.canary.metrics.push({
    name: 'cpu', kind: 'continuous', direction: 'increase', critical: true, group: 'saturation', test: 'mannWhitney',
    allowedChange: { relative: 0.5, absolute: 3 }, gates: [{ stat: 'p90', max: 1000 }],
  });
  plan.canary.groupWeights = { errors: 40, latency: 30, saturation: 30 };
  for (const s of plan.stages) if (Array.isArray(s.gates)) s.gates.push('cpu');
  return plan;
}

test('Server-Timing: collected names are recorded per arm, others ignored, malformed metrics counted, the header passed through', { timeout }, async () => {
  await start({ id: 'parse', plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const kinds = ['ok', 'malformed', 'negative', 'nodur', 'none'];
  const sent = Object.fromEntries(kinds.map((k) => [k, { stable: 0, canary: 0 }]));
  const res = await h.pool(kinds.length * 40, 8, async (i) => {
    const kind = kinds[i % kinds.length];
    const r = await h.get(ctx.a, `/st/${kind}`, { 'x-user-id': `p-${i}` });
    assert.equal(r.status, 200);
    sent[kind][r.arm]++;
    return { kind, r };
  });
  // Passed through untouched (this isolate does not strip), malformed or not.
  for (const { kind, r } of res) {
    const want = timingFor(12.5)(new URL(`http://x/st/${kind}`));
    assert.equal(r.headers.get('server-timing'), want);
  }
  const st = await h.until(async () => {
    const s = await status();
    const w = s.metrics.window;
    return w.stable.requests + w.canary.requests === res.length && s.counters.serverTiming.headers === 160 ? s : null;
  }, 5000);
  assert.ok(st, 'flushed');
  for (const arm of ['stable', 'canary']) {
    const t = st.metrics.window[arm].timing;
    assert.equal(t.cpu.count, sent.ok[arm], `${arm} cpu`);
    assert.equal(t.db.count, sent.ok[arm] + sent.malformed[arm], `${arm} db`);
    assert.ok(!('cache' in t), 'a name not listed is not recorded');
    // Within the sketch's 1% relative accuracy of what the origin sent.
    assert.ok(Math.abs(t.cpu.p50 - 12.5) <= 0.125 && Math.abs(t.db.max - 4) <= 0.04 && Math.abs(t.db.min - 3.25) <= 0.033, JSON.stringify(t));
  }
  const c = st.counters.serverTiming;
  const n = (k) => sent[k].stable + sent[k].canary;
  assert.deepEqual(c, {
    headers: n('ok') + n('malformed') + n('negative') + n('nodur'),
    recorded: 2 * n('ok') + n('malformed'),
    malformed: n('malformed') + n('negative'),
    malformedHeaders: n('malformed') + n('negative'),
    ignored: n('ok') + n('nodur'), // cache (not listed) and a cpu without dur
    dropped: 0,
  });
  assert.deepEqual(st.serverTiming, { names: ['cpu', 'db'], strip: false, problem: null });
  assert.equal(st.rejectedParts, 0);
});

test('ROLLGATE_STRIP_SERVER_TIMING: users do not receive the header, and it is still recorded (through an aggregator)', { timeout }, async () => {
  await start({ id: 'strip', plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const stripped = await h.pool(40, 8, (i) => h.get(ctx.b, '/st/ok', { 'x-user-id': `s-${i}` }));
  for (const r of stripped) {
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('server-timing'), null);
    assert.ok(r.arm === 'stable' || r.arm === 'canary');
  }
  const kept = await h.get(ctx.a, '/st/ok', { 'x-user-id': 's-0' });
  assert.match(kept.headers.get('server-timing'), /^cpu;dur=12.5/);
  const st = await h.until(async () => {
    const s = await status();
    const w = s.metrics.window;
    return (w.stable.timing.cpu?.count || 0) + (w.canary.timing.cpu?.count || 0) === 41 ? s : null;
  }, 5000);
  assert.ok(st, 'the stripped responses were recorded');
  assert.ok(Object.entries(st.isolates).some(([id, x]) => id.startsWith('agg') && x.requests > 0), JSON.stringify(st.isolates));
});

test('a cpu gate holds while the canary reports no cpu, then passes stage by stage when its cpu is like stable\'s', { timeout: 150000 }, async () => {
  ctx.canary.behave.serverTiming = () => null;
  try {
    await start({ id: 'cpu-pass', plan: cpuPlan({ minDurationMs: 1000, percents: [50, 100] }) });
    let k = 0;
    const round = (port) => h.pool(200, 10, (i) => h.get(port, `/g?k=${k++}`, { 'x-user-id': `c-${i}` }));
    // At least three windows without canary cpu: the stage holds (NoData on cpu), never advances.
    const until = Date.now() + 3000;
    while (Date.now() < until) await round(ctx.a);
    let st = await status();
    assert.equal(st.state.status, 'running');
    assert.equal(st.state.stage, 0, JSON.stringify(st.history));
    assert.deepEqual([...new Set(st.history.map((e) => e.action))], ['start', 'hold']);
    const cpu = st.lastAnalysis.metrics.find((m) => m.name === 'cpu');
    assert.equal(cpu.classification, 'NoData', JSON.stringify(cpu));
    // The canary reports cpu like stable's: the gate passes and the rollout completes.
    ctx.canary.behave.serverTiming = timingFor(12.5);
    const deadline = Date.now() + 100000;
    while (Date.now() < deadline) {
      await round(k % 2 ? ctx.a : ctx.b);
      st = await status();
      if (st.state.status !== 'running') break;
    }
    assert.equal(st.state.status, 'completed', JSON.stringify(st.history.slice(-4), null, 1));
    const advance = st.history.find((e) => e.action === 'advance');
    assert.ok(advance, JSON.stringify(st.history));
    // The window that advanced judged cpu: find it in the series.
    const judged = st.series.find((w) => (w.metrics || []).some((m) => m.name === 'cpu' && m.classification === 'Pass'));
    assert.ok(judged, 'a window passed the cpu gate');
  } finally {
    ctx.canary.behave.serverTiming = timingFor(12.5);
  }
});

test('a canary reporting three times stable\'s cpu is rolled back on the cpu gate', { timeout }, async () => {
  ctx.canary.behave.serverTiming = timingFor(37.5);
  try {
    await start({ id: 'cpu-rollback', plan: cpuPlan({ minDurationMs: 1000, percents: [50, 100] }) });
    let st;
    let k = 0;
    const deadline = Date.now() + 40000;
    while (Date.now() < deadline) {
      await h.pool(100, 10, (i) => h.get(i % 2 ? ctx.a : ctx.b, `/g?k=${k++}`, { 'x-user-id': `r-${i}` }));
      st = await status();
      if (st.state.status !== 'running') break;
    }
    assert.equal(st.state.status, 'rolledBack', JSON.stringify(st.history.slice(-3), null, 1));
    assert.equal(st.state.servingPercent, 0);
    const rb = st.history.find((e) => e.action === 'rollback');
    assert.ok(rb.reasons.some((r) => /cpu/.test(r)), rb.reasons.join(' | '));
    const cpu = st.lastAnalysis.metrics.find((m) => m.name === 'cpu');
    assert.equal(cpu.classification, 'High', JSON.stringify(cpu));
    // The other metrics were healthy: cpu is the one critical failure.
    assert.deepEqual(st.lastAnalysis.criticalFailures, ['cpu']);
    const t = st.metrics.total;
    assert.ok(t.canary.timing.cpu.p50 > 2 * t.stable.timing.cpu.p50, JSON.stringify([t.stable.timing.cpu, t.canary.timing.cpu]));
  } finally {
    ctx.canary.behave.serverTiming = timingFor(12.5);
  }
});

test('without a Server-Timing source a cpu gate is refused at start with its pointer; names the core refuses fail the isolate open', { timeout }, async () => {
  const p = await h.freePort();
  const bad = await h.freePort();
  ctx.other = await h.startWorkerd({
    services: [
      { name: 'plain', port: p },
      { name: 'bad-names', port: bad, vars: { ROLLGATE_SERVER_TIMING: 'cpu,cpu' } },
    ],
    vars: h.baseVars(ctx.stable.url),
  });
  const refused = await h.admin(p, 'POST', 'start', { id: 'no-source', origins: { canary: ctx.canary.url }, plan: cpuPlan({ minDurationMs: 1000, percents: [50, 100] }) });
  assert.equal(refused.status, 400, refused.text);
  assert.equal(refused.body.code, 'rollgate.plan.613');
  assert.equal(refused.body.pointer, '/plan/stages/0/gates/2');
  assert.match(refused.body.error, /gates on 'cpu', which this client does not measure \(it measures errorRate, latency\)/);
  // The same plan runs where cpu is collected (the first workerd).
  await start({ id: 'with-source', plan: cpuPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  // An isolate whose names the core refuses (a duplicate) serves stable, counted as a settings problem.
  const r = await h.get(bad, '/st/ok', { 'x-user-id': 'b-1' });
  assert.equal(r.status, 200);
  assert.equal(r.arm, 'stable');
  assert.equal(r.fallback, 'settings');
  assert.equal(r.body.origin, 'stable');
  await ctx.other.stop();
  ctx.other = null;
});
