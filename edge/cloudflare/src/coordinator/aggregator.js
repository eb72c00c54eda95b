// rollgate edge — an aggregator: a Durable Object between a shard of isolates and the rollout's
// coordinator (docs/edge.md, "At scale"). SPDX-License-Identifier: MIT
//
// Isolates post their flushes here (same format as to the coordinator) and read the rollout state
// here (cached aggregatorStateMs). Every forwardMs the aggregator cuts what it merged into ONE
// batch of the same format, stores it, acknowledges the isolates whose flushes it holds, and sends
// it to the coordinator, re-sending the same batch until the coordinator has stored it. So:
// - an isolate's flush is acknowledged only once it is in a stored outgoing batch (a restart of
//   the aggregator loses nothing acknowledged, and an unacknowledged flush is retried);
// - the dedupe table stored with that batch is the one that matches it (a retried flush is
//   recognised exactly when its data is in a stored batch);
// - the coordinator dedupes the aggregator's batches by their sequence, like an isolate's.
// No rule about the rollout is here: it merges counts, sketches and reports (the core merges).
import * as engine from '../engine.js';
import { readSettings } from '../settings.js';
import { ARMS, emptyCounters, addCounters } from '../metrics.js';
import { INTERNAL, json, readJson, log } from '../http.js';
import { emptyArms, freeArms, mergeArm } from './arms.js';
import { Dedupe, parseBatchId } from './dedupe.js';
import { storeChunked, Saver } from './storage.js';
import { BUDGET, REPORT_BODY_MAX, storedArm, objectText } from './bounds.js';

export const AGG_KEY = 'aggregator';
export const AGG_PREFIX = INTERNAL + 'agg/';
/**
 * Windows (rollout, window) one outgoing batch holds; a flush that would add more waits. Two:
 * the window in force and the one before it (late flushes); with unit summaries (≤ 672 Ki per
 * arm, bounds.js) two windows' arms stay within what storage.js can chunk.
 */
const WINDOWS_MAX = 2;
/** A flush not acknowledged within this long is answered 503: its isolate retries it later. */
const WAIT_MAX_MS = 10000;

/** A generation of merged flushes: acknowledged together once they are in a stored batch. */
function generation() {
  let resolve;
  const done = new Promise((r) => (resolve = r));
  return { ids: new Set(), done, resolve };
}

export class Aggregator {
  constructor(state, env, stored) {
    this.state = state;
    this.env = env;
    // The stored part: identity, outgoing batch (text) and the dedupe table that matches it.
    this.rec = stored ? stored.meta : null;
    this.outgoing = stored && stored.outgoing ? JSON.stringify(stored.outgoing) : null;
    this.outgoingStored = !!this.outgoing;
    this.outgoingGen = null; // the generation waiting for `outgoing` to be stored
    this.dedupe = new Dedupe(this.rec ? this.rec.dedupe : undefined);
    this.fresh = this.emptyFresh();
    this.cached = null; // { state, until }
    this.inflight = null;
    this.scheduled = false;
    const s = readSettings(env);
    this.saver = new Saver(() => this.serialise(), (text) => storeChunked(state.storage, AGG_KEY, text), 0);
    this.stats = { received: 0, duplicates: 0, forwarded: 0, forwardErrors: 0, busy: 0, timedOut: 0, lastForwardError: null };
    if (this.outgoing) this.schedule(s.forwardMs);
  }

  emptyFresh() {
    return { windows: new Map(), counters: emptyCounters(), isolates: new Set(), batches: 0, gen: generation() };
  }

