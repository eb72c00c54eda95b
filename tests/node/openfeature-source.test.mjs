// The OpenFeature providers on a FlagSource, against the real SDKs from npm and a local config
// server that changes, fails, hangs, truncates and sends configurations the core rejects. Proves
// the OpenFeature event contract: the SDK is READY at once with a bootstrap (the first evaluation is
// the bootstrap's, never the caller's default), PROVIDER_CONFIGURATION_CHANGED for each new
// configuration, PROVIDER_STALE once refreshing fails past staleAfterMs (with the core's id and
// pointer in the details, the last good configuration still serving), PROVIDER_READY when it
// recovers, and ERROR when no configuration can be had at all, then READY once one can.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpenFeature as ServerOpenFeature, ProviderEvents as ServerEvents } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature, ProviderEvents as WebEvents, ProviderStatus } from '@openfeature/web-sdk';
import { flavours, load, loadFile } from './support.mjs';
import { configServer, ON, OFF, until } from './config-server.mjs';

// Short intervals keep the suite fast; the timeout is long enough for a loaded machine (a shared CI
// runner answers a local request in well under a second), and only the hanging server reaches it.
const fast = { intervalMs: 100, timeoutMs: 1000, initialBackoffMs: 20, maxBackoffMs: 100, staleAfterMs: 300 };
const user = { targetingKey: 'user-1', email: 'a@b.c' };

