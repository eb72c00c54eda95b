// examples/node/*.mjs are documentation that runs: each is executed against the built package and
// its output compared with the committed <name>.output (as nlohmann/json's docs/examples do), so
// an example cannot drift from the API. Regenerate one after an intended change with
//   node examples/node/<name>.mjs > examples/node/<name>.output
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './support.mjs';

const dir = path.join(root, 'examples/node');
const examples = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();

test('there are examples', () => assert.ok(examples.length >= 5));

for (const file of examples) {
  test(`examples/node/${file} prints its .output`, () => {
    const r = spawnSync(process.execPath, [path.join(dir, file)], { encoding: 'utf8', cwd: root });
    assert.equal(r.status, 0, r.stderr);
    const expected = readFileSync(path.join(dir, file.replace(/\.mjs$/, '.output')), 'utf8');
    assert.equal(r.stdout, expected);
  });
}
