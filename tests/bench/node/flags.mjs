// Flag evaluation: rollgate (WASM) against the evaluators a web developer would pick instead,
// in one run, on equivalent flags: a 50% percentage rollout plus two targeting rules
// ("groups contains beta" -> on, "country in DE/FR" -> off), over 200,000 distinct users.
//   - GrowthBook JS SDK (@growthbook/growthbook, GrowthBookClient.evalFeature per user)
//   - Unleash (unleash-client, bootstrapped offline, isEnabled)
//   - flagd's in-process evaluator (@openfeature/flagd-core, json-logic + fractional)
// Single: one flag per call (context included). Batch: all 20 flags for one context.
// Run: node tests/bench/node/flags.mjs   (npm run bench runs it too)
import { init, compile } from 'rollgate';
import { GrowthBookClient } from '@growthbook/growthbook';
import { FlagdCore } from '@openfeature/flagd-core';
import { initialize as unleashInitialize, InMemStorageProvider } from 'unleash-client';
import { measure, fmtNs, fmtRate, table } from './common.mjs';

const USERS = 200_000;
const FLAGS = 20;
const countries = ['DE', 'FR', 'US', 'JP', 'GB', 'BR', 'IN'];
const users = Array.from({ length: USERS }, (_, i) => ({
  id: `user-${i}`,
  country: countries[i % countries.length],
  beta: i % 10 === 0,
}));
const rgContexts = users.map((u) => ({ targetingKey: u.id, country: u.country, groups: u.beta ? ['beta', 'news'] : ['news'] }));
const gbContexts = users.map((u) => ({ attributes: { id: u.id, country: u.country, groups: u.beta ? ['beta', 'news'] : ['news'] } }));
const unContexts = users.map((u) => ({ userId: u.id, properties: { country: u.country, beta: String(u.beta) } }));
const fdContexts = users.map((u) => ({ targetingKey: u.id, country: u.country, groups: u.beta ? ['beta', 'news'] : ['news'] }));
const keys = Array.from({ length: FLAGS }, (_, i) => `flag-${i}`);

// --- rollgate ---------------------------------------------------------------------------------
await init();
const rgFlag = (key) => ({
  key,
  variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
  defaultVariation: 'off',
  rules: [
    { id: 'beta', conditions: [{ attribute: 'groups', op: 'contains', value: 'beta' }], serve: { variation: 'on' } },
    { id: 'eu', conditions: [{ attribute: 'country', op: 'in', values: ['DE', 'FR'] }], serve: { variation: 'off' } },
  ],
  fallthrough: { rollout: { weights: [{ variation: 'on', weight: 100 }], coverage: 50 } },
});
const rg = compile({ schemaVersion: 1, flags: keys.map(rgFlag) });

// --- GrowthBook --------------------------------------------------------------------------------
const gbFeature = {
  defaultValue: false,
  rules: [
    { condition: { groups: { $elemMatch: { $eq: 'beta' } } }, force: true },
    { condition: { country: { $in: ['DE', 'FR'] } }, force: false },
    { force: true, coverage: 0.5, hashAttribute: 'id' },
  ],
};
const gb = new GrowthBookClient({}).initSync({ payload: { features: Object.fromEntries(keys.map((k) => [k, gbFeature])) } });

// --- Unleash (bootstrapped, offline: no server, no metrics) -----------------------------------
const unToggle = (name) => ({
  name,
  enabled: true,
  strategies: [
    { name: 'default', constraints: [{ contextName: 'beta', operator: 'IN', values: ['true'] }] },
    {
      name: 'flexibleRollout',
      parameters: { rollout: '50', stickiness: 'userId', groupId: name },
      constraints: [{ contextName: 'country', operator: 'NOT_IN', values: ['DE', 'FR'] }],
    },
  ],
});
const unleash = unleashInitialize({
  url: 'http://127.0.0.1:9/api/', appName: 'bench', disableMetrics: true, refreshInterval: 0,
  storageProvider: new InMemStorageProvider(), bootstrap: { data: keys.map(unToggle) },
});
unleash.on('error', () => {});
unleash.on('warn', () => {});
await new Promise((resolve) => { if (unleash.isSynchronized?.()) resolve(); else { unleash.once('synchronized', resolve); setTimeout(resolve, 500); } });

