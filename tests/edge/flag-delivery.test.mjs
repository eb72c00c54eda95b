// Edge suite: flag delivery from the worker's own host (docs/flag-delivery.md). One
// workerd with two worker services (two isolates, each with its own cache) bound to one
// coordinator. Proves: a configuration is accepted only once the core compiled it (a rejected
// or truncated one is answered 400 with the core's id and pointer, and the one in force keeps
// serving everywhere); GET /__rollgate/flags has a strong ETag, Cache-Control and answers 304 to
// If-None-Match; an update reaches both isolates within ROLLGATE_FLAGS_TTL_MS (plus a request's
// time); the evaluated mode gives what the package evaluates locally for the same unit, with the
// unit from the header or the signed cookie it mints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as h from './support/harness.mjs';
import { load } from '../node/support.mjs';

h.requireRuntime();
const timeout = 60000;
const TTL = 400; // ROLLGATE_FLAGS_TTL_MS below
const ctx = {};
const base = JSON.parse(readFileSync(join(h.repo, 'examples/configs/storefront.json'), 'utf8'));
const withDefault = (variation) => ({
  ...base,
  flags: base.flags.map((f) => (f.key === 'checkout-redesign' ? { ...f, rules: [], fallthrough: { variation } } : f)),
});

before(async () => {
  h.buildWorker();
  ctx.rg = await load('release');
  ctx.stable = await h.startOrigin('stable');
  ctx.a = await h.freePort();
  ctx.b = await h.freePort();
  ctx.workerd = await h.startWorkerd({
    services: [{ name: 'edge-a', port: ctx.a }, { name: 'edge-b', port: ctx.b }],
    vars: h.baseVars(ctx.stable.url, { ROLLGATE_FLAGS_TTL_MS: String(TTL) }),
  });
});

after(async () => {
  await ctx.workerd?.stop();
  await ctx.stable?.close();
});

const put = (port, text, token) => fetch(`http://127.0.0.1:${port}/__rollgate/flags`, {
  method: 'PUT',
  headers: { ...(token === null ? {} : { authorization: `Bearer ${token || h.TOKEN}` }), 'content-type': 'application/json' },
  body: text,
}).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }));
const flags = (port, headers = {}) => fetch(`http://127.0.0.1:${port}/__rollgate/flags`, { headers })
  .then(async (r) => ({ status: r.status, etag: r.headers.get('etag'), cache: r.headers.get('cache-control'), text: await r.text() }));

test('a configuration is stored only once the core compiles it; errors carry its id and pointer', { timeout }, async () => {
  assert.equal((await flags(ctx.a)).status, 404, 'nothing stored yet');
  assert.equal((await put(ctx.a, JSON.stringify(base), null)).status, 401, 'the admin token is required');
  assert.equal((await put(ctx.a, JSON.stringify(base), 'wrong-token-0123456789')).status, 401);
  const rejected = await put(ctx.a, JSON.stringify({ flags: [{ key: 'x', variations: [] }] }));
  assert.equal(rejected.status, 400);
  assert.match(rejected.body.code, /^rollgate\.config\.2\d\d$/);
  assert.match(rejected.body.pointer, /^\/flags\/0/);
  assert.match(rejected.body.error, /^\[rollgate\.config\.2\d\d\] \/flags\/0/);
  const text = JSON.stringify(withDefault('on'));
  const truncated = await put(ctx.a, text.slice(0, 200));
  assert.equal(truncated.status, 400);
  assert.equal(truncated.body.code, 'rollgate.json.101');
  assert.equal((await flags(ctx.a)).status, 404, 'still nothing stored');
  const ok = await put(ctx.a, text);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.version, 1);
  assert.match(ok.body.etag, /^"[0-9a-f]{16}"$/);
  ctx.etag1 = ok.body.etag;
  ctx.text1 = text;
});

test('GET /__rollgate/flags: the configuration with a strong ETag and no-cache; 304 for the ETag held', { timeout }, async () => {
  // Isolate a answered 404 above: it may serve that for up to a TTL.
  await new Promise((r) => setTimeout(r, TTL + 50));
  for (const port of [ctx.a, ctx.b]) {
    const r = await flags(port);
    assert.equal(r.status, 200);
    assert.equal(r.etag, ctx.etag1);
    assert.equal(r.cache, 'no-cache');
    assert.equal(r.text, ctx.text1);
    const again = await flags(port, { 'if-none-match': ctx.etag1 });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.etag, ctx.etag1);
    assert.equal((await flags(port, { 'if-none-match': '"0000000000000000"' })).status, 200, 'another ETag gets the body');
  }
});

