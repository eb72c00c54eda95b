// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// FlagSource: where a page or a service gets its flag configuration, and how it stays fresh
// (docs/js-api.md, "Flag delivery"). It loads the configuration from a URL (the edge worker serves
// its project's at /__rollgate/flags), refreshes it by polling with ETag or by a server-sent
// event stream, backs off on failure and keeps the last configuration that compiled. It can start
// from a configuration inlined in the page (no flash of default values), emits change events,
// and swaps evaluators without invalidating one a caller is still holding.
//
// Rules about flags stay in the core: the source only fetches text, hands it to compile() and
// reports the core's error (code and pointer) when the core rejects it.
import { checkFormatIfLoaded, compile } from './flags.js';
import { RollgateError, invalidArgument } from './errors.js';
import { ExposureQueue } from './exposure.js';

/** Where a source stands (OpenFeature's provider states, in rollgate's words). */
export const SourceStatus = Object.freeze({
  /** No configuration yet. */
  NotReady: 'not_ready',
  /** Serving a configuration that is fresh. */
  Ready: 'ready',
  /** Serving the last good configuration, but refreshing has failed for longer than staleAfterMs. */
  Stale: 'stale',
  /** No configuration could be loaded at all. */
  Error: 'error',
  /** close() was called. */
  Closed: 'closed',
});

/** Failures of the source itself (docs/errors/js.md). */
const FetchFailed = 'rollgate.js.807';
const BadResponse = 'rollgate.js.808';

const DEFAULTS = { intervalMs: 30_000, timeoutMs: 10_000, initialBackoffMs: 1_000, maxBackoffMs: 60_000 };

function positiveInt(v, name, fallback, min = 1) {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < min) throw invalidArgument(`${name} must be an integer >= ${min}`, `/${name}`);
  return v;
}

/**
 * A flag configuration that stays fresh.
 *
 *   const flags = new FlagSource({ url: '/__rollgate/flags', bootstrap: window.__ROLLGATE_FLAGS__ });
 *   await flags.ready();            // resolves at once with a bootstrap
 *   flags.evaluate('new-checkout', { targetingKey: userId });
 *   flags.on('change', () => render());
 */
