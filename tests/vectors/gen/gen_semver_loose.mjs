#!/usr/bin/env node
// Generates tests/vectors/semver_loose.json: loose version parsing (core/src/detail/semver.hpp,
// semver_syntax::loose), read by tests/native/semver_loose_test.cpp.
//
// Why this script exists: loose versions are what flagd's `sem_ver` accepts ("v1.2.0", "1.2",
// "7"), so the answers come from a real flagd evaluator, @openfeature/flagd-core 4.0.1 (a
// devDependency), never from rollgate: each version is compared with "1.2.0" through a flagd
// flag whose targeting says "lt", "eq", "gt", or "invalid" when sem_ver cannot read the version.
// Where rollgate's documented rule differs from flagd-core (two rows, see RULES), the row carries
// "rule", flagd-core's answer, and the expectation of the rule.
//
// Regenerate (from the repository root, after `npm ci`; deterministic):
//   node tests/vectors/gen/gen_semver_loose.mjs > tests/vectors/semver_loose.json
import { FlagdCore } from '@openfeature/flagd-core';

const versions = ['1.2.0', 'v1.2.0', 'V1.2.0', '1.2', 'v1.2', '1', 'v1', '7', '0', '1.1', '1.3',
  '2', '1.2.0-rc.1', 'v1.2.0-rc.1', '1.2.0+build.7', 'v1.2.0+b', '1.2.1', '1.1.9', '10', '1.10',
  '1.2-rc.1', '1-rc.1', '1.2+b', 'v', '', 'vv1.2.0', '1.2.3.4', '1.', '.1', '1..2', 'x1.2',
  ' 1.2', '1.2 ', 'v 1.2', '01', '1.02', '01.2.0', '1.2.03', '999999999999999999', '1.999999',
  '1.2.0-', '1.2.0-01', '1.2.0-alpha.beta', 'version1', 'v1.2.0.0', '1.2.x', '-1.2'];

const flag = {
  state: 'ENABLED', defaultVariant: 'invalid',
  variants: { lt: 'lt', eq: 'eq', gt: 'gt', invalid: 'invalid' },
  targeting: { if: [
    { sem_ver: [{ var: 'v' }, '<', '1.2.0'] }, 'lt',
    { sem_ver: [{ var: 'v' }, '=', '1.2.0'] }, 'eq',
    { sem_ver: [{ var: 'v' }, '>', '1.2.0'] }, 'gt', 'invalid'] },
};
const core = new FlagdCore();
core.setConfigurations(JSON.stringify({ flags: { v: flag } }));
// rollgate's documented rule where it differs from flagd-core (semver.hpp, semver_syntax::loose).
const RULES = {
  'vv1.2.0': ['invalid', 'one leading v only: flagd-core strips one and node-semver a second; flagd (Go) refuses'],
  '999999999999999999': ['gt', 'numbers up to 18 digits, as in strict mode; node-semver stops at 2^53 - 1, Go has no limit'],
};
const rows = versions.map((v) => {
  const got = core.resolveStringEvaluation('v', 'invalid', { v }).value;
  if (RULES[v] && RULES[v][0] !== got) return { version: v, vs_1_2_0: RULES[v][0], rule: RULES[v][1], flagd_core: got };
  return { version: v, vs_1_2_0: got };
});
process.stdout.write(JSON.stringify({ spec_version: 1, generator: 'tests/vectors/gen/gen_semver_loose.mjs (@openfeature/flagd-core 4.0.1 sem_ver)', rows }, null, 1) + '\n');
