#!/usr/bin/env node
// Generates tests/vectors/flagd.json: flagd flag definitions, contexts, and what OpenFeature's
// own evaluator gives for them. Read by tests/native/flagd_test.cpp and tests/node/flagd.test.mjs
// (rollgate's compile(text, config_format::flagd) / compile(text, {format: 'flagd'})).
//
// Why this script exists: rollgate loads flagd definitions "as they are", so every expected
// value, variant and reason comes from @openfeature/flagd-core 4.0.1 (a devDependency, installed
// by `npm ci`), which the JavaScript, and in-process, flagd providers run. Nothing here is
// written by hand but the inputs. The flag files marked "flagd-testbed" are taken from
// open-feature/flagd-testbed flags/custom-ops.json and flags/evaluator-refs.json (the flags whose
// constructs rollgate supports; docs/flagd.md lists the others, and the "refused" section here
// names the problem rollgate reports for them, which is rollgate's own decision, not flagd's).
//
// Each evaluation records: value (absent when flagd serves the caller's default), variant
// (null when none), reason, errorCode (when ERROR). Contexts keep the value types of the
// literals they are compared with: where flagd-core's JSON Logic coerces types or raises, rollgate
// compares strictly (docs/flagd.md, "Differences"), and those are tested on their own.
// `now_ms` is the time the vectors were made; `$flagd.timestamp` cases compare against times far
// from it, so they hold whenever the test runs.
//
// Regenerate (from the repository root, after `npm ci`; deterministic but for now_ms):
//   node tests/vectors/gen/gen_flagd.mjs > tests/vectors/flagd.json
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(path.join(root, 'package.json'));
const { FlagdCore } = require('@openfeature/flagd-core');
const flagdVersion = require('@openfeature/flagd-core/package.json').version;

const NO_VALUE = Symbol('caller default');
const quiet = { error() {}, warn() {}, info() {}, debug() {} };

function typeOf(flag) {
  const v = Object.values(flag.variants)[0];
  return typeof v === 'object' ? 'object' : typeof v;
}

function evaluate(core, config, key, context) {
  const flag = config.flags[key];
  const r = core.resolve(flag ? typeOf(flag) : 'boolean', key, NO_VALUE, context, quiet);
  const out = {};
  if (r.value !== NO_VALUE) out.value = r.value;
  out.variant = r.variant ?? null;
  out.reason = r.reason;
  if (r.errorCode) out.errorCode = r.errorCode;
  return out;
}

const bool = { on: true, off: false };
const flag = (targeting, extra = {}) => ({ state: 'ENABLED', variants: bool, defaultVariant: 'off', targeting, ...extra });
const ifOn = (cond) => flag({ if: [cond, 'on', 'off'] });
const v = (name) => ({ var: name });

// --- inputs ------------------------------------------------------------------------------------
const files = [];

files.push({
  name: 'basics: state, variants of each type, defaultVariant, metadata',
  config: {
    metadata: { team: 'growth', version: 3 },
    flags: {
      'bool-static': { state: 'ENABLED', variants: bool, defaultVariant: 'on' },
      'string-static': { state: 'ENABLED', variants: { a: 'alpha', b: 'beta' }, defaultVariant: 'b', metadata: { team: 'core', tier: 1, public: true } },
      'number-static': { state: 'ENABLED', variants: { one: 1, pi: 3.14159 }, defaultVariant: 'pi' },
      'object-static': { state: 'ENABLED', variants: { x: { color: 'red', sizes: [1, 2] }, y: {} }, defaultVariant: 'x' },
      disabled: { state: 'DISABLED', variants: bool, defaultVariant: 'on' },
      'no-default': { state: 'ENABLED', variants: bool, defaultVariant: null },
      'no-default-targeted': { state: 'ENABLED', variants: bool, targeting: { if: [{ '==': [v('country'), 'DE'] }, 'on', null] } },
      'empty-targeting': { state: 'ENABLED', variants: bool, defaultVariant: 'on', targeting: {} },
      'null-result': flag({ if: [{ '==': [v('tier'), 'gold'] }, 'on', null] }),
      'unknown-variant-result': flag({ if: [{ '==': [v('tier'), 'gold'] }, 'platinum', 'off'] }),
      'number-key-result': { state: 'ENABLED', variants: { 1: 'one', 2: 'two' }, defaultVariant: '1', targeting: { if: [{ '==': [v('n'), 2] }, 2, 1] } },
      'boolean-result': { state: 'ENABLED', variants: { true: 'yes', false: 'no' }, defaultVariant: 'false', targeting: { '==': [v('country'), 'DE'] } },
    },
  },
  contexts: [{}, { country: 'DE' }, { country: 'FR', tier: 'gold' }, { tier: 'gold', n: 2 }, { n: 1 }],
});

