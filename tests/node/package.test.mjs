// `npm pack` produces a package that a fresh project installs (from the tarball alone: offline,
// no registry) and uses in Node through its exports map: the main entry and rollgate/openfeature,
// then rollgate/flags and rollgate/flags/openfeature alone.
// Also checks the tarball holds what `files` allowlists and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './support.mjs';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack -> install the tarball in a fresh project -> use it', { timeout: 180_000 }, () => {
  assert.ok(existsSync(path.join(root, 'dist/rollgate.wasm')), 'dist/ is built (scripts/bootstrap.sh)');
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-pack-'));
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root));
    const files = packed[0].files.map((f) => f.path).sort();
    for (const needed of ['package.json', 'dist/rollgate.wasm', 'dist/rollgate.mjs', 'dist/node.js', 'dist/browser.js', 'dist/workerd.js',
      'dist/index.d.ts', 'dist/openfeature.d.ts', 'dist/openfeature-node.js', 'dist/rollgate-flags.wasm', 'dist/rollgate-flags.mjs',
      'dist/flags-node.js', 'dist/flags-browser.js', 'dist/flags-workerd.js', 'dist/flags.d.ts', 'dist/api/evaluation.d.ts', 'dist/flags-openfeature-node.js']) {
      assert.ok(files.includes(needed), `${needed} in ${files.join(', ')}`);
    }
    assert.ok(!files.some((f) => f.startsWith('tests/') || f.startsWith('core/') || f.startsWith('wasm/')), files.join(', '));
    const tarball = path.join(dir, packed[0].filename);
    const app = path.join(dir, 'app');
    run('mkdir', ['-p', app], dir);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', '--offline', '--no-package-lock', tarball], app);
    writeFileSync(path.join(app, 'main.mjs'), `
      import { init, bucket, compile, stats, version } from 'rollgate';
      import { RollgateProvider } from 'rollgate/openfeature';
      await init();
      const ev = compile({ schemaVersion: 1, flags: [{ key: 'f', variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
        defaultVariation: 'off', rules: [{ conditions: [{ attribute: 'country', op: 'equals', value: 'DE' }], serve: { variation: 'on' } }] }] });
      const p = new RollgateProvider({ schemaVersion: 1, flags: [] });
      await p.initialize();
      console.log(JSON.stringify({
        version: version(),
        fraction: bucket('alice', 'new-checkout'),
        de: ev.evaluate('f', { targetingKey: 'u', country: 'DE' }).value,
        us: ev.evaluate('f', { targetingKey: 'u', country: 'US' }).value,
        u: stats.mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]).statistic,
        provider: (await p.resolveBooleanEvaluation('missing', true, {})).errorCode,
      }));
    `);
    const out = JSON.parse(run(process.execPath, ['main.mjs'], app));
    assert.deepEqual(out, { version: '0.1.0', fraction: 0.4241408303321975, de: true, us: false, u: 17, provider: 'FLAG_NOT_FOUND' });
    // rollgate/flags (issue 15) through the exports map, alone in its process: its own module.
    writeFileSync(path.join(app, 'flags.mjs'), `
      import { init, compile, Bucketer } from 'rollgate/flags';
      import { RollgateProvider } from 'rollgate/flags/openfeature';
      await init();
      const ev = compile({ schemaVersion: 1, flags: [{ key: 'f', variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
        defaultVariation: 'off', rules: [{ conditions: [{ attribute: 'country', op: 'equals', value: 'DE' }], serve: { variation: 'on' } }] }] });
      const p = new RollgateProvider(ev);
      await p.initialize();
      console.log(JSON.stringify({ fraction: new Bucketer('new-checkout').bucket('alice'), de: ev.bind({ targetingKey: 'u', country: 'DE' }).values()[0],
        provider: (await p.resolveBooleanEvaluation('f', false, { targetingKey: 'u', country: 'DE' })).value }));
    `);
    assert.deepEqual(JSON.parse(run(process.execPath, ['flags.mjs'], app)), { fraction: 0.4241408303321975, de: true, provider: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
