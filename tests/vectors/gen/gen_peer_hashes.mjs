#!/usr/bin/env node
// Generates tests/vectors/peer_hashes.json: the bucketing of Unleash, GrowthBook and flagd for
// 1,200 units, read by tests/native/peer_hash_test.cpp (core/src/detail/peer_hash.hpp).
//
// Why this script exists: a flag moved from a peer keeps its users' assignments only if rollgate
// buckets exactly as the peer does. The expected values therefore come from the peers' own npm
// packages (devDependencies of the root package.json, installed by `npm ci`), called the way
// their SDKs call them:
//   - unleash-client 6.12.1: lib/strategy/util.js (normalizedStrategyValue,
//     normalizedVariantValue), lib/variant.js (selectVariantDefinition), and
//     lib/strategy/flexible-rollout-strategy.js; its murmurhash3js dependency for the UTF-8
//     variant (yggdrasil, Go, Java hash UTF-8 bytes: murmurhash3js over a string whose code units
//     are the UTF-8 bytes computes exactly that);
//   - @growthbook/growthbook 1.8.0: dist/esm/util.mjs (hash, getBucketRanges, chooseVariation,
//     inNamespace);
//   - @openfeature/flagd-core 4.0.1: a real FlagdCore evaluation of `fractional` flags, and its
//     imurmurhash dependency for the raw hash; flagd's Go server hashes UTF-8 bytes
//     (murmurhash3js over the UTF-8 bytes again).
// The earlier flagd `fractional` (flagd-testbed "@fractional-v1") runs in no package installed
// here: its rows apply the formula of flagd's Go source (core/pkg/evaluator/fractional.go before
// the change, quoted in fractionalV1 below) to the reference hash, and the published v1 rows of
// flagd-testbed check that transcription.
// The "published" section holds the hash vectors the projects publish in their own tests; this
// script checks each of them against the packages before writing anything.
//
// Regenerate (from the repository root, after `npm ci`; deterministic):
//   node tests/vectors/gen/gen_peer_hashes.mjs > tests/vectors/peer_hashes.json
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';

process.env.NODE_ENV = 'production'; // GrowthBook logs invalid weights outside production
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(path.join(root, 'package.json'));
const nm = (p) => path.join(root, 'node_modules', p);

const unleashUtil = require(nm('unleash-client/lib/strategy/util.js'));
const unleashVariant = require(nm('unleash-client/lib/variant.js'));
const FlexibleRollout = require(nm('unleash-client/lib/strategy/flexible-rollout-strategy.js')).default;
const murmurhash3js = require(nm('murmurhash3js'));
const MurmurHash3 = require(nm('imurmurhash'));
const gb = await import(pathToFileURL(nm('@growthbook/growthbook/dist/esm/util.mjs')).href);
const { FlagdCore } = await import('@openfeature/flagd-core');

const SPEC_VERSION = 1;

// Deterministic PRNG (mulberry32).
let state = 18;
function rand() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

// MurmurHash3 x86_32 of the UTF-8 bytes of s (murmurhash3js reads charCodeAt & 0xff).
const utf8Bytes = (s) => Buffer.from(s, 'utf8').toString('latin1');
const murmurUtf8 = (s, seed) => murmurhash3js.x86.hash32(utf8Bytes(s), seed);

