// Edge suite, part 1: assignment. One workerd (the rollgate worker + the coordinator Durable
// Object, in-memory) in front of local stable and canary origins, a rollout held at 20% (its
// windows are long, so the percentage does not move during this file). Proves: the split matches
// the percentage (and the sample-ratio-mismatch test passes); stickiness by header and by cookie;
// tampered cookies and override tokens are not trusted; a signed override forces an arm; the
// admin API needs the token and answers CORS preflights; a broken config fails open to stable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './support/harness.mjs';
import { signUnitNode } from './support/sign.mjs';

h.requireRuntime();
const timeout = 60000; // per test; workerd itself is killed by the harness after 110 s
const ctx = {};

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary');
  ctx.port = await h.freePort();
  ctx.brokenPort = await h.freePort();
  ctx.noCoordPort = await h.freePort();
  ctx.deadCoordPort = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    services: [
      { name: 'edge', port: ctx.port },
      // Broken settings: a cookie secret that is too short and a TTL that is not a number.
      { name: 'broken', port: ctx.brokenPort, vars: { ROLLGATE_COOKIE_SECRET: 'short', ROLLGATE_STATE_TTL_MS: 'soon' } },
      // No coordinator binding at all.
      { name: 'nocoord', port: ctx.noCoordPort, coordinator: false },
      // A coordinator binding whose class does not exist: every call to it fails at run time.
      { name: 'deadcoord', port: ctx.deadCoordPort, coordinatorClass: 'NoSuchCoordinator' },
    ],
    vars: h.baseVars(ctx.stable.url),
  });
  // Before any rollout: the coordinator answers "idle", and everything goes to stable.
  ctx.idle = await h.pool(20, 5, (i) => h.get(ctx.port, '/idle', { 'x-user-id': `idle-${i}` }));
  const plan = h.testPlan({ minDurationMs: 3600000, percents: [20, 100] });
  // The window lasts an hour, so the percentage stays at 20% while the alarm evaluates (and
  // computes the sample-ratio-mismatch test) every 300 ms.
  const r = await h.admin(ctx.port, 'POST', 'start', { id: 'assign', salt: 'assign-salt', origins: { canary: ctx.canary.url }, plan, evaluationIntervalMs: 300 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.percent, 20);
  // The isolate cached the idle state (0%) for up to ROLLGATE_STATE_TTL_MS (400 ms in
  // h.baseVars): wait it out so the split below measures 20%, not a mix of 0% and 20%.
  await new Promise((res) => setTimeout(res, 450));
});

after(async () => {
  await ctx.workerd?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
});

test('split: fresh units land in canary at the configured 20% (binomial tolerance and SRM)', { timeout }, async () => {
  const n = 800;
  const res = await h.pool(n, 16, () => h.get(ctx.port, '/split'));
  const canary = res.filter((r) => r.arm === 'canary').length;
  const stable = res.filter((r) => r.arm === 'stable').length;
  assert.equal(canary + stable, n, 'every response names its arm');
  // Each response really came from the origin its header names.
  for (const r of res) assert.equal(r.body.origin, r.arm);
  // 20% of 800: sd = sqrt(800 * 0.2 * 0.8) = 11.3; 4.5 sd either side (a false alarm about once
  // in 150 000 runs).
  assert.ok(Math.abs(canary - 160) < 51, `canary ${canary} of ${n}`);
  const p = h.srmPValue([stable, canary], [80, 20]);
  assert.ok(p > 0.001, `sample-ratio mismatch p = ${p}`);
  // The coordinator's own sample-ratio check (the core's, on the merged new units) agrees.
  const st = await h.until(async () => {
    const s = (await h.admin(ctx.port, 'GET', 'status')).body;
    return s.srm && s.srm.stableUnits + s.srm.canaryUnits >= n ? s : null;
  }, 5000);
  assert.ok(st, 'the coordinator evaluated the split');
  assert.equal(st.srm.checked, true);
  assert.deepEqual([st.srm.stableUnits, st.srm.canaryUnits], [stable, canary]);
  assert.equal(st.srm.canaryPercent, 20);
  assert.ok(Math.abs(st.srm.pValue - p) < 1e-4, `coordinator p ${st.srm.pValue} vs ${p}`);
  assert.equal(st.state.percent, 20, 'still at the first stage');
});

