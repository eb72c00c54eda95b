// Benchmark worker for ../hotpath.mjs: runs rollgate's per-request work `n` times inside workerd
// (the same module the edge worker uses) and answers when done; the caller divides the wall
// time by n. workerd's clock only advances on I/O, so the timing must be taken from outside.
// SPDX-License-Identifier: MIT
import * as rg from 'rollgate';
import { signUnit, verifyUnit } from '../../../../edge/cloudflare/src/crypto.js';

const SECRET = 'bench-cookie-secret-0123456789abcdef';
let cookies = null;
let sketch = null;

export default {
  async fetch(request) {
    await rg.init();
    if (!cookies) {
      const units = Array.from({ length: 256 }, () => crypto.randomUUID());
      cookies = await Promise.all(units.map((u) => signUnit(SECRET, u)));
      sketch = new rg.QuantileSketch();
    }
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') || 1);
    const what = url.searchParams.get('what') || 'whole';
    let canary = 0;
    for (let i = 0; i < n; i++) {
      if (what === 'noop') continue;
      if (what === 'verify') {
        await verifyUnit(SECRET, cookies[i & 255]);
      } else if (what === 'mint') {
        await signUnit(SECRET, crypto.randomUUID());
      } else if (what === 'draw') {
        canary += rg.inRollout(cookies[i & 255], 'bench-salt', 20000) ? 1 : 0;
      } else if (what === 'sketch') {
        sketch.add((i % 97) + 0.5);
      } else {
        const unit = await verifyUnit(SECRET, cookies[i & 255]);
        const c = rg.inRollout(unit, 'bench-salt', 20000);
        canary += c ? 1 : 0;
        sketch.add(c ? 3 : 2);
      }
    }
    return new Response(String(canary));
  },
};