test('an update reaches every isolate within ROLLGATE_FLAGS_TTL_MS; a rejected one never replaces it', { timeout }, async () => {
  // Both isolates hold v1 now (the test above read it through each).
  const text2 = JSON.stringify(withDefault('off'));
  const t0 = Date.now();
  const ok = await put(ctx.a, text2);
  assert.equal(ok.status, 200);
  const etag2 = ok.body.etag;
  assert.notEqual(etag2, ctx.etag1);
  const seenAt = {};
  while (Object.keys(seenAt).length < 2 && Date.now() - t0 < 5000) {
    for (const [name, port] of [['a', ctx.a], ['b', ctx.b]]) {
      if (seenAt[name]) continue;
      const r = await flags(port, { 'if-none-match': ctx.etag1 });
      if (r.status === 200 && r.etag === etag2) seenAt[name] = Date.now() - t0;
      else assert.equal(r.status, 304, 'until then, the old configuration (unchanged: 304)');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // The bound: the TTL of the isolate's copy, plus the time of the PUT and of one request (generous:
  // the machine is shared).
  for (const name of ['a', 'b']) assert.ok(seenAt[name] !== undefined && seenAt[name] <= TTL + 600, `isolate ${name}: ${seenAt[name]} ms`);
  console.log(`# update seen by isolates after ${JSON.stringify(seenAt)} ms (bound ${TTL} ms + a request)`);

  const bad = await put(ctx.b, JSON.stringify({ ...withDefault('on'), flags: [{ key: 'checkout-redesign', variations: [{ key: 'on', value: true }], defaultVariation: 'nope' }] }));
  assert.equal(bad.status, 400);
  assert.match(bad.body.pointer, /^\/flags\/0/);
  await new Promise((r) => setTimeout(r, TTL + 200));
  for (const port of [ctx.a, ctx.b]) {
    const r = await flags(port);
    assert.equal(r.etag, etag2, 'the rejected configuration is not served');
    assert.equal(r.text, text2);
  }
  const st = await h.admin(ctx.a, 'GET', 'status');
  assert.equal(st.body.flags.version, 2);
  assert.equal(st.body.flags.etag, etag2);
  ctx.text2 = text2;
});

test('evaluated mode: the flags the package evaluates for the unit, from the header or a minted signed cookie', { timeout }, async () => {
  const ev = ctx.rg.compile(ctx.text2);
  try {
    const url = `http://127.0.0.1:${ctx.a}/__rollgate/flags/evaluated`;
    const viaHeader = await fetch(url, { headers: { 'x-user-id': 'user-1001' } });
    assert.equal(viaHeader.status, 200);
    assert.equal(viaHeader.headers.get('set-cookie'), null);
    assert.match(viaHeader.headers.get('cache-control'), /private/);
    const body = await viaHeader.json();
    const expected = Object.fromEntries(Object.entries(ev.evaluateAll({ targetingKey: 'user-1001' })).map(([k, r]) => [k, r.errorCode === undefined ? { value: r.value, variant: r.variant, reason: r.reason } : { errorCode: r.errorCode }]));
    assert.deepEqual(body.flags, expected);
    assert.equal(body.flags['checkout-redesign'].value, false);
    // A validator per unit: 304 for the same unit and configuration.
    const etag = viaHeader.headers.get('etag');
    assert.ok(etag);
    assert.equal((await fetch(url, { headers: { 'x-user-id': 'user-1001', 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(url, { headers: { 'x-user-id': 'user-1002', 'if-none-match': etag } })).status, 200);
    // No unit: one is minted and signed; with its cookie the next answer is for the same unit.
    const fresh = await fetch(url);
    const cookie = fresh.headers.get('set-cookie');
    assert.match(cookie, /^rg_unit=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    await fresh.arrayBuffer();
    const back = await fetch(url, { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(back.status, 200);
    assert.equal(back.headers.get('set-cookie'), null, 'a valid cookie is kept');
    await back.arrayBuffer();
    // A forged cookie is not a unit: a new one is minted.
    const forged = await fetch(url, { headers: { cookie: 'rg_unit=someone.forged' } });
    assert.ok(forged.headers.get('set-cookie'));
    await forged.arrayBuffer();
  } finally {
    ev.dispose();
  }
});

test('a stream (server-sent events): the package\'s FlagSource with refresh "stream" gets each update pushed', { timeout }, async () => {
  const src = new ctx.rg.FlagSource({ url: `http://127.0.0.1:${ctx.b}/__rollgate/flags`, refresh: 'stream', timeoutMs: 5000 });
  const changes = [];
  src.on('change', (c) => changes.push(c));
  try {
    await src.ready();
    const first = src.etag;
    assert.ok(first);
    await new Promise((r) => setTimeout(r, TTL + 200)); // the stream opened and sent what it had
    assert.equal(changes.length, 1, 'the stream\'s first event repeats the configuration held: no change');
    assert.equal(src.evaluate('checkout-redesign', { targetingKey: 'u-1' }).value, false);
    const text3 = JSON.stringify(withDefault('on'));
    const t0 = Date.now();
    const ok = await put(ctx.a, text3);
    assert.equal(ok.status, 200);
    while (changes.length < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    const ms = Date.now() - t0;
    assert.equal(changes.length, 2, 'the update arrived on the stream');
    assert.equal(changes[1].source, 'stream');
    assert.equal(src.etag, ok.body.etag);
    assert.equal(src.evaluate('checkout-redesign', { targetingKey: 'u-1' }).value, true);
    // Within the isolate's TTL, plus the stream's own check interval (also the TTL).
    assert.ok(ms <= 2 * TTL + 600, `${ms} ms`);
    console.log(`# update pushed on the stream after ${ms} ms`);
  } finally {
    src.close();
  }
});
