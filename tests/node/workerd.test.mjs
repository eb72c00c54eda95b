// The package inside Cloudflare's workerd (npm `workerd`, the open-source Workers runtime): the
// "workerd" loader instantiates the .wasm imported as a compiled module, with no eval (workerd
// forbids code generation from strings). The worker runs the bucketing and flags vectors sent by
// this test and answers with the results, which must equal the golden values.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { flavours, distDir, root, vectors } from './support.mjs';
import { launchWorkerd, freePort } from '../../edge/cloudflare/scripts/workerd-launch.mjs';

const workerdBin = path.join(root, 'node_modules/.bin/workerd');

const workerSource = `
import { init, bucketDraws, bucketBatch, compile, stats, judge, version } from 'rollgate/workerd.js';
export default {
  async fetch(request) {
    await init();
    const input = await request.json();
    const draws = input.draws.map((d) => {
      const r = bucketDraws(d.unit, d.salt);
      return { coverageHash: r.coverageHash.toString(16).padStart(16, '0'), variantHash: r.variantHash.toString(16).padStart(16, '0'), fraction: r.fraction };
    });
    const batch = Array.from(bucketBatch(input.draws.map((d) => d.unit), 'new-checkout'));
    const flags = input.flags.map((c) => {
      const ev = compile(c.config);
      const r = ev.evaluate(c.flag, c.context, { now: c.now });
      ev.dispose();
      return { value: r.value ?? null, variant: r.variant ?? null, reason: r.reason, ruleIndex: r.ruleIndex, errorCode: r.errorCode ?? null };
    });
    const mw = stats.mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    let error;
    try { compile('{"flags": 1}'); } catch (e) { error = { name: e.name, code: e.code, isError: e instanceof Error }; }
    let evalBlocked = false;
    try { new Function('return 1'); } catch { evalBlocked = true; }
    return Response.json({ version: version(), draws, batch, flags, mw, error, evalBlocked });
  },
};
`;

for (const flavour of flavours) {
  describe(`workerd [${flavour}]`, () => {
    let dir;
    let proc;
    let port;
    before(async () => {
      assert.ok(existsSync(workerdBin), `workerd is not installed at ${workerdBin} (npm ci installs it)`);
      dir = mkdtempSync(path.join(tmpdir(), 'rollgate-workerd-'));
      cpSync(distDir(flavour), path.join(dir, 'rollgate'), { recursive: true });
      writeFileSync(path.join(dir, 'worker.mjs'), workerSource);
      const files = readdirSync(path.join(dir, 'rollgate')).filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
      const modules = [
        '(name = "worker.mjs", esModule = embed "worker.mjs")',
        ...files.map((f) => `(name = "rollgate/${f}", esModule = embed "rollgate/${f}")`),
        '(name = "rollgate/rollgate.wasm", wasm = embed "rollgate/rollgate.wasm")',
      ];
      port = await freePort();
      writeFileSync(path.join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .w)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const w :Workerd.Worker = (
  modules = [${modules.join(',\n    ')}],
  compatibilityDate = "2024-09-23",
);
`);
      // The edge's launcher: own process group, killed on stop, exit or a hard timeout.
      proc = await launchWorkerd({ bin: workerdBin, config: path.join(dir, 'config.capnp'), ports: [port], probe: 'tcp', hardTimeoutMs: 120000 });
    });
    after(async () => {
      await proc?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('bucketing and flags vectors give the golden answers inside workerd', async () => {
      const bv = vectors('bucketing.json');
      const fv = vectors('flags.json');
      const flagCases = fv.cases.filter((_, i) => i % 4 === 0);
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify({ draws: bv.draws, flags: flagCases }) });
      assert.equal(res.status, 200, `${await res.clone().text()}\n${proc.logs.join('\n')}`);
      const out = await res.json();
      assert.equal(out.version, '0.1.0');
      out.draws.forEach((d, i) => {
        assert.equal(d.coverageHash, bv.draws[i].coverage_hash, bv.draws[i].note);
        assert.equal(d.variantHash, bv.draws[i].variant_hash, bv.draws[i].note);
        assert.equal(d.fraction, bv.draws[i].fraction, bv.draws[i].note);
      });
      bv.draws.forEach((d, i) => { if (d.salt === 'new-checkout') assert.equal(out.batch[i], d.fraction); });
      out.flags.forEach((got, i) => {
        const want = flagCases[i].expected;
        assert.deepEqual(got, { value: want.variant === null ? null : want.value, variant: want.variant, reason: want.reason, ruleIndex: want.ruleIndex, errorCode: want.errorCode }, flagCases[i].name);
      });
      assert.equal(out.mw.statistic, 17);
      assert.deepEqual(out.error, { name: 'RollgateError', code: out.error.code, isError: true });
      assert.match(out.error.code, /^rollgate\.config\.2\d\d$/);
      assert.equal(out.evalBlocked, true, 'workerd forbids code generation, and we did not need it');
    });
  });
}