for (const flavour of flavours) {
  describe(`OpenFeature providers on a FlagSource [${flavour}]`, () => {
    let r;
    let of;
    let srv;
    before(async () => {
      r = await load(flavour);
      of = await loadFile(flavour, 'openfeature-node.js');
      srv = await configServer();
    });
    after(async () => {
      await WebOpenFeature.clearProviders();
      await ServerOpenFeature.clearProviders();
      await srv.close();
    });

    test('the event names are the SDKs\' own', () => {
      for (const k of ['Ready', 'Error', 'ConfigurationChanged', 'Stale']) {
        assert.equal(of.ProviderEvents[k], WebEvents[k]);
        assert.equal(of.ProviderEvents[k], ServerEvents[k]);
      }
    });

    test('web SDK: ready at once from the bootstrap, then live changes, stale and recovery', async () => {
      srv.mode = 'hang'; // the first fetch never answers: only the bootstrap can make it ready
      const provider = new of.RollgateWebProvider({ source: { url: srv.url, bootstrap: OFF, ...fast } });
      await WebOpenFeature.setContext(user);
      await WebOpenFeature.setProviderAndWait(`web-${flavour}`, provider);
      assert.equal(provider.source.etag, null, 'ready with no answer from the server: from the bootstrap');
      const client = WebOpenFeature.getClient(`web-${flavour}`);
      assert.equal(client.providerStatus, ProviderStatus.READY);
      // The bootstrap's value, not the default (true) the caller passes: no flash of defaults.
      assert.equal(client.getBooleanValue('checkout-redesign', true), false);
      const seen = [];
      for (const e of [WebEvents.ConfigurationChanged, WebEvents.Stale, WebEvents.Ready, WebEvents.Error]) client.addHandler(e, (d) => seen.push({ e, d }));

      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"on-1"';
      assert.ok(await until(() => seen.some((x) => x.e === WebEvents.ConfigurationChanged)), 'configuration changed');
      const changed = seen.find((x) => x.e === WebEvents.ConfigurationChanged).d;
      assert.ok(changed.flagsChanged.includes('checkout-redesign'));
      assert.equal(changed.metadata.etag, '"on-1"');
      assert.equal(client.getBooleanValue('checkout-redesign', false), true, 'the new value, live');

      // The server now sends a configuration the core rejects: the last good one keeps serving,
      // and once refreshing has failed for staleAfterMs the provider is STALE, with the core's id
      // and pointer in the details.
      seen.length = 0;
      srv.mode = 'reject';
      srv.etag = '"bad"';
      assert.ok(await until(() => seen.some((x) => x.e === WebEvents.Stale)), 'stale');
      const stale = seen.find((x) => x.e === WebEvents.Stale).d;
      assert.match(stale.metadata.code, /^rollgate\.config\.2\d\d$/);
      assert.match(stale.metadata.pointer, /^\/flags\/0/);
      assert.equal(client.providerStatus, ProviderStatus.STALE);
      assert.equal(client.getBooleanValue('checkout-redesign', false), true, 'still the last good configuration');
      assert.equal(seen.filter((x) => x.e === WebEvents.Error).length, 0, 'a stale provider is not in error');

      srv.mode = 'ok';
      srv.body = OFF;
      srv.etag = '"off-2"';
      assert.ok(await until(() => seen.some((x) => x.e === WebEvents.Ready)), 'ready again');
      assert.equal(client.providerStatus, ProviderStatus.READY);
      assert.ok(await until(() => client.getBooleanValue('checkout-redesign', true) === false));
      await WebOpenFeature.clearProviders();
      assert.equal(provider.source, null, 'the provider closed the source it made');
    });

    test('web SDK: no bootstrap and a failing server is ERROR, then READY when the server is back', async () => {
      srv.mode = 'fail';
      const provider = new of.RollgateWebProvider({ source: { url: srv.url, ...fast } });
      const client = WebOpenFeature.getClient(`web-err-${flavour}`);
      const seen = [];
      client.addHandler(WebEvents.Error, (d) => seen.push({ e: 'error', d }));
      client.addHandler(WebEvents.Ready, () => seen.push({ e: 'ready' }));
      await assert.rejects(WebOpenFeature.setProviderAndWait(`web-err-${flavour}`, provider));
      assert.equal(client.providerStatus, ProviderStatus.ERROR);
      assert.ok(seen.some((x) => x.e === 'error' && /HTTP 503/.test(x.d.message)), JSON.stringify(seen));
      assert.equal(client.getBooleanValue('checkout-redesign', true), true, 'the default while there is no configuration');
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"back"';
      assert.ok(await until(() => seen.some((x) => x.e === 'ready')), 'ready once loaded');
      assert.equal(client.getBooleanValue('checkout-redesign', false), true);
      await WebOpenFeature.clearProviders();
    });

    test('server SDK: a FlagSource you own; changes arrive as PROVIDER_CONFIGURATION_CHANGED', async () => {
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"s-1"';
      const src = new r.FlagSource({ url: srv.url, ...fast });
      const provider = new of.RollgateProvider(src);
      await ServerOpenFeature.setProviderAndWait(`srv-${flavour}`, provider);
      const client = ServerOpenFeature.getClient(`srv-${flavour}`);
      assert.equal(await client.getBooleanValue('checkout-redesign', false, user), true);
      const changes = [];
      client.addHandler(ServerEvents.ConfigurationChanged, (d) => changes.push(d));
      // An evaluation in flight across a swap completes on the configuration it started with.
      const held = src.evaluator;
      srv.body = OFF;
      srv.etag = '"s-2"';
      assert.ok(await until(() => changes.length === 1), 'changed');
      assert.equal(held.evaluate('checkout-redesign', user).value, true);
      assert.equal(await client.getBooleanValue('checkout-redesign', true, user), false);
      assert.throws(() => provider.updateConfig(ON), (e) => e.code === 'rollgate.js.809');
      await ServerOpenFeature.clearProviders();
      assert.equal(src.status, r.SourceStatus.Ready, 'a source you own stays open');
      src.close();
    });

    test("format 'flagd': a provider, its source and updateConfig compile flagd definitions", async () => {
      const flagd = (on) => ({
        flags: {
          'checkout-redesign': {
            state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off',
            targeting: { if: [{ '==': [{ var: 'user.plan' }, 'pro'] }, on ? 'on' : 'off', 'off'] },
          },
        },
      });
      const pro = { targetingKey: 'user-1', user: { plan: 'pro' } };
      // A fixed configuration, then replaced: both read as flagd.
      const fixed = new of.RollgateProvider(flagd(true), { format: 'flagd' });
      await ServerOpenFeature.setProviderAndWait(`flagd-fixed-${flavour}`, fixed);
      const c1 = ServerOpenFeature.getClient(`flagd-fixed-${flavour}`);
      assert.equal(await c1.getBooleanValue('checkout-redesign', false, pro), true);
      fixed.updateConfig(flagd(false));
      assert.equal(await c1.getBooleanValue('checkout-redesign', true, pro), false);
      // The same definition read as rollgate's own format is refused, with the core's id.
      assert.throws(() => new of.RollgateProvider(flagd(true)).updateConfig(flagd(true)), (e) => e.code.startsWith('rollgate.config.2'));
      // A source made from {source} inherits the format; the served text is flagd's.
      srv.mode = 'ok';
      srv.body = JSON.stringify(flagd(true));
      srv.etag = '"flagd-1"';
      const made = new of.RollgateProvider({ source: { url: srv.url, ...fast } }, { format: 'flagd' });
      await ServerOpenFeature.setProviderAndWait(`flagd-src-${flavour}`, made);
      const c2 = ServerOpenFeature.getClient(`flagd-src-${flavour}`);
      assert.equal(await c2.getBooleanValue('checkout-redesign', false, pro), true);
      assert.equal(await c2.getBooleanValue('checkout-redesign', false, { targetingKey: 'u', user: { plan: 'free' } }), false);
      // A FlagSource takes the format itself; an unknown one is refused at construction.
      const own = new r.FlagSource({ bootstrap: flagd(true), format: 'flagd' });
      await own.ready();
      assert.equal(own.evaluate('checkout-redesign', pro).value, true);
      own.close();
      assert.throws(() => new r.FlagSource({ bootstrap: flagd(true), format: 'yaml' }), /format must be one of rollgate, flagd, flagd-js/);
      assert.throws(() => new of.RollgateProvider(flagd(true), { format: 'yaml' }), /format must be one of/);
      await ServerOpenFeature.clearProviders();
      srv.body = ON;
    });

    test('exposures: each flag once per unit and configuration, batched to the exposures URL', async () => {
      const posts = [];
      const fakeFetch = async (url, init) => {
        if (init && init.method === 'POST') {
          posts.push({ url: String(url), body: JSON.parse(init.body), type: init.headers['content-type'], keepalive: init.keepalive });
          return new Response(null, { status: 204 });
        }
        return fetch(url, init);
      };
      srv.mode = 'ok';
      srv.body = ON;
      srv.etag = '"x-1"';
      const src = new r.FlagSource({ url: srv.url, ...fast, fetch: fakeFetch, exposures: 'http://edge.test/__rollgate/exposures', exposureFlushMs: 50 });
      await src.ready();
      for (let i = 0; i < 5; i++) src.evaluate('checkout-redesign', user);
      src.evaluate('holiday-theme', user);
      src.evaluate('no-such-flag', user); // an error is no exposure
      assert.ok(await until(() => posts.length === 1));
      assert.deepEqual(posts[0], { url: 'http://edge.test/__rollgate/exposures', body: { flags: ['checkout-redesign', 'holiday-theme'] }, type: 'text/plain', keepalive: true });
      src.evaluate('checkout-redesign', user);
      await new Promise((res) => setTimeout(res, 120));
      assert.equal(posts.length, 1, 'already sent for this unit and configuration');
      srv.body = OFF;
      srv.etag = '"x-2"';
      assert.ok(await until(() => src.etag === '"x-2"'));
      src.evaluate('checkout-redesign', user);
      assert.ok(await until(() => posts.length === 2), 'a new configuration is a new window');
      src.close();
    });
  });
}
