// Edge suite: metric events at the edge (docs/edge.md, "Events"). One workerd with two rollgate
// services bound to one coordinator, both accepting ROLLGATE_EVENTS="purchase,signup" (the
// second flushes through aggregators and allows 5 events a minute per unit). Proves: browser
// events (text/plain, same origin, unit from the signed cookie) and back-end events (bearer
// token, explicit unit) are recorded under the arm the unit is served, and counted only for
// units exposed in the window; forged cookies, cross-origin pages and back ends without the
// token are refused with their ids and counted; oversized and malformed batches are 4xx with the
// core's id and pointer; the per-unit rate limit answers 429; a conversion gate holds without
// power, passes when the canary converts like stable and rolls back when its checkouts fail;
// and a workerd without an event source refuses the same plan at start with its pointer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './support/harness.mjs';
import { signUnitNode } from './support/sign.mjs';

h.requireRuntime();
const timeout = 90000;
const ctx = {};
const TTL = 400; // ROLLGATE_STATE_TTL_MS in h.baseVars
const EVENTS_TOKEN = 'test-events-token-0123456789abcdef';

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary');
  ctx.a = await h.freePort();
  ctx.b = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    hardTimeoutMs: 300000,
    services: [
      { name: 'edge-a', port: ctx.a },
      { name: 'edge-agg', port: ctx.b, vars: { ROLLGATE_AGGREGATORS: '2', ROLLGATE_EVENTS_PER_MIN: '5' } },
    ],
    vars: h.baseVars(ctx.stable.url, { ROLLGATE_EVENTS: 'purchase, signup', ROLLGATE_EVENTS_TOKEN: EVENTS_TOKEN }),
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
const cookieOf = (unit) => `rg_unit=${signUnitNode(h.COOKIE_SECRET, unit)}`;

/** POST /__rollgate/events: a browser's (same origin, cookie) unless `token` is given. */
async function send(port, body, { unit, cookie, token, origin, site, contentType = 'text/plain;charset=UTF-8' } = {}) {
  const headers = { 'content-type': contentType };
  if (token) headers.authorization = `Bearer ${token}`;
  else {
    headers.origin = origin ?? `http://127.0.0.1:${port}`;
    if (site) headers['sec-fetch-site'] = site;
    if (cookie ?? unit) headers.cookie = cookie ?? cookieOf(unit);
  }
  const r = await fetch(`http://127.0.0.1:${port}/__rollgate/events`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(10000) });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, body: json, text };
}

/** A page view of a browser unit (cookie only): exposes it; returns the arm it was served. */
async function view(port, unit) {
  const r = await h.get(port, '/p', { cookie: cookieOf(unit) });
  assert.equal(r.status, 200);
  return r.arm;
}

/** A plan whose partial stages also gate on a critical conversion (event purchase). */
function conversionPlan({ allowed = 0.25, ...opts }) {
  const plan = h.testPlan(opts);
  plan.canary.metrics.push({
    name: 'conversion', event: 'purchase', kind: 'rate', direction: 'decrease', critical: true, group: 'business', test: 'proportions',
    allowedChange: { absolute: allowed },
  });
  plan.canary.groupWeights = { errors: 40, latency: 30, business: 30 };
  for (const s of plan.stages) if (Array.isArray(s.gates)) s.gates.push('conversion');
  return plan;
}

