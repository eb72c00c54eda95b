// Flag evaluation: rollgate (WASM) against the evaluators a web developer would pick instead, in
// one process, measured interleaved (three rounds, medians), on equivalent flags: two targeting
// rules ("groups contains beta" -> on, "country in DE/FR" -> off) and a 50% percentage rollout,
// over 200,000 distinct users whose contexts carry 10 attributes (7 that no rule reads).
//   - flagd's in-process evaluator (@openfeature/flagd-core, json-logic + fractional)
//   - GrowthBook JS SDK (@growthbook/growthbook, GrowthBookClient.evalFeature)
//   - Unleash (unleash-client, bootstrapped offline, isEnabled)
//   - LaunchDarkly's server SDK (@launchdarkly/node-server-sdk) on its offline TestData source
//   - Flipt's WASM client (@flipt-io/flipt-client-js) on a local flag state (no server)
// The same flag and contexts are benchmarked natively (tests/bench/native/flags_bench.cpp,
// FlagEval/js_bench and EvaluateAll/js_bench_20), whose figures are read from the native binary.
// Single: one flag per call (context included). Batch: all 20 flags for one context.
// Run: node tests/bench/node/flags.mjs [--quick]   (npm run bench runs it through goals.mjs)
import { init, compile } from 'rollgate/flags';
import { GrowthBookClient } from '@growthbook/growthbook';
import { FlagdCore } from '@openfeature/flagd-core';
import { initialize as unleashInitialize, InMemStorageProvider } from 'unleash-client';
import { init as ldInit } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { FliptClient } from '@flipt-io/flipt-client-js/node';
import { measure, measureAsync, interleaved, median, fmtNs, fmtRate, table, emit } from './common.mjs';
import { nativeFigures } from './native.mjs';

const quick = process.argv.includes('--quick');
const USERS = quick ? 20_000 : 200_000;
const FLAGS = 20;
const ROUNDS = quick ? 1 : 3;
const timing = quick ? { minMs: 60, warmupMs: 30 } : { minMs: 300, warmupMs: 120 };
const countries = ['DE', 'FR', 'US', 'JP', 'GB', 'BR', 'IN'];
// The 10 attributes; tests/bench/native/flags_bench.cpp (js_context) builds the same ones.
const users = Array.from({ length: USERS }, (_, i) => ({
  id: `user-${i}`,
  country: countries[i % countries.length],
  groups: i % 10 === 0 ? ['beta', 'news'] : ['news'],
  email: `u${i}@example.org`,
  plan: i % 3 ? 'free' : 'pro',
  appVersion: `2.${i % 10}.1`,
  platform: 'web',
  age: 18 + (i % 50),
  beta: i % 10 === 0,
  createdAt: '2025-01-01T00:00:00Z',
}));
const rest = (u) => ({ email: u.email, plan: u.plan, appVersion: u.appVersion, platform: u.platform, age: u.age, beta: u.beta, createdAt: u.createdAt });
const rgContexts = users.map((u) => ({ targetingKey: u.id, country: u.country, groups: u.groups, ...rest(u) }));
const fdContexts = rgContexts;
const gbContexts = users.map((u) => ({ attributes: { id: u.id, country: u.country, groups: u.groups, ...rest(u) } }));
const unContexts = users.map((u) => ({
  userId: u.id,
  properties: { country: u.country, groups: u.groups.join(','), email: u.email, plan: u.plan, appVersion: u.appVersion, platform: u.platform, age: String(u.age), beta: String(u.beta), createdAt: u.createdAt },
}));
const ldContexts = users.map((u) => ({ kind: 'user', key: u.id, country: u.country, groups: u.groups, ...rest(u) }));
const fpContexts = users.map((u) => ({
  flagKey: 'flag-0',
  entityId: u.id,
  context: { country: u.country, beta: String(u.beta), groups: u.groups.join(','), email: u.email, plan: u.plan, appVersion: u.appVersion, platform: u.platform, age: String(u.age), createdAt: u.createdAt },
}));
const keys = Array.from({ length: FLAGS }, (_, i) => `flag-${i}`);

// --- rollgate (the flags-only entry) -----------------------------------------------------------
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