files.push({
  name: 'JSON Logic operators',
  config: {
    flags: {
      eq: ifOn({ '==': [v('country'), 'DE'] }),
      'eq-reversed': ifOn({ '==': ['DE', v('country')] }),
      'strict-eq': ifOn({ '===': [v('age'), 30] }),
      'eq-bool': ifOn({ '==': [v('beta'), true] }),
      'eq-null': ifOn({ '==': [v('country'), null] }),
      ne: ifOn({ '!=': [v('country'), 'DE'] }),
      'strict-ne': ifOn({ '!==': [v('age'), 30] }),
      lt: ifOn({ '<': [v('age'), 18] }),
      lte: ifOn({ '<=': [v('age'), 18] }),
      gt: ifOn({ '>': [v('age'), 65] }),
      gte: ifOn({ '>=': [v('age'), 65] }),
      'gt-negative': ifOn({ '>': [v('age'), -1] }),
      'lt-reversed': ifOn({ '<': [18, v('age')] }),
      between: ifOn({ '<': [18, v('age'), 65] }),
      'between-inclusive': ifOn({ '<=': [18, v('age'), 65] }),
      'in-array': ifOn({ in: [v('country'), ['DE', 'AT', 'CH']] }),
      'in-numbers': ifOn({ in: [v('age'), [18, 21, 30]] }),
      'in-string': ifOn({ in: ['@example.com', v('email')] }),
      'in-list-attribute': ifOn({ in: ['admin', v('roles')] }),
      not: ifOn({ '!': { '==': [v('country'), 'DE'] } }),
      'not-array': ifOn({ '!': [{ '==': [v('country'), 'DE'] }] }),
      'not-var': ifOn({ '!': v('beta') }),
      'double-not': ifOn({ '!!': [v('email')] }),
      'bare-var': ifOn(v('beta')),
      and: ifOn({ and: [{ '==': [v('country'), 'DE'] }, { '>=': [v('age'), 18] }] }),
      or: ifOn({ or: [{ '==': [v('country'), 'DE'] }, { in: ['@example.com', v('email')] }] }),
      'starts-with': ifOn({ starts_with: [v('email'), 'admin'] }),
      'ends-with': ifOn({ ends_with: [v('email'), '.com'] }),
      'nested-path': ifOn({ '==': [v('user.address.city'), 'Berlin'] }),
      'var-array-form': ifOn({ '==': [{ var: ['country'] }, 'DE'] }),
      'flag-key': ifOn({ '==': [v('$flagd.flagKey'), 'flag-key'] }),
      'flag-key-in': ifOn({ in: [v('$flagd.flagKey'), ['a', 'flag-key-in']] }),
      'timestamp-past': ifOn({ '>': [v('$flagd.timestamp'), 1000000000] }),
      'timestamp-future': ifOn({ '>': [v('$flagd.timestamp'), 4000000000] }),
      'timestamp-window': ifOn({ '<': [1000000000, v('$flagd.timestamp'), 4000000000] }),
      'constant-true': ifOn(true),
      'constant-string': ifOn('yes'),
      'constant-zero': ifOn(0),
      'bool-op-result': { state: 'ENABLED', variants: { true: 1, false: 0 }, defaultVariant: 'false', targeting: { in: [v('country'), ['DE', 'FR']] } },
    },
  },
  contexts: [
    {}, { country: 'DE', age: 30, email: 'admin@example.com', beta: true, roles: ['admin', 'dev'] },
    { country: 'FR', age: 17, email: 'bob@example.org', beta: false, roles: ['dev'] },
    { country: 'CH', age: 65, email: '', roles: [] }, { country: null, age: null, beta: null },
    { age: 18 }, { age: 70, email: 'x.com' }, { user: { address: { city: 'Berlin' } } },
    { user: { address: 'Berlin' } }, { 'user.address.city': 'Berlin' }, { age: 21.5 }, { beta: true, age: 0 },
  ],
});

