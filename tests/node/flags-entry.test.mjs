// "rollgate/flags": the flags-only module (rollgate-flags.wasm) gives the shared vectors' answers
// (tests/vectors/flags.json and bucketing.json, which the native tests read too), carries none of
// the analysis parts, serves the OpenFeature providers, and shares one runtime with the full
// entry in a process. Each case runs in a child process: the runtime holds one module per process.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDir, flavours, root } from './support.mjs';

function child(script) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: root });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

for (const flavour of flavours) {
  const dir = distDir(flavour);
  const url = (f) => JSON.stringify(pathToFileURL(path.join(dir, f)).href);
  describe(`rollgate/flags [${flavour}]`, () => {
    test('is built next to the full module', () => {
      assert.ok(existsSync(path.join(dir, 'rollgate-flags.wasm')), `${dir}/rollgate-flags.wasm (scripts/bootstrap.sh)`);
      assert.ok(existsSync(path.join(dir, 'flags-node.js')));
    });

    test('every shared flag and bucketing vector, from the flags-only module', () => {
      const out = child(`
        const r = await import(${url('flags-node.js')});
        const { moduleKind } = await import(${url('runtime.js')});
        await r.init();
        const fs = await import('node:fs');
        const fv = JSON.parse(fs.readFileSync('tests/vectors/flags.json', 'utf8'));
        const bv = JSON.parse(fs.readFileSync('tests/vectors/bucketing.json', 'utf8'));
        const bad = [];
        for (const c of fv.cases) {
          const ev = r.compile(c.config);
          const got = ev.evaluate(c.flag, c.context, { now: c.now });
          const w = c.expected;
          const same = got.reason === w.reason && got.ruleIndex === w.ruleIndex
            && (got.errorCode ?? null) === w.errorCode
            && (w.variant === null ? got.variationIndex === -1 : got.variant === w.variant && JSON.stringify(got.value) === JSON.stringify(w.value));
          if (!same) bad.push(c.name);
          ev.dispose();
        }
        for (const d of bv.draws) if (r.bucket(d.unit, d.salt) !== d.fraction || r.xxh3(d.salt) !== BigInt('0x' + d.seed)) bad.push(d.note);
        for (const m of bv.membership) if (r.inRollout(m.unit, m.salt, m.coverage) !== m.in) bad.push(JSON.stringify(m));
        console.log(JSON.stringify({ kind: moduleKind(), cases: fv.cases.length, bad, hasStats: 'stats' in r || 'judge' in r,
          exports: Object.keys(r).sort() }));
      `);
      assert.equal(out.kind, 'flags');
      assert.ok(out.cases >= 200);
      assert.deepEqual(out.bad, []);
      assert.equal(out.hasStats, false);
      for (const name of ['compile', 'validateFlags', 'FlagEvaluator', 'BoundContext', 'bucket', 'Bucketer', 'inRollout', 'FlagSource', 'init', 'version']) {
        assert.ok(out.exports.includes(name), name);
      }
    });

    test('the full entry refuses to start after it (rollgate.js.806); started first, it serves both', () => {
      const after = child(`
        const f = await import(${url('flags-node.js')});
        await f.init();
        const full = await import(${url('node.js')});
        let code = null;
        try { await full.init(); } catch (e) { code = e.code; }
        console.log(JSON.stringify({ code, stillWorks: f.bucket('alice', 'new-checkout') }));
      `);
      assert.deepEqual(after, { code: 'rollgate.js.806', stillWorks: 0.4241408303321975 });
      const before = child(`
        const full = await import(${url('node.js')});
        await full.init();
        const f = await import(${url('flags-node.js')});
        await f.init();
        const { moduleKind } = await import(${url('runtime.js')});
        console.log(JSON.stringify({ kind: moduleKind(), fraction: f.bucket('alice', 'new-checkout'), u: full.stats.mannWhitneyU([1, 2, 3], [4, 5, 6]).statistic }));
      `);
      assert.deepEqual(before, { kind: 'full', fraction: 0.4241408303321975, u: 0 });
    });

    test('OpenFeature providers from rollgate/flags/openfeature initialise the flags module', () => {
      const out = child(`
        const { RollgateProvider, RollgateWebProvider } = await import(${url('flags-openfeature-node.js')});
        const { moduleKind } = await import(${url('runtime.js')});
        const config = { schemaVersion: 1, flags: [{ key: 'f', variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
          defaultVariation: 'off', rules: [{ conditions: [{ attribute: 'country', op: 'equals', value: 'DE' }], serve: { variation: 'on' } }] }] };
        const p = new RollgateProvider(config);
        await p.initialize();
        const w = new RollgateWebProvider(config);
        await w.initialize();
        console.log(JSON.stringify({ kind: moduleKind(),
          de: (await p.resolveBooleanEvaluation('f', false, { targetingKey: 'u', country: 'DE' })).value,
          us: w.resolveBooleanEvaluation('f', true, { targetingKey: 'u', country: 'US' }).value,
          missing: (await p.resolveBooleanEvaluation('nope', true, {})).errorCode }));
      `);
      assert.deepEqual(out, { kind: 'flags', de: true, us: false, missing: 'FLAG_NOT_FOUND' });
    });

    if (flavour === 'release') {
      test('size: rollgate-flags.wasm and its glue stay within 132 KB gzipped, far below the full module', () => {
        // Issue 15 asks for 60 KB; measured 88.7 KB on 2026-12-02, then 119.2 KB once issue 18's
        // operators (regex, CIDR, loose versions...) arrived (docs/js-api.md "Size" says what it is
        // made of), then 136.5 KB with issue 18's flagd loader (compile(text, {format: 'flagd'}):
        // JSON Logic, $ref, fractional; its two source files at -Oz), which the flags module keeps
        // because flag-only users load flagd files too; 130.8 KB on 2026-12-03 once the compiler's
        // targeting, bucketing and regex parsing sources were compiled -Oz like the rest of it
        // (wasm/CMakeLists.txt). This guards against regressions until the core's flag compiler
        // shrinks.
        const gz = (f) => gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length;
        const total = gz('rollgate-flags.wasm') + gz('rollgate-flags.mjs');
        assert.ok(total <= 132 * 1024, `${total} bytes gzipped`);
        assert.ok(total * 3 < gz('rollgate.wasm') + gz('rollgate.mjs'), 'the flags module is not much smaller than the full one');
        // And it is the flags module: none of the analysis parts' exports.
        const text = readFileSync(path.join(dir, 'rollgate-flags.mjs'), 'utf8');
        assert.ok(!/mannWhitney|judge|_embind_register/.test(text), 'analysis or Embind code in the flags glue');
      });
    }
  });
}
