// Edge suite: guarded flag rollouts (docs/flag-delivery.md, "Guarded flag rollouts"). A rollout whose
// target is a flag's variation is ramped by the coordinator like an origin rollout: the plan's
// percentage becomes the coverage of the targeted serve in the configuration the worker serves,
// and the flag's arms (units given the variation, against units left outside the coverage) are
// judged by the same gates and the same state machine. One workerd with two isolates; the origin
// fails the new checkout's requests when told to. Proves: a healthy flag rollout holds for its
// windows, then advances stage by stage to 100% with every unit that got the variation keeping
// it (the increases announced ahead as a ramp step); exposures are counted per arm, once per unit
// and window; a failing variation is rolled back on its own and the served coverage is 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 90000;
const TTL = 400;
const ctx = { failNew: 0 };

const config = {
  schemaVersion: 1,
  flags: [{
    key: 'new-checkout',
    variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
    defaultVariation: 'off',
    rules: [{ id: 'staff', conditions: [{ attribute: 'targetingKey', op: 'startsWith', value: 'staff-' }], serve: { variation: 'on' } }],
    fallthrough: { variation: 'off' },
  }],
};

/** The origin: /checkout?v=on fails with probability ctx.failNew (the new checkout's bug). */
function startShop() {
  const o = { hits: 0 };
  o.server = createServer((req, res) => {
    o.hits++;
    const url = new URL(req.url, 'http://x');
    const fail = url.searchParams.get('v') === 'on' && Math.random() < ctx.failNew;
    res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  return new Promise((r) => o.server.listen(0, '127.0.0.1', () => r({ ...o, url: `http://127.0.0.1:${o.server.address().port}` })));
}

before(async () => {
  h.buildWorker();
  ctx.shop = await startShop();
  ctx.a = await h.freePort();
  ctx.b = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    services: [{ name: 'edge-a', port: ctx.a }, { name: 'edge-b', port: ctx.b }],
    vars: h.baseVars(ctx.shop.url),
  });
  const put = await h.admin(ctx.a, 'PUT', 'flags', config);
  assert.equal(put.status, 200, put.text);
});

after(async () => {
  await ctx.workerd?.stop();
  await new Promise((r) => (ctx.shop ? ctx.shop.server.close(r) : r()));
});

const status = async () => (await h.admin(ctx.a, 'GET', 'status')).body;
const evaluated = async (port, user) => (await h.get(port, '/__rollgate/flags/evaluated', { 'x-user-id': user })).body.flags['new-checkout'];

/** One visit: the page asks the edge for its flags, then checks out with the variation it got. */
async function visit(port, user) {
  const f = await evaluated(port, user);
  const r = await h.get(port, `/checkout?v=${f.variant}`, { 'x-user-id': user });
  return { variant: f.variant, status: r.status, arm: r.arm };
}

async function start(body) {
  const r = await h.admin(ctx.a, 'POST', 'start', { target: { flag: 'new-checkout', variation: 'on' }, evaluationIntervalMs: 250, ...body });
  assert.equal(r.status, 200, r.text);
  await new Promise((res) => setTimeout(res, TTL + 50));
  return r.body;
}

test('a flag rollout needs a stored flag, variation and rule; the target is checked with a pointer', { timeout }, async () => {
  const plan = h.testPlan({ minDurationMs: 1000, percents: [10, 100] });
  for (const [target, pointer, code] of [
    [{ flag: 'nope', variation: 'on' }, '/target/flag', 'rollgate.plan.621'],
    [{ flag: 'new-checkout', variation: 'v3' }, '/target/variation', 'rollgate.plan.621'],
    [{ flag: 'new-checkout', variation: 'on', rule: 'missing' }, '/target/rule', 'rollgate.plan.621'],
    [{ flag: 'new-checkout' }, '/target/variation', 'rollgate.plan.620'],
  ]) {
    const r = await h.admin(ctx.a, 'POST', 'start', { target, plan });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.code, code);
    assert.equal(r.body.pointer, pointer);
  }
  const withCanary = await h.admin(ctx.a, 'POST', 'start', { target: { flag: 'new-checkout', variation: 'on' }, origins: { canary: 'http://127.0.0.1:1' }, plan });
  assert.equal(withCanary.status, 400);
  assert.equal(withCanary.body.pointer, '/origins/canary');
});