files.push({
  name: 'if trees: else-if chains, nesting, implicit null',
  config: {
    flags: {
      chain: { state: 'ENABLED', variants: { a: 'a', b: 'b', c: 'c', d: 'd' }, defaultVariant: 'd', targeting: { if: [{ '==': [v('x'), 1] }, 'a', { '==': [v('x'), 2] }, 'b', { '==': [v('x'), 3] }, 'c', 'd'] } },
      'chain-no-else': { state: 'ENABLED', variants: { a: 'a', b: 'b', d: 'd' }, defaultVariant: 'd', targeting: { if: [{ '==': [v('x'), 1] }, 'a', { '==': [v('x'), 2] }, 'b'] } },
      nested: { state: 'ENABLED', variants: { a: 'a', b: 'b', c: 'c', d: 'd' }, defaultVariant: 'd', targeting: { if: [{ '>': [v('x'), 1] }, { if: [{ '>': [v('x'), 2] }, 'a', 'b'] }, { if: [{ '==': [v('y'), 'z'] }, 'c'] }] } },
      'nested-no-else-then-leaf': { state: 'ENABLED', variants: { a: 'a', b: 'b', d: 'd' }, defaultVariant: 'd', targeting: { if: [{ '>': [v('x'), 1] }, { if: [{ '>': [v('x'), 2] }, 'a'] }, 'b'] } },
    },
  },
  contexts: [{}, { x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }, { y: 'z' }, { x: 0, y: 'z' }, { x: 5, y: 'z' }],
});

files.push({
  name: 'fractional',
  config: {
    flags: {
      'default-key': { state: 'ENABLED', variants: { red: 'red', green: 'green', blue: 'blue', grey: 'grey' }, defaultVariant: 'grey', targeting: { fractional: [['red', 50], ['green', 30], ['blue', 20]] } },
      'explicit-var': { state: 'ENABLED', variants: { a: 'a', b: 'b', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [v('email'), ['a', 1], ['b', 1]] } },
      'cat-key': { state: 'ENABLED', variants: { a: 'a', b: 'b', c: 'c', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [{ cat: [v('$flagd.flagKey'), v('email')] }, ['a', 10], ['b', 20], ['c', 70]] } },
      'cat-mixed': { state: 'ENABLED', variants: { a: 'a', b: 'b', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [{ cat: ['seed-', v('org'), ':', v('targetingKey')] }, ['a', 50], ['b', 50]] } },
      'inside-if': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [{ '==': [v('country'), 'DE'] }, { fractional: [['on', 25], ['off', 75]] }, 'off'] } },
      'fractional-then-fallback': { state: 'ENABLED', variants: { a: 'a', b: 'b', c: 'c' }, defaultVariant: 'c', targeting: { if: [{ '!!': v('beta') }, { fractional: [v('email'), ['a', 50], ['b', 50]] }, 'b'] } },
      'zero-weight': { state: 'ENABLED', variants: { a: 'a', b: 'b', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [['a', 0], ['b', 1]] } },
      'all-zero': { state: 'ENABLED', variants: { a: 'a', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [['a', 0]] } },
      'negative-weight': { state: 'ENABLED', variants: { a: 'a', b: 'b', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [['a', -5], ['b', 3]] } },
      'null-bucket': { state: 'ENABLED', variants: { a: 'a', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [['a', 50], [null, 50]] } },
      'big-weights': { state: 'ENABLED', variants: { a: 'a', b: 'b', z: 'z' }, defaultVariant: 'z', targeting: { fractional: [['a', 1000000000], ['b', 1000000000]] } },
      'string-key': { state: 'ENABLED', variants: { a: 'a', b: 'b', z: 'z' }, defaultVariant: 'z', targeting: { fractional: ['constant-key', ['a', 50], ['b', 50]] } },
    },
  },
  contexts: [
    {}, { targetingKey: 'user-1' }, { targetingKey: 'user-2', email: 'a@b.c', country: 'DE', beta: true, org: 'acme' },
    { targetingKey: 'user-3', email: 'x@y.z', country: 'DE' }, { targetingKey: 'user-4', country: 'DE', beta: true },
    { targetingKey: '' }, { targetingKey: 42, email: 'n@u.m' }, { targetingKey: 'user-5', org: 7, country: 'FR' },
    { targetingKey: 'user-6', email: 'six@example.com', org: true }, { targetingKey: 'user-7', email: 7 },
    ...Array.from({ length: 24 }, (_, i) => ({ targetingKey: `t-${i * 7919}`, email: `e${i}@example.com`, country: i % 2 ? 'DE' : 'FR', beta: i % 3 === 0, org: `o${i % 4}` })),
  ],
});

