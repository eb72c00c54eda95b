// Cloudflare Workers and strict-CSP pages forbid eval / new Function. This runs the API suites
// again in a child Node with --disallow-code-generation-from-strings (any string compilation
// throws EvalError), against both build flavours: it proves the glue, Embind (built with
// -sDYNAMIC_EXECUTION=0) and our JS never generate code at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root } from './support.mjs';

test('the API suites pass under --disallow-code-generation-from-strings', { timeout: 300_000 }, () => {
  const suites = ['bucket', 'flags', 'stats', 'canary', 'diff', 'openfeature'].map((s) => path.join(root, `tests/node/${s}.test.mjs`));
  // NODE_TEST_CONTEXT would make the child report to us in the runner's internal format.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--test', '--test-reporter=tap', ...suites], {
    encoding: 'utf8', cwd: root, env,
  });
  const summary = r.stdout.split('\n').filter((l) => /^# (tests|pass|fail)/.test(l)).join('; ');
  assert.equal(r.status, 0, `child run failed (${summary}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
  assert.match(summary, /# fail 0/);
  assert.doesNotMatch(summary, /# pass 0/);
  // Sanity: the flag really forbids code generation in that child.
  const probe = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', 'try { new Function("return 1")(); process.exit(1) } catch (e) { process.exit(e instanceof EvalError ? 0 : 2) }']);
  assert.equal(probe.status, 0);
});