// --- flagd in-process --------------------------------------------------------------------------
const fdFlag = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: {
    if: [
      { in: ['beta', { var: 'groups' }] }, 'on',
      { in: [{ var: 'country' }, ['DE', 'FR']] }, 'off',
      { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 50], ['off', 50]] },
    ],
  },
};
const fd = new FlagdCore();
fd.setConfigurations(JSON.stringify({ flags: Object.fromEntries(keys.map((k) => [k, fdFlag])) }));
const quiet = { error() {}, warn() {}, info() {}, debug() {} };

// --- sanity: every evaluator serves about the same share of "on" (the flags are equivalent) ----
const share = (f) => { let on = 0; for (let i = 0; i < 20_000; i++) on += f(i) ? 1 : 0; return (on / 20_000).toFixed(3); };
const shares = {
  rollgate: share((i) => rg.evaluate('flag-0', rgContexts[i]).value),
  growthbook: share((i) => gb.evalFeature('flag-0', gbContexts[i]).value),
  unleash: share((i) => unleash.isEnabled('flag-0', unContexts[i])),
  flagd: share((i) => fd.resolveBooleanEvaluation('flag-0', false, fdContexts[i], quiet).value),
};
console.log(`share of "on" over 20,000 users (expected about 0.1 + 0.9 * 5/7 * 0.5 = 0.421): ${JSON.stringify(shares)}`);

// --- single evaluations ---------------------------------------------------------------------------
let sink = 0;
const chunk = 10_000;
let cursor = 0;
const single = {
  rollgate: measure(() => { for (let j = 0; j < chunk; j++) { sink ^= rg.evaluate('flag-0', rgContexts[cursor]).value ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, chunk),
  growthbook: measure(() => { for (let j = 0; j < chunk; j++) { sink ^= gb.evalFeature('flag-0', gbContexts[cursor]).value ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, chunk),
  unleash: measure(() => { for (let j = 0; j < chunk; j++) { sink ^= unleash.isEnabled('flag-0', unContexts[cursor]) ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, chunk),
  'flagd-core': measure(() => { for (let j = 0; j < chunk; j++) { sink ^= fd.resolveBooleanEvaluation('flag-0', false, fdContexts[cursor], quiet).value ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, chunk),
};

// Where rollgate's time goes: the core alone (context already encoded in WASM memory, one plain
// export call, no result object) against the whole evaluate() call.
const { raw, outPtr } = await import(new URL('../../../dist/runtime.js', import.meta.url).href);
const encoded = rg._encode(rgContexts[5], true);
const coreOnly = measure(() => { for (let j = 0; j < chunk; j++) sink ^= raw.rg_flags_eval(rg._addr, 0, rg._base, encoded, 0, -1, outPtr); }, chunk);

// --- batch: all 20 flags for one context ----------------------------------------------------------
const bchunk = 1_000;
const batch = {
  rollgate: measure(() => { for (let j = 0; j < bchunk; j++) { const all = rg.evaluateAll(rgContexts[cursor]); sink ^= all['flag-0'].value ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, bchunk),
  growthbook: measure(() => { for (let j = 0; j < bchunk; j++) { const c = gbContexts[cursor]; for (const k of keys) sink ^= gb.evalFeature(k, c).value ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, bchunk),
  unleash: measure(() => { for (let j = 0; j < bchunk; j++) { const c = unContexts[cursor]; for (const k of keys) sink ^= unleash.isEnabled(k, c) ? 1 : 0; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, bchunk),
  'flagd-core': measure(() => { for (let j = 0; j < bchunk; j++) { const all = fd.resolveAll(fdContexts[cursor], quiet); sink ^= all.length; cursor = cursor + 1 === USERS ? 0 : cursor + 1; } }, bchunk),
};

function report(title, results, what) {
  const peers = Object.entries(results).filter(([k]) => k !== 'rollgate');
  const fastest = Math.min(...peers.map(([, v]) => v));
  const rows = [['evaluator', `time per ${what}`, 'rate', 'rollgate speed-up']];
  for (const [name, ns] of Object.entries(results)) rows.push([name, fmtNs(ns), fmtRate(ns), `${(ns / results.rollgate).toFixed(1)}x`]);
  table(title, rows);
  console.log(`rollgate vs the fastest peer: ${(fastest / results.rollgate).toFixed(1)}x`);
}
report(`single evaluation (1 flag, ${USERS.toLocaleString('en')} distinct users, context included)`, single, 'evaluation');
report(`batch: all ${FLAGS} flags for one context`, batch, 'context');
console.log(`\nrollgate core alone (pre-encoded context, one plain export call): ${fmtNs(coreOnly)} of ${fmtNs(single.rollgate)} per evaluation`);
unleash.destroy();
if (sink === 42) console.log('');