test('a healthy variation holds for its windows, then advances to 100%; units keep it (sticky)', { timeout }, async () => {
  ctx.failNew = 0;
  await start({ id: 'flag-healthy', plan: h.testPlan({ minDurationMs: 1500, percents: [10, 50, 100] }) });
  const users = Array.from({ length: 200 }, (_, i) => `fu-${i}`);
  const seen = new Map(users.map((u) => [u, []]));
  // What the edge serves, read every 40 ms meanwhile: the coverages, and the announced ramp steps.
  const coverages = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const served = await (await fetch(`http://127.0.0.1:${ctx.a}/__rollgate/flags`)).json();
      const rollout = served.flags[0].fallthrough.rollout;
      const c = rollout.coverage ?? rollout.ramp.map((x) => x.coverage).join('→');
      if (coverages.at(-1) !== c) coverages.push(c);
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  let st;
  let round = 0;
  let visits = 0;
  let otherArm = 0;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const port = round++ % 2 ? ctx.b : ctx.a;
    const res = await h.pool(users.length, 10, (i) => visit(port, users[i]));
    res.forEach((r, i) => {
      assert.equal(r.status, 200);
      // The request is counted in the arm of the variation the unit was served (but for a visit
      // that straddles the instant of an increase, between its two requests).
      visits++;
      if (r.arm !== (r.variant === 'on' ? 'canary' : 'stable')) otherArm++;
      seen.get(users[i]).push(r.variant);
    });
    st = await status();
    if (st.state.status === 'completed') break;
  }
  watching = false;
  await watcher;
  assert.equal(st.state.status, 'completed', JSON.stringify(st.history, null, 1));
  assert.ok(otherArm <= visits * 0.02, `${otherArm} of ${visits} visits counted in the other arm`);
  const actions = st.history.map((e) => e.action);
  assert.ok(actions.includes('hold'), 'held within the minimum windows');
  assert.deepEqual(actions.filter((a) => a !== 'hold'), ['start', 'advance', 'advance', 'complete']);
  // Monotonic, and each increase was served as a ramp step ahead of its instant.
  assert.deepEqual(coverages.filter((c) => typeof c === 'number'), [10, 50, 100], `coverages: ${coverages.join(', ')}`);
  assert.ok(coverages.includes('10→50') && coverages.includes('50→100'), `coverages: ${coverages.join(', ')}`);
  // Sticky: a unit given the new variation never goes back to the old one.
  let early = 0;
  for (const [u, seq] of seen) {
    const first = seq.indexOf('on');
    if (first >= 0 && first < 2) early++;
    if (first >= 0) assert.ok(seq.slice(first).every((v) => v === 'on'), `${u}: ${seq.join(',')}`);
  }
  assert.ok(early >= 5 && early <= 60, `units in the variation at 10%: ${early}`);
  // Exposures are counted per arm (the edge evaluated the flag for each unit in each window).
  const total = st.metrics.total;
  assert.ok(total.canary.exposures > 0 && total.stable.exposures > 0, JSON.stringify(total));
  assert.ok(total.canary.exposures + total.stable.exposures <= 2 * users.length * 4, 'at most one per unit, window and isolate');
  await new Promise((r) => setTimeout(r, TTL + 50));
  const served = await (await fetch(`http://127.0.0.1:${ctx.b}/__rollgate/flags`)).json();
  assert.equal(served.flags[0].fallthrough.rollout.coverage, 100);
  assert.equal((await evaluated(ctx.b, 'someone-new')).variant, 'on');
});

test('a failing variation is rolled back on its own: coverage 0, every unit back on the old one', { timeout }, async () => {
  ctx.failNew = 0.6;
  await start({ id: 'flag-failing', plan: h.testPlan({ minDurationMs: 1000, percents: [50, 100] }) });
  const users = Array.from({ length: 150 }, (_, i) => `fb-${i}`);
  let st;
  const deadline = Date.now() + 40000;
  while (Date.now() < deadline) {
    await h.pool(users.length, 10, (i) => visit(i % 2 ? ctx.a : ctx.b, users[i]));
    st = await status();
    if (st.state.status === 'rolledBack') break;
  }
  assert.equal(st.state.status, 'rolledBack', JSON.stringify(st.history, null, 1));
  const rb = st.history.find((e) => e.action === 'rollback');
  assert.ok(rb.reasons.some((x) => /errorRate/.test(x)), rb.reasons.join('; '));
  // The window judged: the new checkout's failures, in the flag's arm; none among units without it.
  assert.ok(rb.counts.canaryErrors > 0, JSON.stringify(rb.counts));
  assert.equal(rb.counts.stableErrors, 0, 'the old checkout never failed');
  await new Promise((r) => setTimeout(r, TTL + 50));
  for (const port of [ctx.a, ctx.b]) {
    const served = await (await fetch(`http://127.0.0.1:${port}/__rollgate/flags`)).json();
    assert.equal(served.flags[0].fallthrough.rollout.coverage, 0);
    for (const u of users.slice(0, 20)) assert.equal((await evaluated(port, u)).variant, 'off');
  }
  // Rules before the targeted serve are untouched: staff keep the variation.
  assert.equal((await evaluated(ctx.a, 'staff-1')).variant, 'on');
});

