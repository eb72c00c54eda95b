// Assignment agreement with the Cloudflare worker: a unit gets the same arm from the Fastly
// service as from edge/cloudflare/src/engine.js (the worker's own bucketing call, through the
// npm package), so users keep their arm when traffic moves between the two CDNs.
//   - the service's decide() (self-test module) for 12,000 units under several salts and
//     coverages, and at coverages on both sides of each unit's bucket edge;
//   - the core's coverage check inside the service against tests/vectors/bucketing.json;
//   - the running service, through the harness, for 1,000 units by header and 300 fresh ones,
//     whose cookies crypto.js verifies; cookie stickiness and overrides over real requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as engine from '../../edge/cloudflare/src/engine.js';
import * as cf from '../../edge/cloudflare/src/crypto.js';
import { loadSelftest } from './support/selftest.mjs';
import { startService, COOKIE_SECRET, OVERRIDE_SECRET } from './support/fixtures.mjs';

const st = loadSelftest();
const vectors = JSON.parse(readFileSync(new URL('../vectors/bucketing.json', import.meta.url), 'utf8'));
await engine.initEngine();

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

test('decide() agrees with the Cloudflare worker for 12,000 units under several salts and coverages', () => {
  const units = [];
  for (let i = 0; i < 9000; i++) units.push(randomUUID());
  for (let i = 0; i < 2000; i++) units.push(`user-${i}`);
  for (let i = 0; i < 1000; i++) units.push(`ünï-${i}-🙂`);
  const runs = [
    ['checkout-v2', 37500],
    ['checkout-v2', 1],
    ['search', 12345],
    ['', 50000],
    ['salt with spaces', 99999],
    ['checkout-v2', 100000],
    ['checkout-v2', 0],
  ];
  let compared = 0;
  let canary = 0;
  for (const [salt, coverage] of runs) {
    for (const u of units) {
      const want = coverage > 0 && engine.inCoverage(u, salt, coverage) ? 'canary' : 'stable';
      const got = st.arm(u, salt, coverage);
      if (got !== want) assert.fail(`unit ${u}, salt ${JSON.stringify(salt)}, coverage ${coverage}: service ${got}, worker ${want}`);
      compared++;
      if (got === 'canary') canary++;
    }
  }
  assert.equal(compared, 12000 * runs.length);
  // Not a degenerate agreement (everything stable): about 37.5 + 0.001 + 12.3 + 50 + 100 + 100
  // percent of one run's units are canary (coverage / 1000).
  assert.ok(canary > 12000 * 2.9 && canary < 12000 * 3.1, `${canary} canary assignments`);
});

test('decide() and the worker agree at each unit\'s bucket edge (coverage b is out, b + 1 is in)', () => {
  // The coverage draw of each vector unit is known (coverage_bucket b): the unit is in iff
  // coverage > b. Both providers get integer coverages from the coordinator: no rounding anywhere.
  let n = 0;
  for (const d of vectors.draws) {
    // A unit header must have 1 to 256 bytes on both providers; others get a fresh id instead.
    if (d.unit === '' || Buffer.byteLength(d.unit) > 256) continue;
    const b = d.coverage_bucket;
    for (const [c, arm] of [[b, 'stable'], [b + 1, 'canary']]) {
      if (c <= 0 || c > 100000) continue;
      assert.equal(engine.inCoverage(d.unit, d.salt, c) ? 'canary' : 'stable', arm, `worker: ${d.unit} / ${d.salt} at ${c}`);
      assert.equal(st.arm(d.unit, d.salt, c), arm, `service: ${d.unit} / ${d.salt} at ${c}`);
      n++;
    }
  }
  assert.ok(n > 50, `${n} edge cases`);
});

test('the core\'s coverage check in the service gives tests/vectors/bucketing.json', () => {
  assert.ok(vectors.membership.length > 10);
  for (const m of vectors.membership) {
    assert.equal(st.inCoverage(m.unit, m.salt, m.coverage), m.in, `${m.unit} / ${m.salt} at ${m.coverage}`);
  }
});

describeService();