test('events are recorded under the arm each unit is served, from browsers (cookie) and back ends (token); unexposed units are not counted', { timeout }, async () => {
  await start({ id: 'attribution', plan: conversionPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const arms = {};
  await h.pool(60, 8, async (i) => {
    arms[`b-${i}`] = await view(i % 2 ? ctx.a : ctx.b, `b-${i}`);
  });
  // Back-end units are identified by the unit header when served.
  await h.pool(40, 8, async (i) => {
    const r = await h.get(ctx.a, '/p', { 'x-user-id': `k-${i}` });
    arms[`k-${i}`] = r.arm;
  });
  const want = { stable: { exposed: 0, converted: 0, sum: 0 }, canary: { exposed: 0, converted: 0, sum: 0 } };
  for (const a of Object.values(arms)) want[a].exposed++;
  // Browsers: every third unit buys once (value 10 + i), through either isolate.
  for (let i = 0; i < 60; i += 3) {
    const r = await send(i % 2 ? ctx.a : ctx.b, { events: [{ name: 'purchase', value: 10 + i }] }, { unit: `b-${i}` });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.body, { accepted: 1, notInRollout: 0, refused: 0 });
    want[arms[`b-${i}`]].converted++;
    want[arms[`b-${i}`]].sum += 10 + i;
  }
  // A back end reports for several units in one batch (the batch's unit, or each event's own).
  const be = { unit: 'k-0', events: [{ name: 'purchase', value: 5 }, { name: 'purchase', value: 7, unit: 'k-1' }, { name: 'signup', unit: 'k-2' }] };
  const r = await send(ctx.a, be, { token: EVENTS_TOKEN });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body, { accepted: 3, notInRollout: 0, refused: 0 });
  want[arms['k-0']].converted++;
  want[arms['k-0']].sum += 5;
  want[arms['k-1']].converted++;
  want[arms['k-1']].sum += 7;
  // A unit never served in this window: recorded by the edge, not counted by the core.
  assert.equal((await send(ctx.a, { events: [{ name: 'purchase', value: 1000 }] }, { unit: 'never-seen' })).status, 202);
  const st = await h.until(async () => {
    const s = await status();
    const w = s.metrics.window;
    const got = (a) => w[a].units.purchase || { exposed: 0, converted: 0 };
    return ['stable', 'canary'].every((a) => got(a).exposed === want[a].exposed && got(a).converted === want[a].converted) && s.counters.events.batches === 22 ? s : null;
  }, 6000);
  assert.ok(st, JSON.stringify((await status()).metrics.window.canary.units));
  for (const a of ['stable', 'canary']) {
    const u = st.metrics.window[a].units.purchase;
    assert.equal(u.exposed, want[a].exposed, a);
    assert.equal(u.converted, want[a].converted, a);
    assert.equal(u.sum, want[a].sum, a);
    assert.equal(u.samplingRate, 1);
    assert.ok(want[a].exposed > 10, 'both arms served');
  }
  const signups = (a) => st.metrics.window[a].units.signup?.converted ?? 0; // an arm without one has no entry
  assert.equal(signups('stable') + signups('canary'), 1);
  assert.equal(st.counters.events.recorded, 24);
  assert.equal(st.rejectedParts, 0);
  // The rollout's totals keep no unit summaries (bounds.js): windows only.
  assert.deepEqual(st.metrics.total.canary.units, {});
});