test('a page\'s exposures: the unit from its signed cookie, the arm decided by the edge, once per unit and window', { timeout }, async () => {
  await start({ id: 'flag-exposures', plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const url = `http://127.0.0.1:${ctx.a}/__rollgate/exposures`;
  const post = (body, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body }).then(async (r) => ({ status: r.status, body: await r.text() }));
  assert.equal((await post('{"flags":["new-checkout"]}')).status, 401, 'no unit: refused');
  assert.equal((await post('{"flags":["new-checkout"]}', { cookie: 'rg_unit=forged.value' })).status, 401, 'a forged cookie is no unit');
  // A first page view mints the unit's signed cookie (and names its arm).
  const first = await h.get(ctx.a, '/checkout?v=off');
  assert.ok(first.cookie);
  const cookie = { cookie: first.cookie };
  assert.equal((await post('{"flags": 3}', cookie)).status, 400);
  assert.equal((await post('not json', cookie)).status, 400);
  assert.equal((await post(JSON.stringify({ flags: Array(101).fill('x') }), cookie)).status, 400);
  assert.equal((await post('x'.repeat(17000), cookie)).status, 413);
  for (let i = 0; i < 3; i++) assert.equal((await post('{"flags":["new-checkout","other-flag"]}', cookie)).status, 204);
  assert.equal((await post('{"flags":["other-flag"]}', cookie)).status, 204, 'another flag: accepted, not counted');
  const st = await h.until(async () => {
    const s = await status();
    const w = s.metrics.window;
    return w.stable.exposures + w.canary.exposures > 0 ? s : null;
  }, 5000);
  assert.ok(st, 'the exposure was flushed');
  await new Promise((r) => setTimeout(r, 500)); // any second count would have arrived by now
  const w = (await status()).metrics.window;
  assert.equal(w[first.arm].exposures, 1, JSON.stringify(w));
  assert.equal(w[first.arm === 'canary' ? 'stable' : 'canary'].exposures, 0);
});

test('a rule target: only units that rule decides are in the rollout; the others are counted in neither arm', { timeout }, async () => {
  ctx.failNew = 0;
  await start({ id: 'flag-rule', target: { flag: 'new-checkout', variation: 'on', rule: 'staff' }, plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }) });
  const staff = Array.from({ length: 60 }, (_, i) => `staff-${i}`);
  const others = Array.from({ length: 40 }, (_, i) => `other-${i}`);
  const res = await h.pool(staff.length, 10, (i) => visit(i % 2 ? ctx.a : ctx.b, staff[i]));
  const on = res.filter((r) => r.variant === 'on').length;
  assert.ok(on > 10 && on < 50, `staff given the variation at 50%: ${on} of 60`);
  for (const r of res) assert.equal(r.arm, r.variant === 'on' ? 'canary' : 'stable');
  const rest = await h.pool(others.length, 10, (i) => visit(ctx.a, others[i]));
  assert.ok(rest.every((r) => r.variant === 'off'), 'the fallthrough is untouched');
  const st = await h.until(async () => {
    const s = await status();
    const w = s.metrics.window;
    return w.stable.requests + w.canary.requests >= staff.length ? s : null;
  }, 5000);
  assert.ok(st);
  await new Promise((r) => setTimeout(r, 500)); // every flush is in
  const w = (await status()).metrics.window;
  assert.equal(w.canary.requests, on);
  assert.equal(w.stable.requests, staff.length - on, 'units of the fallthrough are in neither arm');
  assert.equal(w.canary.exposures + w.stable.exposures, staff.length, 'one exposure per staff unit (evaluated mode)');
});