function units() {
  const out = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', '123', '999', 'alice', 'bob', 'user-1',
    'José', 'Jose\u0301', '山田太郎', '😀', 'a😀', 'ab😀', 'ab\uAC00', 'Ünïcødé', 'ß', '\u00ff\u0100',
    'Feature.UTF-8.😊_φriend_你好_🌍', 'x'.repeat(300), '0', '-1', '12.5', 'true', ' '];
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@+';
  const exotic = ['é', 'ü', 'ñ', '日', '本', '가', '😀', '🌍', 'Ω', '\u00a0', '\u2028', '€'];
  while (out.length < 1200) {
    const r = rand();
    if (r < 0.3) out.push(`user-${Math.floor(rand() * 1e6)}`);
    else if (r < 0.5) out.push(`${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`);
    else if (r < 0.65) out.push(`${hex(6)}@${pick(['example.com', 'shop.example', 'faas.com'])}`);
    else if (r < 0.75) out.push(String(Math.floor(rand() * 1e9)));
    else if (r < 0.9) {
      const len = 1 + Math.floor(rand() * 24);
      out.push(Array.from({ length: len }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
    } else {
      const len = 1 + Math.floor(rand() * 8);
      out.push(Array.from({ length: len }, () => (rand() < 0.5 ? pick(exotic) : alphabet[Math.floor(rand() * alphabet.length)])).join(''));
    }
  }
  return out;
}

// ---- Unleash --------------------------------------------------------------------------------
const UNLEASH_GROUPS = ['', 'gr1', 'new-checkout', 'Feature.UTF-8.Hellø_Wørld'];
const UNLEASH_WEIGHTS = [[500, 500], [333, 333, 334], [0, 1000], [100, 0, 900], [1, 999], [50, 50, 900], [1], [7, 3]];
const ROLLOUTS = [0, 1, 10, 33, 50, 99, 100];

function unleashRows(list) {
  const flexible = new FlexibleRollout(() => 'random-should-not-be-used');
  return list.map((unit, i) => {
    const group = UNLEASH_GROUPS[i % UNLEASH_GROUPS.length];
    const weights = UNLEASH_WEIGHTS[i % UNLEASH_WEIGHTS.length];
    const rollout = ROLLOUTS[i % ROLLOUTS.length];
    const row = {
      group, unit,
      node_strategy: unleashUtil.normalizedStrategyValue(unit, group),
      node_variant_1000: unleashUtil.normalizedVariantValue(unit, group, 1000),
      utf8_hash_seed0: murmurUtf8(`${group}:${unit}`, 0),
      utf8_hash_variant_seed: murmurUtf8(`${group}:${unit}`, 86028157),
      weights,
      rollout,
    };
    if (unit !== '') {
      // getSeed uses userId when it is a non-empty string; an empty one falls back to random.
      const variants = weights.map((w, k) => ({ name: `v${k}`, weight: w, stickiness: 'default' }));
      const chosen = unleashVariant.selectVariantDefinition(group, 'default', variants, { userId: unit });
      row.node_variant = chosen ? Number(chosen.name.slice(1)) : null;
      row.node_in_rollout = flexible.isEnabled({ rollout: String(rollout), stickiness: 'userId', groupId: group }, { userId: unit });
    }
    return row;
  });
}

// ---- GrowthBook -----------------------------------------------------------------------------
const GB_SEEDS = ['', 'new-checkout', 'feature-exp', 'exp-é'];
const GB_RANGES = [
  [2, 1, null], [3, 1, null], [3, 0.5, [0.3334, 0.3333, 0.3333]], [2, 0.1, [0.5, 0.5]],
  [4, 1, [0.1, 0.2, 0.3, 0.4]], [2, 1, [0.9, 0.2]], [2, 1.5, [0.4, 0.6]], [2, -0.5, [0.4, 0.6]],
  [3, 1, [0.5, 0.5]], [3, 0.77, [0.995, 0.005, 0]], [1, 1, [1]], [5, 0.333, null],
];

function growthbookRows(list) {
  return list.map((unit, i) => {
    const seed = GB_SEEDS[i % GB_SEEDS.length];
    const [n, coverage, weights] = GB_RANGES[i % GB_RANGES.length];
    const v1 = gb.hash(seed, unit, 1);
    const ranges = gb.getBucketRanges(n, coverage, weights || undefined);
    return {
      seed, unit, v1, v2: gb.hash(seed, unit, 2), v3: gb.hash(seed, unit, 3),
      ranges_config: { variations: n, coverage, weights },
      ranges, variation_v1: gb.chooseVariation(v1, ranges),
      namespace: { id: 'pricing', start: 0.25, end: 0.75, in: gb.inNamespace(unit, ['pricing', 0.25, 0.75]) },
    };
  });
}

function growthbookNumberRows() {
  // Number hash values are concatenated as JavaScript's String(n) writes them: the same text
  // canonical_unit_text gives (docs/bucketing.md, "Canonical text of number and boolean units").
  const numbers = [0, 1, -1, 42, 12.5, 0.1, 1e21, 1e-7, 123456789012, -0.5, 2 ** 53, 5e-324, 1.7976931348623157e308];
  return numbers.map((value) => ({ seed: 'feature-exp', value, v1: gb.hash('feature-exp', value, 1), v2: gb.hash('feature-exp', value, 2) }));
}

// ---- flagd ----------------------------------------------------------------------------------
const FLAGD_SPLITS = [[50, 50], [1, 1, 1], [0, 100], [25, 25, 25, 25], [10, 20, 70], [1, 999999], [3]];

function fractionalV1(hash, weights) {
  // flagd (Go) before the integer change:
  //   hashValue := int32(murmur3.StringSum32(value))
  //   hashRatio := math.Abs(float64(hashValue)) / math.MaxInt32
  //   bucket := hashRatio * 100
  //   rangeEnd += 100 * float64(weight) / float64(totalWeight); if bucket < rangeEnd -> variant
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const bucket = (Math.abs(hash | 0) / 2147483647) * 100;
  let end = 0;
  for (let i = 0; i < weights.length; i++) {
    end += (100 * weights[i]) / total;
    if (bucket < end) return i;
  }
  return null;
}

function flagdRows(list) {
  const flags = {};
  FLAGD_SPLITS.forEach((split, s) => {
    const variants = Object.fromEntries(split.map((_, k) => [`v${k}`, `v${k}`]).concat([['fallback', 'fallback']]));
    flags[`split-${s}`] = {
      state: 'ENABLED', defaultVariant: 'fallback', variants,
      targeting: { fractional: split.map((w, k) => [`v${k}`, w]) },
    };
  });
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify({ flags }));
  return list.map((unit, i) => {
    const s = i % FLAGD_SPLITS.length;
    const flagKey = `split-${s}`;
    const key = flagKey + unit;
    const row = {
      flag_key: flagKey, unit, weights: FLAGD_SPLITS[s],
      js_core_hash: new MurmurHash3(key).result() >>> 0,
      utf8_hash: murmurUtf8(key, 0),
    };
    if (unit !== '') { // flagd-core gives no bucket for an empty targeting key
      const r = core.resolveStringEvaluation(flagKey, 'fallback', { targetingKey: unit });
      row.js_core_variant = r.variant === 'fallback' ? null : Number(r.variant.slice(1));
    }
    row.utf8_v1_variant = fractionalV1(row.utf8_hash, FLAGD_SPLITS[s]);
    return row;
  });
}