test('forged cookies, cross-origin pages, missing cookies and back ends without the token are refused with their ids and counted', { timeout }, async () => {
  await start({ id: 'refusals', plan: conversionPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const before = (await status()).counters;
  const ok = { events: [{ name: 'purchase' }] };
  const forged = await send(ctx.a, ok, { cookie: `rg_unit=${signUnitNode('not-the-secret-0123456789abcdef', 'x-1')}` });
  assert.equal(forged.status, 403);
  assert.equal(forged.body.error.id, 'rollgate.edge.914');
  const tampered = await send(ctx.a, ok, { cookie: `rg_unit=${signUnitNode(h.COOKIE_SECRET, 'x-1').replace('x-1', 'x-2')}` });
  assert.equal(tampered.body.error.id, 'rollgate.edge.914');
  const noCookie = await send(ctx.a, ok, {});
  assert.equal(noCookie.status, 403);
  assert.equal(noCookie.body.error.id, 'rollgate.edge.913');
  const cross = await send(ctx.a, ok, { unit: 'x-1', origin: 'https://evil.example' });
  assert.equal(cross.status, 403);
  assert.equal(cross.body.error.id, 'rollgate.edge.912');
  const crossSite = await send(ctx.a, ok, { unit: 'x-1', site: 'cross-site' });
  assert.equal(crossSite.body.error.id, 'rollgate.edge.912');
  const noToken = await send(ctx.a, { unit: 'k-1', ...ok }, { token: 'wrong-token-0123456789abcdef' });
  assert.equal(noToken.status, 401);
  assert.equal(noToken.body.error.id, 'rollgate.edge.915');
  // A browser may not name a unit: the core's parser refuses it (metrics.024, with its pointer).
  const named = await send(ctx.a, { unit: 'someone-else', ...ok }, { unit: 'x-1' });
  assert.equal(named.status, 400);
  assert.equal(named.body.error.id, 'rollgate.metrics.024');
  assert.equal(named.body.error.pointer, '/unit');
  const get = await fetch(`http://127.0.0.1:${ctx.a}/__rollgate/events`);
  assert.equal(get.status, 405);
  assert.equal((await get.json()).error.id, 'rollgate.edge.911');
  const st = await h.until(async () => {
    const s = await status();
    return s.counters.events.badToken - before.events.badToken === 1 && s.counters.events.forged - before.events.forged === 2 ? s : null;
  }, 5000);
  assert.ok(st, JSON.stringify((await status()).counters));
  const d = (k) => st.counters.events[k] - before.events[k];
  assert.deepEqual([d('forged'), d('noUnit'), d('crossOrigin'), d('badToken'), d('malformed'), d('recorded')], [2, 1, 2, 1, 1, 0]);
  assert.equal(st.counters.tamperedCookies - before.tamperedCookies, 2);
});

test('oversized and malformed batches are answered 4xx with the id and pointer; the rate limit answers 429', { timeout }, async () => {
  await start({ id: 'limits', plan: conversionPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const before = (await status()).counters.events;
  const big = await send(ctx.a, 'x'.repeat(17 * 1024), { unit: 'l-1' });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.id, 'rollgate.edge.917');
  const many = await send(ctx.a, { events: Array.from({ length: 51 }, () => ({ name: 'purchase' })) }, { unit: 'l-1' });
  assert.equal(many.status, 413);
  assert.equal(many.body.error.id, 'rollgate.metrics.021');
  assert.equal(many.body.error.pointer, '/events');
  const cases = [
    ['{"events": [', 'rollgate.json.101', null],
    [{ events: [{ name: 'purchse' }] }, 'rollgate.metrics.022', '/events/0/name'],
    [{ events: [{ name: 'purchase', value: 1e10 }] }, 'rollgate.metrics.023', '/events/0/value'],
    [{ events: [{ name: 'purchase', value: '31.5' }] }, 'rollgate.metrics.023', '/events/0/value'],
    [{ events: [{ name: 'purchase', vaule: 3 }] }, 'rollgate.metrics.020', '/events/0/vaule'],
  ];
  for (const [body, id, pointer] of cases) {
    const r = await send(ctx.a, body, { unit: 'l-1' });
    assert.equal(r.status, 400, r.text);
    if (pointer === null) assert.match(r.body.error.id, /^rollgate\.json\.1\d\d$/);
    else {
      assert.equal(r.body.error.id, id, r.text);
      assert.equal(r.body.error.pointer, pointer);
    }
    assert.match(r.body.error.message, /^\[rollgate\./);
  }
  // Back ends must name the unit.
  const noUnit = await send(ctx.a, { events: [{ name: 'purchase' }] }, { token: EVENTS_TOKEN });
  assert.equal(noUnit.status, 400);
  assert.equal(noUnit.body.error.id, 'rollgate.metrics.024');
  // edge-agg allows 5 events a minute per unit in one isolate: 3 + 2 pass, the next is refused.
  await view(ctx.b, 'rate-1');
  assert.equal((await send(ctx.b, { events: [{ name: 'purchase' }, { name: 'purchase' }, { name: 'signup' }] }, { unit: 'rate-1' })).status, 202);
  assert.equal((await send(ctx.b, { events: [{ name: 'purchase' }, { name: 'purchase' }] }, { unit: 'rate-1' })).status, 202);
  const limited = await send(ctx.b, { events: [{ name: 'purchase' }] }, { unit: 'rate-1' });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.id, 'rollgate.edge.916');
  // Another unit is not affected.
  assert.equal((await send(ctx.b, { events: [{ name: 'purchase' }] }, { unit: 'rate-2' })).status, 202);
  const st = await h.until(async () => {
    const s = await status();
    return s.counters.events.rateLimited - before.rateLimited === 1 ? s : null;
  }, 5000);
  assert.ok(st, JSON.stringify((await status()).counters.events));
  const d = (k) => st.counters.events[k] - before[k];
  assert.deepEqual([d('tooLarge'), d('malformed'), d('rateLimited')], [1, 7, 1]);
});

/** Serves `n` fresh browser units in rounds; each buys with probability `p(arm)`. */
async function shoppers(prefix, n, p) {
  await h.pool(n, 10, async (i) => {
    const port = i % 2 ? ctx.a : ctx.b;
    const unit = `${prefix}-${i}`;
    const arm = await view(port, unit);
    if (Math.random() < p(arm)) {
      const r = await send(port, { events: [{ name: 'purchase', value: 20 }] }, { unit });
      assert.equal(r.status, 202, r.text);
    }
  });
}

test('a conversion gate holds without power, then passes stage by stage when the canary converts like stable', { timeout: 150000 }, async () => {
  await start({ id: 'conv-pass', plan: conversionPlan({ minDurationMs: 1000, percents: [50, 100] }) });
  // A handful of units past the minimum window: too few to have seen a 25-point drop, so
  // conversion is NoData and the stage holds.
  let k = 0;
  await shoppers(`h${k++}`, 16, () => 0.5);
  await new Promise((res) => setTimeout(res, 1600));
  let st = await status();
  assert.equal(st.state.status, 'running');
  assert.equal(st.state.stage, 0, JSON.stringify(st.history));
  const conv = st.lastAnalysis.metrics.find((m) => m.name === 'conversion');
  assert.equal(conv.classification, 'NoData', JSON.stringify(conv));
  const deadline = Date.now() + 100000;
  while (Date.now() < deadline) {
    await shoppers(`p${k++}`, 120, () => 0.5);
    st = await status();
    if (st.state.status !== 'running') break;
  }
  assert.equal(st.state.status, 'completed', JSON.stringify(st.history.slice(-4), null, 1));
  const judged = st.series.find((w) => (w.metrics || []).some((m) => m.name === 'conversion' && m.classification === 'Pass'));
  assert.ok(judged, 'a window passed the conversion gate');
});

test("a canary whose checkouts silently fail is rolled back on conversion, errors and latency passing", { timeout }, async () => {
  await start({ id: 'conv-rollback', plan: conversionPlan({ minDurationMs: 1000, percents: [50, 100] }) });
  let st;
  let k = 0;
  const deadline = Date.now() + 40000;
  while (Date.now() < deadline) {
    await shoppers(`r${k++}`, 120, (arm) => (arm === 'canary' ? 0.1 : 0.5));
    st = await status();
    if (st.state.status !== 'running') break;
  }
  assert.equal(st.state.status, 'rolledBack', JSON.stringify(st.history.slice(-3), null, 1));
  const rb = st.history.find((e) => e.action === 'rollback');
  assert.ok(rb.reasons.some((r) => /conversion/.test(r)), rb.reasons.join(' | '));
  const conv = st.lastAnalysis.metrics.find((m) => m.name === 'conversion');
  assert.equal(conv.classification, 'Low', JSON.stringify(conv));
  assert.deepEqual(st.lastAnalysis.criticalFailures, ['conversion']);
  for (const name of ['errorRate', 'latency']) {
    const m = st.lastAnalysis.metrics.find((x) => x.name === name);
    assert.notEqual(m.classification, 'High', JSON.stringify(m));
  }
});

test('without an event source a conversion gate is refused at start with its pointer', { timeout }, async () => {
  const p = await h.freePort();
  ctx.other = await h.startWorkerd({ services: [{ name: 'plain', port: p }], vars: h.baseVars(ctx.stable.url) });
  const refused = await h.admin(p, 'POST', 'start', { id: 'no-source', origins: { canary: ctx.canary.url }, plan: conversionPlan({ minDurationMs: 1000, percents: [50, 100] }) });
  assert.equal(refused.status, 400, refused.text);
  assert.equal(refused.body.code, 'rollgate.plan.613');
  assert.equal(refused.body.pointer, '/plan/stages/0/gates/2');
  assert.match(refused.body.error, /gates on 'conversion', which this client does not measure/);
  // The endpoint is off there.
  const r = await send(p, { events: [{ name: 'purchase' }] }, { unit: 'o-1' });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.id, 'rollgate.edge.910');
  // The default plan, restricted there, says it dropped the conversion gate.
  const d = await h.admin(p, 'POST', 'start', { id: 'default-plain', origins: { canary: ctx.canary.url } });
  assert.equal(d.status, 200, d.text);
  const plain = (await h.admin(p, 'GET', 'status')).body;
  assert.ok(plain.rollout.notes.some((n) => /dropped the conversion gate/.test(n)), JSON.stringify(plain.rollout.notes));
  await ctx.other.stop();
  ctx.other = null;
  // Where purchase is collected, the default medium plan runs as written, conversion included.
  const full = await h.admin(ctx.a, 'POST', 'start', { id: 'default-events', origins: { canary: ctx.canary.url } });
  assert.equal(full.status, 200, full.text);
  const ro = (await status()).rollout;
  assert.deepEqual(ro.notes, []);
  assert.ok(ro.plan.stages[1].gates.includes('conversion'));
});