// --- LaunchDarkly, offline TestData source (no network, no events) ------------------------------
const td = new TestData();
for (const key of keys) {
  td.usePreconfiguredFlag({
    key, version: 1, on: true, salt: key, variations: [true, false], offVariation: 1, targets: [], prerequisites: [],
    rules: [
      { id: 'beta', clauses: [{ attribute: 'groups', op: 'in', values: ['beta'] }], variation: 0 },
      { id: 'eu', clauses: [{ attribute: 'country', op: 'in', values: ['DE', 'FR'] }], variation: 1 },
    ],
    fallthrough: { rollout: { variations: [{ variation: 0, weight: 50000 }, { variation: 1, weight: 50000 }] } },
  });
}
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ld = ldInit('sdk-key-offline', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: silent });
await ld.waitForInitialization({ timeout: 5 });

// --- Flipt's WASM client on a local flag state (its server's evaluation snapshot) ---------------
// A boolean flag's `enabled` is its value when no rollout matches (here: off).
const fpSegment = (key, property, operator, value) => ({
  key, matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [{ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property, operator, value }],
});
const fpState = {
  namespace: { key: 'default' },
  flags: keys.map((key) => ({
    key, name: key, description: '', enabled: false, type: 'BOOLEAN_FLAG_TYPE', rules: [],
    rollouts: [
      { type: 'SEGMENT_ROLLOUT_TYPE', rank: 1, segment: { value: true, segmentOperator: 'OR_SEGMENT_OPERATOR', segments: [fpSegment('beta', 'beta', 'eq', 'true')] } },
      { type: 'SEGMENT_ROLLOUT_TYPE', rank: 2, segment: { value: false, segmentOperator: 'OR_SEGMENT_OPERATOR', segments: [fpSegment('eu', 'country', 'isoneof', '["DE","FR"]')] } },
      { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 3, threshold: { percentage: 50, value: true } },
    ],
  })),
};
let flipt = null;
try {
  flipt = await FliptClient.init({
    fetcher: async () => ({ ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, json: async () => fpState }),
  });
} catch (e) {
  console.log(`Flipt client did not start on the local state: ${e.message}`);
}

// --- sanity: every evaluator serves about the same share of "on" (the flags are equivalent) ----
const share = async (f) => { let on = 0; for (let i = 0; i < 20_000; i++) on += (await f(i)) ? 1 : 0; return (on / 20_000).toFixed(3); };
const shares = {
  rollgate: await share((i) => rg.evaluate('flag-0', rgContexts[i]).value),
  growthbook: await share((i) => gb.evalFeature('flag-0', gbContexts[i]).value),
  unleash: await share((i) => unleash.isEnabled('flag-0', unContexts[i])),
  flagd: await share((i) => fd.resolveBooleanEvaluation('flag-0', false, fdContexts[i], quiet).value),
  launchdarkly: await share((i) => ld.variation('flag-0', ldContexts[i], false)),
  ...(flipt ? { flipt: await share((i) => flipt.evaluateBoolean(fpContexts[i]).enabled) } : {}),
};
console.log(`share of "on" over 20,000 users (expected about 0.1 + 0.9 * 5/7 * 0.5 = 0.421): ${JSON.stringify(shares)}`);

// --- single evaluations ---------------------------------------------------------------------------
let sink = 0;
const chunk = 10_000;
let cursor = 0;
const next = () => { const c = cursor; cursor = cursor + 1 === USERS ? 0 : cursor + 1; return c; };
const loop = (f) => [() => { for (let j = 0; j < chunk; j++) sink ^= f(next()) ? 1 : 0; }, chunk];
const singleFns = {
  rollgate: loop((i) => rg.evaluate('flag-0', rgContexts[i]).value),
  'flagd-core': loop((i) => fd.resolveBooleanEvaluation('flag-0', false, fdContexts[i], quiet).value),
  growthbook: loop((i) => gb.evalFeature('flag-0', gbContexts[i]).value),
  unleash: loop((i) => unleash.isEnabled('flag-0', unContexts[i])),
  ...(flipt ? { flipt: loop((i) => flipt.evaluateBoolean(fpContexts[i]).enabled) } : {}),
};
const bound = rg.bind(rgContexts[5]);
singleFns['rollgate bound.evaluate() (context bound once)'] = loop(() => bound.evaluate('flag-0').value);
const single = interleaved(singleFns, ROUNDS, timing);
// LaunchDarkly's variation() is asynchronous (a Promise per evaluation): awaited one by one.
const ldChunk = 2_000;
const ldRuns = [];
for (let r = 0; r < ROUNDS; r++) {
  ldRuns.push(await measureAsync(async () => {
    for (let j = 0; j < ldChunk; j++) sink ^= (await ld.variation('flag-0', ldContexts[next()], false)) ? 1 : 0;
  }, ldChunk, timing));
}
const ldNs = median(ldRuns);
single.launchdarkly = ldNs;

