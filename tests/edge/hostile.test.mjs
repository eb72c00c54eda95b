// Edge suite: hostile but fair clients (issue 12). Each test is named after what it guards and was
// failing before its fix: a client must not pass itself off as a shadow request (back ends skip
// side effects for those), and the admin API answers malformed or oversized bodies with a 4xx
// naming the problem, never a 500, while the rollout keeps running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import * as h from './support/harness.mjs';

h.requireRuntime();
const timeout = 60000;
const ctx = {};

before(async () => {
  h.buildWorker();
  ctx.stable = await h.startOrigin('stable');
  ctx.canary = await h.startOrigin('canary');
  ctx.port = await h.freePort();
  ctx.workerd = await h.startWorkerd({ services: [{ name: 'edge', port: ctx.port }], vars: h.baseVars(ctx.stable.url) });
  const r = await h.admin(ctx.port, 'POST', 'start', {
    id: 'hostile', origins: { canary: ctx.canary.url }, plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }),
  });
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  await ctx.workerd?.stop();
  await ctx.stable?.close();
  await ctx.canary?.close();
});

test('issue 12 #2: a client-sent x-rollgate-shadow header never reaches an origin on a live request', { timeout }, async () => {
  const from = { stable: ctx.stable.seen.length, canary: ctx.canary.seen.length };
  const res = await h.pool(40, 8, (i) => h.get(ctx.port, '/checkout', { 'x-user-id': `forger-${i}`, 'x-rollgate-shadow': 'candidate' }));
  assert.ok(res.every((r) => r.status === 200));
  const seen = [...ctx.stable.seen.slice(from.stable), ...ctx.canary.seen.slice(from.canary)];
  assert.equal(seen.length, 40);
  for (const req of seen) assert.equal(req.headers['x-rollgate-shadow'], undefined, JSON.stringify(req.headers));
});

test('issue 12 #5: a JSON null (or any non-object) body to a control endpoint is a 400, not a 500', { timeout }, async () => {
  for (const route of ['start', 'pause', 'resume', 'rollback']) {
    for (const body of ['null', '[1]', '"x"', '7']) {
      const r = await fetch(`http://127.0.0.1:${ctx.port}/__rollgate/${route}`, {
        method: 'POST', headers: { authorization: `Bearer ${h.TOKEN}`, 'content-type': 'application/json' }, body,
      });
      const text = await r.text();
      assert.equal(r.status, 400, `${route} ${body}: ${text}`);
      assert.match(JSON.parse(text).error, /body must be a JSON object/);
    }
  }
  // The rollout is untouched and still answers.
  const st = (await h.admin(ctx.port, 'GET', 'status')).body;
  assert.equal(st.state.status, 'running');
  assert.equal(st.rollout.id, 'hostile');
});

test('issue 12 #7: an admin body over 1 MiB is refused with 413, streamed or not', { timeout }, async () => {
  const big = JSON.stringify({ reason: 'x'.repeat(1.5 * 1024 * 1024) });
  const r = await fetch(`http://127.0.0.1:${ctx.port}/__rollgate/pause`, {
    method: 'POST', headers: { authorization: `Bearer ${h.TOKEN}`, 'content-type': 'application/json' }, body: big,
  });
  assert.equal(r.status, 413);
  // A body that never ends is cut off at the limit rather than buffered whole: the answer comes
  // while the client is still sending.
  const { status, sent } = await new Promise((resolve, reject) => {
    let written = 0;
    const req = request({ host: '127.0.0.1', port: ctx.port, path: '/__rollgate/pause', method: 'POST',
      headers: { authorization: `Bearer ${h.TOKEN}`, 'transfer-encoding': 'chunked' } });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let done = false;
    const pump = () => {
      while (!done && written < 64 * 1024 * 1024) {
        written += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      if (!done) req.end();
    };
    req.on('response', (res) => {
      done = true;
      res.resume();
      resolve({ status: res.statusCode, sent: written });
      req.destroy();
    });
    req.on('error', (e) => (done ? undefined : reject(e)));
    pump();
  });
  assert.equal(status, 413);
  assert.ok(sent < 16 * 1024 * 1024, `the worker answered early (${sent} bytes sent)`);
  assert.equal((await h.admin(ctx.port, 'GET', 'status')).body.state.status, 'running');
});
