// The OpenFeature providers against the real SDKs from npm (@openfeature/server-sdk for dynamic
// context, @openfeature/web-sdk for static context): an app switches by one setProvider line and
// gets rollgate's values, variants and reasons, with errors mapped to OpenFeature's codes.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { flavours, load, loadFile, root } from './support.mjs';

const config = JSON.parse(readFileSync(path.join(root, 'examples/configs/storefront.json'), 'utf8'));
const staff = JSON.parse(readFileSync(path.join(root, 'examples/contexts/staff.json'), 'utf8'));

for (const flavour of flavours) {
  describe(`OpenFeature providers [${flavour}]`, () => {
    let r;
    let of;
    before(async () => {
      r = await load(flavour);
      of = await loadFile(flavour, 'openfeature-node.js');
    });

    test('server SDK: values, variants and reasons equal rollgate evaluate()', async () => {
      const provider = new of.RollgateProvider(config);
      await ServerOpenFeature.setProviderAndWait(`rollgate-${flavour}`, provider);
      const client = ServerOpenFeature.getClient(`rollgate-${flavour}`);
      const ev = r.compile(config);
      const ctx = { ...staff, nested: { ignored: true } }; // OpenFeature contexts may hold structures
      const expected = ev.evaluateAll(staff);
      const b = await client.getBooleanDetails('checkout-redesign', false, ctx);
      assert.equal(b.value, expected['checkout-redesign'].value);
      assert.equal(b.variant, expected['checkout-redesign'].variant);
      assert.equal(b.reason, 'TARGETING_MATCH');
      assert.equal(b.flagMetadata.ruleIndex, expected['checkout-redesign'].ruleIndex);
      const s = await client.getStringDetails('holiday-theme', 'x', ctx);
      assert.equal(s.value, expected['holiday-theme'].value);
      const n = await client.getNumberValue('search-autocomplete', -1, ctx);
      assert.equal(n, expected['search-autocomplete'].value);
      const o = await client.getObjectDetails('search-ranking', {}, ctx);
      assert.deepEqual(o.value, expected['search-ranking'].value);
      o.value.model = 'mutated'; // callers may mutate their copy
      assert.notEqual((await client.getObjectValue('search-ranking', {}, ctx)).model, 'mutated');
      ev.dispose();
      await ServerOpenFeature.clearProviders();
    });

    test('server SDK: errors map to OpenFeature codes and the caller default', async () => {
      const provider = new of.RollgateProvider(config);
      await ServerOpenFeature.setProviderAndWait(`rollgate-err-${flavour}`, provider);
      const client = ServerOpenFeature.getClient(`rollgate-err-${flavour}`);
      const nf = await client.getBooleanDetails('no-such-flag', true, staff);
      assert.equal(nf.value, true);
      assert.equal(nf.reason, 'ERROR');
      assert.equal(nf.errorCode, 'FLAG_NOT_FOUND');
      const tm = await client.getStringDetails('checkout-redesign', 'dflt', staff);
      assert.equal(tm.value, 'dflt');
      assert.equal(tm.errorCode, 'TYPE_MISMATCH');
      const nk = await client.getBooleanDetails('checkout-redesign', true, {});
      assert.equal(nk.errorCode, 'TARGETING_KEY_MISSING');
      assert.equal(nk.value, true);
      const bad = await client.getBooleanDetails('checkout-redesign', true, { targetingKey: 'u', email: { not: 'a string' } });
      assert.equal(bad.errorCode, 'INVALID_CONTEXT');
      await ServerOpenFeature.clearProviders();
    });

    test('server SDK: a disabled flag resolves to the caller default with reason DISABLED (rollgate serves offVariation)', async () => {
      const cfg = { flags: [{ key: 'kill', enabled: false, variations: [{ key: 'on', value: 'ON' }, { key: 'off', value: 'OFF' }],
        defaultVariation: 'on', offVariation: 'off' }] };
      const provider = new of.RollgateProvider(cfg);
      await ServerOpenFeature.setProviderAndWait(`rollgate-off-${flavour}`, provider);
      const client = ServerOpenFeature.getClient(`rollgate-off-${flavour}`);
      const d = await client.getStringDetails('kill', 'code-default', { targetingKey: 'u' });
      assert.equal(d.value, 'code-default');
      assert.equal(d.reason, 'DISABLED');
      assert.equal(d.variant, undefined);
      assert.equal(d.errorCode, undefined);
      const ev = r.compile(cfg);
      assert.equal(ev.evaluate('kill', { targetingKey: 'u' }).value, 'OFF'); // the package's own API is unchanged
      ev.dispose();
      await ServerOpenFeature.clearProviders();
    });

    test('server SDK: updateConfig swaps atomically; a bad config keeps the old one serving', async () => {
      const provider = new of.RollgateProvider(config);
      await ServerOpenFeature.setProviderAndWait(`rollgate-upd-${flavour}`, provider);
      const client = ServerOpenFeature.getClient(`rollgate-upd-${flavour}`);
      assert.throws(() => provider.updateConfig({ flags: 5 }), r.RollgateError);
      assert.equal(await client.getStringValue('free-shipping-banner', 'x', staff), 'Free shipping over 50 EUR');
      provider.updateConfig({ schemaVersion: 1, flags: [{ key: 'free-shipping-banner', variations: [{ key: 'v', value: 'changed' }], defaultVariation: 'v' }] });
      assert.equal(await client.getStringValue('free-shipping-banner', 'x', staff), 'changed');
      await ServerOpenFeature.clearProviders();
    });

    test('web SDK (static context): synchronous evaluation with the app context', async () => {
      const provider = new of.RollgateWebProvider(config);
      await WebOpenFeature.setContext(staff);
      await WebOpenFeature.setProviderAndWait(provider);
      const client = WebOpenFeature.getClient();
      const d = client.getBooleanDetails('checkout-redesign', false);
      assert.equal(d.value, true);
      assert.equal(d.variant, 'on');
      assert.equal(d.reason, 'TARGETING_MATCH');
      assert.equal(client.getStringValue('holiday-theme', 'x'), 'winter');
      await WebOpenFeature.setContext({ targetingKey: 'anon-1', platform: 'android', appVersion: '6.0.0' });
      assert.equal(client.getBooleanDetails('checkout-redesign', false).reason, r.compile(config).evaluate('checkout-redesign', { targetingKey: 'anon-1', platform: 'android', appVersion: '6.0.0' }).reason);
      assert.equal(client.getNumberDetails('no-such-flag', 7).errorCode, 'FLAG_NOT_FOUND');
      await WebOpenFeature.clearProviders();
    });
  });
}
