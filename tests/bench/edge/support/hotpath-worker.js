// Benchmark worker for ../hotpath.mjs: runs rollgate's per-request work `n` times inside workerd
// (the same module the edge worker uses) and answers when done; the caller divides the wall
// time by n. workerd's clock only advances on I/O, so the timing must be taken from outside.
// SPDX-License-Identifier: MIT
import * as rg from 'rollgate';
import { signUnit, verifyUnit } from '../../../../edge/cloudflare/src/crypto.js';
// The worker's own Server-Timing path (timing.js: the core's parser, then a sketch per name).
import { initEngine } from '../../../../edge/cloudflare/src/engine.js';
import { Accumulator } from '../../../../edge/cloudflare/src/metrics.js';
import { timingProblem, observe } from '../../../../edge/cloudflare/src/timing.js';
// The events endpoint's path past the HTTP checks (events.js: the core's batch parser, the
// unit's arm, the record into the arm's unit summary) and a served request's exposure (units.js).
import { parseEventBatch } from '../../../../edge/cloudflare/src/engine.js';
import { armOf } from '../../../../edge/cloudflare/src/arm.js';
import { expose, recordEvent } from '../../../../edge/cloudflare/src/units.js';

const EVENTS = { events: ['purchase'] };
const EVENT_STATE = { rollout: 'bench', window: 1, coverage: 5000, salt: 'bench-salt' };
const BATCH = '{"events":[{"name":"purchase","value":31.5}]}';
const BATCH20 = JSON.stringify({ events: Array.from({ length: 20 }, (_, k) => ({ name: 'purchase', value: 10 + k })) });

const TIMING = { serverTiming: ['cpu', 'db'] };
const STATE = { rollout: 'bench', window: 1 };
let acc = null;
let headers = null;
let reader = null; // the package's reader alone (no accumulator): the parse's share

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
      await initEngine();
      const why = timingProblem(TIMING);
      if (why) throw new Error(why);
      acc = new Accumulator();
      reader = new rg.ServerTimingReader({ names: TIMING.serverTiming });
      // Three typical headers (two names collected, one not listed) and a malformed one.
      headers = [
        'cpu;dur=12.5, db;dur=3.1;desc="primary", cache;dur=0.4',
        'cpu;dur=8.25, db;dur=1.9',
        'db;dur=2.75;desc="replica", cpu;dur=15',
        'cpu;dur=abc, db;dur=4',
      ].map((v) => ({ headers: new Headers({ 'server-timing': v }) }));
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
      } else if (what === 'timing-parse') {
        canary += reader.parse(headers[i & 3].headers.get('server-timing')).entries.length;
      } else if (what === 'timing') {
        observe(acc, TIMING, STATE, i & 1 ? 'canary' : 'stable', headers[i & 3]);
      } else if (what === 'events-parse') {
        canary += parseEventBatch(BATCH, { backEnd: false, accept: EVENTS.events }).length;
      } else if (what === 'events') {
        const unit = cookies[i & 255];
        for (const e of parseEventBatch(BATCH, { backEnd: false, accept: EVENTS.events })) {
          recordEvent(acc, EVENT_STATE, await armOf(EVENTS, EVENT_STATE, unit), unit, e);
        }
      } else if (what === 'events-20') {
        const unit = cookies[i & 255];
        const arm = await armOf(EVENTS, EVENT_STATE, unit);
        for (const e of parseEventBatch(BATCH20, { backEnd: false, accept: EVENTS.events })) recordEvent(acc, EVENT_STATE, arm, unit, e);
      } else if (what === 'expose') {
        expose(acc, EVENTS, EVENT_STATE, i & 1 ? 'canary' : 'stable', cookies[i & 255]);
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