function describeService() {
  let svc;
  const COVERAGE = 37500;
  before(async () => {
    svc = await startService({ coverage: COVERAGE, options: { workers: 2 } });
  });
  after(async () => {
    await svc?.close();
  });

  test('the running service assigns 1,000 units given by header as the worker does', async () => {
    const units = Array.from({ length: 1000 }, (_, i) => (i % 2 ? randomUUID() : `member-${i}`));
    const arms = await pool(units, 8, async (u) => {
      const r = await fetch(svc.url + '/a', { headers: { 'x-user-id': u } });
      const body = await r.json();
      assert.equal(r.headers.get('set-cookie'), null, 'a unit from the header gets no cookie');
      assert.equal(body.arm, r.headers.get('x-rollgate-arm'), 'the origin saw the arm the client was told');
      assert.equal(body.origin, r.headers.get('x-rollgate-arm'));
      return r.headers.get('x-rollgate-arm');
    });
    units.forEach((u, i) => {
      assert.equal(arms[i], engine.inCoverage(u, 'checkout-v2', COVERAGE) ? 'canary' : 'stable', u);
    });
    const canary = arms.filter((a) => a === 'canary').length;
    assert.ok(canary > 300 && canary < 450, `${canary} of 1000 in canary at coverage ${COVERAGE}`);
  });

  test('fresh visitors get a cookie crypto.js verifies, and the arm of that unit; it sticks', async () => {
    const results = await pool(Array.from({ length: 300 }), 8, async () => {
      const r = await fetch(svc.url + '/fresh');
      await r.arrayBuffer();
      const cookie = r.headers.get('set-cookie');
      assert.match(cookie, /^rg_unit=[^;]+; Max-Age=31536000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      const value = cookie.split(';')[0].slice('rg_unit='.length);
      const id = await cf.verifyUnit(COOKIE_SECRET, value);
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const arm = r.headers.get('x-rollgate-arm');
      assert.equal(arm, engine.inCoverage(id, 'checkout-v2', COVERAGE) ? 'canary' : 'stable');
      return { value, id, arm };
    });
    assert.equal(new Set(results.map((x) => x.id)).size, 300);
    // Returning visitors: same arm, no new cookie.
    for (const { value, arm } of results.slice(0, 40)) {
      const r = await fetch(svc.url + '/again', { headers: { cookie: `other=1; rg_unit=${value}` } });
      await r.arrayBuffer();
      assert.equal(r.headers.get('x-rollgate-arm'), arm);
      assert.equal(r.headers.get('set-cookie'), null);
    }
  });

  test('a cookie signed by the Cloudflare worker is honoured by the service', async () => {
    let seen = { canary: 0, stable: 0 };
    for (let i = 0; i < 60; i++) {
      const id = randomUUID();
      const r = await fetch(svc.url + '/cf', { headers: { cookie: `rg_unit=${await cf.signUnit(COOKIE_SECRET, id)}` } });
      await r.arrayBuffer();
      const want = engine.inCoverage(id, 'checkout-v2', COVERAGE) ? 'canary' : 'stable';
      assert.equal(r.headers.get('x-rollgate-arm'), want);
      assert.equal(r.headers.get('set-cookie'), null);
      seen[want]++;
    }
    assert.ok(seen.canary > 0 && seen.stable > 0);
  });

  test('forged, unsigned and other-key cookies are replaced and cannot pick the arm', async () => {
    // A unit in canary at 37.5%, whose cookie a user forges.
    let target = null;
    for (let i = 0; !target; i++) if (engine.inCoverage(`forged-${i}`, 'checkout-v2', COVERAGE)) target = `forged-${i}`;
    const forged = [
      `rg_unit=${target}`,
      `rg_unit=${target}.${'A'.repeat(43)}`,
      `rg_unit=${await cf.signUnit('someone-elses-secret-0123', target)}`,
      `rg_unit=${(await cf.signUnit(COOKIE_SECRET, target)).slice(0, -2)}xx`,
    ];
    for (const cookie of forged) {
      const r = await fetch(svc.url + '/forged', { headers: { cookie } });
      await r.arrayBuffer();
      const set = r.headers.get('set-cookie');
      assert.ok(set, `a new cookie replaces ${cookie}`);
      const id = await cf.verifyUnit(COOKIE_SECRET, set.split(';')[0].slice('rg_unit='.length));
      assert.notEqual(id, target);
      assert.equal(r.headers.get('x-rollgate-arm'), engine.inCoverage(id, 'checkout-v2', COVERAGE) ? 'canary' : 'stable');
    }
  });

  test('override tokens from sign-override (crypto.js) force an arm; bad ones do not; the header does not reach the origin', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    let stableUnit = null;
    for (let i = 0; !stableUnit; i++) if (!engine.inCoverage(`qa-${i}`, 'checkout-v2', COVERAGE)) stableUnit = `qa-${i}`;
    const ask = async (token) => {
      const r = await fetch(svc.url + '/qa', { headers: { 'x-user-id': stableUnit, 'x-rollgate-override': token } });
      const body = await r.json();
      return { arm: r.headers.get('x-rollgate-arm'), origin: body.origin };
    };
    const before = svc.canary.seen.length;
    assert.deepEqual(await ask(await cf.signOverride(OVERRIDE_SECRET, 'canary', exp)), { arm: 'canary', origin: 'canary' });
    const last = svc.canary.seen[svc.canary.seen.length - 1];
    assert.ok(svc.canary.seen.length > before);
    assert.equal(last.headers['x-rollgate-override'], undefined, 'override header removed upstream');
    assert.equal(last.headers['x-rollgate-arm'], 'canary');
    for (const bad of [
      await cf.signOverride(OVERRIDE_SECRET, 'canary', Math.floor(Date.now() / 1000) - 5),
      await cf.signOverride('not-the-override-secret-01', 'canary', exp),
      (await cf.signOverride(OVERRIDE_SECRET, 'stable', exp)).replace(/^stable/, 'canary'),
      'canary',
    ]) {
      assert.deepEqual(await ask(bad), { arm: 'stable', origin: 'stable' }, bad);
    }
  });
}
