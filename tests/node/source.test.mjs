// FlagSource (wasm/js/source.js): flag delivery to pages and services. Held against a local
// server that can answer normally (with ETag / 304), fail, hang, send truncated JSON, send a
// configuration the core rejects, or stream server-sent events. Through all of it the last good
// configuration keeps serving, the error carries the core's code and pointer, and change events
// fire once per new configuration.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load } from './support.mjs';
import { configServer, withDefault, ON, OFF, until } from './config-server.mjs';

// Short intervals keep the suite fast; the timeout is long enough for a loaded machine (a shared CI
// runner answers a local request in well under a second), and only the hanging server reaches it.
const fast = { intervalMs: 100, timeoutMs: 1000, initialBackoffMs: 20, maxBackoffMs: 100, staleAfterMs: 300 };
const user = { targetingKey: 'user-1', email: 'a@b.c' };

for (const flavour of flavours) {
  describe(`FlagSource [${flavour}]`, () => {
    let r;
    let srv;
    before(async () => {
      r = await load(flavour);
      srv = await configServer();
    });
    after(() => srv.close());

    test('loads from a URL, then polls with If-None-Match and gets 304 until the config changes', async () => {
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"v1"';
      const src = new r.FlagSource({ url: srv.url, ...fast });
      const changes = [];
      src.on('change', (c) => changes.push(c));
      await src.ready();
      assert.equal(src.status, r.SourceStatus.Ready);
      assert.equal(src.evaluate('checkout-redesign', user).value, true);
      assert.ok(await until(() => srv.conditional >= 2), 'conditional requests');
      assert.equal(changes.length, 1);
      srv.body = OFF;
      srv.etag = '"v2"';
      assert.ok(await until(() => changes.length === 2), 'the change arrived');
      assert.equal(changes[1].etag, '"v2"');
      assert.equal(src.evaluate('checkout-redesign', user).value, false);
      src.close();
    });

    test('bootstrap: evaluations work before any fetch (no flash of defaults)', async () => {
      srv.mode = 'hang';
      const src = new r.FlagSource({ url: srv.url, bootstrap: JSON.parse(OFF), ...fast });
      assert.equal(src.status, r.SourceStatus.Ready);
      assert.equal(src.evaluate('checkout-redesign', user).value, false); // synchronously
      await src.ready();
      src.close();
    });

    test('a failing, hanging, truncating or rejected server never replaces the last good config', async () => {
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"good"';
      const src = new r.FlagSource({ url: srv.url, ...fast });
      await src.ready();
      const errors = [];
      let stale = 0;
      src.on('error', (e) => errors.push(e));
      src.on('stale', () => stale++);
      for (const [mode, code] of [['fail', 'rollgate.js.807'], ['hang', 'rollgate.js.807'], ['truncate', 'rollgate.json.101'], ['reject', 'rollgate.config.']]) {
        srv.mode = mode;
        srv.etag = `"${mode}"`; // never the client's, so it always asks for a body
        errors.length = 0;
        assert.ok(await until(() => errors.length > 0), `${mode}: an error event`);
        assert.ok(errors[0] instanceof r.RollgateError, mode);
        assert.ok(errors[0].code.startsWith(code), `${mode}: ${errors[0].code} ${errors[0].message}`);
        if (mode === 'reject') assert.match(errors[0].pointer, /^\/flags\/0/);
        assert.equal(src.evaluate('checkout-redesign', user).value, true, `${mode}: still the last good config`);
      }
      // Failing for longer than staleAfterMs (300 ms) turns the status stale, once.
      assert.ok(await until(() => src.status === r.SourceStatus.Stale), `stale (status ${src.status})`);
      assert.equal(stale, 1);
      assert.equal(src.evaluate('checkout-redesign', user).value, true);
      srv.mode = 'ok';
      srv.body = OFF;
      srv.etag = '"recovered"';
      assert.ok(await until(() => src.status === r.SourceStatus.Ready && src.evaluate('checkout-redesign', user).value === false), 'recovers');
      src.close();
    });

    test('with no bootstrap and no answer, ready() rejects with the error; the source keeps retrying', async () => {
      srv.mode = 'fail';
      const src = new r.FlagSource({ url: srv.url, ...fast });
      await assert.rejects(src.ready(), (e) => e.code === 'rollgate.js.807' && /HTTP 503/.test(e.message));
      assert.equal(src.status, r.SourceStatus.Error);
      assert.throws(() => src.evaluate('checkout-redesign', user), (e) => e.code === 'rollgate.js.803');
      srv.mode = 'ok';
      srv.etag = '"later"';
      assert.ok(await until(() => src.status === r.SourceStatus.Ready), 'loads once the server is back');
      src.close();
    });

    test('a swap keeps the previous evaluator usable for callers holding it', async () => {
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"a"';
      const src = new r.FlagSource({ url: srv.url, ...fast });
      await src.ready();
      const held = src.evaluator;
      srv.body = OFF;
      srv.etag = '"b"';
      assert.ok(await until(() => src.version === 2));
      assert.equal(held.evaluate('checkout-redesign', user).value, true, 'the held evaluator still works');
      src.close();
    });

    test('server-sent events: each config event swaps the config at once', async () => {
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"s1"';
      const src = new r.FlagSource({ url: srv.url, refresh: 'stream', ...fast });
      await src.ready();
      assert.ok(await until(() => srv.streams.size === 1), 'stream open');
      const seen = [];
      src.on('change', (c) => seen.push(c));
      srv.push(JSON.stringify(withDefault('off'), null, 2), '"s2"'); // multi-line data
      assert.ok(await until(() => seen.length === 1));
      assert.equal(seen[0].source, 'stream');
      assert.equal(src.etag, '"s2"');
      assert.equal(src.evaluate('checkout-redesign', user).value, false);
      srv.push('{"flags": [', '"bad"'); // a broken event: reported, ignored
      const err = await new Promise((res) => src.on('error', res));
      assert.equal(err.code, 'rollgate.json.101');
      assert.equal(src.evaluate('checkout-redesign', user).value, false);
      src.close();
      assert.equal(src.status, r.SourceStatus.Closed);
    });

    test('bad options are refused with codes and pointers', () => {
      assert.throws(() => new r.FlagSource({}), (e) => e.code === 'rollgate.js.804' && e.pointer === '/url');
      assert.throws(() => new r.FlagSource({ url: srv.url, refresh: 'push' }), (e) => e.pointer === '/refresh');
      assert.throws(() => new r.FlagSource({ url: srv.url, intervalMs: 5 }), (e) => e.pointer === '/intervalMs');
      const bad = new r.FlagSource({ bootstrap: '{"flags": 3}' });
      assert.equal(bad.status, r.SourceStatus.Error);
      return assert.rejects(bad.ready(), (e) => e.code.startsWith('rollgate.config.'));
    });
  });
}