files.push({
  name: 'sem_ver',
  config: {
    flags: {
      eq: ifOn({ sem_ver: [v('version'), '=', '2.0.0'] }),
      ne: ifOn({ sem_ver: [v('version'), '!=', '2.0.0'] }),
      lt: ifOn({ sem_ver: [v('version'), '<', '2.0.0'] }),
      lte: ifOn({ sem_ver: [v('version'), '<=', '2.0.0'] }),
      gt: ifOn({ sem_ver: [v('version'), '>', '2.0.0'] }),
      gte: ifOn({ sem_ver: [v('version'), '>=', '2.0.0'] }),
      caret: ifOn({ sem_ver: [v('version'), '^', '3.1.0'] }),
      tilde: ifOn({ sem_ver: [v('version'), '~', '3.1.0'] }),
      'pre-release': ifOn({ sem_ver: [v('version'), '>=', '1.0.0-beta.2'] }),
      'loose-literal': ifOn({ sem_ver: [v('version'), '>=', 'v1.2'] }),
      'invalid-literal': flag({ if: [{ sem_ver: [v('version'), '=', '2.0.0.0'] }, 'on', 'off'] }),
      'unknown-operator': ifOn({ sem_ver: [v('version'), '=>', '2.0.0'] }),
    },
  },
  contexts: [
    {}, { version: '2.0.0' }, { version: '1.9.9' }, { version: '2.0.1' }, { version: '2.0.0-rc.1' }, { version: 'v2.0.0' },
    { version: '3.1.5' }, { version: '3.2.0' }, { version: '3.0.9' }, { version: '4.0.0-alpha' }, { version: '1.0.0-beta.10' },
    { version: '1.0.0-beta.1' }, { version: '1.2' }, { version: '7' }, { version: 'not-a-version' }, { version: '2.0.0+build.5' },
  ],
});

files.push({
  name: '$evaluators and $ref',
  config: {
    $evaluators: {
      isEU: { in: [v('country'), ['DE', 'FR', 'IT']] },
      isAdult: { '>=': [v('age'), 18] },
      euAdult: { and: [{ $ref: 'isEU' }, { $ref: 'isAdult' }] },
      isThisFlag: { '==': [v('$flagd.flagKey'), 'ref-flag-key'] },
      split: { fractional: [['on', 50], ['off', 50]] },
    },
    flags: {
      'ref-simple': ifOn({ $ref: 'isEU' }),
      'ref-nested': ifOn({ $ref: 'euAdult' }),
      'ref-twice': { state: 'ENABLED', variants: { a: 'a', b: 'b', c: 'c' }, defaultVariant: 'c', targeting: { if: [{ $ref: 'isEU' }, 'a', { '!': { $ref: 'isEU' } }, 'b'] } },
      'ref-flag-key': ifOn({ $ref: 'isThisFlag' }),
      'ref-other-flag-key': ifOn({ $ref: 'isThisFlag' }),
      'ref-result': { state: 'ENABLED', variants: bool, defaultVariant: 'off', targeting: { $ref: 'split' } },
    },
  },
  contexts: [{}, { country: 'DE', age: 30, targetingKey: 'u1' }, { country: 'US', age: 30, targetingKey: 'u2' }, { country: 'FR', age: 12, targetingKey: 'u3' }],
});

