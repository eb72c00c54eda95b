// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Exposures from a page (FlagSource's `exposures` option): which flags the page evaluated, sent to
// the edge (POST /__rollgate/exposures) so that a guarded flag rollout counts the units shown
// the flag. The unit is the page's own (the edge reads its signed cookie); the page sends each
// flag once per unit and configuration (its ETag: a new coverage is a new measurement window at
// the coordinator), in batches, with sendBeacon where there is one (a text/plain body: no CORS
// preflight) and fetch(keepalive) elsewhere. Sending never throws and never delays an evaluation.
const SEEN_MAX = 10_000;

export class ExposureQueue {
  /** @param {string} url  @param {{fetch?: typeof fetch, flushMs?: number}} options */
  constructor(url, options = {}) {
    this.url = url;
    this.flushMs = options.flushMs ?? 1000;
    this._fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
    this._seen = new Set();
    this._queue = new Set();
    this._timer = null;
    this.sent = 0; // batches sent (for tests and figures)
    this._onHide = () => this.flush();
    globalThis.addEventListener?.('pagehide', this._onHide);
  }

  /** Notes that `flagKey` was evaluated for `unit` under configuration `etag`. */
  note(flagKey, unit, etag) {
    const key = `${unit}\u0000${etag}\u0000${flagKey}`;
    if (this._seen.has(key)) return;
    if (this._seen.size >= SEEN_MAX) this._seen.clear();
    this._seen.add(key);
    this._queue.add(flagKey);
    if (!this._timer) {
      this._timer = setTimeout(() => this.flush(), this.flushMs);
      this._timer?.unref?.();
    }
  }

  /** Sends what is queued now. */
  flush() {
    clearTimeout(this._timer);
    this._timer = null;
    if (this._queue.size === 0) return;
    const body = JSON.stringify({ flags: [...this._queue] });
    this._queue.clear();
    this.sent++;
    try {
      const nav = globalThis.navigator;
      if (nav && typeof nav.sendBeacon === 'function' && nav.sendBeacon(this.url, new Blob([body], { type: 'text/plain' }))) return;
      this._fetch?.(this.url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, keepalive: true, credentials: 'same-origin' })?.catch?.(() => {});
    } catch {
      // Exposures are best effort: never the page's problem.
    }
  }

  close() {
    this.flush();
    globalThis.removeEventListener?.('pagehide', this._onHide);
  }
}
