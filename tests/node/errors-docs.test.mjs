// Every error code the code raises has its heading in docs/errors/<area>.md, and every heading
// there is a code the code raises: the reference cannot lag behind a new code, nor keep one that
// is gone. Codes are found as literals `rollgate.<area>.<nnn>` in the sources of core/, wasm/
// (C++ and JavaScript), edge/ and the dashboard's web/src/; a range such as `rollgate.config.2xx` is not a code. A heading
// is a line `## rollgate.<area>.<nnn>`. Goes red when a code is added, renamed or dropped without
// its heading, or a heading sits in another area's file. SPDX-License-Identifier: MIT
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './support.mjs';

const SOURCE_DIRS = ['core', 'wasm', 'edge', 'web/src'];
const SOURCE_EXT = /\.(c|cc|cpp|h|hpp|js|mjs|cjs|ts)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', '.tmp', '.wrangler', '.git']);
const CODE = /rollgate\.([a-z]+)\.(\d{3})(?![0-9x])/g;
const HEADING = /^## (rollgate\.([a-z]+)\.\d{3})\s*$/;

function* sources(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('build-')) yield* sources(join(dir, e.name));
    } else if (SOURCE_EXT.test(e.name)) yield join(dir, e.name);
  }
}

/** code → the files (relative to the repository) that name it. */
function codesInSources() {
  const used = new Map();
  for (const top of SOURCE_DIRS) {
    for (const file of sources(join(root, top))) {
      for (const m of readFileSync(file, 'utf8').matchAll(CODE)) {
        const code = m[0];
        if (!used.has(code)) used.set(code, new Set());
        used.get(code).add(relative(root, file));
      }
    }
  }
  return used;
}

/** code → the docs/errors file that has its heading (and every heading in the wrong file). */
function headings() {
  const dir = join(root, 'docs/errors');
  const found = new Map();
  const misplaced = [];
  const duplicated = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const m = HEADING.exec(line);
      if (!m) continue;
      if (found.has(m[1])) duplicated.push(`${m[1]} (docs/errors/${found.get(m[1])} and ${name})`);
      found.set(m[1], name);
      if (`${m[2]}.md` !== name) misplaced.push(`${m[1]} is in docs/errors/${name}, not docs/errors/${m[2]}.md`);
    }
  }
  return { found, misplaced, duplicated };
}

const used = codesInSources();
const docs = headings();

test('the scan finds the codes (a broken pattern would pass everything below)', () => {
  assert.ok(used.size >= 50, `only ${used.size} codes found in ${SOURCE_DIRS.join(', ')}`);
  assert.ok(used.has('rollgate.config.201') && used.has('rollgate.js.801'), 'a C++ and a JavaScript code');
  assert.ok(docs.found.size >= 50, `only ${docs.found.size} headings in docs/errors`);
});

test('every code used in core/, wasm/, edge/ and web/src/ has its heading in docs/errors/<area>.md', () => {
  const missing = [...used]
    .filter(([code]) => {
      const area = code.split('.')[1];
      return docs.found.get(code) !== `${area}.md`;
    })
    .map(([code, files]) => `${code} (used in ${[...files].sort().join(', ')}): add "## ${code}" to docs/errors/${code.split('.')[1]}.md`);
  assert.deepEqual(missing, []);
});

test('every heading in docs/errors/ is a code the code uses, in its own area\'s file, once', () => {
  const unused = [...docs.found.keys()].filter((code) => !used.has(code)).map((code) => `${code} (docs/errors/${docs.found.get(code)}) is used nowhere in ${SOURCE_DIRS.join(', ')}`);
  assert.deepEqual(unused, []);
  assert.deepEqual(docs.misplaced, []);
  assert.deepEqual(docs.duplicated, []);
});
