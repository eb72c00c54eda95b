// rollgate edge — per-isolate accumulation of small mergeable summaries, flushed to the
// coordinator every few seconds (never per request). SPDX-License-Identifier: MIT
//
// Wire format of one flush (POST /__rollgate/internal/report), documented in docs/edge.md:
// { isolate, batch, sentAt, counters: {...},
//   windows: [{ rollout, window, arms: { stable: ArmSummary, canary: ArmSummary } }] }
// ArmSummary = { requests, newUnits, statuses: {"2xx": n, ...}, errors, networkErrors,
//                latency: <sketch JSON> | null, mismatches: <report JSON> | null,
//                shadow: { sent, compared, equal, noise, failed, skipped },
//                exposures,    (units shown a guarded flag, once per isolate and window)
//                timing: {name: <sketch JSON>} | null,   (origin Server-Timing durations, timing.js)
//                units: <unit summary JSON> | null }     (exposed units and their events, units.js)
import * as engine from './engine.js';
import { emptyTimingCounters, timingToWire, freeTiming } from './timing.js';
import { emptyEventCounters, unitsToWire, freeUnits } from './units.js';

export const ARMS = ['stable', 'canary'];

export function emptyCounters() {
  return {
    failOpen: { settings: 0, coordinator: 0, state: 0, evaluation: 0, internal: 0 },
    flushErrors: 0,
    // Undelivered batches given up (re-sent for longer than flush.js RETRY_MS), and the requests
    // they counted: the only way an isolate loses counts.
    droppedBatches: 0,
    droppedRequests: 0,
    overrides: 0,
    tamperedCookies: 0,
    tamperedOverrides: 0,
    serverTiming: emptyTimingCounters(), // origin Server-Timing headers read, and what was skipped (timing.js)
    events: emptyEventCounters(), // the events endpoint: batches accepted, refused and why (events.js)
  };
}

/**
 * Adds a flush's counters into `into`, for the keys of emptyCounters() only: what a summary may
 * add to a stored record is fixed, whatever it holds.
 */
export function addCounters(into, from) {
  if (!from || typeof from !== 'object') return;
  for (const [k, v] of Object.entries(into)) {
    const x = from[k];
    if (v && typeof v === 'object') addCounters(v, x);
    else if (Number.isFinite(x) && x > 0) into[k] = v + Math.floor(x);
  }
}

/** Requests counted in a flush's windows (for the status and for dropped batches). */
export function batchRequests(batch) {
  let n = 0;
  for (const w of (batch && batch.windows) || []) for (const a of ARMS) n += (w.arms && w.arms[a] && w.arms[a].requests) | 0;
  return n;
}

/** One arm's summary, as workers accumulate it and the coordinator merges it. */
export function newArm() {
  return {
    requests: 0,
    newUnits: 0, // fresh random units minted here (each one exists once, globally): the SRM's sample
    statuses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    errors: 0,
    networkErrors: 0,
    sketch: null,
    report: null,
    shadow: { sent: 0, compared: 0, equal: 0, noise: 0, failed: 0, skipped: 0 },
    exposures: 0, // guarded flag rollouts: units the edge or a page evaluated the flag for (flags-delivery.js)
    timing: null, // Server-Timing name → sketch of its durations (timing.js)
    units: null, // exposed units and their events: the core's UnitSummary (units.js)
    unitNames: null, // the event names in `units` (coordinator side: bounds how many merge in)
  };
}

function statusClass(status) {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? `${c}xx` : '5xx';
}

/** One isolate's accumulator. */
export class Accumulator {
  constructor() {
    this._isolate = null; // random id, made on first use (no randomness allowed at global scope)
    this.seq = 0;
    this.windows = new Map(); // `${rollout}\u0000${window}` → { rollout, window, arms }
    this.counters = emptyCounters();
    this.dirty = false;
    this.pending = []; // the batch whose delivery failed (at most one), re-sent first (receivers dedupe)
    this.flushing = null;
    this.timer = 0; // when the waiting flush timer was armed (0: none)
    this.sending = 0; // when the delivery under way started (0: none)
  }

  get isolate() {
    return (this._isolate ||= crypto.randomUUID());
  }

  arm(rollout, window, arm) {
    const key = `${rollout}\u0000${window}`;
    let w = this.windows.get(key);
    if (!w) {
      w = { rollout, window, arms: { stable: newArm(), canary: newArm() } };
      this.windows.set(key, w);
    }
    this.dirty = true;
    return w.arms[arm];
  }

  /**
   * Count one proxied request. `status` is 0 when the origin could not be reached; `newUnit` is
   * true when the unit was minted for this request (no header, no valid cookie).
   */
  recordRequest(rollout, window, arm, status, latencyMs, newUnit = false) {
    const a = this.arm(rollout, window, arm);
    a.requests++;
    if (newUnit) a.newUnits++;
    if (status === 0) {
      a.networkErrors++;
      a.errors++;
    } else {
      a.statuses[statusClass(status)]++;
      if (status >= 500) a.errors++;
    }
    // Last: if the sketch rejects the value (it throws), the counts above still stand.
    if (Number.isFinite(latencyMs) && latencyMs >= 0) {
      if (!a.sketch) a.sketch = engine.newSketch();
      a.sketch.add(latencyMs);
    }
  }

  /** Count a rollgate-side problem (fail open) or another counter. */
  count(path) {
    const [group, name] = path.split('.');
    if (name) this.counters[group][name]++;
    else this.counters[group]++;
    this.dirty = true;
  }

  /** Serialises a WASM object; a failure loses that object only (counted), never the counts. */
  wire(obj, toWire) {
    if (!obj) return null;
    try {
      return toWire(obj);
    } catch {
      this.counters.failOpen.evaluation++;
      return null;
    }
  }

  /** The summaries to send, and a fresh accumulator state. Frees the WASM objects. */
  take() {
    const windows = [];
    for (const w of this.windows.values()) {
      const arms = {};
      for (const name of ARMS) {
        const a = w.arms[name];
        arms[name] = {
          requests: a.requests,
          newUnits: a.newUnits,
          statuses: a.statuses,
          errors: a.errors,
          networkErrors: a.networkErrors,
          latency: this.wire(a.sketch, engine.sketchToWire),
          mismatches: this.wire(a.report, engine.reportToWire),
          shadow: a.shadow,
          exposures: a.exposures,
          timing: timingToWire(a.timing, (sk, f) => this.wire(sk, f)),
          units: unitsToWire(a.units, (u, f) => this.wire(u, f)),
        };
        try {
          engine.freeSketch(a.sketch);
          engine.freeReport(a.report);
          freeTiming(a.timing);
          freeUnits(a.units);
        } catch {
          // already gone: nothing to free
        }
      }
      windows.push({ rollout: w.rollout, window: w.window, arms });
    }
    const batch = {
      isolate: this.isolate,
      batch: `${this.isolate}:${++this.seq}`,
      sentAt: Date.now(),
      counters: this.counters,
      windows,
    };
    this.windows = new Map();
    this.counters = emptyCounters();
    this.dirty = false;
    return batch;
  }
}