// flagd-testbed flags/custom-ops.json and flags/evaluator-refs.json (supported flags, verbatim).
files.push({
  name: 'flagd-testbed custom-ops (fractional, starts/ends, sem_ver)',
  testbed: 'open-feature/flagd-testbed flags/custom-ops.json',
  config: {
    flags: {
      'fractional-flag': { state: 'ENABLED', variants: { clubs: 'clubs', diamonds: 'diamonds', hearts: 'hearts', spades: 'spades', wild: 'wild' }, defaultVariant: 'wild', targeting: { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'user.name' }] }, ['clubs', 25], ['diamonds', 25], ['hearts', 25], ['spades', 25]] } },
      'fractional-single-entry-flag': { state: 'ENABLED', variants: { single: 'single', fallback: 'fallback' }, defaultVariant: 'fallback', targeting: { fractional: [['single', 1]] } },
      'fractional-flag-shorthand': { state: 'ENABLED', variants: { heads: 'heads', tails: 'tails', draw: 'draw' }, defaultVariant: 'draw', targeting: { fractional: [['heads'], ['tails', 1]] } },
      'fractional-flag-A-shared-seed': { state: 'ENABLED', variants: { clubs: 'clubs', diamonds: 'diamonds', hearts: 'hearts', spades: 'spades', wild: 'wild' }, defaultVariant: 'wild', targeting: { fractional: [{ cat: ['shared-seed', { var: 'user.name' }] }, ['clubs', 25], ['diamonds', 25], ['hearts', 25], ['spades', 25]] } },
      'fractional-flag-B-shared-seed': { state: 'ENABLED', variants: { clubs: 'ace-of-clubs', diamonds: 'ace-of-diamonds', hearts: 'ace-of-hearts', spades: 'ace-of-spades', wild: 'wild' }, defaultVariant: 'wild', targeting: { fractional: [{ cat: ['shared-seed', { var: 'user.name' }] }, ['clubs', 25], ['diamonds', 25], ['hearts', 25], ['spades', 25]] } },
      'fractional-hash-edge-flag': { state: 'ENABLED', variants: { lower: 'lower', upper: 'upper' }, defaultVariant: 'lower', targeting: { fractional: [{ var: 'targetingKey' }, ['lower', 50], ['upper', 50]] } },
      'starts-ends-flag': { state: 'ENABLED', variants: { prefix: 'prefix', postfix: 'postfix', none: 'none' }, defaultVariant: 'none', targeting: { if: [{ starts_with: [{ var: 'id' }, 'abc'] }, 'prefix', { if: [{ ends_with: [{ var: 'id' }, 'xyz'] }, 'postfix', { if: [{ ends_with: [{ var: 'id' }, 3] }, 'fail', 'none'] }] }] } },
      'equal-greater-lesser-version-flag': { state: 'ENABLED', variants: { equal: 'equal', greater: 'greater', lesser: 'lesser', none: 'none' }, defaultVariant: 'none', targeting: { if: [{ sem_ver: [{ var: 'version' }, '=', '2.0.0'] }, 'equal', { if: [{ sem_ver: [{ var: 'version' }, '>', '2.0.0'] }, 'greater', { if: [{ sem_ver: [{ var: 'version' }, '<', '2.0.0'] }, 'lesser', { if: [{ sem_ver: [{ var: 'version' }, '=', '2.0.0.0'] }, 'fail', 'none'] }] }] }] } },
      'major-minor-version-flag': { state: 'ENABLED', variants: { minor: 'minor', major: 'major', none: 'none' }, defaultVariant: 'none', targeting: { if: [{ sem_ver: [{ var: 'version' }, '~', '3.0.0'] }, 'minor', { if: [{ sem_ver: [{ var: 'version' }, '^', '3.0.0'] }, 'major', 'none'] }] } },
      'semver-v-prefix-flag': { state: 'ENABLED', variants: { match: 'match', 'no-match': 'no-match' }, defaultVariant: 'no-match', targeting: { if: [{ sem_ver: [{ var: 'version' }, '=', 'v1.0.0'] }, 'match', 'no-match'] } },
      'semver-partial-version-flag': { state: 'ENABLED', variants: { match: 'match', 'no-match': 'no-match' }, defaultVariant: 'no-match', targeting: { if: [{ sem_ver: [{ var: 'version' }, '^', '1'] }, 'match', 'no-match'] } },
      'semver-build-metadata-flag': { state: 'ENABLED', variants: { match: 'match', 'no-match': 'no-match' }, defaultVariant: 'no-match', targeting: { if: [{ sem_ver: [{ var: 'version' }, '=', '1.0.0+build'] }, 'match', 'no-match'] } },
    },
  },
  contexts: [
    {}, { user: { name: 'jack' } }, { user: { name: 'queen' } }, { user: { name: 'ace' } }, { user: { name: 'joker' } },
    { targetingKey: 'jon@company.com' }, { targetingKey: 'some-targeting-key' }, { targetingKey: 'ejOF2bYrW' },
    { id: 'abcdef' }, { id: 'uvwxyz' }, { id: 'lmnopq' }, { id: 3 }, { version: '2.0.0' }, { version: '2.1.0' }, { version: '1.9.0' },
    { version: '3.0.1' }, { version: '3.1.0' }, { version: '4.0.0' }, { version: '1.0.0' }, { version: 'v1.0.0' }, { version: '1.5.2' },
    { version: '1.0.0+build' }, { version: '1.0.0+other' },
  ],
});