  async fetch(request, url) {
    const s = readSettings(this.env);
    try {
      if (url.pathname === AGG_PREFIX + 'state' && request.method === 'GET') return await this.readState(s);
      if (url.pathname === AGG_PREFIX + 'report' && request.method === 'POST') {
        return await this.ingest(await readJson(request, REPORT_BODY_MAX), s, url);
      }
      if (url.pathname === AGG_PREFIX + 'status' && request.method === 'GET') return json(this.status());
      return json({ error: 'not found' }, 404);
    } catch (e) {
      const status = e.status || 500;
      if (status >= 500) log('error', 'aggregator error', { error: String(e.stack || e) });
      return json({ error: engine.describeError(e) }, status);
    }
  }

  coordinator(s) {
    return s.coordinator.get(s.coordinator.idFromName(s.rolloutName));
  }

  /** The coordinator's worker state, asked for once per aggregatorStateMs however many isolates ask. */
  async readState(s) {
    if (this.cached && Date.now() < this.cached.until) return json(this.cached.state);
    this.inflight ||= (async () => {
      const asked = Date.now();
      const r = await this.coordinator(s).fetch('https://coordinator' + INTERNAL + 'state');
      if (!r.ok) throw Object.assign(new Error(`coordinator answered ${r.status}`), { status: 502 });
      const state = await r.json();
      this.cached = { state, until: asked + s.aggregatorStateMs };
      return state;
    })().finally(() => {
      this.inflight = null;
    });
    try {
      return json(await this.inflight);
    } catch (e) {
      return json({ error: String(e.message || e) }, 502);
    }
  }

  /** Merges an isolate's flush into the current generation and answers once it is stored. */
  async ingest(batch, s, url) {
    const id = batch && parseBatchId(batch.batch);
    if (!id || !Array.isArray(batch.windows)) return json({ error: 'malformed report' }, 400);
    this.identify(url);
    this.stats.received++;
    if (this.dedupe.seen(id.source, id.seq)) {
      this.stats.duplicates++;
      const g = [this.fresh.gen, this.outgoingGen].find((x) => x && x.ids.has(batch.batch));
      return g ? this.wait(g) : json({ ok: true, duplicate: true });
    }
    const keys = batch.windows.map((w) => `${w.rollout}\u0000${w.window}`);
    const adds = new Set(keys.filter((k) => !this.fresh.windows.has(k))).size;
    if (this.fresh.windows.size > 0 && this.fresh.windows.size + adds > WINDOWS_MAX) {
      this.stats.busy++;
      return json({ error: 'aggregator busy: retry' }, 503);
    }
    this.dedupe.accept(id.source, id.seq, Date.now());
    const f = this.fresh;
    f.gen.ids.add(batch.batch);
    f.isolates.add(id.source);
    f.batches++;
    addCounters(f.counters, batch.counters);
    batch.windows.forEach((w, i) => {
      let acc = f.windows.get(keys[i]);
      if (!acc) f.windows.set(keys[i], (acc = { rollout: w.rollout, window: w.window, arms: emptyArms() }));
      for (const arm of ARMS) {
        const a = w.arms && w.arms[arm];
        if (!a) continue;
        const problems = [];
        mergeArm(acc.arms[arm], a, problems);
        if (problems.length) {
          f.counters.failOpen.evaluation += problems.length;
          log('error', 'aggregator rejected part of a summary', { source: id.source, arm, problems });
        }
      }
    });
    this.schedule(s.forwardMs);
    return this.wait(f.gen);
  }

  /** The aggregator's shard and name, given by isolates in the query (stored with the record). */
  identify(url) {
    if (this.rec) return;
    const shard = Number(url.searchParams.get('shard'));
    this.rec = {
      shard: Number.isInteger(shard) ? shard : -1,
      // A new incarnation if the storage was ever lost: the coordinator then sees a new source
      // rather than old sequence numbers it would take for retries.
      source: `agg${Number.isInteger(shard) ? shard : 'x'}.${crypto.randomUUID().slice(0, 8)}`,
      seq: 0,
      dedupe: [],
    };
  }

