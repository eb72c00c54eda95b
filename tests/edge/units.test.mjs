// Edge suite, part 0: the worker's pure modules run directly in Node (WebCrypto is the same API),
// without workerd or the package. Cookie and override tokens are checked against an independent
// signer (node:crypto's createHmac in support/sign.mjs), and settings validation against the
// documented rules (docs/edge.md, "Settings").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as c from '../../edge/cloudflare/src/crypto.js';
import { readSettings } from '../../edge/cloudflare/src/settings.js';
import { signUnitNode, signOverrideNode } from './support/sign.mjs';

const SECRET = 'unit-test-secret-0123456789abcdef';

test('unit cookie: the worker signs what node:crypto signs, and verifies only that', async () => {
  const id = '3f1c2a9e-7b44-4f1e-9a51-0c7d2e1b8a10';
  const cookie = await c.signUnit(SECRET, id);
  assert.equal(cookie, signUnitNode(SECRET, id));
  assert.equal(await c.verifyUnit(SECRET, cookie), id);
  const sig = cookie.split('.').pop();
  for (const forged of [
    `${id}x.${sig}`, // another id under this signature
    `${id}.${sig.slice(0, -1)}${sig.at(-1) === 'A' ? 'B' : 'A'}`, // one character changed
    signUnitNode('another-secret-0123456789abcdef', id), // another key
    `${id}.`,
    id,
    `.${sig}`,
    `${id}.${sig}=`, // not base64url
    `${id}.${sig}${sig}`, // too long
  ]) {
    assert.equal(await c.verifyUnit(SECRET, forged), null, forged);
  }
});

test('override token: arm and expiry are signed; expired, other-key and swapped tokens fail', async () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const exp = now / 1000 + 60;
  const token = await c.signOverride(SECRET, 'canary', exp);
  assert.equal(token, signOverrideNode(SECRET, 'canary', exp));
  assert.equal(await c.verifyOverride(SECRET, token, now), 'canary');
  assert.equal(await c.verifyOverride(SECRET, token, now + 61000), null, 'expired');
  assert.equal(await c.verifyOverride(SECRET, token.replace('canary', 'stable'), now), null, 'arm swapped');
  assert.equal(await c.verifyOverride(SECRET, signOverrideNode('x'.repeat(32), 'canary', exp), now), null);
  assert.equal(await c.verifyOverride(SECRET, signOverrideNode(SECRET, 'admin', exp), now), null, 'unknown arm');
  assert.equal(await c.verifyOverride(SECRET, 'canary', now), null);
  assert.equal(await c.verifyOverride(SECRET, `canary.${exp + 1}.${token.split('.')[2]}`, now), null, 'expiry changed');
});

test('issue 12 #7: a signed override token that runs longer than 7 days is refused (no token good until 33658)', async () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const week = 7 * 24 * 3600;
  assert.equal(c.OVERRIDE_MAX_LIFETIME_S, week);
  assert.equal(await c.verifyOverride(SECRET, await c.signOverride(SECRET, 'canary', now / 1000 + week), now), 'canary');
  assert.equal(await c.verifyOverride(SECRET, await c.signOverride(SECRET, 'canary', now / 1000 + week + 1), now), null);
  assert.equal(await c.verifyOverride(SECRET, await c.signOverride(SECRET, 'canary', 999999999999), now), null, 'year 33658');
});

test('bearer token compare: equal only for the same string, whatever the lengths', async () => {
  const t = 'admin-token-0123456789abcdef';
  assert.equal(await c.timingSafeEqual(t, t), true);
  for (const other of ['', 'a', t.slice(0, -1), t + 'x', t.toUpperCase(), 'x'.repeat(10000)]) {
    assert.equal(await c.timingSafeEqual(other, t), false, JSON.stringify(other.slice(0, 20)));
  }
  const req = (h) => new Request('https://x/', { headers: h });
  assert.equal(await c.checkBearer(req({ authorization: `Bearer ${t}` }), t), true);
  assert.equal(await c.checkBearer(req({ authorization: `bearer   ${t}` }), t), true);
  assert.equal(await c.checkBearer(req({ authorization: `Basic ${t}` }), t), false);
  assert.equal(await c.checkBearer(req({}), t), false);
  assert.equal(await c.checkBearer(req({ authorization: 'Bearer x' }), undefined), false, 'no configured token: refuse');
});

test('settings: defaults, and every problem listed (which makes the worker fail open)', () => {
  const ns = { idFromName() {}, get() {} };
  const ok = readSettings({
    ROLLGATE_STABLE_ORIGIN: 'https://stable.example.com/ignored/path',
    ROLLGATE_COOKIE_SECRET: SECRET,
    ROLLGATE_OVERRIDE_SECRET: SECRET,
    ROLLGATE_ADMIN_TOKEN: SECRET,
    ROLLGATE_COORDINATOR: ns,
  });
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.stableOrigin, 'https://stable.example.com');
  assert.equal(ok.unitHeader, 'x-user-id');
  assert.equal(ok.stateTtlMs, 5000);
  assert.equal(ok.flushIntervalMs, 5000);
  const bad = readSettings({
    ROLLGATE_STABLE_ORIGIN: 'ftp://nope',
    ROLLGATE_COOKIE_SECRET: 'short',
    ROLLGATE_STATE_TTL_MS: 'soon',
    ROLLGATE_FLUSH_MS: '10',
  });
  const text = bad.problems.join('\n');
  for (const name of ['ROLLGATE_STABLE_ORIGIN', 'ROLLGATE_COOKIE_SECRET', 'ROLLGATE_OVERRIDE_SECRET', 'ROLLGATE_ADMIN_TOKEN', 'ROLLGATE_STATE_TTL_MS', 'ROLLGATE_FLUSH_MS', 'ROLLGATE_COORDINATOR']) {
    assert.match(text, new RegExp(name), `${name} not reported`);
  }
  assert.equal(bad.problems.length, 7);
});

test('settings: Server-Timing names (comma-separated, trimmed) and stripping (true/false/1/0, anything else is a problem)', () => {
  const ns = { idFromName() {}, get() {} };
  const base = { ROLLGATE_STABLE_ORIGIN: 'https://stable.example.com', ROLLGATE_COOKIE_SECRET: SECRET, ROLLGATE_OVERRIDE_SECRET: SECRET, ROLLGATE_ADMIN_TOKEN: SECRET, ROLLGATE_COORDINATOR: ns };
  const none = readSettings({ ...base });
  assert.deepEqual([none.serverTiming, none.stripServerTiming], [[], false]);
  const some = readSettings({ ...base, ROLLGATE_SERVER_TIMING: ' cpu, db ,', ROLLGATE_STRIP_SERVER_TIMING: '1' });
  assert.deepEqual([some.serverTiming, some.stripServerTiming, some.problems], [['cpu', 'db'], true, []]);
  const bad = readSettings({ ...base, ROLLGATE_STRIP_SERVER_TIMING: 'yes' });
  assert.deepEqual(bad.problems, ['ROLLGATE_STRIP_SERVER_TIMING must be true or false, got "yes"']);
});
