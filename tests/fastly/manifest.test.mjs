// edge/fastly/fastly.toml declares what the service opens: the stores named in settings.hpp,
// the backends it sends to by default, the secrets settings.cpp reads, for a deployment
// ([setup]) and for local runs ([local_server]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './support/harness.mjs';

const toml = readFileSync(join(repo, 'edge/fastly/fastly.toml'), 'utf8');
const settingsHpp = readFileSync(join(repo, 'edge/fastly/src/settings.hpp'), 'utf8');
const settingsCpp = readFileSync(join(repo, 'edge/fastly/src/settings.cpp'), 'utf8');
const has = (header) => toml.split('\n').some((l) => l.trim() === `[${header}]`);

test('every store the service opens is declared for deployment and for local runs', () => {
  const stores = [...settingsHpp.matchAll(/inline constexpr std::string_view k\w+Store = "([a-z_]+)";/g)].map((m) => m[1]);
  assert.deepEqual(stores.sort(), ['rollgate_config', 'rollgate_secrets']);
  for (const s of ['rollgate_config']) {
    assert.ok(has(`setup.config_stores.${s}`), s);
    assert.ok(has(`local_server.config_stores.${s}`), s);
  }
  assert.ok(has('setup.secret_stores.rollgate_secrets'));
  assert.match(toml, /^rollgate_secrets = \[$/m);
});

test('the default backends and every secret read are declared', () => {
  for (const m of settingsHpp.matchAll(/std::string (\w+)_backend = "(\w+)";/g)) {
    assert.ok(has(`setup.backends.${m[2]}`), m[2]);
    assert.ok(has(`local_server.backends.${m[2]}`), m[2]);
  }
  const secrets = [...settingsCpp.matchAll(/secret\("(ROLLGATE_\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(secrets, ['ROLLGATE_COOKIE_SECRET', 'ROLLGATE_OVERRIDE_SECRET', 'ROLLGATE_PEER_TOKEN']);
  for (const s of secrets) {
    assert.ok(has(`setup.secret_stores.rollgate_secrets.entries.${s}`), s);
    assert.match(toml, new RegExp(`\\{ key = "${s}", data = "[^"]{16,}" \\}`), s);
  }
});