  async wait(gen) {
    let timer;
    const late = new Promise((r) => (timer = setTimeout(() => r(false), WAIT_MAX_MS)));
    const ok = await Promise.race([gen.done.then(() => true), late]);
    clearTimeout(timer);
    if (ok) return json({ ok: true });
    this.stats.timedOut++;
    return json({ error: 'not stored yet: retry' }, 503);
  }

  schedule(ms) {
    if (this.scheduled) return;
    this.scheduled = true;
    this.state.storage.setAlarm(Date.now() + ms).catch((e) => {
      this.scheduled = false;
      log('error', 'aggregator could not set its alarm', { error: String(e) });
    });
  }

  /** Every forwardMs while there is work: store and send the outgoing batch, then cut the next. */
  async alarm() {
    this.scheduled = false;
    const s = readSettings(this.env);
    try {
      if (this.outgoing && !(await this.forward(s))) return;
      if (this.fresh.batches === 0) return;
      this.cut();
      if (await this.forward(s)) {
        this.saver.touch();
        await this.saver.commit(true); // drop the sent batch from storage (a resend would be a duplicate)
      }
    } finally {
      if (this.outgoing || this.fresh.batches > 0) this.schedule(s.forwardMs);
    }
  }

  /** What was merged becomes the next outgoing batch (JSON text), in the isolates' own format. */
  cut() {
    const f = this.fresh;
    this.fresh = this.emptyFresh();
    const r = this.rec;
    r.seq++;
    r.dedupe = this.dedupe.entries(); // exactly the flushes in this batch and earlier ones
    const trim = {};
    const windows = [];
    for (const w of f.windows.values()) {
      const arms = objectText(Object.fromEntries(ARMS.map((a) => [a, storedArm(w.arms[a], true, trim, BUDGET.reportNoExamples)])));
      windows.push(objectText({ rollout: JSON.stringify(w.rollout), window: JSON.stringify(w.window), arms }));
      freeArms(w.arms);
    }
    r.trimmed = trim;
    this.outgoing = objectText({
      isolate: JSON.stringify(r.source),
      batch: JSON.stringify(`${r.source}:${r.seq}`),
      sentAt: String(Date.now()),
      sources: JSON.stringify({ isolates: f.isolates.size, batches: f.batches }),
      counters: JSON.stringify(f.counters),
      windows: `[${windows.join(',')}]`,
    });
    this.outgoingStored = false;
    this.outgoingGen = f.gen;
  }

  /**
   * Stores the outgoing batch if it is not yet (then acknowledges its isolates) and sends it.
   * True once the coordinator has stored it.
   */
  async forward(s) {
    if (!this.outgoingStored) {
      await this.saver.commit(true);
      if (this.saver.dirty) return false; // the save failed: retried at the next alarm
      this.outgoingStored = true;
      if (this.outgoingGen) this.outgoingGen.resolve();
      this.outgoingGen = null;
    }
    try {
      const r = await this.coordinator(s).fetch('https://coordinator' + INTERNAL + 'report', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: this.outgoing,
      });
      if (!r.ok) throw new Error(`coordinator answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
      this.outgoing = null;
      this.stats.forwarded++;
      return true;
    } catch (e) {
      this.stats.forwardErrors++;
      this.stats.lastForwardError = String(e.message || e).slice(0, 300);
      return false;
    }
  }

  serialise() {
    return objectText({ meta: JSON.stringify(this.rec), outgoing: this.outgoing || 'null' });
  }

  status() {
    return {
      ...this.stats,
      source: this.rec && this.rec.source,
      seq: this.rec ? this.rec.seq : 0,
      pending: { batches: this.fresh.batches, isolates: this.fresh.isolates.size, windows: this.fresh.windows.size },
      outgoing: this.outgoing ? { stored: !!this.outgoingStored, chars: this.outgoing.length } : null,
      storage: { ...this.saver.status(), trimmed: (this.rec && this.rec.trimmed) || {} },
      dedupe: this.dedupe.stats(),
    };
  }
}