export class FlagSource {
  /**
   * @param {{
   *   url?: string, bootstrap?: string | object, refresh?: 'poll' | 'stream' | 'none',
   *   intervalMs?: number, timeoutMs?: number, initialBackoffMs?: number, maxBackoffMs?: number,
   *   staleAfterMs?: number, fetch?: typeof fetch, headers?: Record<string, string>,
   *   format?: 'rollgate' | 'flagd' | 'flagd-js',
   * }} options
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgument('FlagSource needs {url} or {bootstrap}');
    const { url, bootstrap } = options;
    if (url === undefined && bootstrap === undefined) throw invalidArgument('FlagSource needs {url} or {bootstrap}', '/url');
    if (url !== undefined && typeof url !== 'string' && !(url instanceof URL)) throw invalidArgument('url must be a string or a URL', '/url');
    this.url = url === undefined ? null : String(url);
    this.refresh = options.refresh ?? (this.url ? 'poll' : 'none');
    if (!['poll', 'stream', 'none'].includes(this.refresh)) throw invalidArgument('refresh must be "poll", "stream" or "none"', '/refresh');
    this.intervalMs = positiveInt(options.intervalMs, 'intervalMs', DEFAULTS.intervalMs, 100);
    this.timeoutMs = positiveInt(options.timeoutMs, 'timeoutMs', DEFAULTS.timeoutMs, 10);
    this.initialBackoffMs = positiveInt(options.initialBackoffMs, 'initialBackoffMs', DEFAULTS.initialBackoffMs);
    this.maxBackoffMs = positiveInt(options.maxBackoffMs, 'maxBackoffMs', DEFAULTS.maxBackoffMs);
    this.staleAfterMs = positiveInt(options.staleAfterMs, 'staleAfterMs', 2 * this.intervalMs);
    this._fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (this.url && typeof this._fetch !== 'function') throw invalidArgument('no fetch available: pass options.fetch', '/fetch');
    this._headers = { ...(options.headers || {}) };
    // The configuration's format, as compile() takes it (checked now when the module is loaded).
    this._compileOptions = options.format === undefined ? undefined : { format: options.format };
    if (this._compileOptions) checkFormatIfLoaded(this._compileOptions);
    if (options.exposures !== undefined && typeof options.exposures !== 'string') throw invalidArgument('exposures must be a URL (the edge: /__rollgate/exposures)', '/exposures');
    /** Exposures sent to the edge (options.exposures), or null. */
    this.exposures = options.exposures ? new ExposureQueue(options.exposures, { fetch: this._fetch, flushMs: options.exposureFlushMs }) : null;
    this.status = SourceStatus.NotReady;
    /** The error of the last failed load or refresh (a RollgateError), or null. */
    this.lastError = null;
    /** The ETag of the configuration in force (from the server), or null. */
    this.etag = null;
    /** Epoch ms of the last successful load or 304 (or of the bootstrap: staleness counts from it). */
    this.lastSuccessAt = 0;
    /** Configurations swapped in so far (bootstrap included). */
    this.version = 0;
    this._evaluator = null;
    this._previous = null; // kept alive one swap longer: a caller may still hold it
    this._listeners = new Map();
    this._timer = null;
    this._abort = null;
    this._failures = 0;
    this._closed = false;
    this._ready = new Promise((resolve, reject) => {
      this._resolveReady = resolve;
      this._rejectReady = reject;
    });
    this._ready.catch(() => {}); // observed through ready(); never an unhandled rejection
    if (bootstrap !== undefined && this._swap(bootstrap, null, 'bootstrap')) this.lastSuccessAt = Date.now();
    if (this.url) this._schedule(0); // the first load; bootstrap or not, fetch the latest
    else if (this.status === SourceStatus.NotReady) this._fail(this.lastError);
  }

  /** Resolves once a configuration is in force; rejects if the first load fails with no bootstrap. */
  ready() {
    return this._ready;
  }

  /** The evaluator in force (valid until the swap after next; prefer evaluate()). */
  get evaluator() {
    if (!this._evaluator) {
      throw new RollgateError('rollgate.js.803', '', `no flag configuration yet (status ${this.status}): await ready() first`);
    }
    return this._evaluator;
  }

  /** Evaluates a flag with the configuration in force (see FlagEvaluator.evaluate). */
  evaluate(flagKey, context, options) {
    const r = this.evaluator.evaluate(flagKey, context, options);
    this._exposed(flagKey, context, r);
    return r;
  }

  /** Evaluates every flag with the configuration in force. */
  evaluateAll(context, options) {
    const all = this.evaluator.evaluateAll(context, options);
    if (this.exposures) for (const k of Object.keys(all)) this._exposed(k, context, all[k]);
    return all;
  }

  /** @internal Notes an exposure (options.exposures) of a successful evaluation. */
  _exposed(flagKey, context, r) {
    if (!this.exposures || !r || r.errorCode !== undefined) return;
    this.exposures.note(flagKey, context && context.targetingKey, this.etag ?? this.version);
  }

  /**
   * Listens to 'change' ({version, etag, source}), 'error' (RollgateError), 'stale' and 'ready'.
   * @returns {() => void} removes the listener
   */
  on(event, listener) {
    if (typeof listener !== 'function') throw invalidArgument('listener must be a function');
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(listener);
    return () => this._listeners.get(event)?.delete(listener);
  }

  /** Loads now (outside the schedule); resolves when done, never rejects (errors are events). */
  async refreshNow() {
    if (!this.url || this._closed) return;
    clearTimeout(this._timer);
    this._timer = null;
    await this._poll(this.refresh !== 'stream');
  }

  /** Stops refreshing and frees the evaluators. Idempotent. */
  close() {
    if (this._closed) return;
    this._closed = true;
    clearTimeout(this._timer);
    this._abort?.abort();
    this.status = SourceStatus.Closed;
    this.exposures?.close();
    for (const ev of [this._evaluator, this._previous]) ev?.dispose();
    this._evaluator = this._previous = null;
    this._listeners.clear();
  }

  [Symbol.dispose ?? Symbol.for('nodejs.dispose')]() {
    this.close();
  }

  // --- internals ------------------------------------------------------------------------------

  _emit(event, value) {
    for (const fn of [...(this._listeners.get(event) || [])]) {
      try {
        fn(value);
      } catch {
        // A listener's bug must not stop the source.
      }
    }
  }

  /** Compiles and swaps in a configuration; false (and an error event) when the core rejects it. */
  _swap(config, etag, origin) {
    let next;
    try {
      next = compile(config, this._compileOptions);
    } catch (e) {
      this._problem(e instanceof RollgateError ? e : new RollgateError(BadResponse, '', String(e?.message ?? e)));
      return false;
    }
    const retired = this._previous;
    this._previous = this._evaluator;
    this._evaluator = next;
    retired?.dispose();
    this.etag = etag;
    this.version++;
    this.lastError = null;
    const wasReady = this.status === SourceStatus.Ready;
    this.status = SourceStatus.Ready;
    this._resolveReady();
    if (!wasReady) this._emit('ready');
    this._emit('change', { version: this.version, etag, source: origin });
    return true;
  }

  _problem(error) {
    this.lastError = error;
    this._emit('error', error);
    if (this._evaluator) {
      if (this.status === SourceStatus.Ready && Date.now() - this.lastSuccessAt >= this.staleAfterMs) {
        this.status = SourceStatus.Stale;
        this._emit('stale', error);
      }
    } else if (this.status === SourceStatus.NotReady || this.status === SourceStatus.Error) {
      this._fail(error);
    }
  }

  _fail(error) {
    this.status = SourceStatus.Error;
    this._rejectReady(error ?? new RollgateError(FetchFailed, '', 'no flag configuration could be loaded'));
  }

  _schedule(ms) {
    if (this._closed) return;
    this._timer = setTimeout(() => {
      this._timer = null;
      (this.refresh === 'stream' ? this._stream() : this._poll(true)).catch(() => {});
    }, ms);
    // A page or a server should not stay alive only to refresh flags.
    this._timer?.unref?.();
  }

  _backoff() {
    this._failures++;
    const ms = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (this._failures - 1));
    return Math.round(ms * (0.5 + Math.random() / 2)); // jitter: a fleet does not retry in step
  }

  async _request(extraHeaders = {}) {
    this._abort = new AbortController();
    const timer = setTimeout(() => this._abort.abort(), this.timeoutMs);
    try {
      return await this._fetch(this.url, { headers: { ...this._headers, ...extraHeaders }, signal: this._abort.signal, cache: 'no-cache' });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One conditional GET. With `reschedule`, arms the next one: after the interval when polling,
   * after a back-off on failure, and (refresh "none") only until a first configuration loaded.
   */
  async _poll(reschedule) {
    let delay = this.intervalMs;
    let failed = false;
    try {
      const headers = { accept: 'application/json' };
      if (this.etag) headers['if-none-match'] = this.etag;
      const response = await this._request(headers);
      if (response.status === 304) {
        await response.body?.cancel?.();
        this._ok();
      } else if (!response.ok) {
        await response.body?.cancel?.();
        throw new RollgateError(FetchFailed, '', `GET ${this.url} answered HTTP ${response.status}`);
      } else {
        const text = await this._readText(response);
        if (this._swap(text, response.headers.get('etag'), 'fetch')) this._ok();
        else failed = true;
      }
    } catch (e) {
      this._problem(this._asError(e));
      failed = true;
    }
    if (failed) delay = this._backoff();
    this._lastDelay = delay;
    if (reschedule && (this.refresh === 'poll' || failed || this.version === 0)) this._schedule(delay);
    return !failed;
  }

  _ok() {
    this._failures = 0;
    this.lastSuccessAt = Date.now();
    if (this.status === SourceStatus.Stale) {
      this.status = SourceStatus.Ready;
      this._emit('ready');
    }
  }

  async _readText(response) {
    try {
      return await response.text();
    } catch (e) {
      throw new RollgateError(FetchFailed, '', `reading ${this.url} failed: ${e?.message ?? e}`);
    }
  }

  _asError(e) {
    if (e instanceof RollgateError) return e;
    const why = e?.name === 'AbortError' ? `no answer within ${this.timeoutMs} ms` : String(e?.message ?? e);
    return new RollgateError(FetchFailed, '', `GET ${this.url} failed: ${why}`, { cause: e });
  }

  /**
   * Server-sent events: `event: config` with the configuration as data (and its ETag as `id`).
   * The stream is read with fetch (Node has no EventSource); a dropped stream reconnects with
   * back-off, and each reconnection first polls once so nothing is missed in between.
   */
  async _stream() {
    let delay = this.initialBackoffMs;
    try {
      // Catch up first: whatever changed while no stream was open.
      if (!(await this._poll(false))) {
        delay = this._lastDelay;
        return;
      }
      this._abort = new AbortController();
      const response = await this._fetch(this.url, { headers: { ...this._headers, accept: 'text/event-stream' }, signal: this._abort.signal });
      if (!response.ok || !response.body) {
        await response.body?.cancel?.();
        throw new RollgateError(FetchFailed, '', `event stream ${this.url} answered HTTP ${response.status}`);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this._event(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (this._closed) return;
      this._problem(this._asError(e));
      delay = this._backoff();
    } finally {
      this._schedule(delay); // a closed stream reconnects (after a back-off if it failed)
    }
  }

  _event(block) {
    let event = 'message';
    let id = null;
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('id:')) id = line.slice(3).trim();
    }
    if (event !== 'config' || data.length === 0) return;
    // A stream opens with the configuration in force, which the poll before it may have loaded.
    if (id !== null && id === this.etag) {
      this._ok();
      return;
    }
    if (this._swap(data.join('\n'), id, 'stream')) this._ok();
  }
}