files.push({
  name: 'flagd-testbed evaluator-refs',
  testbed: 'open-feature/flagd-testbed flags/evaluator-refs.json',
  config: {
    flags: {
      'some-email-targeted-flag': { state: 'ENABLED', variants: { hi: 'hi', bye: 'bye', none: 'none' }, defaultVariant: 'none', targeting: { if: [{ $ref: 'is_ballmer' }, 'hi', 'bye'] } },
      'some-other-email-targeted-flag': { state: 'ENABLED', variants: { yes: 'yes', no: 'no', none: 'none' }, defaultVariant: 'none', targeting: { if: [{ $ref: 'is_ballmer' }, 'yes', 'no'] } },
      'nested-ref-targeted-flag': { state: 'ENABLED', variants: { privileged: 'privileged', standard: 'standard', none: 'none' }, defaultVariant: 'none', targeting: { if: [{ $ref: 'is_privileged' }, 'privileged', 'standard'] } },
    },
    $evaluators: {
      is_ballmer: { '==': ['ballmer@macrosoft.com', { var: ['email'] }] },
      is_privileged: { or: [{ $ref: 'is_ballmer' }, { '==': ['admin', { var: ['role'] }] }] },
    },
  },
  contexts: [{}, { email: 'ballmer@macrosoft.com' }, { email: 'gates@macrosoft.com' }, { role: 'admin' }, { role: 'user', email: 'x' }],
});

// flagd-core 4.0.1 substitutes each $ref once, in the order of $evaluators, with the evaluator's
// text as written: a $ref inside an evaluator that comes later is left unresolved, and the flag
// then fails to parse (PARSE_ERROR). flagd (Go) and flagd-testbed resolve nested references, and
// so does rollgate. So the reference evaluates the document with every $ref resolved first
// (recursively, as flagd does); `$ref_resolved: true` on a file records that.
function resolveRefs(config) {
  const evaluators = config.$evaluators;
  if (!evaluators) return { config, resolved: false };
  let nested = false;
  const walk = (node, depth) => {
    if (Array.isArray(node)) return node.map((x) => walk(x, depth));
    if (node === null || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === '$ref') {
      if (depth > 0) nested = true;
      return walk(evaluators[node.$ref], depth + 1);
    }
    return Object.fromEntries(keys.map((k) => [k, walk(node[k], depth)]));
  };
  const flags = walk(config.flags, 0);
  const { $evaluators, ...rest } = config;
  return { config: { ...rest, flags }, resolved: nested };
}

// --- run -------------------------------------------------------------------------------------
const nowMs = Date.now();
const out = {
  spec_version: 1,
  generator: `tests/vectors/gen/gen_flagd.mjs with @openfeature/flagd-core ${flagdVersion}`,
  now_ms: nowMs,
  files: [],
};
for (const f of files) {
  const core = new FlagdCore(undefined, quiet);
  const { config: reference, resolved } = resolveRefs(f.config);
  core.setConfigurations(JSON.stringify(resolved ? reference : f.config));
  const evaluations = [];
  for (const key of Object.keys(f.config.flags)) {
    for (const context of f.contexts) {
      evaluations.push({ flag: key, context, expected: evaluate(core, f.config, key, context) });
    }
  }
  const metadata = {};
  for (const [key, fl] of core.getFlags()) metadata[key] = fl.metadata;
  out.files.push({ name: f.name, ...(f.testbed ? { source: f.testbed } : {}), ...(resolved ? { $ref_resolved: true } : {}), config: f.config, metadata, evaluations });
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