// Where rollgate's time goes: the core alone (context already encoded in WASM memory, one plain
// export call, no result object), and a context bound once then evaluated (no encoding).
const { raw, outPtr } = await import(new URL('../../../dist/runtime.js', import.meta.url).href);
const codec = await import(new URL('../../../dist/flags-codec.js', import.meta.url).href);
const len = codec.encode(rg._reader, rgContexts[5]);
const coreOnly = measure(() => { for (let j = 0; j < chunk; j++) sink ^= raw.rg_flags_eval(rg._addr, 0, codec.encodedBase, len, 0, -1, outPtr); }, chunk, timing);
const boundOne = single['rollgate bound.evaluate() (context bound once)'];

// --- batch: all 20 flags for one context ----------------------------------------------------------
const bchunk = 1_000;
const bloop = (f) => [() => { for (let j = 0; j < bchunk; j++) sink ^= f(next()) ? 1 : 0; }, bchunk];
const out = new Int32Array(FLAGS);
const batchFns = {
  'rollgate evaluateAll (object by key)': bloop((i) => rg.evaluateAll(rgContexts[i])['flag-0'].value),
  'rollgate evaluateAll({as: "array"})': bloop((i) => rg.evaluateAll(rgContexts[i], { as: 'array' })[0].value),
  'rollgate values()': bloop((i) => rg.values(rgContexts[i])[0]),
  'rollgate variations() (Int32Array)': bloop((i) => rg.variations(rgContexts[i], undefined, out)[0] === 0),
  'flagd-core resolveAll': bloop((i) => fd.resolveAll(fdContexts[i], quiet).length),
  growthbook: bloop((i) => { const c = gbContexts[i]; let v = 0; for (const k of keys) v ^= gb.evalFeature(k, c).value ? 1 : 0; return v; }),
  unleash: bloop((i) => { const c = unContexts[i]; let v = 0; for (const k of keys) v ^= unleash.isEnabled(k, c) ? 1 : 0; return v; }),
  ...(flipt ? { 'flipt evaluateBatch': bloop((i) => flipt.evaluateBatch(keys.map((k) => ({ ...fpContexts[i], flagKey: k }))).responses.length) } : {}),
};
batchFns['rollgate bound.values() (context bound once)'] = bloop(() => bound.values()[0]);
const batch = interleaved(batchFns, ROUNDS, timing);
const boundAll = batch['rollgate bound.values() (context bound once)'];

const native = nativeFigures('FlagEval/js_bench$|FlagEval/js_bench_fill$|EvaluateAll/js_bench_20$');

function report(title, results, what, base) {
  const rows = [['evaluator', `time per ${what}`, 'rate', `vs ${base}`]];
  for (const [name, ns] of Object.entries(results)) rows.push([name, fmtNs(ns), fmtRate(ns), `${(ns / results[base]).toFixed(2)}x`]);
  table(title, rows);
}
report(`single evaluation (1 flag, ${USERS.toLocaleString('en')} distinct users, 10-attribute context included)`, single, 'evaluation', 'rollgate');
report(`batch: all ${FLAGS} flags for one context`, batch, 'context', 'rollgate variations() (Int32Array)');
table('where rollgate\'s time goes (one flag)', [
  ['what', 'time'],
  ['evaluate(flag, context): encode + call + result object', fmtNs(single.rollgate)],
  ['bound context: evaluate(flag) (no encoding)', fmtNs(boundOne)],
  ['the WASM call alone (pre-encoded context)', fmtNs(coreOnly)],
  ['native core, same flag and context (FlagEval/js_bench)', native['FlagEval/js_bench'] ? fmtNs(native['FlagEval/js_bench']) : 'n/a (native bench not built)'],
  ['native core, context refilled each time (FlagEval/js_bench_fill)', native['FlagEval/js_bench_fill'] ? fmtNs(native['FlagEval/js_bench_fill']) : 'n/a'],
  ['bound context: values() of all 20 flags', fmtNs(boundAll)],
  ['native core, evaluate_all of the 20 flags (EvaluateAll/js_bench_20)', native['EvaluateAll/js_bench_20'] ? fmtNs(native['EvaluateAll/js_bench_20']) : 'n/a'],
]);
emit({
  flags: {
    single, batch, coreOnly, boundOne, boundAll,
    nativeOne: native['FlagEval/js_bench'] ?? null,
    nativeFill: native['FlagEval/js_bench_fill'] ?? null,
    nativeAll: native['EvaluateAll/js_bench_20'] ?? null,
  },
});
unleash.destroy();
ld.close();
if (flipt) flipt.close();
if (sink === 42) console.log('');