test('before any rollout starts, every request is served by stable (no fallback: nothing failed)', { timeout }, async () => {
  for (const r of ctx.idle) {
    assert.equal(r.status, 200);
    assert.equal(r.arm, 'stable');
    assert.equal(r.body.origin, 'stable');
    assert.equal(r.fallback, null);
  }
  assert.equal(ctx.canary.seen.filter((x) => x.path === '/idle').length, 0);
});

test('stickiness by header: the same user id always gets the same arm, and both arms occur', { timeout }, async () => {
  const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);
  const first = await h.pool(users.length, 8, (i) => h.get(ctx.port, '/u', { 'x-user-id': users[i] }));
  for (let round = 0; round < 2; round++) {
    const again = await h.pool(users.length, 8, (i) => h.get(ctx.port, '/u', { 'x-user-id': users[i] }));
    again.forEach((r, i) => assert.equal(r.arm, first[i].arm, `${users[i]} moved`));
  }
  assert.ok(first.some((r) => r.arm === 'canary') && first.some((r) => r.arm === 'stable'));
  // A unit given by header gets no cookie.
  assert.ok(first.every((r) => r.cookie === null));
});

test('stickiness by cookie: the signed cookie set on the first visit keeps the arm', { timeout }, async () => {
  const firsts = await h.pool(40, 8, () => h.get(ctx.port, '/c'));
  for (const f of firsts) {
    assert.match(f.cookie, /^rg_unit=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    for (let k = 0; k < 3; k++) {
      const r = await h.get(ctx.port, '/c', { cookie: `other=1; ${f.cookie}` });
      assert.equal(r.arm, f.arm);
      assert.equal(r.cookie, null, 'a valid cookie is not replaced');
    }
  }
  assert.ok(firsts.some((r) => r.arm === 'canary'));
});

test('a tampered cookie is not trusted: it is replaced, and cannot pick the arm', { timeout }, async () => {
  // Find a canary and a stable unit under the rollout, then graft the canary unit's id onto a
  // signature made with the wrong key, and onto the stable unit's signature.
  let canaryCookie;
  let stableCookie;
  for (let i = 0; (!canaryCookie || !stableCookie) && i < 300; i++) {
    const r = await h.get(ctx.port, '/t');
    if (r.arm === 'canary') canaryCookie = r.cookie;
    else stableCookie = r.cookie;
  }
  assert.ok(canaryCookie && stableCookie, 'both arms seen among 300 fresh units');
  const canaryId = canaryCookie.split('=')[1].split('.')[0];
  const stableSig = stableCookie.split('.').pop();
  const forged = [
    `rg_unit=${canaryId}.${stableSig}`,
    `rg_unit=${signUnitNode('not-the-secret-at-all-0123456789', canaryId)}`,
    `rg_unit=${canaryId}`,
    `rg_unit=${canaryId}.`,
  ];
  let canaryCount = 0;
  for (const c of forged) {
    for (let k = 0; k < 10; k++) {
      const r = await h.get(ctx.port, '/t', { cookie: c });
      assert.ok(r.cookie, 'a fresh signed cookie replaces the forged one');
      assert.notEqual(r.cookie.split('=')[1].split('.')[0], canaryId, 'the forged id is not adopted');
      if (r.arm === 'canary') canaryCount++;
    }
  }
  // Forged requests are fresh random units: about 20% canary, not 100%.
  assert.ok(canaryCount < 25, `forged cookies reached canary ${canaryCount}/40 times`);
  // The cookie made by our independent signer with the right key IS accepted (proves the format).
  const good = `rg_unit=${signUnitNode(h.COOKIE_SECRET, canaryId)}`;
  const r = await h.get(ctx.port, '/t', { cookie: good });
  assert.equal(r.arm, 'canary');
  assert.equal(r.cookie, null);
});

test('override header: a signed token forces an arm; an unsigned, expired or forged one does not', { timeout }, async () => {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const toCanary = h.signOverrideNode(h.OVERRIDE_SECRET, 'canary', exp);
  const toStable = h.signOverrideNode(h.OVERRIDE_SECRET, 'stable', exp);
  for (let i = 0; i < 20; i++) {
    assert.equal((await h.get(ctx.port, '/o', { 'x-rollgate-override': toCanary })).arm, 'canary');
    assert.equal((await h.get(ctx.port, '/o', { 'x-rollgate-override': toStable })).arm, 'stable');
  }
  // The origin never sees the override token.
  assert.ok(ctx.canary.seen.filter((s) => s.path === '/o').every((s) => !s.headers['x-rollgate-override']));
  const bad = [
    'canary',
    h.signOverrideNode('wrong-secret-wrong-secret-0123', 'canary', exp),
    h.signOverrideNode(h.OVERRIDE_SECRET, 'canary', Math.floor(Date.now() / 1000) - 5), // expired
    toStable.replace(/^stable/, 'canary'), // signature of another arm
  ];
  // A stable user stays stable whatever bad token it sends.
  let user = 0;
  while ((await h.get(ctx.port, '/o', { 'x-user-id': `ov-${user}` })).arm !== 'stable' && user < 100) user++;
  for (const t of bad) {
    const r = await h.get(ctx.port, '/o', { 'x-user-id': `ov-${user}`, 'x-rollgate-override': t });
    assert.equal(r.arm, 'stable', `token ${t} was trusted`);
  }
});

test('status and control need the bearer token; CORS preflight and headers for a dashboard', { timeout }, async () => {
  for (const [method, route] of [['GET', 'status'], ['POST', 'pause'], ['POST', 'resume'], ['POST', 'rollback'], ['POST', 'start']]) {
    assert.equal((await h.admin(ctx.port, method, route, method === 'POST' ? {} : undefined, null)).status, 401, `${method} ${route} without token`);
    assert.equal((await h.admin(ctx.port, method, route, method === 'POST' ? {} : undefined, h.TOKEN + 'x')).status, 401);
    assert.equal((await h.admin(ctx.port, method, route, method === 'POST' ? {} : undefined, 'short')).status, 401);
  }
  // The internal endpoints are not reachable from outside at all.
  assert.equal((await h.get(ctx.port, '/__rollgate/internal/state')).status, 404);
  const rep = await fetch(`http://127.0.0.1:${ctx.port}/__rollgate/internal/report`, { method: 'POST', body: '{}' });
  assert.equal(rep.status, 404);
  const pre = await fetch(`http://127.0.0.1:${ctx.port}/__rollgate/status`, {
    method: 'OPTIONS',
    headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'https://dashboard.example');
  assert.match(pre.headers.get('access-control-allow-headers'), /authorization/);
  const ok = await h.admin(ctx.port, 'GET', 'status');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://dashboard.example');
  assert.equal(ok.body.state.status, 'running');
  assert.equal(ok.body.state.percent, 20);
  assert.equal(ok.body.rollout.id, 'assign');
  // A start with a bad plan is refused with the core's error id and pointer, and changes nothing.
  const bad = await h.admin(ctx.port, 'POST', 'start', { id: 'x', origins: { canary: ctx.canary.url }, plan: { stages: [] } });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.code || bad.body.error, /rollgate\.plan\.6\d\d/);
  assert.equal((await h.admin(ctx.port, 'GET', 'status')).body.rollout.id, 'assign');
});

test('broken config or a failing coordinator fails open: every request goes to stable, is counted, never a 5xx', { timeout }, async () => {
  for (const port of [ctx.brokenPort, ctx.noCoordPort]) {
    const res = await h.pool(30, 6, (i) => h.get(port, '/broken', { 'x-user-id': `u${i}` }));
    for (const r of res) {
      assert.equal(r.status, 200);
      assert.equal(r.arm, 'stable');
      assert.equal(r.body.origin, 'stable');
      assert.equal(r.fallback, 'settings');
    }
  }
  // A coordinator that fails at run time: stable too, marked as a coordinator problem.
  const dead = await h.pool(30, 6, (i) => h.get(ctx.deadCoordPort, '/broken', { 'x-user-id': `u${i}` }));
  for (const r of dead) {
    assert.equal(r.status, 200);
    assert.equal(r.arm, 'stable');
    assert.equal(r.body.origin, 'stable');
    assert.equal(r.fallback, 'coordinator');
  }
  // Bodies are passed through on the fail-open path too.
  const post = await fetch(`http://127.0.0.1:${ctx.brokenPort}/echo`, { method: 'POST', body: 'hello' });
  assert.equal((await post.json()).echo, 'hello');
  // The broken isolate still reaches the coordinator, which counts its fail-open requests.
  const st = await h.until(async () => {
    const s = (await h.admin(ctx.port, 'GET', 'status')).body;
    return s.counters.failOpen && s.counters.failOpen.settings >= 31 ? s : null;
  }, 3000);
  assert.ok(st, 'fail-open requests are counted in the coordinator');
});