// ---- published vectors ----------------------------------------------------------------------
const published = {
  unleash: {
    source: 'Unleash/unleash-client-node src/test/strategy/util.test.ts ("normalized values are the same across node, java, and go clients")',
    rows: [{ unit: '123', group: 'gr1', normalized: 73 }, { unit: '999', group: 'groupX', normalized: 25 }],
  },
  growthbook: {
    source: 'growthbook/growthbook packages/sdk-js/test/cases.json (commit 021bf498), "stickyBucket" cases: result.bucket',
    rows: [{ seed: 'feature-exp', value: 'd123', version: 2, n: 0.6468 },
      { seed: 'feature-exp', value: 'i123', version: 2, n: 0.9943 },
      { seed: 'feature', value: '123', version: 1, n: 0.863 }],
  },
  flagd: {
    source: 'open-feature/flagd-testbed evaluator/gherkin/fractional.feature and evaluator/flags/testkit-flags.json (commits 0df2cd0a, 0815d197)',
    // key: the bucketing key flagd hashes; variant: index into the weights' order.
    rows: [
      ...[['jack', 3, 2], ['queen', 0, 3], ['ten', 1, 0], ['nine', 2, 1], ['3', 1, 0]].map(([n, v1, v2]) => ({ key: `fractional-flag${n}`, weights: [25, 25, 25, 25], v1, v2 })),
      { key: 'fractional-flag-shorthandjon@company.com', weights: [1, 1], v1: 0, v2: 0 },
      { key: 'fractional-flag-shorthandjane@company.com', weights: [1, 1], v1: 1, v2: 1 },
      ...[['jack', 2], ['queen', 3], ['ten', 2], ['nine', 1]].map(([n, v1]) => ({ key: `shared-seed${n}`, weights: [25, 25, 25, 25], v1 })),
      ...[['seven', 2], ['eight', 1], ['nine', 0], ['two', 3]].map(([n, v2]) => ({ key: `shared-seed${n}`, weights: [25, 25, 25, 25], v2 })),
      ...[['ejOoVL', 0], ['bY9fO-', 0], ['SI7p-', 0], ['6LvT0', 1], ['ceQdGm', 1]].map(([k, v2]) => ({ key: k, weights: [50, 50], v2 })),
      { key: 'jon@company.com', weights: [100], bucket_of_100: 36 },
      { key: 'user1', weights: [100], bucket_of_100: 76 },
    ],
  },
};

function checkPublished() {
  for (const r of published.unleash.rows) assert.equal(unleashUtil.normalizedStrategyValue(r.unit, r.group), r.normalized);
  for (const r of published.growthbook.rows) assert.equal(gb.hash(r.seed, r.value, r.version), r.n);
  for (const r of published.flagd.rows) {
    const h = murmurUtf8(r.key, 0);
    assert.equal(new MurmurHash3(r.key).result() >>> 0, h); // ASCII keys: every flagd agrees
    const total = r.weights.reduce((a, b) => a + b, 0);
    const bucket = Number((BigInt(h) * BigInt(total)) >> 32n);
    if (r.bucket_of_100 !== undefined) assert.equal(Number((BigInt(h) * 100n) >> 32n), r.bucket_of_100);
    if (r.v1 !== undefined) assert.equal(fractionalV1(h, r.weights), r.v1, r.key);
    if (r.v2 !== undefined) {
      let end = 0;
      const v = r.weights.findIndex((w) => (end += w) > bucket);
      assert.equal(v, r.v2, r.key);
    }
  }
}

checkPublished();
const list = units();
const out = {
  spec_version: SPEC_VERSION,
  generator: 'tests/vectors/gen/gen_peer_hashes.mjs',
  sources: {
    'unleash-client': require(nm('unleash-client/package.json')).version,
    murmurhash3js: require(nm('murmurhash3js/package.json')).version,
    '@growthbook/growthbook': require(nm('@growthbook/growthbook/package.json')).version,
    '@openfeature/flagd-core': require(nm('@openfeature/flagd-core/package.json')).version,
    imurmurhash: require(nm('imurmurhash/package.json')).version,
  },
  unleash: unleashRows(list),
  growthbook: growthbookRows(list),
  growthbook_numbers: growthbookNumberRows(),
  flagd: flagdRows(list),
  published,
};
process.stdout.write(JSON.stringify(out) + '\n');
