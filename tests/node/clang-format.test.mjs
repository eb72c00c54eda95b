// Every tracked C++ file (.cpp, .hpp) is formatted as the committed .clang-format says: the test
// runs `clang-format --dry-run -Werror` over all of them at once (under a second) and names the
// files that differ. Fix with `clang-format -i <file>`. Goes red on any unformatted C++ change.
// SPDX-License-Identifier: MIT
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './support.mjs';

const CLANG_FORMAT = process.env.CLANG_FORMAT || 'clang-format';

test('every tracked .cpp and .hpp is clang-format clean', () => {
  assert.ok(existsSync(join(root, '.clang-format')), 'the style file .clang-format is committed');
  const git = spawnSync('git', ['ls-files', '-z', '--', '*.cpp', '*.hpp'], { cwd: root, encoding: 'utf8' });
  assert.equal(git.status, 0, `git ls-files failed (the check needs a git checkout): ${git.stderr}`);
  const files = git.stdout.split('\0').filter(Boolean).filter((f) => existsSync(join(root, f)));
  assert.ok(files.length >= 50, `only ${files.length} C++ files found`);
  const run = spawnSync(CLANG_FORMAT, ['--dry-run', '-Werror', ...files], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.error, undefined, `${CLANG_FORMAT} did not run (${run.error?.message}): scripts/bootstrap.sh installs Debian's clang-format`);
  // Each finding starts "<file>:<line>:<col>: error: code should be clang-formatted".
  const unformatted = [...new Set([...run.stderr.matchAll(/^(.+?):\d+:\d+: error:/gm)].map((m) => m[1]))].sort();
  assert.deepEqual(unformatted, [], `not clang-format clean (run clang-format -i on them):\n${unformatted.join('\n')}`);
  assert.equal(run.status, 0, run.stderr.slice(0, 4000));
});
