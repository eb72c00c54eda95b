// The self-test module (build/fastly/rollgate_fastly_selftest.wasm): the service's pure pieces
// exported for direct checks. Strings go in as UTF-8 through the module's scratch buffer.
// SPDX-License-Identifier: MIT
import './quiet.mjs';
import { readModule, SELFTEST_WASM } from './harness.mjs';
// Loaded after quiet.mjs: node:wasi warns as it loads.
const { WASI } = await import('node:wasi');


export function loadSelftest() {
  const wasi = new WASI({ version: 'preview1', returnOnExit: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readModule(SELFTEST_WASM)), {
    wasi_snapshot_preview1: wasi.wasiImport,
  });
  wasi.initialize(instance);
  const x = instance.exports;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const scratch = x.rg_scratch();
  const outPtr = x.rg_out();
  // Writes each argument (string or bytes) into the scratch buffer: [offset, length, ...].
  const args = (...values) => {
    const mem = new Uint8Array(x.memory.buffer);
    const flat = [];
    let at = 0;
    for (const v of values) {
      const b = typeof v === 'string' ? enc.encode(v) : v;
      if (at + b.length > 64 * 1024) throw new Error('scratch buffer too small');
      mem.set(b, scratch + at);
      flat.push(at, b.length);
      at += b.length;
    }
    return flat;
  };
  const bytesOut = (n) => (n < 0 ? null : new Uint8Array(x.memory.buffer, outPtr, n).slice());
  const textOut = (n) => (n < 0 ? null : dec.decode(bytesOut(n)));
  return {
    sha256: (m) => Buffer.from(bytesOut(x.rg_sha256(...args(m)))).toString('hex'),
    sha256Steps: (m, step) => Buffer.from(bytesOut(x.rg_sha256_steps(...args(m), step))).toString('hex'),
    sha256Repeat: (m, times) => Buffer.from(bytesOut(x.rg_sha256_repeat(...args(m), times))).toString('hex'),
    hmac: (k, m) => Buffer.from(bytesOut(x.rg_hmac(...args(k, m)))).toString('hex'),
    signUnit: (secret, id) => textOut(x.rg_sign_unit(...args(secret, id))),
    verifyUnit: (secret, value) => textOut(x.rg_verify_unit(...args(secret, value))),
    signOverride: (secret, arm, expiry) => textOut(x.rg_sign_override(...args(secret, arm, String(expiry)))),
    verifyOverride: (secret, token, nowMs) => textOut(x.rg_verify_override(...args(secret, token), BigInt(nowMs))),
    cookieValue: (header, name) => textOut(x.rg_cookie_value(...args(header, name))),
    uuid: (random16) => textOut(x.rg_uuid(args(random16)[0])),
    inCoverage: (unit, salt, coverage) => x.rg_in_coverage(...args(unit, salt), coverage) === 1,
    arm: (unit, salt, coverage) => (x.rg_arm(...args(unit, salt), coverage) === 1 ? 'canary' : 'stable'),
    flush: (status, latencyMs, canary) => JSON.parse(textOut(x.rg_flush(status, latencyMs, canary ? 1 : 0))),
    checkState: (json, nowMs) => {
      const t = textOut(x.rg_check_state(...args(typeof json === 'string' ? json : JSON.stringify(json)), BigInt(nowMs)));
      return t.startsWith('\n') ? { ok: true, coverage: Number(t.slice(1)) } : { ok: false, problem: t };
    },
  };
}
