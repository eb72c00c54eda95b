// rollgate edge — the project's flag configuration, kept by the coordinator
// (docs/flag-delivery.md). SPDX-License-Identifier: MIT
//
// An operator stores a configuration with PUT /__rollgate/flags (bearer token). The core compiles
// it before it is accepted: a configuration it rejects is answered 400 with the core's id and
// pointer, and the one in force stays. Workers read the configuration as it is to be served
// through GET /__rollgate/internal/flags (conditional, with the ETag they hold), cache it for
// ROLLGATE_FLAGS_TTL_MS and serve it from their own host.
//
// A guarded flag rollout (a rollout whose `target` names a flag's variation) is applied at serving
// time by the core (with_flag_rollout, flag_rollout.hpp): the targeted serve (a rule, or the
// fallthrough) becomes a rollout of that variation whose coverage is the percentage the core
// decided (servingPercent), and an increase the core announced ahead (pending) becomes a second
// ramp step at its instant, so that every page and isolate switches at the same moment. The
// stored configuration itself is never rewritten; this file only stores, caches and answers.
import * as engine from '../engine.js';
import { storeChunked, loadChunked } from './storage.js';

export const FLAGS_KEY = 'flags';
/** Characters of a stored configuration (well inside storage.js's MAX_CHUNKS). */
export const FLAGS_MAX = 1 << 20;

/** Problems of the stored configuration (docs/errors/edge.md); a target's are the core's (plan.62x). */
const NO_FLAGS = 'rollgate.edge.902';
const TOO_LARGE = 'rollgate.edge.903';

function storeError(message, pointer, code, status) {
  return Object.assign(new Error(`[${code}] ${pointer ? `${pointer}: ` : ''}${message}`), { status, code, pointer });
}

/** Checks the shape of a start request's `target` ({flag, variation, rule?}); returns it cleaned. */
export function targetOf(t) {
  return t === undefined ? undefined : engine.flagTarget(t, '/target');
}

/**
 * The served text of configuration `text` under a rollout of `target` at `percent` (and `pending`
 * {percent, atMs} as a later ramp step): the core's with_flag_rollout. Throws its RollgateError
 * (rollgate.plan.621 with a pointer under /target) when the target is not in the configuration.
 */
export function withTarget(text, target, percent, pending) {
  return engine.withFlagRollout(text, target, percent, pending, '/target');
}

/** The flag configuration of one coordinator: stored text, version, and the served form. */
export class FlagStore {
  constructor(storage) {
    this.storage = storage;
    this.rec = null; // { text, version, updatedAt }
    this.memo = null; // { key, text, etag }: the served form of the last (record, rollout) pair
  }

  async load() {
    this.rec = await loadChunked(this.storage, FLAGS_KEY);
  }

  /**
   * Accepts a new configuration once the core compiled it, and (while a guarded flag rollout runs)
   * once the rollout's target is still in it. Returns what the status shows.
   */
  async put(text, r) {
    if (text.length > FLAGS_MAX) throw storeError(`the configuration is ${text.length} characters; at most ${FLAGS_MAX} are stored`, '', TOO_LARGE, 413);
    engine.checkFlags(text);
    const t = r && r.rollout && r.rollout.target;
    if (t) engine.checkFlags(withTarget(text, t, 0, null));
    const rec = { text, version: (this.rec ? this.rec.version : 0) + 1, updatedAt: new Date().toISOString() };
    await storeChunked(this.storage, FLAGS_KEY, JSON.stringify(rec));
    this.rec = rec;
    return this.status(r);
  }

  /** Checks that a rollout about to start can target its flag (the core compiles the result). */
  checkTarget(target) {
    if (!this.rec) throw storeError('no flag configuration is stored: PUT /__rollgate/flags first', '/target', NO_FLAGS, 409);
    engine.checkFlags(withTarget(this.rec.text, target, 0, null));
  }

  /**
   * The configuration as workers serve it now: {text, etag}, or null when none is stored. The
   * record `r` is the coordinator's (its rollout's target and the core's last action).
   */
  served(r) {
    if (!this.rec) return null;
    const t = r && r.rollout && r.rollout.target;
    const a = t ? r.action : null;
    const key = `${this.rec.version}\u0000${t ? JSON.stringify([t, a.servingPercent, a.pending || null]) : ''}`;
    if (this.memo && this.memo.key === key) return this.memo;
    let text = this.rec.text;
    if (t) {
      const pending = a.pending ? { percent: a.pending.percent, atMs: a.pending.atMs } : null;
      text = withTarget(text, t, a.servingPercent, pending);
    }
    this.memo = { key, text, etag: engine.textEtag(text) };
    return this.memo;
  }

  /** GET /__rollgate/internal/flags: 304 when the worker holds the served ETag. */
  answer(request, r) {
    const cur = this.served(r);
    if (!cur) return new Response(null, { status: 404, headers: { 'cache-control': 'no-store' } });
    // The rollout state's version the served form was made from: an isolate that holds an older
    // state asks for it again before it counts an exposure (flags-delivery.js).
    const headers = { etag: cur.etag, 'cache-control': 'no-store', 'x-rollgate-flags-version': String(this.rec.version), 'x-rollgate-state-version': String((r && r.version) || 0) };
    if (request.headers.get('if-none-match') === cur.etag) return new Response(null, { status: 304, headers });
    return new Response(cur.text, { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
  }

  status(r) {
    if (!this.rec) return { stored: false };
    const cur = this.served(r);
    return { stored: true, version: this.rec.version, updatedAt: this.rec.updatedAt, characters: this.rec.text.length, etag: cur.etag };
  }
}
