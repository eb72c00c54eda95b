// Test support: simulated isolates in Node. Each one runs the worker's own code for what reaches
// the coordinator: its Accumulator (metrics.js), the choice of its aggregator and the in-order,
// retried delivery of its batches (flush.js), and the core's coverage draw to pick arms. Only the
// Durable Object binding is replaced: a namespace whose stubs post over HTTP to a workerd running
// support/do-front.mjs (the real Coordinator class), with the object's name in a header.
// SPDX-License-Identifier: MIT
import { Accumulator } from '../../../edge/cloudflare/src/metrics.js';
import { flush, upstream } from '../../../edge/cloudflare/src/flush.js';
import * as engine from '../../../edge/cloudflare/src/engine.js';

/**
 * A Durable Object namespace reached over HTTP. `loseReplies` is the share of requests whose
 * answer is thrown away after the object handled them (the caller sees a failure and retries).
 */
export function remoteNamespace(frontUrl, { loseReplies = 0 } = {}) {
  const stats = { requests: 0, lostReplies: 0 };
  return {
    stats,
    idFromName: (name) => name,
    get: (name) => ({
      async fetch(url, init = {}) {
        const u = new URL(url);
        const headers = new Headers(init.headers);
        headers.set('x-rollgate-object', name);
        stats.requests++;
        const r = await fetch(frontUrl + u.pathname + u.search, { ...init, headers, signal: AbortSignal.timeout(30000) });
        if (loseReplies > 0 && init.method === 'POST' && Math.random() < loseReplies) {
          await r.arrayBuffer();
          stats.lostReplies++;
          throw new Error('reply lost (simulated)');
        }
        return r;
      },
    }),
  };
}

/** One simulated isolate: reads the state (cached ttlMs), counts requests, flushes. */
export class SimIsolate {
  constructor(s, ttlMs) {
    this.s = s;
    this.ttlMs = ttlMs;
    this.acc = new Accumulator();
    this.state = null;
    this.until = 0;
    this.sent = { stable: { requests: 0, errors: 0, newUnits: 0 }, canary: { requests: 0, errors: 0, newUnits: 0 } };
    this.flushes = 0;
    this.stateErrors = 0;
  }

  async readState() {
    const now = Date.now();
    if (this.state && now < this.until) return this.state;
    const up = upstream(this.s, this.acc);
    try {
      const r = await up.stub.fetch('https://coordinator' + up.state);
      if (!r.ok) throw new Error(`state ${r.status}`);
      this.state = await r.json();
      this.until = now + this.ttlMs;
    } catch {
      this.stateErrors++;
    }
    return this.state;
  }

  /** `n` requests of fresh units; canary requests fail when `canaryFails`. */
  serve(n, canaryFails) {
    const st = this.state;
    if (!st || !st.rollout) return;
    for (let i = 0; i < n; i++) {
      const unit = crypto.randomUUID();
      const arm = st.coverage > 0 && engine.inCoverage(unit, st.salt, st.coverage) ? 'canary' : 'stable';
      const status = arm === 'canary' && canaryFails ? 500 : 200;
      this.acc.recordRequest(st.rollout, st.window, arm, status, 5 + Math.random() * 40, true);
      const x = this.sent[arm];
      x.requests++;
      x.newUnits++;
      if (status >= 500) x.errors++;
    }
  }

  async flush() {
    this.flushes++;
    return flush(this.acc, this.s);
  }

  get idle() {
    return !this.acc.dirty && this.acc.pending.length === 0;
  }
}
