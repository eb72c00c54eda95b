// init(): idempotent, accepts an explicit WebAssembly.Module or bytes, fails with a RollgateError
// (rollgate.js.806: bad bytes, or a module from another build) that can be retried, and every API
// refuses to run before it (rollgate.js.803).
// Each scenario runs in a fresh Node process, since the module is a process-wide singleton.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { flavours, distDir } from './support.mjs';

function child(flavour, body) {
  const dir = distDir(flavour);
  const script = `
    import { readFile } from 'node:fs/promises';
    const r = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'node.js')).href)});
    const wasmPath = ${JSON.stringify(path.join(dir, 'rollgate.wasm'))};
    const out = {};
    ${body}
    console.log(JSON.stringify(out));
  `;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout);
}

for (const flavour of flavours) {
  describe(`init [${flavour}]`, () => {
    test('every API throws rollgate.js.803 before init', () => {
      const out = child(flavour, `
        for (const [name, f] of Object.entries({ bucket: () => r.bucket('a', 'b'), compile: () => r.compile('{}'),
          mwu: () => r.stats.mannWhitneyU([1], [2]), judge: () => r.judge('{}', '{}', '{}'), diff: () => r.diff(1, 2),
          sketch: () => new r.QuantileSketch(), version: () => r.version() })) {
          try { f(); out[name] = 'no error'; } catch (e) { out[name] = e.code; }
        }
        out.ready = r.isInitialized();`);
      assert.deepEqual(out, { bucket: 'rollgate.js.803', compile: 'rollgate.js.803', mwu: 'rollgate.js.803', judge: 'rollgate.js.803',
        diff: 'rollgate.js.803', sketch: 'rollgate.js.803', version: 'rollgate.js.803', ready: false });
    });

    test('init is idempotent: concurrent and repeated calls share one instance', () => {
      const out = child(flavour, `
        const a = r.init(); const b = r.init();
        out.same = a === b;
        await Promise.all([a, b]);
        await r.init();
        out.ready = r.isInitialized();
        out.fraction = r.bucket('alice', 'new-checkout');`);
      assert.deepEqual(out, { same: true, ready: true, fraction: 0.4241408303321975 });
    });

    test('an explicit WebAssembly.Module and explicit bytes both work', () => {
      const viaModule = child(flavour, `
        const module = await WebAssembly.compile(await readFile(wasmPath));
        await r.init({ module });
        out.fraction = r.bucket('alice', 'new-checkout');`);
      assert.equal(viaModule.fraction, 0.4241408303321975);
      const viaBytes = child(flavour, `
        await r.init({ wasmBinary: new Uint8Array(await readFile(wasmPath)) });
        out.fraction = r.bucket('alice', 'new-checkout');`);
      assert.equal(viaBytes.fraction, 0.4241408303321975);
    });

    test('a failed init rejects with rollgate.js.806 and can be retried', () => {
      const out = child(flavour, `
        try { await r.init({ wasmBinary: new Uint8Array([0, 1, 2, 3]) }); } catch (e) { out.code = e.code; out.isError = e instanceof Error; }
        try { await r.init({ module: 'not a module' }); } catch (e) { out.badArg = e.code; }
        out.readyAfterFailure = r.isInitialized();
        await r.init();
        out.fraction = r.bucket('alice', 'new-checkout');`);
      assert.deepEqual(out, { code: 'rollgate.js.806', isError: true, badArg: 'rollgate.js.804', readyAfterFailure: false, fraction: 0.4241408303321975 });
    });

    test('a module without one of the plain exports (another build) is refused with rollgate.js.806, and can be retried', () => {
      // The real module with its export "rg_version" renamed in place (every length-prefixed
      // occurrence of the name: the export section, and the name section of a debug build).
      const out = child(flavour, `
        const bytes = new Uint8Array(await readFile(wasmPath));
        const name = [10, ...new TextEncoder().encode('rg_version')];
        let renamed = 0;
        for (let i = 0; i + name.length <= bytes.length; i++) {
          let j = 0;
          while (j < name.length && bytes[i + j] === name[j]) j++;
          if (j === name.length) { bytes[i + name.length - 1] = 0x58; renamed++; }
        }
        out.renamed = renamed > 0;
        try { await r.init({ wasmBinary: bytes }); } catch (e) { out.code = e.code; out.names = e.message.includes('rg_version'); }
        out.readyAfterFailure = r.isInitialized();
        await r.init();
        out.fraction = r.bucket('alice', 'new-checkout');`);
      assert.deepEqual(out, { renamed: true, code: 'rollgate.js.806', names: true, readyAfterFailure: false, fraction: 0.4241408303321975 });
    });
  });
}
