// The proxy: request and response bodies stream through the service (the host pipes them; the
// service never buffers them), and the request and response keep what worker.js keeps:
// method, path, query and headers, plus x-rollgate-arm and x-forwarded-host upstream, and the
// arm (and a minted cookie) downstream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { createHash } from 'node:crypto';
import { startFastly } from './support/harness.mjs';
import { startOrigin } from './support/origins.mjs';
import { rolloutState, secrets } from './support/fixtures.mjs';
import { startCoordinator } from './support/coordinator.mjs';

// An origin whose answers wait for the test: it sends a first chunk, then waits for `release()`
// before the rest. Request bodies: it reports the first chunk it received through `firstPart`.
function gatedOrigin() {
  const g = {};
  let release;
  g.released = new Promise((res) => (release = res));
  g.release = () => release();
  let gotFirst;
  g.firstPart = new Promise((res) => (gotFirst = res));
  g.server = createServer((req, res) => {
    if (req.url.startsWith('/upload')) {
      const chunks = [];
      req.on('data', (c) => {
        if (chunks.length === 0) gotFirst(c.toString());
        chunks.push(c);
      });
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`received ${Buffer.concat(chunks).toString()}`);
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first chunk\n');
    g.released.then(() => res.end('last chunk\n'));
  });
  return new Promise((res) =>
    g.server.listen(0, '127.0.0.1', () => {
      g.url = `http://127.0.0.1:${g.server.address().port}`;
      res(g);
    }),
  );
}

/** The coordinator's next state, seen at once (the harness's cached one is purged). */
function setState(state) {
  coordinator.state = state;
  h.purgeCache();
}

/** Rejects after `ms` with `what`: turns a would-be hang (a buffered stream) into a failure. */
const within = (ms, what, p) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what} did not happen within ${ms} ms`)), ms).unref())]);

let gate;
let stable;
let coordinator;
let h;
before(async () => {
  gate = await gatedOrigin();
  stable = await startOrigin('stable');
  coordinator = await startCoordinator();
  coordinator.state = rolloutState(0);
  h = await startFastly({
    backends: { stable: stable.url, canary: gate.url, coordinator: coordinator.url },
    configStores: { rollgate_config: {} },
    secretStores: secrets(),
  });
});
after(async () => {
  gate?.release();
  await h?.close();
  await stable?.close();
  await coordinator?.close();
  await new Promise((res) => gate.server.close(res));
});

test('the response body streams: the client reads the first chunk while the origin still holds the rest', async () => {
  setState(rolloutState(100000));
  const r = await fetch(h.url + '/slow');
  assert.equal(r.headers.get('x-rollgate-arm'), 'canary');
  const reader = r.body.getReader();
  const { value } = await within(10000, 'the first chunk', reader.read());
  assert.equal(new TextDecoder().decode(value), 'first chunk\n');
  gate.release();
  let rest = '';
  for (let c = await reader.read(); !c.done; c = await reader.read()) rest += new TextDecoder().decode(c.value);
  assert.equal(rest, 'last chunk\n');
});

test('the request body streams: the origin gets the first part before the client has sent the rest', async () => {
  setState(rolloutState(100000));
  const url = new URL(h.url + '/upload');
  const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
  const answer = new Promise((res, rej) => {
    req.on('response', (resp) => {
      let text = '';
      resp.on('data', (c) => (text += c));
      resp.on('end', () => res({ status: resp.statusCode, arm: resp.headers['x-rollgate-arm'], text }));
    });
    req.on('error', rej);
  });
  req.write('part one;');
  assert.equal(await within(10000, 'the first part reaching the origin', gate.firstPart), 'part one;');
  req.end('part two');
  assert.deepEqual(await answer, { status: 200, arm: 'canary', text: 'received part one;part two' });
});

test('a large body arrives intact, and HEAD answers without one', async () => {
  setState(rolloutState(0));
  const r = await fetch(h.url + '/big?bytes=3000001');
  const body = Buffer.from(await r.arrayBuffer());
  const want = Buffer.alloc(3000001);
  for (let i = 0; i < want.length; i++) want[i] = (i * 31 + 7) & 0xff;
  assert.equal(createHash('sha256').update(body).digest('hex'), createHash('sha256').update(want).digest('hex'));
  assert.equal(r.headers.get('content-length'), '3000001', 'an untouched body keeps its length');
  const head = await fetch(h.url + '/page', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal((await head.arrayBuffer()).byteLength, 0);
  assert.equal(stable.seen[stable.seen.length - 1].method, 'HEAD');
});

/** A raw request with repeated headers (fetch would merge them). */
function rawGet(path, headerPairs) {
  const url = new URL(h.url + path);
  return new Promise((res, rej) => {
    const req = request({ hostname: url.hostname, port: url.port, path, method: 'GET', headers: [['host', url.host], ...headerPairs].flat() }, (resp) => {
      let text = '';
      resp.on('data', (c) => (text += c));
      resp.on('end', () => res({ status: resp.statusCode, headers: resp.headers, raw: resp.rawHeaders, text }));
    });
    req.on('error', rej);
    req.end();
  });
}

for (const [arm, coverage] of [
  ['stable', 0],
  ['canary', 100000],
]) {
  test(`upstream, a ${arm} request keeps method, path, query and every header value, adds the arm and x-forwarded-host`, async () => {
    setState(rolloutState(coverage));
    // The canary here is the gated origin, which echoes nothing: send canary traffic to the
    // plain origin under the canary name for this test.
    h.setBackend('canary', stable.url);
    try {
      const r = await rawGet('/a/b?x=1&y=%20z', [
        ['x-multi', 'one'],
        ['x-multi', 'two'],
        ['accept', 'application/json'],
        ['x-user-id', 'alice'],
        ['x-rollgate-override', 'not-a-token'],
      ]);
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-rollgate-arm'], arm);
      const seen = stable.seen[stable.seen.length - 1];
      assert.equal(seen.method, 'GET');
      assert.equal(seen.path, '/a/b?x=1&y=%20z');
      assert.equal(seen.headers['x-multi'], 'one, two');
      assert.equal(seen.headers.accept, 'application/json');
      assert.equal(seen.headers['x-user-id'], 'alice');
      assert.equal(seen.headers['x-rollgate-arm'], arm);
      assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${h.port}`);
      assert.equal(seen.headers['x-rollgate-override'], undefined);
    } finally {
      h.setBackend('canary', gate.url);
    }
  });
}

test('downstream, the origin\'s headers and cookies stay, hop-by-hop headers go, and the minted cookie is added', async () => {
  setState(rolloutState(0));
  const r = await fetch(h.url + '/setcookie');
  await r.arrayBuffer();
  assert.equal(r.headers.get('x-origin'), 'stable');
  const cookies = r.headers.getSetCookie();
  assert.equal(cookies.length, 2);
  assert.equal(cookies[0], 'origin=1; Path=/');
  assert.match(cookies[1], /^rg_unit=/);
  assert.equal(r.headers.get('proxy-connection'), null, "the origin's hop-by-hop header is not passed on");
});
